from django.urls import path

from goldenthread.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("agency/switch/", views.switch_agency, name="switch-agency"),
    path("healthz", views.healthz, name="healthz"),
]
