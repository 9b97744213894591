"""Every refusal of the exchange says what is wrong, in words a practitioner can act on; nothing changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from goldenthread.agencies.models import Team
from goldenthread.exchange.actions import (
    ExchangeError,
    SubjectNotice,
    difference_raise,
    difference_resolve,
    disclosure_action_record,
    disclosure_send,
    request_answer,
)
from goldenthread.exchange.defaults import defaults_ensure
from goldenthread.exchange.models import Disclosure, RequestRecipient
from goldenthread.exchange.request_types import BY_CODE, details_problems
from tests.support.exchange import (
    NOT_TOLD,
    all_items,
    by,
    child_make,
    decline_decision,
    recipient_of,
    request_make,
    share_decision,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _defaults() -> None:
    defaults_ensure()


def _send(health: Any, mash: Any, **overrides: Any) -> Disclosure:
    decision = overrides.pop("decision", None) or share_decision(health, overrides.pop("child", child_make()))
    arguments: dict[str, Any] = {
        "agency": health.agency,
        "by": by(health),
        "decision": decision,
        "to_agency": mash.agency,
        "purpose": "Refer",
        "lawful_basis": "s47",
        "items": all_items(decision),
        "notice": NOT_TOLD,
    }
    arguments.update(overrides)
    return disclosure_send(**arguments)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no_agency", "Select the agency to share with"),
        ("own_agency", "another agency, not your own"),
        ("other_team", "That team is not part of"),
        ("no_purpose", "Enter the purpose of sharing"),
        ("no_basis", "Enter the lawful basis for sharing"),
        ("told_no_date", "Enter the date the subject was told"),
        ("told_in_future", "must not be in the future"),
        ("neither", "Say whether the subject was told"),
        ("not_to_share", "nothing can be disclosed under it"),
        ("other_agency_decision", "a decision your own agency recorded"),
        ("no_person", "names no person in the index"),
        ("shielded", "This person is shielded"),
        ("no_items", "Say for every item of the decision"),
        ("all_withheld", "Share at least one item"),
        ("no_source", "Enter where this item comes from"),
        ("no_reason", "Give the reason this item is withheld"),
    ],
)
def test_disclosure_refused_with_the_reason(persona: Any, case: str, message: str) -> None:
    health, mash, school = persona("health_visitor"), persona("social_worker"), persona("school_dsl")
    decision = share_decision(health, child_make())
    items = all_items(decision)
    overrides: dict[str, Any] = {
        "no_agency": {"to_agency": None},
        "own_agency": {"to_agency": health.agency},
        "other_team": {"to_team": Team.objects.create(agency=school.agency, code="y5", name="Year 5")},
        "no_purpose": {"purpose": " "},
        "no_basis": {"lawful_basis": ""},
        "told_no_date": {"notice": SubjectNotice(told="told")},
        "told_in_future": {
            "notice": SubjectNotice(told="told", told_on=timezone.localdate() + timedelta(days=2))
        },
        "neither": {"notice": SubjectNotice(told="")},
        "not_to_share": {"decision": decline_decision(health, child_make())},
        "other_agency_decision": {"decision": share_decision(school, child_make())},
        "no_person": {"decision": share_decision(health, None)},
        "shielded": {
            "decision": share_decision(health, child_make(is_shielded=True, brokered_contact="Line"))
        },
        "no_items": {"items": items[:1]},
        "all_withheld": {"items": [i.__class__(i.decision_item_id, False, reason="r") for i in items]},
        "no_source": {"items": [i.__class__(i.decision_item_id, True) for i in items]},
        "no_reason": {"items": [items[0], items[1].__class__(items[1].decision_item_id, False)]},
    }[case]
    if "decision" in overrides and "items" not in overrides:
        overrides["items"] = all_items(overrides["decision"])
    with pytest.raises(ExchangeError, match=message):
        _send(health, mash, **({"decision": decision, "items": items} | overrides))
    assert Disclosure.objects.count() == 0


def test_correction_of_another_agency_disclosure_needs_a_reason_and_ownership(persona: Any) -> None:
    health, mash, school = persona("health_visitor"), persona("social_worker"), persona("school_dsl")
    first = _send(health, mash)
    with pytest.raises(ExchangeError) as raised:
        _send(school, mash, supersedes=first)
    assert "You can only correct your own agency's disclosures" in str(raised.value)
    assert "Say what the correction changes" in str(raised.value)


def test_action_taken_needs_words_and_is_recorded_once(persona: Any) -> None:
    health, mash = persona("health_visitor"), persona("social_worker")
    disclosure = _send(health, mash)
    with pytest.raises(ExchangeError, match="Enter what your agency did"):
        disclosure_action_record(disclosure=disclosure, by=by(mash), action_taken=" ")
    disclosure_action_record(disclosure=disclosure, by=by(mash), action_taken="Added to the assessment")
    with pytest.raises(ExchangeError, match="already been recorded"):
        disclosure_action_record(disclosure=disclosure, by=by(mash), action_taken="Again")


def test_difference_refusals(persona: Any) -> None:
    mash, health, school = persona("social_worker"), persona("health_visitor"), persona("school_dsl")
    child = child_make()
    row = recipient_of(request_make(mash, child, health), health)
    request_answer(
        recipient=row,
        by=by(health),
        decision=decline_decision(health, child),
        outcome="decline",
        decline_reason="No",
    )
    with pytest.raises(ExchangeError, match="Only practitioners of the requesting agency"):
        difference_raise(recipient=row, by=by(school), reason="x")
    with pytest.raises(ExchangeError, match="Say why you disagree"):
        difference_raise(recipient=row, by=by(mash), reason=" ")
    difference = difference_raise(recipient=row, by=by(mash), reason="Threshold met")
    with pytest.raises(ExchangeError, match="already open"):
        difference_raise(recipient=row, by=by(mash), reason="Again")
    with pytest.raises(ExchangeError, match="Only a manager"):
        difference_resolve(difference=difference, by=by(mash), resolution="x")
    manager = persona("manager")
    with pytest.raises(ExchangeError, match="Record how the difference was resolved"):
        difference_resolve(difference=difference, by=by(manager), resolution="")
    difference_resolve(difference=difference, by=by(manager), resolution="Agreed")
    with pytest.raises(ExchangeError, match="already been resolved"):
        difference_resolve(difference=difference, by=by(manager), resolution="Again")


@pytest.mark.parametrize(
    ("code", "details", "field", "message"),
    [
        (
            "cps_la_consultation",
            {"cps_reference": "C1", "material": "File", "trial_date": "next week"},
            "trial_date",
            "date like",
        ),
        (
            "investigation_notice",
            {"crime_reference": "N", "offence": "O", "proceedings_live": "maybe"},
            "proceedings_live",
            "select yes or no",
        ),
        (
            "investigation_notice",
            {"crime_reference": "N", "offence": "O", "proceedings_live": "yes"},
            "court_case_number",
            "proceedings are live",
        ),
    ],
)
def test_request_type_fields_checked(code: str, details: dict[str, str], field: str, message: str) -> None:
    _, problems = details_problems(BY_CODE[code], details)
    assert message in " ".join(problems[f"detail_{field}"])


def test_request_type_date_kept_in_iso_form() -> None:
    clean, problems = details_problems(
        BY_CODE["cps_la_consultation"],
        {"cps_reference": "C1", "material": "File", "trial_date": "2026-05-04"},
    )
    assert problems == {} and clean["trial_date"] == "2026-05-04"


def test_pages_withdraw_assign_and_correct(persona: Any, signed_in: Any) -> None:
    mash, health = persona("social_worker"), persona("health_visitor")
    child = child_make()
    sent = request_make(mash, child, health)
    row = recipient_of(sent, health)
    hv = signed_in("health_visitor")
    response = hv.post(reverse("exchange:recipient-assign", args=[row.pk]), {"assignee": str(health.user.pk)})
    assert (
        response.status_code == 302
        and RequestRecipient.objects.get(pk=row.pk).assigned_to_id == health.user.pk
    )
    csc = signed_in("social_worker")
    response = csc.post(reverse("exchange:request-withdraw", args=[sent.pk]), {"reason": "Family moved away"})
    assert response.status_code == 302
    assert RequestRecipient.objects.get(pk=row.pk).status == "withdrawn"
    # A correction through its page.
    first = _send(health, mash, child=child)
    data = {
        "to": f"a{mash.agency.pk}",
        "purpose": "Refer",
        "lawful_basis": "s47",
        "subject_told": "not_told",
        "subject_not_told_reason": "Risk",
        "correction_reason": "The date of item 1 was wrong",
    }
    for item in first.decision.items.all():
        data |= {f"include_{item.pk}": "yes", f"source_{item.pk}": "Health visiting records"}
    response = hv.post(reverse("exchange:disclosure-correct", args=[first.pk]), data)
    corrected = Disclosure.objects.get(supersedes=first)
    assert response.status_code == 302 and response.url == reverse("exchange:disclosure", args=[corrected.pk])
    page = hv.get(reverse("exchange:disclosure", args=[first.pk])).content.decode()
    assert f"disclosure {corrected.pk}" in page
