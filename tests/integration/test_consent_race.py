"""Withdrawal and a share on the same consent, racing on two connections (two threads): the share either
commits before the withdrawal (and the withdrawal lists it), or it is refused with a clear message. Both
lock the consent's row (select_for_update on PostgreSQL; on SQLite every write transaction is IMMEDIATE,
which serialises them the same way)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from goldenthread.consent.actions import consent_withdraw
from goldenthread.consent.models import ConsentRecord, ConsentWithdrawal
from goldenthread.sharing.models import Decision
from tests.integration.test_consent import _share_on
from tests.support.consent import actor, consent_make, girl
from tests.support.personas import persona_make

pytestmark = pytest.mark.django_db(transaction=True)

HOLD = 0.6  # seconds the first transaction keeps the row locked, so the second is surely waiting


def _in_thread(work: Callable[[], Any], results: dict[str, Any], name: str) -> threading.Thread:
    def run() -> None:
        try:
            results[name] = work()
        except Exception as exc:  # the refused share is the result the test looks at
            results[name] = exc
        finally:
            results[f"{name}_done"] = time.monotonic()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _withdraw(persona: Any, record: ConsentRecord) -> ConsentWithdrawal:
    return consent_withdraw(
        record_id=record.pk,
        withdrawn_on=dt.date.today(),
        how="verbal",
        withdrawn_by="Ruby herself",
        told="Nothing more will be shared on your consent.",
        by=actor(persona),
    )


def _holding_first(
    action: Callable[[], Any], locked: threading.Event, record: ConsentRecord
) -> Callable[[], Any]:
    """The action inside a transaction that has locked the consent's row and holds it a moment."""

    def work() -> Any:
        with transaction.atomic():
            ConsentRecord.objects.select_for_update().get(pk=record.pk)
            if connection.vendor == "sqlite":  # take SQLite's write lock now, as the row lock is taken
                ConsentRecord.objects.filter(pk=0).exists()
            locked.set()
            time.sleep(HOLD)
            result = action()
            return result, time.monotonic()

    return work


def test_consent_race_withdrawal_first_refuses_the_share_waiting_on_it() -> None:
    worker, manager = persona_make("social_worker"), persona_make("manager")
    record = consent_make(worker, girl())
    locked, results = threading.Event(), {}
    first = _in_thread(
        _holding_first(lambda: _withdraw(manager, record), locked, record), results, "withdraw"
    )
    assert locked.wait(10)
    second = _in_thread(lambda: _share_on(worker, record), results, "share")
    first.join(20)
    second.join(20)
    refused = results["share"]
    assert isinstance(refused, Exception), refused
    assert "was withdrawn on" in str(refused)
    _, committed_at = results["withdraw"]
    assert results["share_done"] >= committed_at  # the share waited for the withdrawal to commit
    assert not Decision.objects.exists()


def test_consent_race_share_first_completes_and_the_withdrawal_lists_it() -> None:
    worker, manager = persona_make("social_worker"), persona_make("manager")
    record = consent_make(worker, girl())
    locked, results = threading.Event(), {}
    first = _in_thread(_holding_first(lambda: _share_on(worker, record), locked, record), results, "share")
    assert locked.wait(10)
    second = _in_thread(lambda: _withdraw(manager, record), results, "withdraw")
    first.join(20)
    second.join(20)
    decision, committed_at = results["share"]
    withdrawal = results["withdraw"]
    assert isinstance(withdrawal, ConsentWithdrawal), withdrawal
    assert results["withdraw_done"] >= committed_at
    assert [item["href"] for item in withdrawal.relied] == [f"/sharing/decisions/{decision.pk}/"]
