"""Every write of the exchange, one module per job; every public name is re-exported here.

- ``config``: priorities, ladders and request types' default priorities
- ``requests``: requests sent, acknowledged, assigned, answered and withdrawn
- ``disclosures``: disclosures made, corrected, received and acted on; reads recorded
- ``differences``: differences of opinion raised and resolved
- ``escalation``: the rungs of a ladder raised when due
Each action checks its own rules whoever calls it, audits in its own transaction, and tells the people
concerned through notifications.actions.notify (no personal data in the message, an idempotent key).
"""

from goldenthread.exchange.actions.common import (
    Addressee,
    ExchangeError,
    ItemChoice,
    SubjectNotice,
)
from goldenthread.exchange.actions.config import (
    priorities_update,
)
from goldenthread.exchange.actions.differences import (
    can_resolve,
    difference_raise,
    difference_resolve,
)
from goldenthread.exchange.actions.disclosures import (
    disclosure_acknowledge,
    disclosure_action_record,
    disclosure_send,
    exchange_listed,
    exchange_viewed,
)
from goldenthread.exchange.actions.escalation import (
    escalations_raise_due,
)
from goldenthread.exchange.actions.requests import (
    recipient_acknowledge,
    recipient_assign,
    request_answer,
    request_send,
    request_withdraw,
)

__all__ = [
    "Addressee",
    "ExchangeError",
    "ItemChoice",
    "SubjectNotice",
    "can_resolve",
    "difference_raise",
    "difference_resolve",
    "disclosure_acknowledge",
    "disclosure_action_record",
    "disclosure_send",
    "escalations_raise_due",
    "exchange_listed",
    "exchange_viewed",
    "priorities_update",
    "recipient_acknowledge",
    "recipient_assign",
    "request_answer",
    "request_send",
    "request_withdraw",
]
