"""The register's pages: thin views over agreements.actions and agreements.selectors."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.accounts.second_factor import step_up_verify
from goldenthread.agencies.permissions import Permission
from goldenthread.agreements import actions, selectors
from goldenthread.agreements.content import ICO_HEADINGS, odrl_policy
from goldenthread.agreements.forms import (
    AgreementNewForm,
    CoverageForm,
    DocumentForm,
    EndForm,
    PartyForm,
    SignForm,
    TermsForm,
)
from goldenthread.agreements.lifecycle import IN_FORCE, Status
from goldenthread.agreements.models import AgreementVersion
from goldenthread.agreements.vocab import CATEGORY_LABELS, PURPOSE_LABELS
from goldenthread.core.errors import ActionError, form_add_problems
from goldenthread.core.permissions import permission_required
from goldenthread.core.request import AgencyRequest


def _can_manage(request: AgencyRequest) -> bool:
    return Permission.MANAGE_AGREEMENTS in request.permissions


@require_GET
@permission_required(Permission.VIEW_AGREEMENTS)
def register(request: AgencyRequest) -> HttpResponse:
    context = {
        "rows": selectors.agreements_register(),
        "gaps": selectors.coverage_gaps_count(),
        "can_manage": _can_manage(request),
        "can_check": Permission.CHECK_AGREEMENT_COVERAGE in request.permissions,
    }
    return render(request, "agreements/register.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_AGREEMENTS)
def agreement_new(request: AgencyRequest) -> HttpResponse:
    form = AgreementNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = actions.agreement_create(
                tier=form.cleaned_data["tier"],
                parent_id=form.cleaned_data["parent"],
                terms=form.terms(),
                by=request.actor,
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            messages.success(request, "Draft saved. Add the parties and their nominated officers.")
            return redirect("agreements:edit", agreement_id=version.agreement_id)
    return render(request, "agreements/new.html", {"form": form})


@require_GET
@permission_required(Permission.VIEW_AGREEMENTS)
def agreement_detail(request: AgencyRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.agreement_get(agreement_id=agreement_id)
    versions = list(agreement.versions.all())
    current = agreement.current_version()
    pending = next((v for v in versions if v.status in (Status.DRAFT, Status.AWAITING_SIGNATURES)), None)
    shown = pending if pending is not None and current.pk == pending.pk else current
    signing = pending if pending is not None and pending.status == Status.AWAITING_SIGNATURES else None
    signatures = selectors.signatures_by_party(signing) if signing else []
    context = {
        "agreement": agreement,
        "version": shown,
        "versions": versions,
        "pending": pending,
        "signing": signing,
        "signatures": signatures,
        "may_sign": any(s["party"].officer_id == request.user.pk and not s["signature"] for s in signatures),
        "can_manage": _can_manage(request),
        "in_force": current.status in IN_FORCE,
    }
    return render(request, "agreements/detail.html", context)


def _document_context(version: AgreementVersion) -> dict[str, object]:
    return {
        "version": version,
        "agreement": version.agreement,
        "headings": ICO_HEADINGS,
        "signatures": selectors.signatures_by_party(version),
        "documents": list(version.documents.all()),
        "purpose_labels": [PURPOSE_LABELS.get(c, c) for c in version.purposes],
        "category_labels": [CATEGORY_LABELS.get(c, c) for c in version.categories],
    }


@require_GET
@permission_required(Permission.VIEW_AGREEMENTS)
def version_detail(request: AgencyRequest, agreement_id: int, number: int) -> HttpResponse:
    version = selectors.version_get(agreement_id=agreement_id, number=number)
    return render(request, "agreements/version.html", _document_context(version))


@require_GET
@permission_required(Permission.VIEW_AGREEMENTS)
def version_pdf(request: AgencyRequest, agreement_id: int, number: int) -> HttpResponse:
    from goldenthread.agreements.document import pdf_render

    version = selectors.version_get(agreement_id=agreement_id, number=number)
    html = render_to_string("agreements/document_print.html", _document_context(version), request=request)
    response = HttpResponse(pdf_render(html), content_type="application/pdf")
    filename = f"agreement-{agreement_id}-version-{number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@permission_required(Permission.VIEW_AGREEMENTS)
def version_json(request: AgencyRequest, agreement_id: int, number: int) -> HttpResponse:
    version = selectors.version_get(agreement_id=agreement_id, number=number)
    policy = odrl_policy(version, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = JsonResponse(policy, json_dumps_params={"indent": 2})
    response["Content-Type"] = "application/ld+json"
    return response


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_AGREEMENTS)
def agreement_edit(request: AgencyRequest, agreement_id: int) -> HttpResponse:
    version = selectors.version_draft_get(agreement_id=agreement_id)
    form = TermsForm(request.POST or None, initial=TermsForm.initial_from(version))
    if request.method == "POST" and form.is_valid():
        try:
            actions.agreement_draft_update(version_id=version.pk, terms=form.terms(), by=request.actor)
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            messages.success(request, "Draft saved")
            return redirect("agreements:edit", agreement_id=agreement_id)
    return _edit_page(request, version, form=form)


def _edit_page(
    request: AgencyRequest,
    version: AgreementVersion,
    *,
    form: TermsForm | None = None,
    party_form: PartyForm | None = None,
    document_form: DocumentForm | None = None,
    submit_problems: list[str] | None = None,
) -> HttpResponse:
    context = {
        "version": version,
        "agreement": version.agreement,
        "form": form or TermsForm(initial=TermsForm.initial_from(version)),
        "party_form": party_form or PartyForm(),
        "document_form": document_form or DocumentForm(),
        "parties": list(version.parties.select_related("agency", "officer")),
        "documents": list(version.documents.all()),
        "submit_problems": submit_problems or [],
    }
    failed = any(f is not None and f.errors for f in (form, party_form, document_form)) or bool(
        submit_problems
    )
    return render(request, "agreements/edit.html", context, status=400 if failed else 200)


@require_POST
@permission_required(Permission.MANAGE_AGREEMENTS)
def party_add(request: AgencyRequest, agreement_id: int) -> HttpResponse:
    version = selectors.version_draft_get(agreement_id=agreement_id)
    form = PartyForm(request.POST)
    if form.is_valid():
        try:
            actions.agreement_party_add(
                version_id=version.pk, membership_id=form.cleaned_data["officer"], by=request.actor
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            messages.success(request, "Party added")
            return redirect("agreements:edit", agreement_id=agreement_id)
    return _edit_page(request, version, party_form=form)


@require_POST
@permission_required(Permission.MANAGE_AGREEMENTS)
def party_remove(request: AgencyRequest, agreement_id: int, party_id: int) -> HttpResponse:
    version = selectors.version_draft_get(agreement_id=agreement_id)
    if not version.parties.filter(pk=party_id).exists():
        raise Http404
    actions.agreement_party_remove(party_id=party_id, by=request.actor)
    messages.success(request, "Party removed")
    return redirect("agreements:edit", agreement_id=agreement_id)


@require_POST
@permission_required(Permission.MANAGE_AGREEMENTS)
def document_add(request: AgencyRequest, agreement_id: int) -> HttpResponse:
    version = selectors.version_draft_get(agreement_id=agreement_id)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["document"]
        limit = settings.AGREEMENT_DOCUMENT_MAX_BYTES
        data = upload.read(limit + 1)
        try:
            actions.agreement_document_attach(
                version_id=version.pk, name=upload.name, data=data, by=request.actor
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            messages.success(request, "Document attached")
            return redirect("agreements:edit", agreement_id=agreement_id)
    return _edit_page(request, version, document_form=form)


@require_GET
@permission_required(Permission.VIEW_AGREEMENTS)
def document_download(request: AgencyRequest, agreement_id: int, document_id: int) -> HttpResponse:
    document = selectors.document_get(agreement_id=agreement_id, document_id=document_id)
    path = actions.document_path(document.sha256)
    if not path.is_file():
        raise Http404
    response = HttpResponse(path.read_bytes(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="agreement-document-{document.pk}.pdf"'
    return response


@require_POST
@permission_required(Permission.MANAGE_AGREEMENTS)
def agreement_submit(request: AgencyRequest, agreement_id: int) -> HttpResponse:
    version = selectors.version_draft_get(agreement_id=agreement_id)
    try:
        actions.agreement_submit(version_id=version.pk, by=request.actor)
    except ActionError as exc:
        return _edit_page(request, version, submit_problems=[str(exc)])
    messages.success(request, "Sent to the nominated officers to sign")
    return redirect("agreements:detail", agreement_id=agreement_id)


@require_POST
@permission_required(Permission.MANAGE_AGREEMENTS)
def agreement_return_to_draft(request: AgencyRequest, agreement_id: int) -> HttpResponse:
    version = selectors.version_awaiting_get(agreement_id=agreement_id)
    if version is None:
        raise Http404
    actions.agreement_return_to_draft(version_id=version.pk, by=request.actor)
    messages.success(request, "Back to draft: the parties sign again once it is sent")
    return redirect("agreements:edit", agreement_id=agreement_id)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.VIEW_AGREEMENTS)
def agreement_sign(request: AgencyRequest, agreement_id: int) -> HttpResponse:
    """A nominated officer signs the version awaiting signatures, entering their second factor again."""
    version = selectors.version_awaiting_get(agreement_id=agreement_id)
    if version is None:
        raise Http404
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.agreement_sign(
                version_id=version.pk,
                stepped_up=step_up_verify(request.user, form.cleaned_data["token"]),
                by=request.actor,
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            messages.success(request, "You have signed the agreement for your agency")
            return redirect("agreements:detail", agreement_id=agreement_id)
    context = {**_document_context(version), "form": form}
    return render(request, "agreements/sign.html", context, status=400 if form.errors else 200)


@require_POST
@permission_required(Permission.MANAGE_AGREEMENTS)
def agreement_amend(request: AgencyRequest, agreement_id: int) -> HttpResponse:
    selectors.agreement_get(agreement_id=agreement_id)
    try:
        actions.agreement_amend(agreement_id=agreement_id, by=request.actor)
    except ActionError as exc:
        messages.error(request, str(exc))
        return redirect("agreements:detail", agreement_id=agreement_id)
    messages.success(request, "New version drafted: change it, then send it to be signed again")
    return redirect("agreements:edit", agreement_id=agreement_id)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_AGREEMENTS)
def agreement_end(request: AgencyRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.agreement_get(agreement_id=agreement_id)
    version = agreement.current_version()
    if version.status not in IN_FORCE:
        raise Http404
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.agreement_end(
                version_id=version.pk,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                by=request.actor,
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            messages.success(request, "The agreement has ended")
            return redirect("agreements:detail", agreement_id=agreement_id)
    return render(
        request,
        "agreements/end.html",
        {"agreement": agreement, "version": version, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHECK_AGREEMENT_COVERAGE)
def coverage_check(request: AgencyRequest) -> HttpResponse:
    """Does an agreement cover this share? A gap is recorded for governance; it never stops a share."""
    form = CoverageForm(request.POST or None, initial={"sharing_agency": request.agency})
    found = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            found = actions.coverage_check(
                sharing_agency=data["sharing_agency"],
                receiving_agency=data["receiving_agency"],
                purpose=data["purpose"],
                category=data["category"],
                on_date=form.day(),
                by=request.actor,
            )
        except ActionError as exc:
            form_add_problems(form, exc)
    status = 400 if form.errors else 200
    return render(request, "agreements/coverage.html", {"form": form, "coverage": found}, status=status)
