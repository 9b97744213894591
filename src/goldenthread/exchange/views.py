"""The exchange's pages: thin, each calling one selector to read and one action to write."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.accounts.models import User
from goldenthread.agencies.models import Agency, Team
from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.agreements.actions import coverage_check
from goldenthread.agreements.selectors import agreements_between
from goldenthread.core.errors import ActionError, form_add_problems
from goldenthread.core.permissions import permission_required
from goldenthread.core.request import AgencyRequest
from goldenthread.core.worktime import hours_text, working_hours_between
from goldenthread.exchange import actions
from goldenthread.exchange.forms import (
    ActionTakenForm,
    AnswerForm,
    AssignForm,
    DisclosureForm,
    PrioritiesForm,
    ReasonForm,
    RequestForm,
    RequestTypeForm,
    ResolutionForm,
    addressees_from,
)
from goldenthread.exchange.ladder import receivers_of
from goldenthread.exchange.models import OPEN_STATUSES, Disclosure, Escalation, RequestRecipient
from goldenthread.exchange.request_types import BY_CODE
from goldenthread.exchange.selectors import (
    Clock,
    clock_for,
    decision_for_agency,
    decisions_to_answer_with,
    difference_get_for_user,
    differences_for,
    disclosure_get_for_user,
    disclosures_received_for,
    priorities,
    recipient_get_for_user,
    recipient_of_request_for_requester,
    request_get_for_user,
    request_types,
    requests_received_for,
    requests_sent_for,
)
from goldenthread.people.selectors import person_named_for_user

NAMING_PURPOSE = "Asking another agency for information"


@dataclass(frozen=True)
class Line:
    """A request's part for one agency as a page shows it: with its clock and, for a manager, its age."""

    row: RequestRecipient
    clock: Clock | None = None
    age: str = ""
    disclosures: tuple[Disclosure, ...] = ()
    escalations: tuple[Escalation, ...] = ()


_CHILD = re.compile(r"^person-([0-9]{1,18})$")


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


# ---------------------------------------------------------------- lists


@require_GET
@permission_required(Permission.VIEW_CHILD_DATA)
def inbox(request: AgencyRequest) -> HttpResponse:
    agency = request.agency
    now = timezone.now()
    received = [
        Line(row, clock_for(row.deadline_at, row.request.priority.hours, now) if row.is_open else None)
        for row in requests_received_for(user=request.user, agency=agency).order_by("-request__sent_at")[:100]
    ]
    sent = list(requests_sent_for(user=request.user, agency=agency)[:100])
    disclosures = list(disclosures_received_for(user=request.user, agency=agency)[:100])
    actions.exchange_listed(by=request.actor, rows=len(received) + len(sent) + len(disclosures))
    return render(
        request,
        "exchange/inbox.html",
        {"received": received, "sent": sent, "disclosures": disclosures},
    )


