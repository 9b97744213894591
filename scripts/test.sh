#!/usr/bin/env bash
# The whole suite, on PostgreSQL and on SQLite, with the browser tests running (never skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

scripts/ensure-chromium.sh
scripts/ensure-java.sh
PG_URL=$(scripts/ensure-postgres.sh)
export GOLDENTHREAD_ENV=test GOLDENTHREAD_CHROMIUM=${GOLDENTHREAD_CHROMIUM:-/usr/bin/chromium}

echo "== lint and types"
$BIN/ruff check src tests bench
$BIN/lint-imports
$BIN/mypy

echo "== PostgreSQL ($PG_URL): the whole suite"
DATABASE_URL=$PG_URL $BIN/python -m pytest -q -p no:cacheprovider --create-db tests "$@"

echo "== SQLite: every test that touches a database"
DATABASE_URL=sqlite:///$PWD/var/test-default.sqlite3 $BIN/python -m pytest -q -p no:cacheprovider \
  tests/integration tests/security tests/functional "$@"
