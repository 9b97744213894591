from django.urls import include, path

urlpatterns = [
    path("", include("goldenthread.web.urls")),
    path("accounts/", include("goldenthread.web.account_urls")),
    path("admin-area/", include("goldenthread.agencies.urls")),
    path("audit/", include("goldenthread.web.audit_urls")),
    path("children/", include("goldenthread.people.urls")),
    path("sharing/", include("goldenthread.sharing.urls")),
    path("agreements/", include("goldenthread.agreements.urls")),
    path("exchange/", include("goldenthread.exchange.urls")),
    path("consent/", include("goldenthread.consent.urls")),
    path("notifications/", include("goldenthread.notifications.urls")),
]

handler403 = "goldenthread.web.views.permission_denied"
handler404 = "goldenthread.web.views.page_not_found"
handler500 = "goldenthread.web.views.server_error"
