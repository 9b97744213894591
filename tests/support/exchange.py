"""People, decisions and requests for the exchange's tests."""

from __future__ import annotations

from typing import Any

from goldenthread.core.actor import Actor
from goldenthread.exchange.actions import Addressee, ItemChoice, SubjectNotice, request_send
from goldenthread.exchange.defaults import defaults_ensure
from goldenthread.exchange.models import InformationRequest, RequestRecipient
from goldenthread.people.models import Person
from goldenthread.sharing.models import Decision
from tests.support.personas import Persona
from tests.support.sharing import REFUSED_FACTS, decision_make


def by(persona: Persona) -> Actor:
    return Actor.of(persona.user, persona.agency)


def child_make(given: str = "Maisie", family: str = "Ward", **extra: Any) -> Person:
    return Person.objects.create(given_name=given, family_name=family, **extra)


def request_make(
    sender: Persona, person: Person, *to: Persona, priority: str = "red", **overrides: Any
) -> InformationRequest:
    defaults_ensure()
    assert sender.agency is not None
    arguments: dict[str, Any] = {
        "request_type": "general_safeguarding",
        "addressees": [Addressee(agency_id=p.agency.pk) for p in to if p.agency is not None],
        "purpose": "MASH screening of a referral about bruising",
        "needed": "Attendance and any concerns recorded in the last six months, to assess risk",
        "lawful_basis": "Children Act 1989 s47; UK GDPR 6(1)(e) and 9(2)(g)",
        "priority": priority,
    }
    arguments.update(overrides)
    return request_send(agency=sender.agency, by=by(sender), person=person, **arguments)


def recipient_of(request: InformationRequest, persona: Persona) -> RequestRecipient:
    return RequestRecipient.objects.get(request=request, agency=persona.agency)


def share_decision(persona: Persona, person: Person | None) -> Decision:
    """A decision to share two items without consent in an emergency (endorsement owed afterwards)."""
    return decision_make(persona, person=person, emergency=True)


def decline_decision(persona: Persona, person: Person) -> Decision:
    return decision_make(
        persona,
        person=person,
        facts=REFUSED_FACTS,
        decision="do_not_share",
        consent_position="refused",
        consent_reasons="The parent refused and there is no safeguarding concern that overrides it",
        items=[],
        recipients="",
    )


def all_items(decision: Decision, *, withhold: int | None = None) -> list[ItemChoice]:
    """Every item of the decision shared, except the one at position ``withhold``, withheld with a reason."""
    return [
        ItemChoice(
            decision_item_id=item.pk,
            include=item.position != withhold,
            source="Health visiting records",
            reason="Third-party information about the mother's health" if item.position == withhold else "",
        )
        for item in decision.items.order_by("position")
    ]


NOT_TOLD = SubjectNotice(told="not_told", why_not="Telling the family now would increase the risk")
