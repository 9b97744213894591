"""The information sharing agreements at the moment of sharing: the answer page names the agreements in
force between the two agencies, and a share checked against them records a gap (never a block)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from goldenthread.agreements.models import CoverageGap
from goldenthread.exchange.defaults import defaults_ensure
from goldenthread.exchange.models import Disclosure
from tests.support.agreements import agreement_active
from tests.support.exchange import child_make, recipient_of, request_make, share_decision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _defaults() -> None:
    defaults_ensure()


def _answer(persona: Any, signed_in: Any, **extra: str) -> tuple[Any, Any]:
    mash, health = persona("social_worker"), persona("health_visitor")
    child = child_make()
    sent = request_make(mash, child, health)
    decision = share_decision(health, child)
    url = (
        reverse("exchange:recipient-answer", args=[recipient_of(sent, health).pk])
        + f"?decision={decision.pk}"
    )
    items = {f"source_{i.pk}": "Health visiting records" for i in decision.items.all()}
    form = {"outcome": "share_all", "lawful_basis": "s47", "subject_told": "not_told"}
    form |= {"subject_not_told_reason": "It would increase the risk"} | items | extra
    client = signed_in("health_visitor")
    return client, client.post(url, form, follow=True)


def test_answer_page_names_agreements_in_force_between_the_agencies(persona: Any, signed_in: Any) -> None:
    mash, health = persona("social_worker"), persona("health_visitor")
    sent = request_make(mash, child_make(), health)
    url = reverse("exchange:recipient-answer", args=[recipient_of(sent, health).pk])
    decision = share_decision(health, sent.person)
    client = signed_in("health_visitor")
    before = client.get(url + f"?decision={decision.pk}").content.decode()
    assert "No information sharing agreement is in force" in before
    version = agreement_active(persona("system_administrator"), [persona("ig_officer"), health])
    after = client.get(url + f"?decision={decision.pk}").content.decode()
    assert version.title in after and "No information sharing agreement is in force" not in after


def test_answer_checked_against_agreements_gap_recorded_and_share_made(persona: Any, signed_in: Any) -> None:
    _client, response = _answer(
        persona, signed_in, agreement_purpose="section_47", information_category="health"
    )
    assert Disclosure.objects.count() == 1
    gap = CoverageGap.objects.get()
    assert (gap.purpose, gap.category) == ("section_47", "health")
    assert "the gap has been recorded for the partnership" in response.content.decode()


def test_answer_checked_against_agreements_covered_says_which(persona: Any, signed_in: Any) -> None:
    version = agreement_active(
        persona("system_administrator"), [persona("ig_officer"), persona("health_visitor")]
    )
    _client, response = _answer(
        persona, signed_in, agreement_purpose="section_47", information_category="health"
    )
    assert Disclosure.objects.count() == 1 and not CoverageGap.objects.exists()
    assert f"Covered by the information sharing agreement: {version.title}" in response.content.decode()


def test_answer_agreements_check_half_chosen_refused_nothing_sent(persona: Any, signed_in: Any) -> None:
    _client, response = _answer(persona, signed_in, agreement_purpose="section_47")
    assert "Choose both a purpose and a category" in response.content.decode()
    assert not Disclosure.objects.exists() and not CoverageGap.objects.exists()
