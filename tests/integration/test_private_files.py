"""Files the service writes are readable by its own user only, whatever the umask it was started with."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import override_settings

EMBEDDED = {"GOLDENTHREAD_ENV": "embedded"}


def _goldenthread(args: list[str], var: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("GOLDENTHREAD_", "DATABASE_URL", "DJANGO_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "goldenthread.cli", *args],
        env={**base, **env, "GOLDENTHREAD_VAR_DIR": str(var)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        umask=0o022,  # a usual login umask: what the service writes must not depend on it
    )


def _open_to_others(root: Path) -> list[str]:
    paths = [root, *root.rglob("*")]
    return [f"{p} {stat.filemode(p.stat().st_mode)}" for p in paths if p.stat().st_mode & 0o077]


def test_private_files_embedded_mode_writes_database_mail_and_keys_for_owner_only(tmp_path: Path) -> None:
    var = tmp_path / "var"
    result = _goldenthread(["migrate", "--no-input", "-v", "0"], var, EMBEDDED)
    assert result.returncode == 0, result.stderr
    result = _goldenthread(["sendtestemail", "someone@example.org"], var, EMBEDDED)
    assert result.returncode == 0, result.stderr
    written = {p.name for p in var.rglob("*")}
    assert {"goldenthread.sqlite3", "secret_key", "audit_signing_key", "mail"} <= written
    assert list((var / "mail").iterdir())
    assert _open_to_others(var) == []


def test_private_files_embedded_mode_tightens_files_an_older_release_left_open(tmp_path: Path) -> None:
    var = tmp_path / "var"
    (var / "mail").mkdir(parents=True)
    (var / "mail" / "set-up-link.log").write_text("Choose your password: http://127.0.0.1:8000/set-up/…")
    (var / "goldenthread.sqlite3").write_bytes(b"")
    for path in [var, var / "mail"]:
        path.chmod(0o755)
    for path in [var / "mail" / "set-up-link.log", var / "goldenthread.sqlite3"]:
        path.chmod(0o644)
    assert len(_open_to_others(var)) == 4
    result = _goldenthread(["check"], var, EMBEDDED)
    assert result.returncode == 0, result.stderr
    assert _open_to_others(var) == []
    # Only permissions change: what was there is still there.
    assert (var / "mail" / "set-up-link.log").read_text().startswith("Choose your password")


def test_private_files_production_refuses_a_bad_signing_key(tmp_path: Path) -> None:
    from tests.integration.test_settings_and_cli import PRODUCTION_ENV

    env = {**PRODUCTION_ENV, "GOLDENTHREAD_AUDIT_SIGNING_KEY": "not-a-key"}
    result = _goldenthread(["check"], tmp_path, env)
    assert result.returncode != 0
    assert "GOLDENTHREAD_AUDIT_SIGNING_KEY is not an Ed25519 private key: " in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_private_files_uploads_kept_by_storage_are_owner_only(tmp_path: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        with override_settings(MEDIA_ROOT=str(tmp_path)):
            name = FileSystemStorage().save("imports/records.csv", ContentFile(b"record_id\n1\n"))
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "imports").stat().st_mode) == 0o700
