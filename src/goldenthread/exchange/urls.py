from django.urls import path

from goldenthread.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("team/", views.team_queue, name="team"),
    path("priorities/", views.priorities_page, name="priorities"),
    path("requests/new/", views.request_new, name="request-new"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("requests/<int:request_id>/withdraw/", views.request_withdraw, name="request-withdraw"),
    path(
        "received/<int:recipient_id>/acknowledge/", views.recipient_acknowledge, name="recipient-acknowledge"
    ),
    path("received/<int:recipient_id>/assign/", views.recipient_assign, name="recipient-assign"),
    path("received/<int:recipient_id>/answer/", views.recipient_answer, name="recipient-answer"),
    path("answers/<int:recipient_id>/dispute/", views.difference_raise, name="difference-raise"),
    path("differences/<int:difference_id>/resolve/", views.difference_resolve, name="difference-resolve"),
    path("disclosures/new/", views.disclosure_new, name="disclosure-new"),
    path("disclosures/<int:disclosure_id>/", views.disclosure_detail, name="disclosure"),
    path(
        "disclosures/<int:disclosure_id>/acknowledge/",
        views.disclosure_acknowledge,
        name="disclosure-acknowledge",
    ),
    path("disclosures/<int:disclosure_id>/action/", views.disclosure_action, name="disclosure-action"),
    path("disclosures/<int:disclosure_id>/correct/", views.disclosure_correct, name="disclosure-correct"),
]
