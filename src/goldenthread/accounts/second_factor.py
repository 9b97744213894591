"""Asking for the second factor again within a session ("step-up"), before an action that needs proof that
the person at the screen is the account's holder (break-glass; later sharing without consent)."""

from __future__ import annotations

from typing import Any

from django_otp import devices_for_user


def step_up_verify(user: Any, token: str) -> bool:
    """True when ``token`` is a current code of one of the user's confirmed devices.

    django-otp throttles each device after wrong codes, so this cannot be used to guess one.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    return any(device.verify_token(token) for device in devices_for_user(user, confirmed=True))
