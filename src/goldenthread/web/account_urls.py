from django.urls import path

from goldenthread.web import account_views as views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/unlock/", views.unlock, name="unlock"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("two-factor/set-up/", views.two_factor_set_up, name="two-factor-set-up"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("set-up/<str:uidb64>/<str:token>/", views.set_up, name="set-up"),
    path("password/", views.password_change, name="password-change"),
    path("", views.account, name="account"),
]
