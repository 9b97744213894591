"""Seeking advice from the agency's safeguarding lead, IG officer or Caldicott Guardian, and giving it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.core.errors import ActionError, form_add_problems
from goldenthread.core.permissions import forbidden, permission_required
from goldenthread.core.request import AgencyRequest
from goldenthread.people.selectors import person_for_record
from goldenthread.sharing.actions import (
    advice_request_answer,
    advice_request_create,
    advice_request_viewed,
    advice_requests_listed,
    holds_role,
)
from goldenthread.sharing.forms import AdviceAnswerForm, AdviceRequestForm
from goldenthread.sharing.presenting import facts_display
from goldenthread.sharing.selectors import (
    advice_get_for_user,
    advice_requests_by,
    advice_requests_for_adviser,
    adviser_choices_for,
)
from goldenthread.sharing.views.state import about_context, guide_result, state_get


@require_GET
@permission_required(Permission.VIEW_CHILD_DATA)
def advice_list(request: AgencyRequest) -> HttpResponse:
    agency = request.agency
    waiting = list(advice_requests_for_adviser(user=request.user, agency=agency)[:200])
    mine = list(advice_requests_by(user=request.user, agency=agency)[:200])
    advice_requests_listed(by=request.actor, rows=len(waiting) + len(mine))
    return render(
        request,
        "sharing/advice_list.html",
        {
            "waiting": waiting,
            "mine": mine,
            "is_adviser": user_has_permission(
                user=request.user, permission=Permission.GIVE_ADVICE, agency=agency
            ),
        },
    )


@require_GET
@permission_required(Permission.RECORD_DECISION)
def advice_list_mine(request: AgencyRequest) -> HttpResponse:
    """The advice this practitioner asked for ("My advice requests" in the menu), answered or waiting."""
    mine = list(
        advice_requests_by(user=request.user, agency=request.agency).select_related("adviser_agency")[:200]
    )
    advice_requests_listed(by=request.actor, rows=len(mine))
    return render(request, "sharing/advice_list.html", {"waiting": [], "mine": mine, "is_adviser": False})


@require_http_methods(["GET", "POST"])
@permission_required(Permission.RECORD_DECISION)
def advice_new(request: AgencyRequest) -> HttpResponse:
    state = state_get(request)
    result = guide_result(state)
    # The guide's facts are codes and an age: they go with the question when the guide is complete.
    facts = result.facts if result.recommendation is not None else None
    options = {choice.value: choice for choice in adviser_choices_for(agency=request.agency)}
    form = AdviceRequestForm(
        request.POST if request.method == "POST" else None,
        choices=[(value, choice.label) for value, choice in options.items()],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        asked = options[data["adviser_role"]]
        try:
            advice = advice_request_create(
                agency=request.agency,
                by=request.actor,
                adviser_role=asked.role,
                adviser_agency=asked.agency,
                question=data["question"],
                anonymised=data["anonymised"],
                person=None if data["anonymised"] else person_for_record(state.person_id),
                facts=facts,
                pack_name=result.pack.name if facts is not None else "",
                pack_version=result.pack.version if facts is not None else "",
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            messages.success(request, f"Advice requested: request {advice.pk}")
            return redirect("sharing:advice", advice_id=advice.pk)
    return render(
        request,
        "sharing/advice_new.html",
        {
            "form": form,
            "with_facts": facts is not None,
            "person_name": state.person_name,
            **about_context(state),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.VIEW_CHILD_DATA)
def advice_detail(request: AgencyRequest, advice_id: int) -> HttpResponse:
    agency = request.agency
    advice = advice_get_for_user(user=request.user, agency=agency, advice_id=advice_id)
    # Only the role asked, in the agency asked, answers (the action checks it again).
    can_answer = (
        not advice.is_answered
        and advice.requested_by_id != request.user.pk
        and agency.pk == advice.asked_agency_id
        and holds_role(user=request.user, agency_id=agency.pk, role=advice.adviser_role)
    )
    if request.method == "POST" and not can_answer:
        return forbidden(request, "This request is answered already, or it is not yours to answer.")
    form = AdviceAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            advice_request_answer(
                advice=advice,
                by=request.actor,
                answer=form.cleaned_data["answer"],
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            messages.success(request, "Your advice has been recorded")
            return redirect("sharing:advice", advice_id=advice.pk)
    elif request.method == "GET":
        advice_request_viewed(advice=advice, by=request.actor)
    return render(
        request,
        "sharing/advice_detail.html",
        {
            "advice": advice,
            "form": form,
            "can_answer": can_answer,
            "facts": facts_display(advice.facts, advice.pack_name),
        },
    )
