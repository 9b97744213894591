"""The exchange's background tasks, run by ``goldenthread worker`` (docs/adr/0004-task-queue.md).

One task per request recipient (or difference of opinion) raises the rungs of its escalation ladder.
It is queued for the deadline when the request is sent; each run raises, in order, every rung that is
due and not yet raised (each recorded once, each person told once: the notification's key), then queues
itself for the next rung. A worker that was down for a day raises every missed rung once, in order, on
its first run; an answered or withdrawn request stops the chain at its next run.
"""

from __future__ import annotations

from django_tasks import task

from goldenthread.background.queue import enqueue_at
from goldenthread.core.actor import Actor
from goldenthread.exchange.models import DifferenceOfOpinion, RequestRecipient


@task()
def exchange_escalate(*, recipient_id: int | None = None, difference_id: int | None = None) -> str:
    from goldenthread.exchange.actions import escalations_raise_due

    following = escalations_raise_due(
        recipient_id=recipient_id, difference_id=difference_id, by=Actor.system()
    )
    if following is None:
        return "done"
    _queue(following, recipient_id=recipient_id, difference_id=difference_id)
    return f"next {following.isoformat()}"


def _queue(when: object, *, recipient_id: int | None, difference_id: int | None) -> None:
    if recipient_id is not None:
        enqueue_at(exchange_escalate, when, recipient_id=recipient_id)  # type: ignore[arg-type]
    else:
        enqueue_at(exchange_escalate, when, difference_id=difference_id)  # type: ignore[arg-type]


def escalation_schedule(
    *, recipient: RequestRecipient | None = None, difference: DifferenceOfOpinion | None = None
) -> None:
    """Queue the ladder's first run for the deadline (inside the transaction that set the deadline)."""
    if recipient is not None:
        _queue(recipient.deadline_at, recipient_id=recipient.pk, difference_id=None)
    elif difference is not None:
        _queue(difference.deadline_at, recipient_id=None, difference_id=difference.pk)
