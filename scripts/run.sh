#!/usr/bin/env bash
# `make run`'s last step: the web server and a background worker side by side. Ctrl+C (or either of
# them ending) stops both; the worker puts a task it was in the middle of back on the queue.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

"$BIN/goldenthread" worker --verbosity 1 &
worker=$!
"$BIN/goldenthread" serve --bind "${GOLDENTHREAD_BIND:-127.0.0.1:8000}" &
server=$!

stop() {
  trap - INT TERM EXIT
  kill -TERM "$server" "$worker" 2>/dev/null
  wait "$server" "$worker" 2>/dev/null
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

# Whichever ends first (a crash, or a signal sent to one of them), the other is stopped too.
wait -n "$server" "$worker"
status=$?
echo "run.sh: the $(kill -0 "$server" 2>/dev/null && echo worker || echo web server) stopped (exit $status); stopping the other" >&2
exit "$status"
