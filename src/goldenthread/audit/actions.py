"""Writing to the audit log. Every other app's actions call ``audit_record`` inside their own transaction."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from goldenthread.audit.chain import details_check, event_hash
from goldenthread.audit.models import GENESIS_HASH, AuditEvent
from goldenthread.audit.verify import ChainReport, audit_chain_verify
from goldenthread.core.actor import Actor

# Any 64-bit key works; this one is "GT-AUDIT" in ASCII so it is recognisable in pg_locks.
_PG_ADVISORY_LOCK_KEY = 0x47542D4155444954

_MAX_DETAIL_LENGTH = 2000


def _lock_chain() -> None:
    # The chain has one head; concurrent writers must take turns or two events would share a prev_hash.
    # SQLite runs every transaction IMMEDIATE (see settings), which already serialises writers.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_ADVISORY_LOCK_KEY])


@transaction.atomic
def audit_record(
    *,
    by: Actor,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    purpose: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction when there is one."""
    if not action:
        raise ValueError("An audit event needs an action")
    clean_details = dict(details or {})
    details_check(clean_details)
    if len(repr(clean_details)) > _MAX_DETAIL_LENGTH:
        raise ValueError("Audit details are for identifiers and codes, not content")
    _lock_chain()
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    occurred_at = timezone.now()
    fields: dict[str, Any] = {
        "seq": seq,
        "occurred_at": occurred_at,
        "actor_id": by.user_id,
        "actor_username": by.username,
        "actor_agency": by.agency_code,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "purpose": purpose[:200],
        "details": clean_details,
        "prev_hash": prev_hash,
    }
    return AuditEvent.objects.create(**fields, hash=event_hash(**fields))


@transaction.atomic
def audit_log_viewed(*, by: Actor, action_prefix: str, wanted_object: str, username: str, rows: int) -> None:
    """Reading the log is itself logged, with the filter used and how many events were shown."""
    audit_record(
        by=by,
        action="audit.viewed",
        details={"filter": action_prefix, "object": wanted_object, "who": username, "rows": rows},
    )


@transaction.atomic
def audit_chain_check(*, by: Actor) -> ChainReport:
    """Check the whole chain and record that it was checked, with the result."""
    report = audit_chain_verify()
    audit_record(
        by=by,
        action="audit.verified",
        details={
            "intact": report.intact,
            "checked": report.events_checked,
            "broken_at": report.first_broken_seq,
        },
    )
    return report
