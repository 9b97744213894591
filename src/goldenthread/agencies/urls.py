from django.urls import path

from goldenthread.agencies import views

app_name = "agencies"
urlpatterns = [
    path("users/", views.users, name="users"),
    path("users/new/", views.user_new, name="user-new"),
    path("users/<int:user_id>/", views.user_detail, name="user"),
    path("users/<int:user_id>/active/", views.user_active, name="user-active"),
    path(
        "users/<int:user_id>/reset-second-factor/",
        views.user_reset_second_factor,
        name="user-reset-second-factor",
    ),
    path("users/<int:user_id>/send-set-up-link/", views.user_send_setup_link, name="user-send-setup-link"),
    path("memberships/<int:membership_id>/end/", views.membership_end_view, name="membership-end"),
    path("memberships/waiting/", views.memberships_waiting, name="memberships-waiting"),
    path(
        "memberships/<int:membership_id>/approve/", views.membership_approve_view, name="membership-approve"
    ),
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/new/", views.agency_new, name="agency-new"),
]
