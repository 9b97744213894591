"""Work items this app puts on a nominated officer's home page worklist (see goldenthread.core.worklist)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from goldenthread.agreements.selectors import versions_to_review_by, versions_to_sign_by
from goldenthread.core.worklist import WorkItem, worklist_provider


@worklist_provider
def signing_items(*, user: Any, agency: Any) -> list[WorkItem]:
    return [
        WorkItem(
            label=f"Sign the information sharing agreement: {version.title}",
            href=reverse("agreements:sign", kwargs={"agreement_id": version.agreement_id}),
        )
        for version in versions_to_sign_by(user=user)
    ]


@worklist_provider
def review_items(*, user: Any, agency: Any) -> list[WorkItem]:
    return [
        WorkItem(
            label=f"Review the information sharing agreement: {version.title}",
            href=reverse("agreements:detail", kwargs={"agreement_id": version.agreement_id}),
            overdue=True,
        )
        for version in versions_to_review_by(user=user)
    ]
