"""The child index in the browser: search, card, import and the review queue. Thin: the work is elsewhere."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.accounts.second_factor import step_up_verify
from goldenthread.agencies.permissions import Permission
from goldenthread.core.errors import ActionError, form_add_problems
from goldenthread.core.permissions import permission_required
from goldenthread.core.request import AgencyRequest
from goldenthread.people.access_csv import access_csv_rows
from goldenthread.people.actions import (
    access_alert_close,
    match_review_link,
    match_review_separate,
    person_unmerge,
    records_import_stop,
)
from goldenthread.people.break_glass import break_glass_active, break_glass_open, break_glass_person_for_user
from goldenthread.people.card_sections import card_sections_for
from goldenthread.people.chart import weight_chart
from goldenthread.people.forms import (
    PURPOSE_LABELS,
    AlertCloseForm,
    BreakGlassForm,
    ImportForm,
    PurposeForm,
    ReviewDecisionForm,
    SearchForm,
)
from goldenthread.people.import_format import format_rows, template_csv
from goldenthread.people.models import ImportBatch, ReviewStatus
from goldenthread.people.purposes import SEARCH_KEY, purpose_given, purpose_remember
from goldenthread.people.review_help import rules_text, waiting_because
from goldenthread.people.search import SearchQuery
from goldenthread.people.selectors import (
    CardViewLimitError,
    access_alert_get_for_user,
    access_alerts_open_for,
    import_batch_get_for_user,
    import_batches_for,
    import_batches_unfinished_elsewhere,
    match_review_get_for_user,
    match_reviews_open_for,
    person_access_for_user,
    person_current_id_for_user,
    person_get_for_user,
    person_ids_merged_into,
    person_named_for_user,
    person_search_for_user,
    search_rows,
    source_record_get_for_user,
)
from goldenthread.people.tasks import records_import_queue, records_import_resume, records_import_waiting

# Naming the child on the purpose page is a read of the index, audited with this purpose (ADR 0006).
PURPOSE_NAMING = "Stating why the card is opened"


def _query(data: dict[str, Any]) -> SearchQuery:
    postcode = data.get("postcode") or ("", "")
    return SearchQuery(
        given_name=data.get("given_name", ""),
        family_name=data.get("family_name", ""),
        birth=data.get("date_of_birth"),
        tolerance_days=int(data.get("dob_tolerance") or 0),
        postcode=postcode[0],
        postcode_sector=postcode[1],
        nhs_number=data.get("nhs_number", ""),
    )


@never_cache
@require_GET
@permission_required(Permission.SEARCH_CHILD_INDEX)
def search(request: AgencyRequest) -> HttpResponse:
    """Search by GET, so Back from a card returns to the results (no "confirm form resubmission").

    The query string holds what was searched for, so the page is never cached (``never_cache`` and the
    security middleware's ``no-store``) and the access log leaves query strings out (cli, settings).
    Every search, repeated by Back or not, is audited with its purpose.
    """
    asked = any(name in request.GET for name in SearchForm.base_fields)
    form = SearchForm(request.GET if asked else None)
    hits = None
    if asked and form.is_valid():
        purpose_code = form.cleaned_data["purpose"]
        hits = person_search_for_user(
            user=request.user,
            agency=request.agency,
            query=_query(form.cleaned_data),
            purpose=PURPOSE_LABELS[purpose_code],
        )
        request.session[SEARCH_KEY] = {
            "purpose_code": purpose_code,
            "results": [hit.person.pk for hit in hits],
        }
    rows = search_rows(hits) if hits is not None else None
    return render(request, "people/search.html", {"form": form, "hits": hits, "rows": rows})


@require_GET
@permission_required(Permission.VIEW_CHILD_DATA)
def card(request: AgencyRequest, person_id: int) -> HttpResponse:
    agency = request.agency
    current = person_current_id_for_user(user=request.user, agency=agency, person_id=person_id)
    if current != person_id:
        return redirect("people:card", person_id=current)
    purpose = purpose_given(request.session, person_id)
    if not purpose:
        return redirect("people:purpose", person_id=person_id)
    try:
        the_card = person_get_for_user(user=request.user, agency=agency, person_id=person_id, purpose=purpose)
    except CardViewLimitError as exc:
        return render(request, "people/card_limit.html", {"limit": exc.limit}, status=429)
    glass = break_glass_active(
        user=request.user, agency=agency, person=the_card.person, session_key=request.session.session_key
    )
    sections = card_sections_for(
        user=request.user, agency=agency, person=the_card.person, break_glass=glass is not None
    )
    context = {
        "card": the_card,
        "person": the_card.person,
        "purpose": purpose,
        "sections": sections,
        "break_glass": glass,
    }
    return render(request, "people/card.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.BREAK_GLASS)
def break_glass(request: AgencyRequest, person_id: int) -> HttpResponse:
    """Open every agency's decisions about one person for this session: a reason and the second factor."""
    person = break_glass_person_for_user(user=request.user, agency=request.agency, person_id=person_id)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.session.session_key is None:
            request.session.save()
        try:
            break_glass_open(
                person=person,
                reason=form.cleaned_data["reason"],
                session_key=str(request.session.session_key),
                stepped_up=step_up_verify(request.user, form.cleaned_data["token"]),
                merged=person_ids_merged_into(person.pk),
                by=request.actor,
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            messages.warning(
                request,
                "Break-glass: every agency's decisions about this person are open to you "
                "for this session. The information governance officers have been told.",
            )
            return redirect("people:card", person_id=person.pk)
    return render(request, "people/break_glass.html", {"person": person, "form": form})


@require_http_methods(["GET", "POST"])
@permission_required(Permission.VIEW_CHILD_DATA)
def purpose(request: AgencyRequest, person_id: int) -> HttpResponse:
    """Why the user is opening this child's card: the child named, the purposes as radios, none chosen
    for them (a purpose picked in advance invites a click-through)."""
    current = person_current_id_for_user(user=request.user, agency=request.agency, person_id=person_id)
    form = PurposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        purpose_remember(request.session, current, form.cleaned_data["purpose"])
        return redirect("people:card", person_id=current)
    person = person_named_for_user(
        user=request.user, agency=request.agency, person_id=current, purpose=PURPOSE_NAMING
    )
    return render(request, "people/purpose.html", {"form": form, "person_id": current, "person": person})


ACCESS_PAGE_SIZE = 50


@require_GET
@permission_required(Permission.VIEW_AUDIT_LOG)
def access(request: AgencyRequest, person_id: int) -> HttpResponse:
    """Who has seen or changed this person's record, across every agency: paged, or all of it as CSV."""
    export = request.GET.get("format") == "csv"
    person, events, entries = person_access_for_user(
        user=request.user,
        agency=request.agency,
        person_id=person_id,
        export=export,
    )
    if export:
        response = HttpResponse("".join(access_csv_rows(events, entries)), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="who-has-seen-person-{person.pk}.csv"'
        return response
    # Pages hold still while new events arrive (opening this page is one): every page is read as the log
    # stood when the first was opened.
    upto = request.GET.get("upto", "")
    if upto.isdigit():
        events = events.filter(seq__lte=int(upto))
    else:
        upto = str(events.values_list("seq", flat=True).first() or 0)
    page = Paginator(events, ACCESS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"person": person, "page": page, "entries": entries(list(page.object_list)), "upto": upto}
    return render(request, "people/access.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.IMPORT_RECORDS)
def import_records(request: AgencyRequest) -> HttpResponse:
    agency = request.agency
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # The file is checked now; the background worker applies its rows (people.tasks).
            batch = records_import_queue(
                agency=agency,
                filename=upload.name,
                content=upload.read(),
                by=request.actor,
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            return redirect("people:import-detail", batch_id=batch.pk)
    batches = import_batches_for(user=request.user, agency=agency).filter(agency=agency)[:20]
    elsewhere = import_batches_unfinished_elsewhere(user=request.user, agency=agency)[:50]
    context = {"form": form, "batches": batches, "elsewhere": elsewhere}
    return render(request, "people/import.html", context)


@require_GET
@permission_required(Permission.IMPORT_RECORDS)
def import_format(request: AgencyRequest) -> HttpResponse:
    """The file format (the same table as docs/import-format.md) and the limits of one file."""
    context = {"rows": format_rows(), "limits": settings.IMPORT_LIMITS}
    return render(request, "people/import_format.html", context)


@require_GET
@permission_required(Permission.IMPORT_RECORDS)
def import_template(request: AgencyRequest) -> HttpResponse:
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="golden-thread-import-template.csv"'
    return response


def _progress(batch: ImportBatch) -> dict[str, Any]:
    return {
        "rows_done": batch.rows_done,
        "links_done": batch.links_done,
        "rows_total": batch.rows_total,
        "checking": not batch.checked,
        "recording_relationships": batch.is_recording_relationships,
        "finished": batch.is_finished,
        "waiting": not batch.is_finished and records_import_waiting(batch),
        "error": batch.failure,
    }


@require_POST
@permission_required(Permission.IMPORT_RECORDS)
def import_continue(request: AgencyRequest, batch_id: int) -> HttpResponse:
    """ "Check progress": puts the import's task back on the queue if it is neither waiting nor running,
    then answers with the progress (JSON for a script, the progress page for the plain form)."""
    batch = import_batch_get_for_user(user=request.user, agency=request.agency, batch_id=batch_id)
    records_import_resume(batch=batch)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(_progress(batch))
    return redirect("people:import-detail", batch_id=batch.pk)


@require_POST
@permission_required(Permission.IMPORT_RECORDS)
def import_stop(request: AgencyRequest, batch_id: int) -> HttpResponse:
    batch = import_batch_get_for_user(user=request.user, agency=request.agency, batch_id=batch_id)
    if not batch.is_finished:
        batch = records_import_stop(batch=batch, by=request.actor)
        messages.info(request, f"Import of {batch.filename} stopped after {batch.rows_done} rows")
    return redirect("people:import-detail", batch_id=batch.pk)


@require_GET
@permission_required(Permission.IMPORT_RECORDS)
def import_detail(request: AgencyRequest, batch_id: int) -> HttpResponse:
    """The import's progress page; as JSON for the page's script, which polls it while the worker runs."""
    batch = import_batch_get_for_user(user=request.user, agency=request.agency, batch_id=batch_id)
    progress = _progress(batch)
    if "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse(progress)
    else:
        context = {"batch": batch, "waiting": progress["waiting"]}
        response = render(request, "people/import_detail.html", context)
    patch_vary_headers(response, ["Accept"])  # one address, two answers: a cache must keep them apart
    return response


@require_GET
@permission_required(Permission.REVIEW_MATCHES)
def reviews(request: AgencyRequest) -> HttpResponse:
    queue = match_reviews_open_for(user=request.user, agency=request.agency)
    return render(request, "people/reviews.html", {"reviews": queue[:200], "count": queue.count()})


@require_http_methods(["GET", "POST"])
@permission_required(Permission.REVIEW_MATCHES)
def review(request: AgencyRequest, review_id: int) -> HttpResponse:
    agency = request.agency
    the_review, rows, shielded = match_review_get_for_user(
        user=request.user, agency=agency, review_id=review_id
    )
    form = ReviewDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = match_review_link if form.cleaned_data["decision"] == "link" else match_review_separate
        try:
            decide(review=the_review, by=request.actor)
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            done = (
                "Linked: one person"
                if form.cleaned_data["decision"] == "link"
                else "Kept as different people"
            )
            messages.success(request, done)
            return redirect("people:reviews")
    chart = weight_chart([(r.label, r.outcome, r.weight) for r in rows if r.weight is not None])
    context = {
        "review": the_review,
        "rows": rows,
        "shielded_contact": shielded,
        "chart": chart,
        "form": form,
        "is_open": the_review.status == ReviewStatus.OPEN,
        "rules": rules_text(),
        "waiting_because": waiting_because(the_review.fields),
    }
    return render(request, "people/review.html", context)


@require_POST
@permission_required(Permission.REVIEW_MATCHES)
def record_unlink(request: AgencyRequest, record_id: int) -> HttpResponse:
    record = source_record_get_for_user(user=request.user, agency=request.agency, record_id=record_id)
    try:
        person_unmerge(record=record, by=request.actor)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Record {record.local_id} was separated onto a person of its own")
    return redirect(reverse("people:card", kwargs={"person_id": record.person_id}))


@require_GET
@permission_required(Permission.VIEW_AUDIT_LOG)
def alerts(request: AgencyRequest) -> HttpResponse:
    """Unusual access by this agency's people, for its IG officers to look into and close."""
    waiting = access_alerts_open_for(user=request.user, agency=request.agency)
    return render(request, "people/alerts.html", {"alerts": waiting[:200], "count": waiting.count()})


@require_http_methods(["GET", "POST"])
@permission_required(Permission.VIEW_AUDIT_LOG)
def alert_close(request: AgencyRequest, alert_id: int) -> HttpResponse:
    alert = access_alert_get_for_user(user=request.user, agency=request.agency, alert_id=alert_id)
    form = AlertCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access_alert_close(
                alert=alert,
                note=form.cleaned_data["note"],
                by=request.actor,
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            messages.success(request, "Alert closed with your note")
            return redirect("people:alerts")
    return render(request, "people/alert_close.html", {"alert": alert, "form": form})
