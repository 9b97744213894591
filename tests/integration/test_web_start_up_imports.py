"""The web service starts without the batch linker's heavy libraries.

Splink, DuckDB, pandas and Spark are only for ``goldenthread link``; the live import and the search use
the pure-Python parts of goldenthread.linkage (normalisation, keys, the pairwise scorer). Loading them in
every web worker would cost start-up time and hundreds of megabytes for nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("splink", "duckdb", "pandas", "pyspark")

# Imports the WSGI application as gunicorn does, then every view (through the URLconf) and the live
# import and search, and prints which heavy libraries ended up loaded.
PROBE = f"""
import json, sys
from goldenthread.config.wsgi import application
from django.urls import get_resolver
import goldenthread.people.importing, goldenthread.people.search

def walk(patterns):
    for pattern in patterns:
        walk(getattr(pattern, "url_patterns", []))

walk(get_resolver().url_patterns)
print(json.dumps(sorted(name for name in {HEAVY!r} if name in sys.modules)))
"""


def test_wsgi_application_imported_fresh_loads_no_batch_linker_library(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOLDENTHREAD_", "DATABASE_URL"))}
    env |= {
        "GOLDENTHREAD_ENV": "test",
        "GOLDENTHREAD_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'start-up.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
