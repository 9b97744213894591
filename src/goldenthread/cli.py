"""The `goldenthread` command: the project's own verbs, and Django's management commands for the rest."""

from __future__ import annotations

import argparse
import os
import sys

from goldenthread.private_files import private_umask

USAGE = """usage: goldenthread VERB [options]

Verbs:
  serve [--bind HOST:PORT]              run the service (gunicorn)
  demo-data                             load the fictitious demo partnership (safe to repeat)
  audit verify [--against HEADFILE [--public-key KEY]]
                                        check the audit chain, and that it still holds what each
                                        signed head covered (exit 0 intact, 1 broken)
  audit head [--out FILE]               sign the chain's head (append it to FILE); run daily
  audit public-key                      the public key partners check signed heads with
  audit new-key                         a new private key for GOLDENTHREAD_AUDIT_SIGNING_KEY
  first-admin --agency-code CODE --username NAME --email ADDRESS --base-url URL
              [--agency-name NAME --agency-kind KIND] [--first-name X --last-name Y]
              [--reissue | --recover REASON]
                                        the first system administrator of a new installation,
                                        with a one-time link to choose their password
  housekeeping [--sign-in-log-days N]   remove ended sessions and old sign-in records (run daily)
  access_volume [--day YYYY-MM-DD]      alert on users who opened far more cards than their peers
                                        in a day (run daily, checks yesterday)
  worker [--batch] [--queue-name Q]     run background tasks from the queue (browser imports);
                                        run one beside `serve`, as a service in production
  decide --facts FILE [--pack NAME]     recommend whether to share, from the facts of a case
  policy show [--pack NAME] [--format text|svg]
                                        print a rule pack's flowchart
  link INPUT.csv --out OUTPUT.csv [--engine duckdb|spark]
                                        deduplicate a file of records (no database needed)
  any Django management command         e.g. migrate, createsuperuser, check --deploy
"""


def _django(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings now, so a bad variable reads as one line
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"goldenthread: {exc}\n")
        return 2
    execute_from_command_line(["goldenthread", *argv])
    return 0


def _decide(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="goldenthread decide")
    parser.add_argument("--facts", required=True, help="a JSON file of facts, or - for standard input")
    parser.add_argument("--pack", default=None, help="rule pack name (default: the current pack)")
    args = parser.parse_args(argv)
    from goldenthread.policy.cli import run_decide

    return int(run_decide(args.facts, args.pack, sys.stdin, sys.stdout, sys.stderr))


def _policy(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="goldenthread policy")
    sub = parser.add_subparsers(dest="action", required=True)
    show = sub.add_parser("show", help="print a rule pack's flowchart")
    show.add_argument("--pack", default=None)
    show.add_argument("--format", choices=["text", "svg"], default="text")
    args = parser.parse_args(argv)
    from goldenthread.policy.cli import run_policy_show

    return int(run_policy_show(args.pack, sys.stdout, sys.stderr, fmt=args.format))


# The access log: method, path and status, never the query string (a search by GET carries a child's name
# and date of birth in it) nor the referrer (a card's request names the search page it came from).
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'


def _serve(argv: list[str]) -> int:
    from goldenthread.environment import EnvironmentValueError, env_bind, env_int

    try:
        bind = env_bind("GOLDENTHREAD_BIND", "127.0.0.1:8000")
        workers = env_int("GOLDENTHREAD_WORKERS", 2, minimum=1, maximum=64)
    except EnvironmentValueError as exc:
        sys.stderr.write(f"goldenthread serve: {exc}\n")
        return 2
    parser = argparse.ArgumentParser(prog="goldenthread serve")
    parser.add_argument("--bind", default=bind)
    parser.add_argument("--workers", type=int, choices=range(1, 65), metavar="1-64", default=workers)
    args = parser.parse_args(argv)
    production = os.environ.get("GOLDENTHREAD_ENV") == "production"
    host = args.bind.rsplit(":", 1)[0].strip("[]")
    if not production and host not in ("127.0.0.1", "localhost", "::1"):
        # Outside production the demo accounts share a published password: never on the network.
        sys.stderr.write(f"goldenthread serve: refusing to listen on {host} outside production mode\n")
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    if production:
        # Hashed, compressed copies of the assets, which production's manifest storage serves.
        status = _django(["collectstatic", "--no-input", "--verbosity", "0"])
        if status:
            return status
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "goldenthread.config.wsgi",
        "--bind",
        args.bind,
        "--workers",
        str(args.workers),
        "--threads",
        "4",
        "--access-logfile",
        "-",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--graceful-timeout",
        "10",
    ]
    os.execv(sys.executable, command)  # noqa: S606 - replaces this process with the server, no shell involved
    return 0  # pragma: no cover


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Files any command or the service writes (database, mail, keys, outputs) are for this user alone.
    private_umask()
    if not argv or argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0
    verb, rest = argv[0], argv[1:]
    if verb == "decide":
        return _decide(rest)
    if verb == "policy":
        return _policy(rest)
    if verb == "link":
        # Imported only here: the batch linker brings Splink, DuckDB and pandas, which nothing else needs.
        from goldenthread.linkage.cli import main as link

        return link(rest)
    if verb == "serve":
        return _serve(rest)
    if verb == "demo-data":
        return _django(["demo_data", *rest])
    if verb == "first-admin":
        return _django(["first_admin", *rest])
    if verb == "audit" and rest[:1] == ["new-key"]:
        # Needs no settings: production refuses to start until this key exists.
        from goldenthread.audit.signing import signing_key_new

        sys.stdout.write(signing_key_new() + "\n")
        return 0
    if verb == "audit" and rest[:1] in (["verify"], ["head"], ["public-key"]):
        return _django([f"audit_{rest[0].replace('-', '_')}", *rest[1:]])
    return _django(argv)


if __name__ == "__main__":
    sys.exit(main())
