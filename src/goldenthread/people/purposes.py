"""The purpose a user gave for each person they opened, kept in their session.

The card asks it once (or carries it over from the search that found the person) and every later read of
that person in the session is audited with it: the card, and the decision guide started from the card
(sharing asks `purpose_given`). What is kept is the purpose's code from the fixed list, never free text.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase

from goldenthread.people.forms import PURPOSE_LABELS

# Session keys: the purpose given for each person opened, and the last search's purpose and results.
PURPOSES_KEY = "people.purposes"
SEARCH_KEY = "people.search"


def purpose_remember(session: SessionBase, person_id: int, code: str) -> None:
    purposes = dict(session.get(PURPOSES_KEY, {}))
    purposes[str(person_id)] = code
    session[PURPOSES_KEY] = purposes


def purpose_given(session: SessionBase, person_id: int) -> str:
    """The words of the purpose the user gave for this person, or "" if they gave none. Opening a person
    from the search just made carries that search's purpose over (and remembers it for them)."""
    purposes = session.get(PURPOSES_KEY, {})
    if str(person_id) in purposes:
        return PURPOSE_LABELS.get(purposes[str(person_id)], "")
    last = session.get(SEARCH_KEY, {})
    if person_id in last.get("results", []) and last.get("purpose_code") in PURPOSE_LABELS:
        purpose_remember(session, person_id, last["purpose_code"])
        return PURPOSE_LABELS[last["purpose_code"]]
    return ""
