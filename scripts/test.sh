#!/usr/bin/env bash
# The whole suite, on PostgreSQL and on SQLite, with the browser tests running (never skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

scripts/ensure-chromium.sh
scripts/ensure-java.sh
PG_URL=$(scripts/ensure-postgres.sh)
export GOLDENTHREAD_ENV=test GOLDENTHREAD_CHROMIUM=${GOLDENTHREAD_CHROMIUM:-/usr/bin/chromium}

echo "== lint, import contracts and types"
$BIN/ruff check src tests bench
$BIN/lint-imports
$BIN/mypy

# Branch coverage is measured on the PostgreSQL run (the whole suite); the floor is the figure reached.
echo "== PostgreSQL ($PG_URL): the whole suite, with branch coverage"
DATABASE_URL=$PG_URL $BIN/python -m pytest -q -p no:cacheprovider --create-db \
  --cov=goldenthread --cov-branch --cov-report=term:skip-covered --cov-fail-under=92 \
  tests --ignore=tests/crash "$@"

echo "== PostgreSQL crash: a write load, pg_ctl -m immediate, recovery (a throwaway cluster of its own)"
DATABASE_URL=$PG_URL $BIN/python -m pytest -q -p no:cacheprovider -rA tests/crash

echo "== SQLite: every test that touches a database"
DATABASE_URL=sqlite:///$PWD/var/test-default.sqlite3 $BIN/python -m pytest -q -p no:cacheprovider \
  tests/integration tests/security tests/functional "$@"