@require_GET
@permission_required(Permission.ENDORSE_DECISION)
def team_queue(request: AgencyRequest) -> HttpResponse:
    """A manager's view of the agency's open requests, oldest first, with their age in working hours."""
    now = timezone.now()
    open_rows = (
        requests_received_for(user=request.user, agency=request.agency)
        .filter(status__in=OPEN_STATUSES)
        .order_by("request__sent_at")[:200]
    )
    rows = [
        Line(
            row,
            clock_for(row.deadline_at, row.request.priority.hours, now),
            age=hours_text(working_hours_between(row.request.sent_at, now)),
        )
        for row in open_rows
    ]
    actions.exchange_listed(by=request.actor, rows=len(rows))
    return render(request, "exchange/team.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@permission_required(Permission.USE_SERVICE)
def priorities_page(request: AgencyRequest) -> HttpResponse:
    """Priorities, their timescales and ladders, and the request types: shown to every user, changed by
    the partnership's administrator."""
    found, types = priorities(), request_types()
    can_edit = user_has_permission(
        user=request.user, permission=Permission.MANAGE_AGENCIES, agency=request.agency
    )
    form = PrioritiesForm(request.POST if request.method == "POST" else None, priorities=found, types=types)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                changed = actions.priorities_update(
                    hours={code: data[f"hours_{code}"] for code in form.priority_codes},
                    type_priorities={code: data[f"type_{code}"] for code in form.type_codes},
                    ladders={
                        code: [data[f"ladder_{code}_{n}"] for n in positions]
                        for code, positions in form.ladder_positions.items()
                    },
                    by=request.actor,
                )
            except ActionError as exc:
                form_add_problems(form, exc)
            else:
                messages.success(request, "Priorities saved" if changed else "Nothing was changed")
                return redirect("exchange:priorities")
    return render(
        request,
        "exchange/priorities.html",
        {"priorities": found, "types": types, "form": form, "can_edit": can_edit, "specs": BY_CODE},
    )


# ---------------------------------------------------------------- requests


@require_http_methods(["GET", "POST"])
@permission_required(Permission.RECORD_DECISION)
def request_new(request: AgencyRequest) -> HttpResponse:
    match = _CHILD.match(request.GET.get("child", ""))
    person = (
        person_named_for_user(
            user=request.user, agency=request.agency, person_id=int(match.group(1)), purpose=NAMING_PURPOSE
        )
        if match
        else None
    )
    if person is None:
        return render(request, "exchange/request_no_child.html", status=404)
    spec = BY_CODE.get(request.GET.get("type", ""))
    stored = {t.code: t for t in request_types()}
    if spec is None or spec.code not in stored:
        type_form = RequestTypeForm(
            request.GET if "type" in request.GET else None, types=list(stored.values())
        )
        if "type" in request.GET:
            type_form.is_valid()
        return render(request, "exchange/request_type.html", {"form": type_form, "person": person})
    form = RequestForm(
        request.POST if request.method == "POST" else None,
        spec=spec,
        sender=request.agency,
        initial={"priority": stored[spec.code].default_priority.code},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = actions.request_send(
                agency=request.agency,
                by=request.actor,
                person=person,
                request_type=spec.code,
                addressees=addressees_from(data["addressees"]),
                purpose=data["purpose"],
                needed=data["needed"],
                lawful_basis=data["lawful_basis"],
                priority=data["priority"],
                details=form.details(),
                deadline=data.get("deadline"),
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            messages.success(request, f"Request {sent.pk} sent")
            return redirect("exchange:request", request_id=sent.pk)
    return render(request, "exchange/request_new.html", {"form": form, "person": person, "spec": spec})


@require_GET
@permission_required(Permission.VIEW_CHILD_DATA)
def request_detail(request: AgencyRequest, request_id: int) -> HttpResponse:
    view = request_get_for_user(user=request.user, agency=request.agency, request_id=request_id)
    actions.exchange_viewed(
        by=request.actor,
        object_type="information_request",
        object_id=view.request.pk,
        person_id=view.request.person_id,
    )
    now = timezone.now()
    lines = [
        Line(
            row,
            clock_for(row.deadline_at, view.request.priority.hours, now) if row.is_open else None,
            disclosures=tuple(row.disclosures.all()),
            escalations=tuple(row.escalations.all()),
        )
        for row in view.recipients
    ]
    can_record = user_has_permission(
        user=request.user, permission=Permission.RECORD_DECISION, agency=request.agency
    )
    differences = differences_for(user=request.user, agency=request.agency, request=view.request)
    resolvable = {d.pk for d in differences if d.is_open and actions.can_resolve(request.user, d.recipient)}
    mine = view.mine
    return render(
        request,
        "exchange/request_detail.html",
        {
            "view": view,
            "req": view.request,
            "lines": lines,
            "resolvable": resolvable,
            "type_fields": [
                (f.label, view.request.details.get(f.name, ""))
                for f in BY_CODE[view.request.request_type.code].fields
            ]
            if view.request.request_type.code in BY_CODE
            else [],
            "can_record": can_record,
            "differences": differences,
            "assign_form": AssignForm(people=receivers_of(request.agency)) if mine and mine.is_open else None,
            "withdraw_form": ReasonForm()
            if view.is_requester and can_record and not view.request.is_withdrawn
            else None,
        },
    )


def _done(request: AgencyRequest, message: str, request_id: int) -> HttpResponse:
    messages.success(request, message)
    return redirect("exchange:request", request_id=request_id)


def _refused(request: AgencyRequest, exc: ActionError, request_id: int) -> HttpResponse:
    messages.error(request, str(exc))
    return redirect("exchange:request", request_id=request_id)


@require_POST
@permission_required(Permission.RECORD_DECISION)
def recipient_acknowledge(request: AgencyRequest, recipient_id: int) -> HttpResponse:
    row = recipient_get_for_user(user=request.user, agency=request.agency, recipient_id=recipient_id)
    try:
        actions.recipient_acknowledge(recipient=row, by=request.actor)
    except ActionError as exc:
        return _refused(request, exc, row.request_id)
    return _done(request, "Request acknowledged", row.request_id)


@require_POST
@permission_required(Permission.RECORD_DECISION)
def recipient_assign(request: AgencyRequest, recipient_id: int) -> HttpResponse:
    row = recipient_get_for_user(user=request.user, agency=request.agency, recipient_id=recipient_id)
    assignee_id = _int(request.POST.get("assignee"))
    assignee = User.objects.filter(pk=assignee_id).first() if assignee_id is not None else None
    try:
        actions.recipient_assign(recipient=row, assignee=assignee, by=request.actor)
    except ActionError as exc:
        return _refused(request, exc, row.request_id)
    return _done(request, "Request assigned", row.request_id)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.RECORD_DECISION)
def recipient_answer(request: AgencyRequest, recipient_id: int) -> HttpResponse:
    row = recipient_get_for_user(user=request.user, agency=request.agency, recipient_id=recipient_id)
    person = row.request.person
    decision = None
    decision_id = _int(request.GET.get("decision"))
    if decision_id is not None:
        decision = decision_for_agency(user=request.user, agency=request.agency, decision_id=decision_id)
    if decision is None:
        return render(
            request,
            "exchange/answer_choose.html",
            {
                "row": row,
                "person": person,
                "decisions": decisions_to_answer_with(
                    user=request.user, agency=request.agency, person=person
                ),
            },
        )
    form = AnswerForm(request.POST if request.method == "POST" else None, decision=decision)
    if request.method == "POST" and form.is_valid():
        try:
            actions.request_answer(
                recipient=row,
                by=request.actor,
                decision=decision,
                outcome=form.cleaned_data["outcome"],
                items=form.item_choices(),
                lawful_basis=form.cleaned_data.get("lawful_basis") or "",
                notice=form.notice(),
                decline_reason=form.cleaned_data.get("decline_reason") or "",
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            _agreements_check(request, form, row.request.agency, context=f"answer {row.pk}")
            return _done(request, "Your answer has been sent", row.request_id)
    between = agreements_between(request.agency, row.request.agency) if request.agency else []
    context = {"row": row, "decision": decision, "form": form, "agreements": between}
    return render(request, "exchange/answer.html", context)


def _agreements_check(request: AgencyRequest, form: Any, to_agency: Agency | None, *, context: str) -> None:
    """After a share, the information sharing agreements check the sender asked for: a message saying
    which agreement covers it, or that the gap was recorded for the partnership (never a block)."""
    wanted = form.coverage_wanted()
    if wanted is None or to_agency is None or request.agency is None or to_agency.pk == request.agency.pk:
        return
    found = coverage_check(
        sharing_agency=request.agency,
        receiving_agency=to_agency,
        purpose=wanted[0],
        category=wanted[1],
        on_date=timezone.localdate(),
        context=context,
        by=request.actor,
    )
    if found.gap:
        messages.warning(
            request,
            f"No information sharing agreement covers sharing {found.category_label.lower()} with "
            f"{to_agency.name} for {found.purpose_label.lower()}: "
            "the gap has been recorded for the partnership",
        )
    else:
        titles = ", ".join(f"{v.title} (version {v.number})" for v in found.covering)
        messages.info(request, f"Covered by the information sharing agreement: {titles}")


@require_POST
@permission_required(Permission.RECORD_DECISION)
def request_withdraw(request: AgencyRequest, request_id: int) -> HttpResponse:
    view = request_get_for_user(user=request.user, agency=request.agency, request_id=request_id)
    if not view.is_requester:
        raise Http404
    form = ReasonForm(request.POST)
    try:
        actions.request_withdraw(
            request=view.request,
            by=request.actor,
            reason=form.data.get("reason", "") if form.is_bound else "",
        )
    except ActionError as exc:
        return _refused(request, exc, view.request.pk)
    return _done(request, "Request withdrawn", view.request.pk)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.RECORD_DECISION)
def difference_raise(request: AgencyRequest, recipient_id: int) -> HttpResponse:
    row = recipient_of_request_for_requester(
        user=request.user, agency=request.agency, recipient_id=recipient_id
    )
    form = ReasonForm(request.POST if request.method == "POST" else None)
    form.fields["reason"].label = "Why you disagree with the decline"
    if request.method == "POST" and form.is_valid():
        try:
            actions.difference_raise(recipient=row, by=request.actor, reason=form.cleaned_data["reason"])
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            return _done(request, "Difference of opinion raised", row.request_id)
    return render(request, "exchange/difference_raise.html", {"row": row, "form": form})


@require_POST
@permission_required(Permission.VIEW_CHILD_DATA)
def difference_resolve(request: AgencyRequest, difference_id: int) -> HttpResponse:
    difference = difference_get_for_user(
        user=request.user, agency=request.agency, difference_id=difference_id
    )
    form = ResolutionForm(request.POST)
    request_id = difference.recipient.request_id
    try:
        actions.difference_resolve(
            difference=difference, by=request.actor, resolution=form.data.get("resolution", "")
        )
    except ActionError as exc:
        return _refused(request, exc, request_id)
    return _done(request, "Difference of opinion resolved", request_id)


# ---------------------------------------------------------------- disclosures


@require_GET
@permission_required(Permission.VIEW_CHILD_DATA)
def disclosure_detail(request: AgencyRequest, disclosure_id: int) -> HttpResponse:
    disclosure = disclosure_get_for_user(
        user=request.user, agency=request.agency, disclosure_id=disclosure_id
    )
    actions.exchange_viewed(
        by=request.actor, object_type="disclosure", object_id=disclosure.pk, person_id=disclosure.person_id
    )
    receiving = disclosure.to_agency_id == request.agency.pk
    receipt = getattr(disclosure, "receipt", None) if hasattr(disclosure, "receipt") else None
    return render(
        request,
        "exchange/disclosure_detail.html",
        {
            "d": disclosure,
            "receiving": receiving,
            "receipt": receipt,
            "action_form": ActionTakenForm()
            if receiving and (receipt is None or not receipt.action_taken)
            else None,
            "correction": Disclosure.objects.filter(supersedes=disclosure).first(),
            "can_correct": not receiving
            and user_has_permission(
                user=request.user, permission=Permission.RECORD_DECISION, agency=request.agency
            ),
        },
    )


@require_POST
@permission_required(Permission.VIEW_CHILD_DATA)
def disclosure_acknowledge(request: AgencyRequest, disclosure_id: int) -> HttpResponse:
    disclosure = disclosure_get_for_user(
        user=request.user, agency=request.agency, disclosure_id=disclosure_id
    )
    try:
        actions.disclosure_acknowledge(disclosure=disclosure, by=request.actor)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Receipt acknowledged")
    return redirect("exchange:disclosure", disclosure_id=disclosure.pk)


@require_POST
@permission_required(Permission.VIEW_CHILD_DATA)
def disclosure_action(request: AgencyRequest, disclosure_id: int) -> HttpResponse:
    disclosure = disclosure_get_for_user(
        user=request.user, agency=request.agency, disclosure_id=disclosure_id
    )
    try:
        actions.disclosure_action_record(
            disclosure=disclosure, by=request.actor, action_taken=request.POST.get("action_taken", "")
        )
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "What your agency did has been recorded")
    return redirect("exchange:disclosure", disclosure_id=disclosure.pk)


def _disclosure_form_page(
    request: AgencyRequest, *, decision: Any, supersedes: Disclosure | None
) -> HttpResponse:
    form = DisclosureForm(
        request.POST if request.method == "POST" else None,
        decision=decision,
        sender=request.agency,
        correcting=supersedes is not None,
        initial={"purpose": supersedes.purpose if supersedes else decision.purpose},
    )
    if request.method == "POST" and form.is_valid():
        addressee = form.addressee()
        to_agency = Agency.objects.filter(pk=addressee.agency_id).first() if addressee else None
        to_team = (
            Team.objects.filter(pk=addressee.team_id).first() if addressee and addressee.team_id else None
        )
        try:
            made = actions.disclosure_send(
                agency=request.agency,
                by=request.actor,
                decision=decision,
                to_agency=to_agency,
                to_team=to_team,
                purpose=form.cleaned_data.get("purpose") or "",
                lawful_basis=form.cleaned_data.get("lawful_basis") or "",
                items=form.item_choices(),
                notice=form.notice(),
                supersedes=supersedes,
                correction_reason=form.cleaned_data.get("correction_reason") or "",
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            messages.success(request, f"Disclosure {made.pk} sent")
            _agreements_check(request, form, made.to_agency, context=f"disclosure {made.pk}")
            return redirect("exchange:disclosure", disclosure_id=made.pk)
    return render(
        request,
        "exchange/disclosure_new.html",
        {"form": form, "decision": decision, "supersedes": supersedes},
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.RECORD_DECISION)
def disclosure_new(request: AgencyRequest) -> HttpResponse:
    decision_id = _int(request.GET.get("decision"))
    decision = (
        decision_for_agency(user=request.user, agency=request.agency, decision_id=decision_id)
        if decision_id is not None
        else None
    )
    if decision is None:
        return render(request, "exchange/disclosure_no_decision.html", status=404)
    return _disclosure_form_page(request, decision=decision, supersedes=None)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.RECORD_DECISION)
def disclosure_correct(request: AgencyRequest, disclosure_id: int) -> HttpResponse:
    disclosure = disclosure_get_for_user(
        user=request.user, agency=request.agency, disclosure_id=disclosure_id
    )
    if disclosure.from_agency_id != request.agency.pk:
        raise Http404
    return _disclosure_form_page(request, decision=disclosure.decision, supersedes=disclosure)
