from django.urls import path

from goldenthread.sharing.views import advice, decisions, guide

app_name = "sharing"
urlpatterns = [
    path("guide/", guide.guide_start, name="guide"),
    path("guide/start/", guide.guide_begin, name="guide-begin"),
    path("guide/questions/<slug:step_id>/", guide.guide_question, name="guide-question"),
    path("guide/check/", guide.guide_check, name="guide-check"),
    path("guide/recorded/<slug:step_id>/", guide.guide_correct, name="guide-correct"),
    path("guide/recommendation/", guide.guide_recommendation, name="guide-recommendation"),
    path("guide/flowchart.svg", guide.guide_flowchart, name="guide-flowchart"),
    path("guide/compare/", guide.guide_compare, name="guide-compare"),
    path("decisions/", decisions.decision_list, name="decisions"),
    path("decisions/mine/", decisions.decision_list_mine, name="decisions-mine"),
    path("decisions/new/", decisions.decision_new, name="decision-new"),
    path("decisions/<int:decision_id>/", decisions.decision_detail, name="decision"),
    path("decisions/<int:decision_id>/endorse/", decisions.decision_endorse, name="decision-endorse"),
    path("decisions/<int:decision_id>/correct/", decisions.decision_correct, name="decision-correct"),
    path("advice/", advice.advice_list, name="advice-requests"),
    path("advice/mine/", advice.advice_list_mine, name="advice-mine"),
    path("advice/new/", advice.advice_new, name="advice-new"),
    path("advice/<int:advice_id>/", advice.advice_detail, name="advice"),
]
