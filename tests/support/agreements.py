"""Agreements for tests: drafted through the actions, as the pages draft them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from goldenthread.agencies.models import Membership
from goldenthread.agreements.actions import (
    Terms,
    agreement_create,
    agreement_party_add,
    agreement_sign,
    agreement_submit,
)
from goldenthread.agreements.models import AgreementVersion
from goldenthread.core.actor import Actor


def terms(**changes: Any) -> Terms:
    values: dict[str, Any] = {
        "title": "Safeguarding partnership information sharing agreement",
        "purposes": ["section_47", "mash_screening"],
        "categories": ["identity_contact", "safeguarding_concerns", "health"],
        "lawful_bases": "UK GDPR 6(1)(e) public task; Article 9(2)(g) with DPA 2018 Sch 1 para 18",
        "retention": "Kept for the life of the case plus 6 years, then securely destroyed",
        "data_quality": "Each party checks accuracy before sharing and passes on corrections within 5 days",
        "complaints": "To the sharing agency's data protection officer within 24 hours",
        "subject_access": "Each party answers for what it holds, consulting the originator first",
        "security": "Shared only through the service; access by role, audited",
        "review_months": 12,
        "next_review_date": timezone.localdate() + dt.timedelta(days=365),
    }
    values.update(changes)
    return Terms(**values)


def actor(persona: Any) -> Actor:
    return Actor.of(persona.user, persona.agency)


def agreement_draft(drafter: Any, officers: list[Any], **changes: Any) -> AgreementVersion:
    """A draft overarching agreement with each officer's agency as a party (officer nominated)."""
    version = agreement_create(tier="overarching", parent_id=None, terms=terms(**changes), by=actor(drafter))
    for officer in officers:
        membership = Membership.objects.get(user=officer.user, agency=officer.agency)
        agreement_party_add(version_id=version.pk, membership_id=membership.pk, by=actor(drafter))
    return version


def agreement_active(drafter: Any, officers: list[Any], **changes: Any) -> AgreementVersion:
    """Drafted, sent for signing and signed by every officer (second factor taken as given)."""
    version = agreement_draft(drafter, officers, **changes)
    agreement_submit(version_id=version.pk, by=actor(drafter))
    for officer in officers:
        agreement_sign(version_id=version.pk, stepped_up=True, by=actor(officer))
    version.refresh_from_db()
    return version
