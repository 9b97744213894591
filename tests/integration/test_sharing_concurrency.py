"""Two corrections of one decision made at the same moment, on two connections: one is recorded, the
other is told the decision has already been corrected (a message, never a database error or a 500)."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
from django.db import connection

from goldenthread.sharing import actions
from goldenthread.sharing.actions import ALREADY_CORRECTED, SharingError
from goldenthread.sharing.models import Decision
from tests.support.personas import persona_make
from tests.support.sharing import decision_make


@pytest.mark.django_db(transaction=True)
def test_decision_corrected_twice_at_once_loser_told(monkeypatch: pytest.MonkeyPatch) -> None:
    worker = persona_make("social_worker")
    original = decision_make(worker)
    real = actions._decision_save
    both_checked = threading.Barrier(2, timeout=3)

    def save_after_both_checked(**kwargs: Any) -> Decision:
        # Without a lock both corrections pass the "already corrected?" check before either saves.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait()
        return real(**kwargs)

    monkeypatch.setattr(actions, "_decision_save", save_after_both_checked)
    results: list[Any] = []

    def correct(purpose: str) -> None:
        try:
            results.append(decision_make(worker, purpose=purpose, supersedes=original))
        except Exception as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=correct, args=(f"Correction {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    recorded = [r for r in results if isinstance(r, Decision)]
    refused = [r for r in results if isinstance(r, SharingError)]
    assert (len(recorded), len(refused)) == (1, 1), results
    assert ALREADY_CORRECTED in str(refused[0].problems)
    assert Decision.objects.filter(supersedes=original).count() == 1
