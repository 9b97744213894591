"""What this app adds to a person's card (see goldenthread.people.card_sections)."""

from __future__ import annotations

from typing import Any

from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.people.card_sections import CardSection, card_section_provider
from goldenthread.people.models import Person
from goldenthread.sharing.selectors import advice_about_person_for_user, decisions_about_person_for_user


@card_section_provider
def sharing_section(
    *, user: Any, agency: Any, person: Person, break_glass: bool = False
) -> CardSection | None:
    """The decisions and advice about the child that the viewer's agency recorded, with links to them;
    under break-glass, every agency's decisions about the child."""
    if not user_has_permission(user=user, permission=Permission.VIEW_CHILD_DATA, agency=agency):
        return None
    return CardSection(
        "sharing/_card_section.html",
        {
            "decisions": decisions_about_person_for_user(
                user=user, agency=agency, person=person, every_agency=break_glass
            ),
            "break_glass": break_glass,
            "advice": advice_about_person_for_user(user=user, agency=agency, person=person),
            "agency": agency,
        },
    )
