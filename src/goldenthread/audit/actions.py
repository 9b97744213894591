"""Writing to the audit log. Every other app's actions call ``audit_record`` inside their own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from goldenthread.audit.chain import details_check, event_hash
from goldenthread.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from goldenthread.audit.signing import SignedHead, head_sign, key_id, signed_at_text, signing_key_parse
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


class AuditChainBrokenError(RuntimeError):
    """The chain failed verification, so no head may vouch for it."""

    def __init__(self, report: ChainReport) -> None:
        self.report = report
        super().__init__(
            f"The audit chain is broken at sequence {report.first_broken_seq}: {report.reason}. "
            "No head was signed."
        )


def audit_head_publish(*, by: Actor) -> AuditHead:
    """Sign the chain's newest event, after checking the whole chain; the publication is itself audited.

    The daily job calls this. The full walk runs outside the transaction that takes the chain's lock (on
    SQLite a transaction locks every writer out from its start), so writers are not held up for its
    length; under the lock only the events written meanwhile are checked.
    """
    report = audit_chain_verify()
    if not report.intact:
        raise AuditChainBrokenError(report)
    return _head_sign(by=by, verified=(report.head_seq, report.head_hash))


@transaction.atomic
def _head_sign(*, by: Actor, verified: tuple[int, str]) -> AuditHead:
    private_key = signing_key_parse(settings.AUDIT_SIGNING_KEY)
    # The head covers its own publication event, so the trail shows every head that was handed out.
    event = audit_record(
        by=by,
        action="audit.head_published",
        object_type="audit_head",
        details={"key_id": key_id(private_key.public_key())},
    )
    tail = audit_chain_verify(start=verified)
    if not tail.intact:
        raise AuditChainBrokenError(tail)
    signed = head_sign(private_key, seq=event.seq, head_hash=event.hash, signed_at=timezone.now())
    return AuditHead.objects.create(
        seq=signed.seq,
        hash=signed.hash,
        signed_at=datetime.fromisoformat(signed.signed_at),
        key_id=signed.key_id,
        signature=signed.signature,
    )


def audit_head_signed(head: AuditHead) -> SignedHead:
    """A stored head in the form it is published in."""
    return SignedHead(
        seq=head.seq,
        hash=head.hash,
        signed_at=signed_at_text(head.signed_at),
        key_id=head.key_id,
        signature=head.signature,
    )
