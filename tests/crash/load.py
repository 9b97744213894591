"""The write load of the crash test, run as separate processes against a throwaway PostgreSQL cluster.

`python -m tests.crash.load setup` makes the acting persona; `python -m tests.crash.load write LOG` records
decisions until the database goes away, appending each decision's id to LOG (flushed to disk) only once
its transaction has committed, so LOG lists exactly the writes the service told its caller were done.
"""

from __future__ import annotations

import os
import sys

import django


def _setup() -> int:
    from tests.support.personas import persona_make

    persona_make("social_worker")
    return 0


def _write(log_path: str) -> int:
    from django.db import Error

    from goldenthread.accounts.models import User
    from tests.support.personas import Persona
    from tests.support.sharing import decision_make

    user = User.objects.get(username="social_worker")
    membership = user.memberships.select_related("agency").get()
    persona = Persona(name="social_worker", user=user, agency=membership.agency, device=None)
    with open(log_path, "a", encoding="ascii") as log:
        while True:
            try:
                decision = decision_make(persona)
            except Error:
                return 0  # the server is gone: the crash this load is waiting for
            log.write(f"{decision.pk}\n")
            log.flush()
            os.fsync(log.fileno())


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    django.setup()
    if argv[:1] == ["setup"]:
        return _setup()
    if argv[:1] == ["write"] and len(argv) == 2:
        return _write(argv[1])
    sys.stderr.write("usage: python -m tests.crash.load setup | write LOG\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
