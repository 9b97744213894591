"""The home page's worklist ("Your tasks"): things waiting for a person to do them.

Each app registers a provider, so web needs to know none of them. Not to be confused with the background
queue's tasks (each app's ``tasks.py``, run by ``goldenthread worker``): a work item is for a person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class WorkItem:
    label: str
    href: str
    due: datetime | None = None
    overdue: bool = False


WorklistProvider = Callable[..., list[WorkItem]]
_providers: list[WorklistProvider] = []


def worklist_provider(provider: WorklistProvider) -> WorklistProvider:
    """Register ``provider(*, user, agency) -> list[WorkItem]``; called for every home page view."""
    _providers.append(provider)
    return provider


def worklist_for(*, user: Any, agency: Any) -> list[WorkItem]:
    items = [item for provider in _providers for item in provider(user=user, agency=agency)]
    # Overdue first, then soonest due, then the rest in the order the providers gave them.
    return sorted(items, key=lambda t: (not t.overdue, t.due is None, t.due or datetime.max))
