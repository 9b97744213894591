"""`goldenthread housekeeping`: sign-in records and sessions kept no longer than set."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from goldenthread.audit.models import AuditEvent
from tests.integration.test_settings_and_cli import _run

pytestmark = pytest.mark.django_db


def _access_log(days_ago: int) -> AccessLog:
    log = AccessLog.objects.create(username="u", ip_address="192.0.2.1", user_agent="test")
    AccessLog.objects.filter(pk=log.pk).update(attempt_time=timezone.now() - timedelta(days=days_ago))
    return log


def _session(*, expired: bool) -> str:
    store = SessionStore()
    store["x"] = 1
    store.create()
    if expired:
        Session.objects.filter(session_key=store.session_key).update(
            expire_date=timezone.now() - timedelta(minutes=1)
        )
    return str(store.session_key)


def _housekeeping(**options: int) -> str:
    out = io.StringIO()
    call_command("housekeeping", stdout=out, **options)
    return out.getvalue()


def test_housekeeping_removes_old_sign_in_logs_and_keeps_recent() -> None:
    _access_log(days_ago=100)
    recent = _access_log(days_ago=10)
    printed = _housekeeping()
    assert set(AccessLog.objects.values_list("pk", flat=True)) == {recent.pk}
    assert "1 sign-in log entries older than 90 days removed" in printed


def test_housekeeping_keep_days_option_sets_the_age() -> None:
    _access_log(days_ago=100)
    recent = _access_log(days_ago=10)
    _housekeeping(sign_in_log_days=5)
    assert not AccessLog.objects.filter(pk=recent.pk).exists()


def test_housekeeping_removes_ended_sessions_only() -> None:
    live = _session(expired=False)
    _session(expired=True)
    _housekeeping()
    assert set(Session.objects.values_list("session_key", flat=True)) == {live}


def test_housekeeping_removes_lapsed_failed_sign_in_counters() -> None:
    lapsed = AccessAttempt.objects.create(username="a", ip_address="192.0.2.2", failures_since_start=2)
    AccessAttempt.objects.filter(pk=lapsed.pk).update(attempt_time=timezone.now() - timedelta(hours=1))
    current = AccessAttempt.objects.create(username="b", ip_address="192.0.2.3", failures_since_start=5)
    _housekeeping()
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [current.pk]


def test_housekeeping_audited_with_counts() -> None:
    _access_log(days_ago=100)
    _session(expired=True)
    _housekeeping()
    event = AuditEvent.objects.get(action="housekeeping.ran")
    assert event.details == {"sign_in_logs": 1, "sessions": 1, "failed_sign_in_counters": 0, "keep_days": 90}


@pytest.mark.parametrize("days", ["0", "1000000"])
def test_housekeeping_bad_age_named_on_the_command_line(tmp_path: Path, days: str) -> None:
    result = _run(["housekeeping", "--sign-in-log-days", days], {}, tmp_path)
    assert result.returncode != 0
    assert "--sign-in-log-days must be at least 1 and at most 3650" in result.stderr
    assert "Traceback" not in result.stderr


def test_housekeeping_without_cool_off_keeps_failed_sign_in_counters(settings: Any) -> None:
    settings.AXES_COOLOFF_TIME = None  # lock-outs last until lifted by hand
    attempt = AccessAttempt.objects.create(username="a", ip_address="192.0.2.2", failures_since_start=5)
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - timedelta(days=30))
    _housekeeping()
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
