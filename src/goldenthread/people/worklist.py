"""Work items this app puts on the home page worklist (see goldenthread.core.worklist)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.core.worklist import WorkItem, worklist_provider
from goldenthread.people.selectors import access_alerts_open_count, match_reviews_open_count


@worklist_provider
def match_reviews_waiting(*, user: Any, agency: Any) -> list[WorkItem]:
    if not user_has_permission(user=user, permission=Permission.REVIEW_MATCHES, agency=agency):
        return []
    count = match_reviews_open_count(agency=agency)
    if not count:
        return []
    noun = "match" if count == 1 else "matches"
    label = f"Review {count} possible {noun} in the child index"
    return [WorkItem(label=label, href=reverse("people:reviews"))]


@worklist_provider
def access_alerts_waiting(*, user: Any, agency: Any) -> list[WorkItem]:
    if not user_has_permission(user=user, permission=Permission.VIEW_AUDIT_LOG, agency=agency):
        return []
    count = access_alerts_open_count(agency=agency)
    if not count:
        return []
    noun = "access" if count == 1 else "accesses"
    label = f"Review {count} unusual {noun} to the child index"
    return [WorkItem(label=label, href=reverse("people:alerts"))]
