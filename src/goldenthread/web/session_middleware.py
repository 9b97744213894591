"""Enforces, on every request: session time limits, live membership, and the second factor; and fills the
request's agency, membership, actor and permissions once (``core.request.AgencyRequest``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from goldenthread.accounts.actions import sign_in_event_record
from goldenthread.accounts.session_policy import (
    AGENCY_ID,
    LAST_SEEN_AT,
    session_expiry_reason,
    user_is_verified,
)
from goldenthread.agencies.selectors import memberships_active_for, permissions_for
from goldenthread.core.actor import Actor
from goldenthread.core.request import AgencyRequest

# Reachable before the second factor is verified: nothing that shows or changes data.
_PRE_VERIFICATION_VIEWS = {
    "accounts:two-factor-set-up",
    "accounts:two-factor-verify",
    "accounts:sign-out",
    "accounts:sign-in",
    "accounts:set-up",
    "web:healthz",
}


def _hours(seconds: int) -> str:
    return f"{seconds // 3600} hours" if seconds % 3600 == 0 else f"{seconds // 60} minutes"


_MESSAGES = {
    "absolute_timeout": "You were signed out after {absolute} signed in. Sign in again.",
    "idle_timeout": "You have been signed out because you were inactive for {idle}. Sign in again.",
    "no_membership": "You have been signed out because your account is no longer a member of any agency.",
    "no_sign_in_time": "Your session has ended. Sign in again.",
}


def _view_name(request: HttpRequest) -> str:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return ""
    return match.view_name


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, plain: HttpRequest) -> HttpResponse:
        # The one place the request's own attributes are set; every view reads them as AgencyRequest's.
        # Until a signed-in user's agency is known they hold "nobody": AgencyRequest types what a view
        # behind permission_required sees, so these two Nones are set through Any.
        cast(Any, plain).agency = None
        cast(Any, plain).membership = None
        request = cast(AgencyRequest, plain)
        request.memberships = []
        request.permissions = frozenset()
        request.actor = Actor(username="anonymous")
        user = request.user
        if request.path_info.startswith("/static/") or request.path_info == "/healthz":
            # Health checks and assets neither need nor touch a session.
            return self.get_response(request)
        if user.is_authenticated:
            ended = self._end_if_needed(request)
            if ended is not None:
                return ended
            self._attach_agency(request)
            if not user_is_verified(user) and _view_name(request) not in _PRE_VERIFICATION_VIEWS:
                return redirect("accounts:two-factor-verify")
            request.session[LAST_SEEN_AT] = time.time()
        return self.get_response(request)

    def _end_if_needed(self, request: AgencyRequest) -> HttpResponse | None:
        reason = session_expiry_reason(request.session)
        memberships = memberships_active_for(user=request.user)
        if reason is None and not memberships:
            reason = "no_membership"
        if reason is None:
            request.memberships = memberships
            return None
        actor = Actor.of(request.user)
        logout(request)
        sign_in_event_record(by=actor, action="auth.session_ended", user_id=actor.user_id, reason=reason)
        messages.info(
            request,
            _MESSAGES[reason].format(
                absolute=_hours(settings.GOLDENTHREAD_ABSOLUTE_SESSION_SECONDS),
                idle=_hours(settings.SESSION_COOKIE_AGE),
            ),
        )
        return redirect("accounts:sign-in")

    def _attach_agency(self, request: AgencyRequest) -> None:
        memberships = request.memberships
        chosen = request.session.get(AGENCY_ID)
        membership = next((m for m in memberships if m.agency_id == chosen), None)
        if membership is None:
            membership = memberships[0]
            request.session[AGENCY_ID] = membership.agency_id
        agency = membership.agency
        request.agency = agency
        request.membership = membership
        request.actor = Actor.of(request.user, agency, membership)
        request.permissions = permissions_for(user=request.user, agency=agency)
