from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from goldenthread.agencies.permissions import Permission
from goldenthread.audit.actions import Actor, audit_record
from goldenthread.audit.selectors import audit_events_recent
from goldenthread.audit.verify import audit_chain_verify
from goldenthread.web.permissions import permission_required


@require_GET
@permission_required(Permission.VIEW_AUDIT_LOG)
def events(request: HttpRequest) -> HttpResponse:
    # Action names are dotted identifiers; anything else (a NUL byte, markup) simply matches nothing.
    prefix = "".join(c for c in request.GET.get("action", "")[:64] if c.isalnum() or c in "._-")
    agency = request.agency  # type: ignore[attr-defined]
    rows = list(audit_events_recent(agency=agency, action_prefix=prefix))
    audit_record(
        actor=Actor.of(request.user, agency),
        action="audit.viewed",
        details={"filter": prefix, "rows": len(rows)},
    )
    return render(request, "audit/events.html", {"events": rows, "action": prefix, "agency": agency})


@require_POST
@permission_required(Permission.VERIFY_AUDIT_LOG)
def verify(request: HttpRequest) -> HttpResponse:
    report = audit_chain_verify()
    audit_record(
        actor=Actor.of(request.user, request.agency),  # type: ignore[attr-defined]
        action="audit.verified",
        details={
            "intact": report.intact,
            "checked": report.events_checked,
            "broken_at": report.first_broken_seq,
        },
    )
    return render(request, "audit/verify.html", {"report": report}, status=200)
