"""Tasks this app puts on the home page (see goldenthread.core.home_tasks)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.core.home_tasks import Task, task_provider
from goldenthread.people.selectors import match_reviews_open_count


@task_provider
def match_reviews_waiting(*, user: Any, agency: Any) -> list[Task]:
    if not user_has_permission(user=user, permission=Permission.REVIEW_MATCHES, agency=agency):
        return []
    count = match_reviews_open_count(agency=agency)
    if not count:
        return []
    noun = "match" if count == 1 else "matches"
    return [Task(label=f"Review {count} possible {noun} in the child index", href=reverse("people:reviews"))]
