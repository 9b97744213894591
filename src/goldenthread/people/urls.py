from django.urls import path

from goldenthread.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:person_id>/", views.card, name="card"),
    path("<int:person_id>/purpose/", views.purpose, name="purpose"),
    path("<int:person_id>/access/", views.access, name="access"),
    path("<int:person_id>/break-glass/", views.break_glass, name="break-glass"),
    path("import/", views.import_records, name="import"),
    path("import/format/", views.import_format, name="import-format"),
    path("import/template.csv", views.import_template, name="import-template"),
    path("import/<int:batch_id>/", views.import_detail, name="import-detail"),
    path("import/<int:batch_id>/continue/", views.import_continue, name="import-continue"),
    path("import/<int:batch_id>/stop/", views.import_stop, name="import-stop"),
    path("reviews/", views.reviews, name="reviews"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:alert_id>/", views.alert_close, name="alert-close"),
    path("reviews/<int:review_id>/", views.review, name="review"),
    path("records/<int:record_id>/unlink/", views.record_unlink, name="record-unlink"),
]
