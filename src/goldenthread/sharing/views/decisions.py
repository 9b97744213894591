"""Recording, reading, endorsing and correcting decisions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.core.errors import ActionError, form_add_problems
from goldenthread.core.permissions import permission_required
from goldenthread.core.request import AgencyRequest
from goldenthread.people.selectors import person_for_record
from goldenthread.sharing.actions import (
    decision_record,
    decision_viewed,
    decisions_listed,
    endorsement_decline,
    endorsement_record,
)
from goldenthread.sharing.forms import DecisionForm, EndorsementForm
from goldenthread.sharing.guide import answers_from_facts
from goldenthread.sharing.models import Decision
from goldenthread.sharing.presenting import decision_initial, recommendation_display
from goldenthread.sharing.selectors import (
    advice_answered_for_decision,
    decision_endorsement,
    decision_get_for_user,
    decisions_by,
    decisions_for_agency,
    endorsers_for,
)
from goldenthread.sharing.views.state import (
    GuideState,
    about_context,
    guide_result,
    person_named,
    state_clear,
    state_for_person,
    state_get,
    state_put,
)


@require_GET
@permission_required(Permission.VIEW_CHILD_DATA)
def decision_list(request: AgencyRequest) -> HttpResponse:
    rows = list(decisions_for_agency(user=request.user, agency=request.agency)[:200])
    decisions_listed(by=request.actor, rows=len(rows))
    return render(request, "sharing/decision_list.html", {"decisions": rows, "mine": False})


@require_GET
@permission_required(Permission.RECORD_DECISION)
def decision_list_mine(request: AgencyRequest) -> HttpResponse:
    """The decisions this practitioner recorded ("My decisions" in the menu)."""
    rows = list(decisions_by(user=request.user, agency=request.agency)[:200])
    decisions_listed(by=request.actor, rows=len(rows))
    return render(request, "sharing/decision_list.html", {"decisions": rows, "mine": True})


@require_http_methods(["GET", "POST"])
@permission_required(Permission.RECORD_DECISION)
def decision_new(request: AgencyRequest) -> HttpResponse:
    state = state_get(request)
    result = guide_result(state)
    if result.recommendation is None:
        messages.info(request, "Answer the guide's questions before you record a decision")
        return redirect("sharing:guide-check")
    recommendation = result.recommendation
    agency = request.agency
    supersedes = (
        decision_get_for_user(user=request.user, agency=agency, decision_id=state.supersedes)
        if state.supersedes is not None
        else None
    )
    refer = recommendation.refer_without_delay
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        facts=result.facts,
        recommended=recommendation.outcome,
        advice_choices=advice_answered_for_decision(user=request.user, agency=agency),
        initial=decision_initial(
            steps=result.steps,
            answers=state.answers,
            facts=result.facts,
            outcome=recommendation.outcome,
            refer=refer,
        ),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = decision_record(
                agency=agency,
                by=request.actor,
                facts=result.facts,
                pack_name=result.pack.name,
                draft=form.draft(),
                advice=data["advice"],
                person=person_for_record(state.person_id),
                supersedes=supersedes,
                consent_record_id=state.consent_basis(),
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            state_clear(request)
            messages.success(request, f"Decision {decision.pk} recorded")
            return redirect("sharing:decision", decision_id=decision.pk)
    title = result.pack.outcomes[recommendation.outcome_id].title
    return render(
        request,
        "sharing/decision_form.html",
        {
            "form": form,
            "rec": recommendation_display(recommendation.to_dict(), title),
            "supersedes": supersedes,
            **about_context(state),
            "refer_without_delay": refer,
            "endorsers": endorsers_for(agency=agency, exclude=request.user),
        },
    )


def _detail_context(decision: Decision) -> dict[str, object]:
    return {
        "decision": decision,
        "rec": recommendation_display(decision.recommendation, decision.recommendation_title),
        "items": list(decision.items.all()),
        "endorsement": decision_endorsement(decision),
        "corrections": list(decision.superseded_by.all()),
        "endorsers": endorsers_for(agency=decision.agency, exclude=decision.decided_by),
    }


@require_GET
@permission_required(Permission.VIEW_CHILD_DATA)
def decision_detail(request: AgencyRequest, decision_id: int) -> HttpResponse:
    agency = request.agency
    decision = decision_get_for_user(user=request.user, agency=agency, decision_id=decision_id)
    decision_viewed(decision=decision, by=request.actor)
    context = _detail_context(decision)
    context["can_endorse"] = (
        decision.needs_endorsement
        and context["endorsement"] is None
        and not context["corrections"]
        and decision.decided_by_id != request.user.pk
        and user_has_permission(user=request.user, permission=Permission.ENDORSE_DECISION, agency=agency)
    )
    context["can_correct"] = not context["corrections"] and user_has_permission(
        user=request.user, permission=Permission.RECORD_DECISION, agency=agency
    )
    return render(request, "sharing/decision_detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.ENDORSE_DECISION)
def decision_endorse(request: AgencyRequest, decision_id: int) -> HttpResponse:
    decision = decision_get_for_user(user=request.user, agency=request.agency, decision_id=decision_id)
    if request.method == "POST" and decision.decided_by_id == request.user.pk:
        # The page offers the decider no answer to point at: the refusal is the page's own.
        error = "You cannot endorse your own decision: another endorser must answer it"
        context = {**_detail_context(decision), "form": EndorsementForm(), "error": error}
        return render(request, "sharing/decision_endorse.html", context)
    form = EndorsementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (not decision.needs_endorsement or decision_endorsement(decision)):
        # Nor does it offer an answer on a decision answered already or needing no endorsement: whatever
        # was sent, the answer is the action's refusal, above the page, never an error on a missing field.
        form = EndorsementForm({"answer": EndorsementForm.ENDORSE})
    if request.method == "POST" and form.is_valid():
        declining = form.cleaned_data["answer"] == EndorsementForm.DECLINE
        try:
            if declining:
                endorsement_decline(decision=decision, by=request.actor, reasons=form.cleaned_data["comment"])
            else:
                endorsement_record(decision=decision, by=request.actor, comment=form.cleaned_data["comment"])
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            done = "not endorsed: the decider has been told" if declining else "endorsed"
            messages.success(request, f"Decision {decision.pk} {done}")
            return redirect("sharing:decision", decision_id=decision.pk)
    else:
        decision_viewed(decision=decision, by=request.actor, page="endorse")
    return render(request, "sharing/decision_endorse.html", {**_detail_context(decision), "form": form})


@require_POST
@permission_required(Permission.RECORD_DECISION)
def decision_correct(request: AgencyRequest, decision_id: int) -> HttpResponse:
    """Start a correction: the guide reopens with the old decision's answers, to record a new decision."""
    decision = decision_get_for_user(user=request.user, agency=request.agency, decision_id=decision_id)
    # About a person in the index: read them again (audited), so the guide takes their age from the index
    # as it does when started from their card, rather than asking it again.
    person = person_named(request, decision.person_id) if decision.person_id is not None else None
    state = state_for_person(person) if person else GuideState()
    state.pack = decision.pack_name
    state.answers = answers_from_facts(decision.facts)
    state.supersedes = decision.pk
    state_put(request, state)
    messages.info(
        request, f"Correcting decision {decision.pk}: check the answers, then record the new decision"
    )
    return redirect("sharing:guide-check")
