"""Shared fixtures. Imports of Django code stay inside fixtures so pure unit tests run without Django."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def persona(db: Any) -> Any:
    """persona("police_officer") makes that persona, once per test."""
    from tests.support.personas import persona_make

    made: dict[str, Any] = {}

    def make(name: str) -> Any:
        if name not in made:
            made[name] = persona_make(name)
        return made[name]

    return make


@pytest.fixture
def signed_in(persona: Any) -> Any:
    """signed_in("manager") returns a Client with a fully signed-in session for that persona."""
    from tests.support.personas import client_signed_in

    def make(name: str) -> Any:
        return client_signed_in(persona(name))

    return make


@pytest.fixture
def worker_process(transactional_db: Any, tmp_path: Any) -> Any:
    """worker_process() starts `goldenthread worker` on the test database; all are stopped at the end."""
    import subprocess

    from tests.support.worker import worker_start

    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str, **env: str) -> subprocess.Popen[bytes]:
        process = worker_start(*args, log=tmp_path / "worker.log", **env)
        started.append(process)
        return process

    start.log = tmp_path / "worker.log"  # type: ignore[attr-defined]
    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
