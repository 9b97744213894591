from django.urls import path

from goldenthread.consent import views

app_name = "consent"

urlpatterns = [
    path("people/<int:person_id>/new/", views.consent_new, name="new"),
    path("people/<int:person_id>/competence/new/", views.assessment_new, name="assessment-new"),
    path("people/<int:person_id>/notice-given/", views.notice_given, name="notice-given"),
    path("<int:record_id>/", views.consent_detail, name="detail"),
    path("<int:record_id>/document/", views.consent_document, name="document"),
    path("<int:record_id>/withdraw/", views.consent_withdraw, name="withdraw"),
    path("competence/<int:assessment_id>/", views.assessment_detail, name="assessment"),
    path("how-we-share/<slug:agency_code>/", views.notice, name="notice"),
]
