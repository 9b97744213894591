"""Session keys and the rules for when a signed-in session must end."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

SIGNED_IN_AT = "gt_signed_in_at"
LAST_SEEN_AT = "gt_last_seen_at"
AGENCY_ID = "gt_agency_id"


def session_start(session: Any, *, agency_id: int | None) -> None:
    now = time.time()
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now
    session[AGENCY_ID] = agency_id


def session_expiry_reason(session: Any, *, now: float | None = None) -> str | None:
    """Why the session must end now, or None. Sessions without a sign-in time are treated as expired."""
    now = time.time() if now is None else now
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen_at = session.get(LAST_SEEN_AT)
    if signed_in_at is None or last_seen_at is None:
        return "no_sign_in_time"
    if now - float(signed_in_at) > settings.GOLDENTHREAD_ABSOLUTE_SESSION_SECONDS:
        return "absolute_timeout"
    if now - float(last_seen_at) > settings.SESSION_COOKIE_AGE:
        return "idle_timeout"
    return None


def user_is_verified(user: Any) -> bool:
    """True once the user has passed the second factor this session (django-otp sets is_verified)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())
