"""What this app adds to a person's card (see goldenthread.people.card_sections): "Information received"."""

from __future__ import annotations

from typing import Any

from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.exchange.selectors import decisions_to_answer_with, disclosures_about_person_for_user
from goldenthread.people.card_sections import CardSection, card_section_provider
from goldenthread.people.models import Person


@card_section_provider
def exchange_section(
    *, user: Any, agency: Any, person: Person, break_glass: bool = False
) -> CardSection | None:
    """What other agencies disclosed to the viewer's agency about the child, with its origin; and a way to
    ask other agencies (never about a shielded child: their brokered contact is the way)."""
    if not user_has_permission(user=user, permission=Permission.VIEW_CHILD_DATA, agency=agency):
        return None
    can_ask = not person.is_shielded and user_has_permission(
        user=user, permission=Permission.RECORD_DECISION, agency=agency
    )
    mine = decisions_to_answer_with(user=user, agency=agency, person=person) if can_ask else []
    shareable = [d for d in mine if d.decision == "share"]
    return CardSection(
        "exchange/_card_section.html",
        {
            "disclosures": disclosures_about_person_for_user(user=user, agency=agency, person=person),
            "can_ask": can_ask,
            "shareable": shareable,
            "agency": agency,
        },
    )
