"""`goldenthread link --engine spark`: a real local Spark session (pyspark, Java) on a small synthetic file.

Spark starts a JVM and runs every Splink step as a job, so the file is small and Spark runs once for the
module; the DuckDB engine on the same file is the reference the Spark partition must equal.
"""

import csv
import io
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from goldenthread.linkage import synthetic
from goldenthread.linkage.cli import run_link
from goldenthread.linkage.metrics import pairwise_scores


def _people(path) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["record_id"]: row["person_id"] for row in csv.DictReader(handle)}


def _partition(person_of: dict[str, str]) -> set[frozenset[str]]:
    members: dict[str, set[str]] = {}
    for record, person in person_of.items():
        members.setdefault(person, set()).add(record)
    return {frozenset(group) for group in members.values()}


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    if shutil.which("java") is None:
        pytest.fail("the Spark engine needs a Java runtime (java on PATH); install openjdk-17-jre-headless")
    folder = tmp_path_factory.mktemp("spark")
    source = folder / "records.csv"
    with open(source, "w", encoding="utf-8", newline="") as handle:
        synthetic.write_csv(handle, 60, seed=7)
    runs = {}
    out, err = io.StringIO(), io.StringIO()
    status = run_link(str(source), str(folder / "duckdb.csv"), "duckdb", out, err)
    runs["duckdb"] = (status, out.getvalue(), err.getvalue(), _people(folder / "duckdb.csv"))
    # Spark through the real command line, so that what the JVM writes to the terminal is seen too.
    command = [sys.executable, "-m", "goldenthread.cli", "link", str(source)]
    command += ["--out", str(folder / "spark.csv"), "--engine", "spark"]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=900)
    people = _people(folder / "spark.csv") if done.returncode == 0 else {}
    runs["spark"] = (done.returncode, done.stdout, done.stderr, people)
    return source, runs


def test_link_spark_engine_exits_ok_with_one_row_per_record(linked):
    source, runs = linked
    status, out, err, people = runs["spark"]
    assert status == 0, err
    records = pd.read_csv(source, dtype=str)
    assert sorted(people) == sorted(records["record_id"])
    assert "linked" in out


def test_link_spark_engine_same_people_as_duckdb(linked):
    _, runs = linked
    assert _partition(runs["spark"][3]) == _partition(runs["duckdb"][3])


def test_link_spark_engine_finds_the_generated_children(linked):
    source, runs = linked
    truth = pd.read_csv(source, dtype=str)
    predicted = truth["record_id"].map(runs["spark"][3])
    scores = pairwise_scores(truth["true_person_id"], predicted)
    assert scores.precision >= 0.95 and scores.recall >= 0.8, scores


def test_link_spark_engine_keeps_java_stack_traces_out_of_the_output(linked):
    _, runs = linked
    err = runs["spark"][2]
    assert "\tat org." not in err and "Caused by:" not in err, err[-2000:]
    # Spark's own start-up warnings and progress bars stay out too (errors would still be shown).
    assert " WARN " not in err and "[Stage " not in err, err[-2000:]
