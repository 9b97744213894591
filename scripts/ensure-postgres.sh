#!/usr/bin/env bash
# Prints a DATABASE_URL for a reachable PostgreSQL, starting one if needed; exits non-zero, loudly, if it can't.
set -euo pipefail
HOST=127.0.0.1
PORT=${GOLDENTHREAD_PG_PORT:-5432}
DBNAME=${GOLDENTHREAD_PG_DBNAME:-goldenthread}

# Reachable AND accepting user postgres without a password: a server that wants one is no use to the tests.
reachable() { psql -h "$HOST" -p "$1" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; }

if reachable "$PORT"; then
  echo "postgres://postgres@$HOST:$PORT/$DBNAME"
  exit 0
fi

# The machine's own cluster may simply be stopped.
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  for version in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 2>/dev/null || true
  done
  for _ in $(seq 1 20); do reachable "$PORT" && { echo "postgres://postgres@$HOST:$PORT/$DBNAME"; exit 0; }; sleep 0.5; done
fi

# Otherwise a throwaway cluster of our own, trust auth on loopback only.
INITDB=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -n 1 || true)
PG_CTL=$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | tail -n 1 || true)
if [ -z "$INITDB" ] || [ -z "$PG_CTL" ]; then
  echo "ensure-postgres: no PostgreSQL on $HOST:$PORT and no initdb/pg_ctl to start one. Install PostgreSQL." >&2
  exit 1
fi
DATA=${GOLDENTHREAD_PG_DATA:-$PWD/var/pgtest}
if [ "$(id -u)" = "0" ] && [ -z "${GOLDENTHREAD_PG_DATA:-}" ]; then
  # The postgres user may not be able to enter a checkout under /root.
  DATA=/tmp/goldenthread-pgtest
fi
OWN_PORT=54329
RUN_AS=()
if [ "$(id -u)" = "0" ]; then
  # initdb refuses to run as root; use the postgres system user when there is one.
  id postgres >/dev/null 2>&1 || { echo "ensure-postgres: running as root and no postgres user exists" >&2; exit 1; }
  RUN_AS=(runuser -u postgres --)
  mkdir -p "$DATA" && chown postgres "$DATA" && chmod 700 "$DATA"
fi
if [ ! -f "$DATA/PG_VERSION" ]; then
  "${RUN_AS[@]}" "$INITDB" -D "$DATA" -U postgres --auth=trust >&2
fi
if ! reachable "$OWN_PORT"; then
  "${RUN_AS[@]}" "$PG_CTL" -D "$DATA" -o "-p $OWN_PORT -k /tmp -c listen_addresses=$HOST" -l "$DATA/log" -w start >&2
fi
reachable "$OWN_PORT" || { echo "ensure-postgres: could not start a PostgreSQL cluster in $DATA" >&2; exit 1; }
echo "ensure-postgres: started a throwaway cluster in $DATA on port $OWN_PORT (left running for the next run)" >&2
echo "postgres://postgres@$HOST:$OWN_PORT/$DBNAME"
