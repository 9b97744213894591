from __future__ import annotations

import base64
from typing import Any

import segno
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login

from goldenthread.accounts.actions import (
    sign_in_event_record,
    totp_device_confirm,
    totp_device_pending,
    user_password_set,
)
from goldenthread.accounts.forms import NewPasswordForm, PasswordChangeForm, SignInForm, TokenForm, UnlockForm
from goldenthread.accounts.models import User
from goldenthread.accounts.session_policy import session_start, user_is_verified
from goldenthread.accounts.setup_tokens import setup_token_generator
from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import memberships_active_for
from goldenthread.core.actor import Actor
from goldenthread.core.errors import ActionError, form_add_problems
from goldenthread.core.permissions import permission_required
from goldenthread.core.request import AgencyRequest
from goldenthread.notifications.actions import notification_email_choose
from goldenthread.notifications.forms import EMAIL, IN_APP, EmailChoiceForm
from goldenthread.notifications.selectors import email_wanted

NEXT = "gt_next"


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    # Only a path on this site: never another host, never a bare word redirect() would try to reverse.
    if (
        candidate
        and candidate.startswith("/")
        and not candidate.startswith("//")
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()})
    ):
        return candidate
    return None


def _finish(request: HttpRequest, user: User) -> HttpResponse:
    # A new session key once fully signed in, so an identifier seen before the second factor is worthless.
    request.session.cycle_key()
    # Failures are forgotten only now: resetting at the password step would let one valid password
    # clear the address's counter and allow unlimited guessing of other accounts.
    axes_reset(username=user.get_username())
    return HttpResponseRedirect(request.session.pop(NEXT, None) or reverse("web:home"))


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if user_is_verified(request.user):
        return redirect("web:home")
    form = SignInForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            known = User.objects.filter(username=username).only("pk").first()
            locked = getattr(request, "axes_locked_out", False)
            # Only a real account's name is logged: a password typed into the username box stays out of it.
            sign_in_event_record(
                by=Actor(username=username if known else "unknown"),
                action="auth.sign_in_failed",
                user_id=known.pk if known else "",
                reason="locked_out" if locked else "bad_credentials" if known else "unknown_user",
            )
            if locked:
                return locked_out(request)
            error = "The username or password is not right"
        elif not (memberships := memberships_active_for(user=user)):
            sign_in_event_record(
                by=Actor.of(user), action="auth.sign_in_refused", user_id=user.pk, reason="no_membership"
            )
            error = "Your account is not a member of any agency. Ask your system administrator to add you."
        else:
            next_url = _safe_next(request, request.GET.get("next"))
            login(request, user)
            session_start(request.session, agency_id=memberships[0].agency_id)
            if next_url:
                request.session[NEXT] = next_url
            sign_in_event_record(
                by=Actor.of(user, memberships[0].agency), action="auth.password_accepted", user_id=user.pk
            )
            if user_has_device(user):
                return redirect("accounts:two-factor-verify")
            return redirect("accounts:two-factor-set-up")
    return render(request, "accounts/sign_in.html", {"form": form, "error": error})


def locked_out(request: HttpRequest, response: Any = None, credentials: Any = None) -> HttpResponse:
    return render(request, "accounts/locked_out.html", {"form": UnlockForm()}, status=429)


_UNLOCK_FAILED = (
    "Those details are not right. Check your username, password and the newest code, or wait 15 minutes"
)


@require_http_methods(["GET", "POST"])
def unlock(request: HttpRequest) -> HttpResponse:
    """A lock after too many failures is passed by whoever also holds the account's second factor.

    Guessers lock an account, or every account behind an office's shared address, for 15 minutes; its
    holder still signs in here with the password and a current code. The password is checked without
    the throttle (ModelBackend directly), but a right password alone says nothing: the answer is the same
    until the code is right too, and the code is checked only after the password (django-otp throttles
    wrong codes per device), so nobody can use this form to guess either.
    """
    if user_is_verified(request.user):
        return redirect("web:home")
    form = UnlockForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = ModelBackend().authenticate(request, username=data["username"], password=data["password"])
        device = None
        if isinstance(user, User) and user.is_active:
            device = next(
                (d for d in devices_for_user(user, confirmed=True) if d.verify_token(data["token"])), None
            )
        memberships = memberships_active_for(user=user) if device is not None else []
        if user is None or device is None or not memberships:
            known = User.objects.filter(username=data["username"]).only("pk").first()
            sign_in_event_record(
                by=Actor(username=data["username"] if known else "unknown"),
                action="auth.sign_in_failed",
                user_id=known.pk if known else "",
                reason="unlock_refused",
            )
            form.add_error(None, _UNLOCK_FAILED)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            session_start(request.session, agency_id=memberships[0].agency_id)
            otp_login(request, device)
            sign_in_event_record(
                by=Actor.of(user, memberships[0].agency),
                action="auth.signed_in",
                user_id=user.pk,
                reason="unlocked_with_second_factor",
            )
            return _finish(request, user)
    return render(request, "accounts/locked_out.html", {"form": form})


