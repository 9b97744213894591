"""The "Consent" section of a person's card (see goldenthread.people.card_sections)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.consent.models import NoticeGiven
from goldenthread.consent.selectors import assessments_about, consent_position
from goldenthread.people.card_sections import CardSection, card_section_provider
from goldenthread.people.models import Person
from goldenthread.people.selectors import person_ids_merged_into


@card_section_provider
def consent_section(
    *, user: Any, agency: Any, person: Person, break_glass: bool = False
) -> CardSection | None:
    """The current consent position per purpose and agency, the assessments, and the notice given."""
    if not user_has_permission(user=user, permission=Permission.VIEW_CHILD_DATA, agency=agency):
        return None
    notices = NoticeGiven.objects.filter(person__in=person_ids_merged_into(person.pk), agency=agency)
    return CardSection(
        "consent/_card_section.html",
        {
            "person": person,
            "positions": consent_position(user=user, agency=agency, person=person),
            "assessments": assessments_about(user=user, agency=agency, person=person),
            "today": timezone.localdate(),
            "notice_given": notices.select_related("given_by").first(),
            "agency": agency,
            "can_record": user_has_permission(
                user=user, permission=Permission.RECORD_DECISION, agency=agency
            ),
        },
    )
