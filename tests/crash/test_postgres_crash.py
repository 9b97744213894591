"""PostgreSQL stopped dead under a write load loses no committed write's audit event and leaves no half.

A throwaway cluster of its own (initdb, its own port): the machine's server is never stopped. Several
processes record decisions; `pg_ctl -m immediate` stops the server mid-load (no shutdown checkpoint, as a
power cut or a killed container would); after recovery every decision a writer saw committed is there with
its items and its audit event, no event speaks of a decision that is not there, and the chain verifies
against a head signed before the load.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 4
LOAD_SECONDS = 4.0


def _pg_program(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1:]), "")
    if not found:
        pytest.fail(f"the crash test needs PostgreSQL's {name}; install PostgreSQL")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    def __init__(self, data: Path, port: int) -> None:
        self.data, self.port = data, port
        # initdb refuses to run as root: then the cluster belongs to the postgres system user.
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def pg_ctl(self, *args: str, check: bool = True) -> None:
        command = [*self.run_as, _pg_program("pg_ctl"), "-D", str(self.data), *args]
        subprocess.run(command, check=check, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        self.pg_ctl("-o", options, "-l", str(self.data / "log"), "-w", "start")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if os.geteuid() == 0:
        # The postgres user cannot enter a root-owned checkout's private var/, so as root it goes in /tmp.
        data = Path(tempfile.mkdtemp(prefix="goldenthread-crash-"))
        shutil.chown(data, "postgres")
    else:
        (ROOT / "var").mkdir(exist_ok=True)
        data = Path(tempfile.mkdtemp(prefix="crash-", dir=ROOT / "var"))
    made = Cluster(data, _free_port())
    initdb = [*made.run_as, _pg_program("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
    subprocess.run([*initdb, "--no-sync"], check=True, capture_output=True, timeout=120)
    made.start()
    try:
        with psycopg.connect(made.url("postgres"), autocommit=True) as connection:
            connection.execute("CREATE DATABASE goldenthread_crash")
        yield made
    finally:
        made.pg_ctl("-m", "immediate", "stop", check=False)  # already down if the test failed mid-crash
        shutil.rmtree(data, ignore_errors=True)


def _env(cluster: Cluster) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GOLDENTHREAD_", "DATABASE_URL"))}
    return {**base, "GOLDENTHREAD_ENV": "test", "DATABASE_URL": cluster.url("goldenthread_crash")}


def _run(cluster: Cluster, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=_env(cluster), cwd=ROOT, capture_output=True, text=True, timeout=180
    )


def _committed(logs: list[Path]) -> set[int]:
    return {int(line) for log in logs if log.exists() for line in log.read_text().split()}


def _load_until_crash(cluster: Cluster, tmp_path: Path) -> set[int]:
    logs = [tmp_path / f"writer-{n}.log" for n in range(WRITERS)]
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.crash.load", "write", str(log)],
            env=_env(cluster),
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for log in logs
    ]
    deadline = time.monotonic() + 60
    # Wait until every writer is committing, then let the load run before pulling the plug.
    while not all(log.exists() and log.stat().st_size for log in logs):
        assert time.monotonic() < deadline, "the writers never committed anything"
        assert all(w.poll() is None for w in writers), [w.communicate()[1] for w in writers]
        time.sleep(0.1)
    time.sleep(LOAD_SECONDS)
    assert all(w.poll() is None for w in writers), "a writer stopped before the crash"
    cluster.pg_ctl("-m", "immediate", "stop")
    for writer in writers:
        _, errors = writer.communicate(timeout=60)
        assert writer.returncode == 0, errors
    return _committed(logs)


def test_crash_immediate_stop_mid_load_keeps_every_committed_write_whole(
    cluster: Cluster, tmp_path: Path
) -> None:
    started = time.monotonic()
    for args in (
        ["-m", "goldenthread.cli", "migrate", "--no-input", "-v", "0"],
        ["-m", "tests.crash.load", "setup"],
    ):
        result = _run(cluster, *args)
        assert result.returncode == 0, result.stderr
    heads = tmp_path / "heads.jsonl"
    result = _run(cluster, "-m", "goldenthread.cli", "audit", "head", "--out", str(heads))
    assert result.returncode == 0, result.stderr

    committed = _load_until_crash(cluster, tmp_path)
    cluster.start()  # crash recovery replays the write-ahead log

    with psycopg.connect(cluster.url("goldenthread_crash")) as connection:
        decisions = {row[0] for row in connection.execute("SELECT id FROM sharing_decision")}
        audited = {
            int(row[0])
            for row in connection.execute(
                "SELECT object_id FROM audit_auditevent WHERE action = 'decision.recorded'"
            )
        }
        item_counts = {
            row[0]
            for row in connection.execute("SELECT count(*) FROM sharing_decisionitem GROUP BY decision_id")
        }
        items_of_missing = connection.execute(
            "SELECT count(*) FROM sharing_decisionitem i "
            "LEFT JOIN sharing_decision d ON d.id = i.decision_id WHERE d.id IS NULL"
        ).fetchone()
    assert len(committed) >= WRITERS * 5, f"too little load to test: {len(committed)} writes"
    assert committed <= decisions, f"committed decisions lost: {sorted(committed - decisions)[:10]}"
    assert audited == decisions, "a decision without its audit event, or an event without its decision"
    assert item_counts == {2}, f"decisions with a part of their items: {item_counts}"
    assert items_of_missing == (0,)
    result = _run(cluster, "-m", "goldenthread.cli", "audit", "verify", "--against", str(heads))
    assert result.returncode == 0, result.stderr
    assert "Audit chain intact" in result.stdout
    sys.stdout.write(
        f"\ncrash test: {len(committed)} writes seen committed by {WRITERS} writers, "
        f"{len(decisions)} decisions after recovery, {time.monotonic() - started:.1f} s\n"
    )
