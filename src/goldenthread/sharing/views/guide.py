"""The decision guide: start, one question per page, check your answers, the recommendation, and the same
answers on another rule pack to compare."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.agencies.permissions import Permission
from goldenthread.consent.selectors import guide_capacity, guide_competence, guide_consents
from goldenthread.core.errors import form_add_problems
from goldenthread.core.permissions import permission_required
from goldenthread.core.request import AgencyRequest
from goldenthread.people.models import Person
from goldenthread.people.selectors import person_for_record
from goldenthread.policy import flowchart_svg, list_packs, load_pack
from goldenthread.sharing.actions import SharingError, guide_answer_correct
from goldenthread.sharing.forms import GuideCorrectForm, GuideStartForm, GuideStepForm, PackCompareForm
from goldenthread.sharing.guide import NUMBER
from goldenthread.sharing.presenting import recommendation_display
from goldenthread.sharing.views.state import (
    GuideState,
    about_context,
    guide_result,
    pack_for,
    partnership_pack,
    person_named,
    state_for_person,
    state_get,
    state_put,
)


def _person_from(request: AgencyRequest, form: GuideStartForm) -> Person | None:
    person_id = form.person_id()
    return None if person_id is None else person_named(request, person_id)


@require_GET
@permission_required(Permission.USE_GUIDE)
def guide_start(request: AgencyRequest) -> HttpResponse:
    # The child's card links here as ?child=person-<id>; a malformed or unknown one is dropped.
    person = _person_from(request, GuideStartForm({"child": request.GET.get("child", "")}))
    state = state_get(request)
    about = _state_for(person, request.agency) if person else None
    return render(
        request,
        "sharing/guide_start.html",
        {
            "person": person,
            "pack": pack_for(state),
            "in_progress": bool(state.answers),
            **about_context(about or GuideState()),
        },
    )


def _state_for(person: Person, agency: Any) -> GuideState:
    """A new guide about a person from the index (``state_for_person``: name, and age when the date of
    birth settles it) with what is already recorded about their consent, for the guide to take."""
    return replace(state_for_person(person), recorded=_recorded_for(person, agency.pk if agency else None))


def _recorded_for(person: Person, agency_id: int | None) -> dict[str, Any]:
    """Whose consent counts (the current assessment) and the consent position per purpose (the current
    consent records), for the guide to take instead of asking; the practitioner may correct them."""
    competence = guide_competence(person.pk, agency_id)
    capacity = guide_capacity(person.pk, agency_id)
    return {
        "competence": [competence.value, competence.reason, competence.record_id] if competence else None,
        "capacity": [capacity.value, capacity.reason, capacity.record_id] if capacity else None,
        "consents": {
            purpose: {step: [r.value, r.reason, r.record_id] for step, r in by_step.items()}
            for purpose, by_step in guide_consents(person.pk, agency_id).items()
        },
        "corrections": {},
    }


@require_POST
@permission_required(Permission.USE_GUIDE)
def guide_begin(request: AgencyRequest) -> HttpResponse:
    person = _person_from(request, GuideStartForm(request.POST))
    state = _state_for(person, request.agency) if person else GuideState()
    state_put(request, state)
    first = guide_result(state).steps[0]
    return redirect("sharing:guide-question", step_id=first.id)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.USE_GUIDE)
def guide_question(request: AgencyRequest, step_id: str) -> HttpResponse:
    state = state_get(request)
    result = guide_result(state)
    steps = result.steps
    index = next((n for n, s in enumerate(steps) if s.id == step_id), None)
    if index is None:
        raise Http404("No such question")
    step = steps[index]
    returning = request.GET.get("return") == "check" or request.POST.get("return") == "check"
    if request.method == "POST":
        form = GuideStepForm(step, request.POST)
        if form.is_valid():
            state.answers[step.id] = form.stored_answer()
            state_put(request, state)
            # The answer may change which questions follow (an adult is not asked a parent's answer).
            steps = guide_result(state).steps
            index = next((n for n, s in enumerate(steps) if s.id == step_id), index)
            if returning or index + 1 >= len(steps):
                return redirect("sharing:guide-check")
            return redirect("sharing:guide-question", step_id=steps[index + 1].id)
    else:
        form = GuideStepForm(step, initial={"answer": state.answers.get(step.id)})
    if returning:
        back = reverse("sharing:guide-check")
    elif index == 0:
        back = reverse("sharing:guide")
    else:
        back = reverse("sharing:guide-question", kwargs={"step_id": steps[index - 1].id})
    current = form["answer"].value()
    chosen = [str(v) for v in current] if isinstance(current, list) else [str(current or "")]
    return render(
        request,
        "sharing/guide_question.html",
        {
            "form": form,
            "step": step,
            "is_number": step.kind == NUMBER,
            "chosen": chosen,
            "back": back,
            "returning": returning,
            "number": index + 1,
            "total": len(steps),
            "pack": result.pack,
            **about_context(state),
        },
    )


@require_GET
@permission_required(Permission.USE_GUIDE)
def guide_check(request: AgencyRequest) -> HttpResponse:
    state = state_get(request)
    result = guide_result(state)
    rows = [
        {
            "step": step,
            "answered": step.id in state.answers,
            "value": step.label_for(state.answers[step.id]) if step.id in state.answers else "",
        }
        for step in result.steps
    ]
    return render(
        request,
        "sharing/guide_check.html",
        {
            "rows": rows,
            "given": result.given,
            "problems": result.problems,
            "error": "Some answers are missing or not valid" if result.problems else "",
            "person_name": state.person_name,
            "supersedes": state.supersedes,
            "pack": result.pack,
            **about_context(state),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.USE_GUIDE)
def guide_correct(request: AgencyRequest, step_id: str) -> HttpResponse:
    """Correct an answer the guide read from a consent record or an assessment, with the reason (audited)."""
    state = state_get(request)
    result = guide_result(state)
    item = next((g for g in result.given if g.recorded and g.step.id == step_id), None)
    person = person_for_record(state.person_id)
    if item is None or person is None:
        raise Http404("No recorded answer to correct")
    recorded_value = str(item.value)
    form = GuideCorrectForm(
        item.step, request.POST if request.method == "POST" else None, initial={"answer": recorded_value}
    )
    if request.method == "POST" and form.is_valid():
        try:
            guide_answer_correct(
                person=person,
                step_id=step_id,
                recorded=recorded_value,
                corrected=form.cleaned_data["answer"],
                reason=form.cleaned_data["reason"],
                by=request.actor,
            )
        except SharingError as error:
            form_add_problems(form, error)
        else:
            corrections = dict(state.recorded.get("corrections") or {})
            corrections[step_id] = [form.cleaned_data["answer"], form.cleaned_data["reason"].strip()]
            state.recorded = {**state.recorded, "corrections": corrections}
            state_put(request, state)
            return redirect("sharing:guide-check")
    return render(
        request,
        "sharing/guide_correct.html",
        {"form": form, "item": item, "pack": result.pack, **about_context(state)},
        status=400 if form.errors else 200,
    )


@require_GET
@permission_required(Permission.USE_GUIDE)
def guide_recommendation(request: AgencyRequest) -> HttpResponse:
    state = state_get(request)
    result = guide_result(state)
    if result.recommendation is None:
        return redirect("sharing:guide-check")
    recommendation = result.recommendation
    title = result.pack.outcomes[recommendation.outcome_id].title
    return render(
        request,
        "sharing/guide_recommendation.html",
        {
            "rec": recommendation_display(recommendation.to_dict(), title),
            "person_name": state.person_name,
            "supersedes": state.supersedes,
            "global_note": result.pack.global_note,
            "can_record": Permission.RECORD_DECISION in request.permissions,
            "can_compare": Permission.COMPARE_PACKS in request.permissions,
            **about_context(state),
        },
    )


@require_GET
@permission_required(Permission.COMPARE_PACKS)
def guide_compare(request: AgencyRequest) -> HttpResponse:
    """The same answers on the guide's pack and on another, side by side (for governance)."""
    state = state_get(request)
    result = guide_result(state)
    if result.recommendation is None:
        return redirect("sharing:guide-check")
    others = [load_pack(name) for name in list_packs() if name != result.pack.name]
    choices = [(p.name, f"{p.name}, version {p.version}: {p.title}") for p in others]
    data = request.GET if "pack" in request.GET else {"pack": others[0].name if others else ""}
    form = PackCompareForm(choices, data)
    other = load_pack(form.cleaned_data["pack"]) if form.is_valid() else None
    columns = []
    for pack in (result.pack, other):
        if pack is None:
            continue
        answer = guide_result(state, pack).recommendation
        if answer is None:  # the same facts, so never; guarded rather than crashing a page
            continue
        columns.append(
            {
                "rec": recommendation_display(answer.to_dict(), pack.outcomes[answer.outcome_id].title),
                "is_partnership": pack.name == partnership_pack(),
                "is_guide": pack is result.pack,
            }
        )
    return render(
        request,
        "sharing/guide_compare.html",
        {
            "columns": columns,
            "form": form,
            **about_context(state),
        },
    )


@require_GET
@permission_required(Permission.USE_GUIDE)
def guide_flowchart(request: AgencyRequest) -> HttpResponse:
    """The flowchart as an SVG image, drawn from the pack the guide is using."""
    pack = pack_for(state_get(request))
    return HttpResponse(flowchart_svg(pack), content_type="image/svg+xml; charset=utf-8")
