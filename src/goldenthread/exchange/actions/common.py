"""The pieces every exchange action shares: its error, the shapes of its inputs, links and checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse

from goldenthread.agencies.models import Agency
from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.core.errors import ActionError


class ExchangeError(ActionError):
    """A request or disclosure that breaks a rule of the exchange; nothing was changed."""


@dataclass(frozen=True)
class Addressee:
    """An agency asked, and optionally the team within it."""

    agency_id: int
    team_id: int | None = None


@dataclass(frozen=True)
class ItemChoice:
    """One item of the decision: disclosed (with its source and date) or withheld (with the reason)."""

    decision_item_id: int
    include: bool
    source: str = ""
    dated: date | None = None
    reason: str = ""


@dataclass(frozen=True)
class SubjectNotice:
    """Whether the subject was told of the disclosure: when, or why not."""

    told: str
    told_on: date | None = None
    why_not: str = ""


def request_url(request_id: int) -> str:
    return reverse("exchange:request", kwargs={"request_id": request_id})


def disclosure_url(disclosure_id: int) -> str:
    return reverse("exchange:disclosure", kwargs={"disclosure_id": disclosure_id})


def can(user: Any, permission: Permission, agency: Agency | None) -> bool:
    return user_has_permission(user=user, permission=permission, agency=agency)
