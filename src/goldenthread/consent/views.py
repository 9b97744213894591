"""Consent pages: record (or change) a consent from the card, a record's page, withdrawal, competence
and capacity assessments, and the public "how we share information" notice of each agency."""

from __future__ import annotations

from typing import cast

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.agencies.models import Agency
from goldenthread.agencies.permissions import Permission
from goldenthread.consent import actions
from goldenthread.consent.actions import ConsentError, Upload
from goldenthread.consent.forms import AssessmentForm, ConsentForm, WithdrawForm
from goldenthread.consent.models import ConsentRecord
from goldenthread.consent.notice import notice_for
from goldenthread.consent.selectors import (
    assessment_for_user,
    consent_record_for_user,
    superseded_by,
    withdrawal_of,
)
from goldenthread.consent.vocab import CATEGORY_LABELS, CONCLUSIONS, PURPOSE_LABELS, QUESTIONS, AssessmentKind
from goldenthread.core.errors import form_add_problems
from goldenthread.core.permissions import permission_required
from goldenthread.core.request import AgencyRequest
from goldenthread.people.models import Person, Relationship
from goldenthread.people.selectors import person_ids_merged_into, person_named_for_user

PURPOSE = "Recording consent or competence"


def _person(request: AgencyRequest, person_id: int) -> Person:
    person = person_named_for_user(
        user=request.user, agency=request.agency, person_id=person_id, purpose=PURPOSE
    )
    if person is None:
        raise Http404
    return person


def _relationships(person: Person) -> list[tuple[str, str]]:
    related = Relationship.objects.filter(to_person__in=person_ids_merged_into(person.pk)).select_related(
        "from_person"
    )
    return [(str(r.pk), f"{r.from_person.full_name} ({r.get_kind_display().lower()} them)") for r in related]


@require_http_methods(["GET", "POST"])
@permission_required(Permission.RECORD_DECISION)
def consent_new(request: AgencyRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    raw = request.GET.get("supersedes") or request.POST.get("supersedes") or ""
    supersedes_id = int(raw) if raw.isdigit() else None
    relationships = _relationships(person)
    if request.method == "POST":
        form = ConsentForm(request.POST, request.FILES, relationships=relationships)
        if form.is_valid():
            upload = form.cleaned_data.get("document")
            document = Upload(upload.name, upload.read()) if upload else None
            try:
                record = actions.consent_record(
                    person_id=person.pk,
                    terms=form.terms(),
                    document=document,
                    supersedes_id=supersedes_id,
                    by=request.actor,
                )
            except ConsentError as error:
                form_add_problems(form, error)
            else:
                return redirect("consent:detail", record_id=record.pk)
    else:
        form = ConsentForm(relationships=relationships)
    status = 400 if form.errors else 200
    return render(
        request,
        "consent/new.html",
        {"form": form, "person": person, "supersedes": supersedes_id},
        status=status,
    )


@require_GET
@permission_required(Permission.VIEW_CHILD_DATA)
def consent_detail(request: AgencyRequest, record_id: int) -> HttpResponse:
    record = consent_record_for_user(user=request.user, agency=request.agency, record_id=record_id)
    agencies = dict(Agency.objects.filter(code__in=record.recipient_agencies).values_list("code", "name"))
    return render(
        request,
        "consent/detail.html",
        {
            "record": record,
            "withdrawal": withdrawal_of(record),
            "newer": superseded_by(record),
            "purposes": [PURPOSE_LABELS.get(p, p) for p in record.purposes],
            "categories": [CATEGORY_LABELS.get(c, c) for c in record.categories],
            "agencies": [agencies.get(c, c) for c in record.recipient_agencies],
            "can_record": Permission.RECORD_DECISION in request.permissions,
        },
    )


@require_GET
@permission_required(Permission.VIEW_CHILD_DATA)
def consent_document(request: AgencyRequest, record_id: int) -> HttpResponse:
    record = consent_record_for_user(user=request.user, agency=request.agency, record_id=record_id)
    if not record.document_sha256:
        raise Http404
    path = actions.document_path(record.document_sha256, record.document_kind)
    content_type = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}[record.document_kind]
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="consent-{record.pk}.{record.document_kind}"'
    return cast(HttpResponse, response)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.RECORD_DECISION)
def consent_withdraw(request: AgencyRequest, record_id: int) -> HttpResponse:
    record = consent_record_for_user(user=request.user, agency=request.agency, record_id=record_id)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.consent_withdraw(
                record_id=record.pk,
                withdrawn_on=data.get("withdrawn_on"),
                how=data.get("how") or "",
                withdrawn_by=data.get("withdrawn_by") or "",
                told=data.get("told") or "",
                by=request.actor,
            )
        except ConsentError as error:
            form_add_problems(form, error)
        else:
            return redirect("consent:detail", record_id=record.pk)
    status = 400 if form.errors else 200
    return render(request, "consent/withdraw.html", {"form": form, "record": record}, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.RECORD_DECISION)
def assessment_new(request: AgencyRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    kind = request.GET.get("kind", "")
    if kind not in AssessmentKind.values:
        return render(
            request, "consent/assessment_kind.html", {"person": person, "kinds": AssessmentKind.choices}
        )
    form = AssessmentForm(request.POST if request.method == "POST" else None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = actions.assessment_record(person_id=person.pk, terms=form.terms(), by=request.actor)
        except ConsentError as error:
            form_add_problems(form, error)
        else:
            return redirect("consent:assessment", assessment_id=assessment.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "consent/assessment_new.html",
        {"form": form, "person": person, "kind": AssessmentKind(kind)},
        status=status,
    )


@require_GET
@permission_required(Permission.VIEW_CHILD_DATA)
def assessment_detail(request: AgencyRequest, assessment_id: int) -> HttpResponse:
    assessment = assessment_for_user(user=request.user, agency=request.agency, assessment_id=assessment_id)
    rows = [
        {"question": text, **assessment.answers.get(qid, {"answer": "", "notes": ""})}
        for qid, text in QUESTIONS[assessment.kind]
    ]
    return render(
        request,
        "consent/assessment_detail.html",
        {
            "assessment": assessment,
            "rows": rows,
            "conclusion": dict(CONCLUSIONS[assessment.kind]).get(assessment.conclusion, ""),
        },
    )


@require_POST
@permission_required(Permission.RECORD_DECISION)
def notice_given(request: AgencyRequest, person_id: int) -> HttpResponse:
    try:
        actions.notice_given_record(person_id=person_id, by=request.actor)
    except ConsentError:
        raise Http404 from None
    return redirect(reverse("people:card", kwargs={"person_id": person_id}) + "#consent")


@require_GET
def notice(request: AgencyRequest, agency_code: str) -> HttpResponse:
    """Public: no sign-in, no personal data. Printable (the print style hides the service's header)."""
    agency = get_object_or_404(Agency, code=agency_code, is_active=True)
    return render(request, "consent/notice.html", {"notice": notice_for(agency)})


__all__ = ["ConsentRecord"]
