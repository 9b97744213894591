"""Every write to user accounts and every sign-in event, each audited in the same transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.accounts.models import User
from goldenthread.accounts.setup_tokens import setup_link_path
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.core.errors import ActionError


@transaction.atomic
def user_create(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    by: Actor,
    job_title: str = "",
    phone: str = "",
    password: str | None = None,
) -> User:
    """Create an account. Without a password (the normal case) the person chooses one through a set-up link,
    so no administrator ever knows it; a password is given only by demo-data and tests."""
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        job_title=job_title,
        phone=phone,
    )
    try:
        if password is None:
            user.set_unusable_password()
        else:
            validate_password(password, user)
            user.set_password(password)
        user.full_clean()
    except ValidationError as exc:
        raise ActionError.from_validation(exc, field="password") from exc
    user.save()
    audit_record(by=by, action="user.created", object_type="user", object_id=user.pk)
    return user


def user_sessions_end(*, user: User) -> None:
    """Every live session of the user fails its hash check at its next request and is discarded."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


@transaction.atomic
def user_set_active(*, user: User, active: bool, by: Actor) -> User:
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        user_sessions_end(user=user)
    audit_record(
        by=by,
        action="user.reactivated" if active else "user.deactivated",
        object_type="user",
        object_id=user.pk,
    )
    return user


@transaction.atomic
def user_second_factor_reset(*, user: User, by: Actor) -> int:
    """Remove the user's authenticators so they enrol again at their next sign-in (a lost phone)."""
    removed: int = TOTPDevice.objects.filter(user=user).delete()[0]
    # A live session could otherwise enrol a new authenticator without the password being asked again.
    user_sessions_end(user=user)
    audit_record(
        by=by,
        action="user.second_factor_reset",
        object_type="user",
        object_id=user.pk,
        details={"removed": removed},
    )
    return removed


@transaction.atomic
def totp_device_pending(*, by: Actor) -> TOTPDevice:
    """The authenticator key being enrolled: the one shown before, or a new one.

    Not audited: an unconfirmed key lets no one sign in, and its confirmation is (totp_device_confirm).
    """
    user = by.signed_in_user()
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").last()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, by: Actor) -> TOTPDevice:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # Any other unconfirmed attempts are abandoned QR codes; keeping them would leave live secrets around.
    TOTPDevice.objects.filter(user=device.user, confirmed=False).exclude(pk=device.pk).delete()
    audit_record(by=by, action="auth.second_factor_enrolled", object_type="user", object_id=device.user_id)
    return device


def sign_in_event_record(*, by: Actor, action: str, user_id: str | int = "", reason: str = "") -> None:
    """Sign-in, sign-out and refusals: events with no other write to share a transaction with."""
    audit_record(
        by=by,
        action=action,
        object_type="user" if user_id else "",
        object_id=user_id,
        details={"reason": reason} if reason else None,
    )


@transaction.atomic
def user_setup_link_send(*, user: User, by: Actor, base_url: str) -> None:
    """Email the person a one-time link to choose their password. The old password stops working at once,
    and live sessions end, so the link is also the way to recover a forgotten password."""
    if not user.email:
        raise ActionError("This account has no email address to send a set-up link to", field="email")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user_sessions_end(user=user)
    link = base_url.rstrip("/") + setup_link_path(user)
    send_mail(
        subject="Set up your Golden Thread account",
        message=(
            f"Hello {user.get_full_name() or user.username},\n\n"
            f"Use this link to choose your password for Golden Thread (username: {user.username}).\n"
            f"It works once and expires in {settings.PASSWORD_RESET_TIMEOUT // 3600} hours:\n\n{link}\n\n"
            "If you did not expect this message, tell your system administrator.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    audit_record(by=by, action="user.setup_link_sent", object_type="user", object_id=user.pk)


@transaction.atomic
def user_password_set(*, user: User, password: str, by: Actor, reason: str) -> User:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ActionError.from_validation(exc, field="password") from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        by=by,
        action="user.password_set",
        object_type="user",
        object_id=user.pk,
        details={"reason": reason},
    )
    return user


def _lapsed_failed_sign_in_counters_delete(now: datetime) -> int:
    # Past the cool-off a counter no longer locks anyone out (axes reads only newer attempts); with no
    # cool-off configured a lock-out lasts until an administrator lifts it, so nothing lapses.
    cool_off = get_cool_off()
    if cool_off is None:
        return 0
    return int(AccessAttempt.objects.filter(attempt_time__lte=now - cool_off).delete()[0])


@transaction.atomic
def sign_in_records_expire(*, keep_days: int, by: Actor) -> dict[str, int]:
    """Remove what the service keeps about sign-ins once it has served its purpose: ended sessions, failed
    sign-in counters past their lock-out time, and the sign-in log (addresses, browsers) after keep_days.
    The audit chain keeps its own record of every sign-in; it is never shortened."""
    now = timezone.now()
    log_cutoff = now - timedelta(days=keep_days)
    removed = {
        "sign_in_logs": AccessLog.objects.filter(attempt_time__lte=log_cutoff).delete()[0],
        "sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
        "failed_sign_in_counters": _lapsed_failed_sign_in_counters_delete(now),
    }
    audit_record(by=by, action="housekeeping.ran", details={**removed, "keep_days": keep_days})
    return removed
