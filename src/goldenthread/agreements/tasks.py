"""The register's background task: watching an active agreement's review date (ADR 0004).

Queued with ``enqueue_at`` when a version becomes active, to run the configured number of days before its
review date; each run reminds the nominated officers once (notify's key) and queues itself for the review
date, when it marks the version review due and tells them again. Safe to run twice, and it stops by itself
when the version is no longer active (renewed, terminated).
"""

from __future__ import annotations

from django_tasks import task

from goldenthread.background.queue import enqueue_at
from goldenthread.core.actor import Actor


@task()
def agreement_review_watch(*, version_id: int) -> None:
    from goldenthread.agreements.actions import agreement_review_watch_step

    again = agreement_review_watch_step(version_id=version_id, by=Actor.system())
    if again is not None:
        enqueue_at(agreement_review_watch, again, version_id=version_id)
