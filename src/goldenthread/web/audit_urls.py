from django.urls import path

from goldenthread.web import audit_views as views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("verify/", views.verify, name="verify"),
]
