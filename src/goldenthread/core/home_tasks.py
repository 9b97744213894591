"""The home page's "your tasks": each app registers a provider, so web needs to know none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Task:
    label: str
    href: str
    due: datetime | None = None
    overdue: bool = False


TaskProvider = Callable[..., list[Task]]
_providers: list[TaskProvider] = []


def task_provider(provider: TaskProvider) -> TaskProvider:
    """Register ``provider(*, user, agency) -> list[Task]``; called for every home page view."""
    _providers.append(provider)
    return provider


def tasks_for(*, user: Any, agency: Any) -> list[Task]:
    tasks = [task for provider in _providers for task in provider(user=user, agency=agency)]
    # Overdue first, then soonest due, then the rest in the order the providers gave them.
    return sorted(tasks, key=lambda t: (not t.overdue, t.due is None, t.due or datetime.max))