@require_http_methods(["GET", "POST"])
def two_factor_set_up(request: AgencyRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:sign-in")
    if user_has_device(user):
        return redirect("accounts:two-factor-verify")
    actor = request.actor
    device = totp_device_pending(by=actor)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            totp_device_confirm(device=device, by=actor)
            otp_login(request, device)
            sign_in_event_record(by=actor, action="auth.signed_in", user_id=user.pk)
            return _finish(request, user)
        sign_in_event_record(
            by=actor, action="auth.sign_in_failed", user_id=user.pk, reason="bad_enrolment_code"
        )
        form.add_error(
            "token", "That code is not right. Check the time on your phone and enter the newest code"
        )
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, title="QR code for your authenticator app"
    )
    return render(
        request,
        "accounts/two_factor_set_up.html",
        {"form": form, "qr_svg": qr_svg, "secret": _base32(device.bin_key)},
    )


def _base32(key: bytes) -> str:
    raw = base64.b32encode(key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: AgencyRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:sign-in")
    if user_is_verified(user):
        return redirect("web:home")
    if not user_has_device(user):
        return redirect("accounts:two-factor-set-up")
    form = TokenForm(request.POST if request.method == "POST" else None)
    actor = request.actor
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            sign_in_event_record(by=actor, action="auth.signed_in", user_id=user.pk)
            return _finish(request, user)
        sign_in_event_record(
            by=actor, action="auth.sign_in_failed", user_id=user.pk, reason="bad_second_factor"
        )
        form.add_error(
            "token",
            "That code is not right (after several wrong codes, wait a moment before the next)",
        )
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sign_out(request: AgencyRequest) -> HttpResponse:
    if request.method == "GET":
        if not request.user.is_authenticated:
            return redirect("accounts:sign-in")
        return render(request, "accounts/sign_out.html")
    if request.user.is_authenticated:
        actor = request.actor
        logout(request)
        sign_in_event_record(by=actor, action="auth.signed_out", user_id=actor.user_id)
        messages.success(request, "You have signed out")
    return redirect("accounts:sign-in")


@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The one-time link: the person chooses their own password, then signs in and enrols a second factor."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not user.is_active or not setup_token_generator.check_token(user, token):
        return render(request, "accounts/set_up_invalid.html", status=400)
    form = NewPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user_password_set(
                user=user, password=form.cleaned_data["password"], by=Actor.of(user), reason="set_up_link"
            )
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            messages.success(request, "Your password is set. Sign in, then set up your authenticator app.")
            return redirect("accounts:sign-in")
    return render(request, "accounts/set_up.html", {"form": form, "person": user})


@require_http_methods(["GET", "POST"])
@permission_required(Permission.USE_SERVICE)
def password_change(request: AgencyRequest) -> HttpResponse:
    user = request.user
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not user.check_password(form.cleaned_data["current"]):
            form.add_error("current", "Your current password is not right")
        else:
            try:
                user_password_set(
                    user=user,
                    password=form.cleaned_data["password"],
                    by=request.actor,
                    reason="changed_by_user",
                )
            except ActionError as exc:
                form_add_problems(form, exc)
            else:
                # Other sessions of this account end; this one carries on.
                update_session_auth_hash(request, user)
                messages.success(request, "Your password has been changed")
                return redirect("web:home")
    return render(request, "accounts/password_change.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required(Permission.USE_SERVICE)
def account(request: AgencyRequest) -> HttpResponse:
    """The person's own account: their email address, a link to change the password, and whether
    notifications are emailed to them as well (audited when changed)."""
    user = request.user
    initial = {"how": EMAIL if email_wanted(user=user) else IN_APP}
    form = EmailChoiceForm(request.POST if request.method == "POST" else None, initial=initial)
    email_off = settings.NOTIFICATION_EMAIL == "off"
    if request.method == "POST" and not email_off and form.is_valid():
        try:
            notification_email_choose(by_email=form.cleaned_data["how"] == EMAIL, by=request.actor)
        except ActionError as exc:
            form_add_problems(form, exc)
        else:
            told = (
                "by email and in Golden Thread"
                if form.cleaned_data["how"] == EMAIL
                else "in Golden Thread only"
            )
            messages.success(request, f"You will be told {told}")
            return redirect("accounts:account")
    return render(request, "web/account.html", {"form": form, "email_off": email_off})
