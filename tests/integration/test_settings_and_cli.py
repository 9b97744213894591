"""Start-up behaviour, run as a separate process the way an operator would run it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from goldenthread.accounts.models import User
from goldenthread.agencies.models import Agency, Membership
from goldenthread.audit.models import AuditEvent

GOLDENTHREAD = [sys.executable, "-m", "goldenthread.cli"]
PRODUCTION_ENV = {
    "GOLDENTHREAD_ENV": "production",
    "GOLDENTHREAD_SECRET_KEY": "k" * 20 + "-production-secret-key-for-the-check-0123456789",
    "GOLDENTHREAD_ALLOWED_HOSTS": "goldenthread.example.org",
    "DATABASE_URL": "postgres://gt@db.invalid:5432/goldenthread",
    "GOLDENTHREAD_EMAIL_HOST": "smtp.invalid",
    "GOLDENTHREAD_EMAIL_FROM": "golden-thread@example.org",
    "GOLDENTHREAD_BASE_URL": "https://goldenthread.example.org",
    "GOLDENTHREAD_AUDIT_SIGNING_KEY": "9z0GbQHTJ4x0cTRYF2D9bfTJRTFHyIh2lMhvBIzvy1E=",
}


def _run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("GOLDENTHREAD_", "DATABASE_URL", "DJANGO_"))
    }
    base["GOLDENTHREAD_VAR_DIR"] = str(tmp_path)
    return subprocess.run(
        [*GOLDENTHREAD, *args], env={**base, **env}, capture_output=True, text=True, timeout=120, check=False
    )


def test_settings_production_check_deploy_is_clean(tmp_path: Path) -> None:
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("GOLDENTHREAD_SECRET_KEY", "GOLDENTHREAD_SECRET_KEY must be set"),
        ("GOLDENTHREAD_ALLOWED_HOSTS", "GOLDENTHREAD_ALLOWED_HOSTS must be set"),
        ("DATABASE_URL", "DATABASE_URL must be set"),
        ("GOLDENTHREAD_AUDIT_SIGNING_KEY", "GOLDENTHREAD_AUDIT_SIGNING_KEY must be set"),
        ("GOLDENTHREAD_BASE_URL", "GOLDENTHREAD_BASE_URL must be set"),
    ],
)
def test_settings_production_missing_variable_fails_loudly(
    tmp_path: Path, missing: str, message: str
) -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _run(["check"], env, tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_settings_unknown_mode_fails_loudly(tmp_path: Path) -> None:
    result = _run(["check"], {"GOLDENTHREAD_ENV": "staging"}, tmp_path)
    assert result.returncode != 0
    assert "GOLDENTHREAD_ENV must be one of embedded, production, test" in result.stderr


def test_settings_bad_database_url_fails_loudly(tmp_path: Path) -> None:
    result = _run(["check"], {"DATABASE_URL": "mysql://root@127.0.0.1/x"}, tmp_path)
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL or SQLite" in result.stderr


def test_serve_refuses_non_loopback_bind_outside_production(tmp_path: Path) -> None:
    result = _run(["serve", "--bind", "0.0.0.0:8000"], {}, tmp_path)
    assert result.returncode == 2
    assert "refusing to listen on 0.0.0.0" in result.stderr


def test_settings_extra_closure_days_read_from_the_environment(tmp_path: Path) -> None:
    show = "from django.conf import settings; print(settings.GOLDENTHREAD_EXTRA_CLOSURE_DAYS)"
    env = {"GOLDENTHREAD_EXTRA_CLOSURE_DAYS": "2026-12-31, 2026-12-24,"}
    result = _run(["shell", "-c", show], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "(datetime.date(2026, 12, 24), datetime.date(2026, 12, 31))"


@pytest.mark.parametrize("value", ["2026-12-24,24/12/2026", "2026-02-30", "Christmas Eve"])
def test_settings_bad_extra_closure_day_fails_loudly(tmp_path: Path, value: str) -> None:
    result = _run(["check"], {"GOLDENTHREAD_EXTRA_CLOSURE_DAYS": value}, tmp_path)
    assert result.returncode != 0
    assert "GOLDENTHREAD_EXTRA_CLOSURE_DAYS must be comma-separated dates like 2026-12-24" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GOLDENTHREAD_EMAIL", "pigeon"),
        ("GOLDENTHREAD_BASE_URL", "goldenthread.example.org"),
        ("GOLDENTHREAD_NOTIFICATION_EMAIL_DEFAULT", "sometimes"),
        ("GOLDENTHREAD_WORKING_HOURS", "9 to 5"),
        ("GOLDENTHREAD_WORKING_HOURS", "18:00-08:00"),
        ("GOLDENTHREAD_OUT_OF_HOURS_AGENCY_KINDS", "school,nursery"),
        ("GOLDENTHREAD_OUTSIDE_NEED_OPENS", "several"),
        ("GOLDENTHREAD_VOLUME_FACTOR", "1"),
        ("GOLDENTHREAD_POLICY_PACK", "wales-2024"),
    ],
)
def test_settings_bad_feature_value_fails_naming_its_variable(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = _run(["check"], {variable: value}, tmp_path)
    assert result.returncode != 0
    assert variable in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("GOLDENTHREAD_IDLE_TIMEOUT_SECONDS", "half an hour", "must be a whole number"),
        ("GOLDENTHREAD_ABSOLUTE_TIMEOUT_SECONDS", "abc", "must be a whole number; got 'abc'"),
        ("GOLDENTHREAD_ABSOLUTE_TIMEOUT_SECONDS", "1.5", "must be a whole number; got '1.5'"),
        ("GOLDENTHREAD_ABSOLUTE_TIMEOUT_SECONDS", "0", "must be at least 60; got 0"),
        ("GOLDENTHREAD_ABSOLUTE_TIMEOUT_SECONDS", "-5", "must be at least 60; got -5"),
        ("GOLDENTHREAD_ABSOLUTE_TIMEOUT_SECONDS", "9" * 40, "must be a whole number"),
        ("GOLDENTHREAD_TASK_ATTEMPTS", "1000", "must be at most 100; got 1,000"),
        ("GOLDENTHREAD_IMPORT_MAX_ROWS", "abc", "must be a whole number"),
        ("GOLDENTHREAD_IMPORT_MAX_BYTES", "-5", "must be at least 1,024"),
        ("GOLDENTHREAD_IMPORT_IDLE_HOURS", "0", "must be at least 1"),
        ("GOLDENTHREAD_DEBUG", "maybe", "must be true or false"),
        ("GOLDENTHREAD_LOG_LEVEL", "loud", "must be"),
    ],
)
def test_settings_bad_value_names_its_variable(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = _run(["check"], {variable: value}, tmp_path)
    assert result.returncode == 2
    assert f"{variable} {message}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("GOLDENTHREAD_WORKERS", "abc", "GOLDENTHREAD_WORKERS must be a whole number; got 'abc'"),
        ("GOLDENTHREAD_WORKERS", "0", "GOLDENTHREAD_WORKERS must be at least 1; got 0"),
        ("GOLDENTHREAD_BIND", "localhost", "GOLDENTHREAD_BIND must be HOST:PORT"),
    ],
)
def test_serve_bad_environment_value_names_its_variable(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = _run(["serve"], {variable: value}, tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "GOLDENTHREAD_NOTIFY_API_KEY must be a GOV.UK Notify API key"),
        (
            {"GOLDENTHREAD_NOTIFY_API_KEY": "live-" + "-".join(["26785a09-ab16-4eb0-8407-a37497a57506"] * 2)},
            "GOLDENTHREAD_NOTIFY_TEMPLATE_ID must be the id of a GOV.UK Notify email template",
        ),
    ],
)
def test_settings_notify_without_its_key_or_template_fails_loudly(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = _run(["check"], {"GOLDENTHREAD_EMAIL": "notify", **env}, tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_settings_agency_kinds_for_out_of_hours_are_the_models_kinds() -> None:
    from django.conf import settings

    from goldenthread.agencies.models import AgencyKind

    assert tuple(settings.AGENCY_KINDS) == tuple(AgencyKind.values)


def test_settings_every_variable_read_is_in_the_readme_table() -> None:
    src = Path(__file__).parents[2] / "src/goldenthread"
    readers = ("config/settings.py", "linkage/agency_file.py", "linkage/cli.py", "linkage/batch.py", "cli.py")
    settings_source = "\n".join((src / name).read_text() for name in readers)
    read = set(re.findall(r'"((?:GOLDENTHREAD_[A-Z_]+)|DATABASE_URL)"', settings_source))
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    table = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.MULTILINE))
    assert read, "no variables found: the pattern no longer matches settings.py"
    assert sorted(read - table) == []


def test_cli_help_lists_the_project_verbs(tmp_path: Path) -> None:
    result = _run(["--help"], {}, tmp_path)
    assert result.returncode == 0
    for verb in ("serve", "demo-data", "audit verify", "decide", "policy show", "link"):
        assert verb in result.stdout


@pytest.mark.django_db
def test_demo_data_second_run_creates_nothing_new(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo_data")
    first = capsys.readouterr().out
    counts = (
        Agency.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )
    call_command("demo_data")
    second = capsys.readouterr().out
    assert counts == (
        Agency.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )
    assert "northshire-demo-2026" in first
    assert "(0 new records)" in second
    # Every role has at least one demo account.
    assert set(Membership.objects.values_list("role", flat=True)) >= {
        "practitioner",
        "manager",
        "dsl",
        "mash_officer",
        "ig_officer",
        "caldicott_guardian",
        "board_analyst",
        "system_administrator",
    }


@pytest.mark.django_db
def test_healthz_reports_database_ok() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_pages_send_security_headers(client: Any) -> None:
    response = client.get("/accounts/sign-in/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GOLDENTHREAD_WORKING_DAY_START": "9am"}, "GOLDENTHREAD_WORKING_DAY_START must be a time of day"),
        ({"GOLDENTHREAD_WORKING_DAY_END": "25:00"}, "GOLDENTHREAD_WORKING_DAY_END must be a time of day"),
        (
            {"GOLDENTHREAD_WORKING_DAY_START": "17:00", "GOLDENTHREAD_WORKING_DAY_END": "09:00"},
            "GOLDENTHREAD_WORKING_DAY_END must be later than GOLDENTHREAD_WORKING_DAY_START",
        ),
    ],
)
def test_settings_bad_working_day_fails_loudly(tmp_path: Path, env: dict[str, str], message: str) -> None:
    result = _run(["check"], env, tmp_path)
    assert result.returncode != 0
    assert message in result.stderr
