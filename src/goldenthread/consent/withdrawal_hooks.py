"""What a withdrawal tells the apps above: each lists what relied on the consent and tells whom it must.

consent sits below sharing and the exchange, so it cannot look at their records; each registers a listener
(in its app's ``ready``) that the withdrawal action calls inside its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Relied:
    """One record that relied on the consent withdrawn (a decision to share, a disclosure); no personal
    data."""

    label: str
    href: str


WithdrawalListener = Callable[..., list[Relied]]
_listeners: list[WithdrawalListener] = []


def withdrawal_listener(listener: WithdrawalListener) -> WithdrawalListener:
    """Register ``listener(*, record, by) -> list[Relied]``, called when a consent is withdrawn."""
    _listeners.append(listener)
    return listener


def withdrawal_relied(*, record: Any, by: Any) -> list[Relied]:
    return [item for listener in _listeners for item in listener(record=record, by=by)]
