"""Checking the whole chain: every sequence number present, every link and every digest intact.

Given heads kept outside the database (signed, or a bare SEQ:HASH), it also proves the log still holds what
each head covered, which the chain alone cannot: whoever deletes events and re-hashes the rest leaves a chain
that is consistent with itself, and so does whoever cuts off the newest events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from goldenthread.audit.chain import event_hash
from goldenthread.audit.models import GENESIS_HASH, AuditEvent

# How far from its place a moved event is looked for, to tell a reordering from an edit.
_MOVE_WINDOW = 1000


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    first_broken_seq: int | None
    reason: str
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    checkpoints_matched: int = 0

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


@dataclass(frozen=True)
class Checkpoint:
    """A (seq, hash) recorded outside the database; ``label`` names it in a report."""

    seq: int
    hash: str
    label: str = "the checkpoint"


def _recomputed(event: AuditEvent, seq: int | None = None) -> str:
    return event_hash(
        seq=event.seq if seq is None else seq,
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


def _written_as(event: AuditEvent) -> int | None:
    """The sequence number an event was first written with, when it is intact but sits elsewhere now."""
    for distance in range(1, _MOVE_WINDOW + 1):
        for seq in (event.seq + distance, event.seq - distance):
            if seq >= 1 and _recomputed(event, seq) == event.hash:
                return seq
    return None


def _event_problem(event: AuditEvent, prev_hash: str) -> str | None:
    if _recomputed(event) != event.hash:
        original = _written_as(event)
        if original is not None:
            return f"it was written as event {original}: the log was reordered"
        return "it was edited: its content does not match its hash"
    if event.prev_hash != prev_hash:
        return (
            f"its link to event {event.seq - 1} is broken: an event before it was replaced, "
            "or it was re-hashed after a change"
        )
    return None


def _checkpoint_problem(event: AuditEvent, checkpoints: Sequence[Checkpoint], last_good: int) -> str | None:
    for checkpoint in checkpoints:
        if checkpoint.hash != event.hash:
            since = f"after event {last_good}, " if last_good else ""
            return (
                f"the log was rewritten {since}at or before this event: its hash no longer matches "
                f"{checkpoint.label} (events were deleted or edited and the rest re-hashed)"
            )
    return None


def audit_chain_verify(
    *,
    batch_size: int = 5000,
    expect: tuple[int, str] | None = None,
    checkpoints: Sequence[Checkpoint] = (),
    start: tuple[int, str] | None = None,
) -> ChainReport:
    """Check the chain, and each checkpoint against it; name the first broken sequence number.

    ``expect`` is a (seq, hash) printed by an earlier verification. ``start`` is a (seq, hash) already
    verified: only the events after it are read.
    """
    wanted = [*checkpoints, *([Checkpoint(*expect)] if expect else [])]
    at: dict[int, list[Checkpoint]] = {}
    for checkpoint in wanted:
        at.setdefault(checkpoint.seq, []).append(checkpoint)
    expected_seq, prev_hash = (start[0] + 1, start[1]) if start else (1, GENESIS_HASH)
    checked = matched = last_good = 0

    def broken(seq: int, reason: str) -> ChainReport:
        return ChainReport(checked, seq, reason, checkpoints_matched=matched)

    # Read in key order with a cursor so memory stays flat however long the log grows.
    events = AuditEvent.objects.filter(seq__gte=expected_seq).order_by("seq")
    for event in events.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return broken(
                expected_seq,
                f"event {expected_seq} is missing (deleted): the log goes from {expected_seq - 1} "
                f"to {event.seq}",
            )
        problem = _event_problem(event, prev_hash) or _checkpoint_problem(
            event, at.get(event.seq, []), last_good
        )
        if problem:
            return broken(event.seq, problem)
        if event.seq in at:
            matched += len(at[event.seq])
            last_good = event.seq
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    beyond = [checkpoint for checkpoint in wanted if checkpoint.seq >= expected_seq]
    if beyond:
        furthest = max(beyond, key=lambda checkpoint: checkpoint.seq)
        return broken(
            expected_seq,
            f"the log ends at {expected_seq - 1}; {furthest.label} covers {furthest.seq} "
            "(the newest events were removed)",
        )
    return ChainReport(
        checked, None, "intact", head_seq=expected_seq - 1, head_hash=prev_hash, checkpoints_matched=matched
    )
