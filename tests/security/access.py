"""The pieces of the access matrix: each app lists its URLs in its own matrix_<app>.py file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from goldenthread.agencies.models import Membership
from tests.support.personas import PERSONAS

MEMBERS = [p for p in PERSONAS if p != "outsider"]
EVERYONE = [*PERSONAS, "anonymous"]
ADMIN = ["system_administrator"]
GOVERNANCE = ["ig_officer"]


@dataclass(frozen=True)
class Case:
    """What each persona gets from one URL.

    Outcomes: 200 (page), "go" (redirect within the service), "login" (redirect to sign in), 403, 404, 405.
    ``kwargs`` and ``data`` receive the dict of made personas (name -> Persona) and build the request.
    ``setup`` may create records first and return extra values merged into what kwargs/data receive.
    """

    method: str
    allowed: dict[str, Any]  # persona -> outcome for those who get in
    others: Any  # outcome for every other member persona
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda made: {}
    data: Callable[[dict[str, Any]], dict[str, Any]] = lambda made: {}
    unauthenticated: Any = "login"  # what an anonymous visitor gets
    outsider: Any = "login"  # a signed-in user with no membership: their session is ended
    extra: dict[str, Any] = field(default_factory=dict)
    setup: Callable[[dict[str, Any]], dict[str, Any]] | None = None


def only(personas: list[str], outcome: Any) -> dict[str, Any]:
    return dict.fromkeys(personas, outcome)


def target_user(made: dict[str, Any]) -> dict[str, Any]:
    return {"user_id": made["police_officer"].user.pk}


def target_membership(made: dict[str, Any]) -> dict[str, Any]:
    return {"membership_id": Membership.objects.get(user=made["police_officer"].user).pk}
