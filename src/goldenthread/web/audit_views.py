"""The audit log's pages: an agency's events for its governance officers, and the check of the chain."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from goldenthread.agencies.audit_selectors import audit_events_recent
from goldenthread.agencies.permissions import Permission
from goldenthread.audit.actions import audit_chain_check, audit_log_viewed
from goldenthread.core.permissions import permission_required
from goldenthread.core.request import AgencyRequest
from goldenthread.web.forms import AuditFilterForm


@require_GET
@permission_required(Permission.VIEW_AUDIT_LOG)
def events(request: AgencyRequest) -> HttpResponse:
    # Action names are dotted identifiers; anything else (a NUL byte, markup) simply matches nothing.
    prefix = "".join(c for c in request.GET.get("action", "")[:64] if c.isalnum() or c in "._-")
    # "person:42" asks who looked at or changed that record: an access report for one child.
    wanted_object = _printable(request.GET.get("object", ""), 130)
    object_type, _, object_id = wanted_object.partition(":")
    username = _printable(request.GET.get("who", ""), 150)
    agency = request.agency
    rows = []
    if not wanted_object or _is_object_key(object_type, object_id):
        rows = list(
            audit_events_recent(
                agency=agency,
                action_prefix=prefix,
                object_type=object_type if wanted_object else None,
                object_id=object_id,
                username=username,
            )
        )
    audit_log_viewed(
        by=request.actor, action_prefix=prefix, wanted_object=wanted_object, username=username, rows=len(rows)
    )
    # Drawn with the ids the page has always had (action, object, who), filled with what was asked.
    form = AuditFilterForm(initial={"action": prefix, "object": wanted_object, "who": username}, auto_id="%s")
    context = {"events": rows, "filters": form, "agency": agency}
    return render(request, "audit/events.html", context)


def _printable(value: str, limit: int) -> str:
    # A NUL byte or other control character can be neither stored (PostgreSQL) nor matched: drop it.
    return "".join(c for c in value[:limit] if c.isprintable()).strip()


def _is_object_key(object_type: str, object_id: str) -> bool:
    """A malformed record filter (no colon, no id) matches no event rather than failing."""
    return (
        object_type.isidentifier() and object_id.isalnum() and len(object_type) <= 64 and len(object_id) <= 64
    )


@require_POST
@permission_required(Permission.VERIFY_AUDIT_LOG)
def verify(request: AgencyRequest) -> HttpResponse:
    report = audit_chain_check(by=request.actor)
    return render(request, "audit/verify.html", {"report": report}, status=200)
