"""An agreement version's lifecycle as one explicit table: a move not in it is refused (ADR 0012).

draft -> awaiting signatures -> active -> review due -> renewed (a newer version signed) or expired or
terminated. A version awaiting signatures may go back to draft (a party asked for a change); an active
version may be renewed or terminated before its review date. Nothing leaves renewed, expired or terminated.
"""

from __future__ import annotations

from django.db import models

from goldenthread.core.errors import ActionError


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGNATURES = "awaiting_signatures", "Awaiting signatures"
    ACTIVE = "active", "Active"
    REVIEW_DUE = "review_due", "Review due"
    RENEWED = "renewed", "Renewed"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


# (from, to): what the move means. The only moves there are.
TRANSITIONS: dict[tuple[Status, Status], str] = {
    (Status.DRAFT, Status.AWAITING_SIGNATURES): "sent to the parties to sign",
    (Status.AWAITING_SIGNATURES, Status.DRAFT): "taken back to draft to change",
    (Status.AWAITING_SIGNATURES, Status.ACTIVE): "signed by every party",
    (Status.ACTIVE, Status.REVIEW_DUE): "its review date passed",
    (Status.ACTIVE, Status.RENEWED): "replaced by a newer version every party signed",
    (Status.ACTIVE, Status.TERMINATED): "ended by the parties",
    (Status.REVIEW_DUE, Status.RENEWED): "replaced by a newer version every party signed",
    (Status.REVIEW_DUE, Status.EXPIRED): "not renewed after its review",
    (Status.REVIEW_DUE, Status.TERMINATED): "ended by the parties",
}

# In force: the versions that cover sharing (a version whose review is overdue still does, flagged).
IN_FORCE: frozenset[Status] = frozenset({Status.ACTIVE, Status.REVIEW_DUE})
ENDED: frozenset[Status] = frozenset({Status.RENEWED, Status.EXPIRED, Status.TERMINATED})


class LifecycleError(ActionError):
    """A move the lifecycle table does not allow."""


def transition_check(current: str, to: str) -> str:
    """What the move means, or LifecycleError naming the moves that are allowed from ``current``."""
    here, there = Status(current), Status(to)
    meaning = TRANSITIONS.get((here, there))
    if meaning is not None:
        return meaning
    allowed = [b.label.lower() for (a, b) in TRANSITIONS if a == here]
    options = (
        f"From {here.label.lower()} it can become: {', '.join(allowed)}."
        if allowed
        else (f"Nothing follows {here.label.lower()}: amend or draft a new agreement instead.")
    )
    raise LifecycleError(
        f"An agreement that is {here.label.lower()} cannot become {there.label.lower()}. {options}"
    )
