"""Consents due for review on the home page of who recorded them, and of their manager when overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from goldenthread.consent.selectors import reviews_due_for
from goldenthread.core.worklist import WorkItem, worklist_provider


@worklist_provider
def consent_review_items(*, user: Any, agency: Any) -> list[WorkItem]:
    tz = timezone.get_current_timezone()
    return [
        WorkItem(
            label=f"Review consent record {record.pk}" + (": the review is overdue" if overdue else ""),
            href=reverse("consent:detail", kwargs={"record_id": record.pk}),
            due=dt.datetime.combine(record.review_date, dt.time(), tzinfo=tz),
            overdue=overdue,
        )
        for record, overdue in reviews_due_for(user=user, agency=agency)
    ]
