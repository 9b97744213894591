"""Checking the whole chain: every sequence number present, every link and every digest intact."""

from __future__ import annotations

from dataclasses import dataclass

from goldenthread.audit.chain import event_hash
from goldenthread.audit.models import GENESIS_HASH, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    first_broken_seq: int | None
    reason: str
    head_seq: int = 0
    head_hash: str = GENESIS_HASH

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


def audit_chain_verify(*, batch_size: int = 5000, expect: tuple[int, str] | None = None) -> ChainReport:
    """Check the chain; ``expect`` is a (seq, hash) recorded earlier outside the database.

    Deleting the newest events leaves a shorter chain that is still internally consistent; only a head
    remembered elsewhere (printed by every verification) shows that it was cut.
    """
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    # Read in key order with a cursor so memory stays flat however long the log grows.
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return ChainReport(
                checked, expected_seq, f"sequence {expected_seq} is missing (next is {event.seq})"
            )
        if event.prev_hash != prev_hash:
            return ChainReport(checked, event.seq, "its previous-hash does not match the event before it")
        recomputed = event_hash(
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            actor_username=event.actor_username,
            actor_agency=event.actor_agency,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            purpose=event.purpose,
            details=event.details,
            prev_hash=event.prev_hash,
        )
        if recomputed != event.hash:
            return ChainReport(checked, event.seq, "its content does not match its hash")
        if expect is not None and event.seq == expect[0] and event.hash != expect[1]:
            return ChainReport(checked, event.seq, "its hash differs from the one recorded at a checkpoint")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    if expect is not None and expect[0] >= expected_seq:
        return ChainReport(checked, expected_seq, f"the chain ends before checkpoint sequence {expect[0]}")
    return ChainReport(checked, None, "intact", head_seq=expected_seq - 1, head_hash=prev_hash)
