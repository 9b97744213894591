"""The guide for the whole family through the test client: started from a card it knows the person (name,
age, the way back), does not ask what cannot apply, answers adults, and shows the pack it used; an IG
officer compares the same answers on another pack."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client, override_settings

from goldenthread.audit.models import AuditEvent
from goldenthread.people.models import Person
from goldenthread.policy import decide, parse_facts
from goldenthread.sharing.guide import answers_from_facts
from goldenthread.sharing.guide_plan import age_from_birth
from goldenthread.sharing.views.state import SESSION_KEY

pytestmark = pytest.mark.django_db

GUIDE = "/sharing/guide/"
RCS = "reasonable_cause_to_suspect_significant_harm"


def _born_years_ago(years: int, days_more: int = 30) -> dt.date:
    today = dt.date.today()
    return (
        dt.date(today.year - years, 1, 1)
        if (today.month, today.day) == (1, 1)
        else (today.replace(year=today.year - years) - dt.timedelta(days=days_more))
    )


def _child(years: int, **extra: Any) -> Person:
    return Person.objects.create(
        given_name="Maisie",
        family_name="Holt",
        date_of_birth=_born_years_ago(years),
        dob_precision="day",
        **extra,
    )


def _begin(client: Client, person: Person | None = None) -> str:
    """Start the guide (from the person's card when given); the first question's URL."""
    response = client.post(GUIDE + "start/", {"child": f"person-{person.pk}" if person else ""})
    assert response.status_code == 302
    return str(response["Location"])


def _answer(client: Client, url: str, answer: Any) -> str:
    """Answer one question page; the next page's URL."""
    response = client.post(url, {"answer": answer})
    assert response.status_code == 302, response.content.decode()[:400]
    return str(response["Location"])


def _step(url: str) -> str:
    found = re.search(r"/questions/([a-z-]+)/$", url)
    return found.group(1) if found else url


def _walk(client: Client, first: str, answers: dict[str, Any]) -> list[str]:
    """Answer each page the guide asks with the answer for its step; the steps asked, in order."""
    asked, url = [], first
    while "/questions/" in url:
        step = _step(url)
        asked.append(step)
        url = _answer(client, url, answers[step])
    assert url.endswith("/guide/check/")
    return asked


BRUISED_TWO_YEAR_OLD = {
    "purpose": "safeguarding",
    "concern": RCS,
    "indicators": ["none"],
    "legal-requirement": "none",
    "identifies": "yes",
    "confidential": "yes",
    "consent-parent": "not_sought",
    "risks": ["increase_risk_to_child"],
}


def test_guide_from_card_two_year_old_asks_no_age_competence_or_own_answer(signed_in: Any) -> None:
    client = signed_in("health_visitor")
    child = _child(2)
    asked = _walk(client, _begin(client, child), BRUISED_TWO_YEAR_OLD)
    assert asked == [
        "purpose",
        "concern",
        "indicators",
        "legal-requirement",
        "identifies",
        "confidential",
        "consent-parent",
        "risks",
    ]
    check = client.get(GUIDE + "check/").content.decode()
    assert "Answers the guide did not need to ask" in check
    assert "From the child index: born" in check
    assert "Not asked: a child aged 2 is too young to be assessed as able to decide" in check
    assert "Aged 2: a child or young person" in check
    page = client.get(GUIDE + "recommendation/").content.decode()
    assert 'data-testid="outcome">Share<' in page and "Refer without delay" in page
    assert "The child is aged 2 and there is reasonable cause" in page


def test_guide_from_card_names_person_with_age_and_links_back_on_every_page(signed_in: Any) -> None:
    client = signed_in("health_visitor")
    child = _child(2)
    pages = [GUIDE + f"?child=person-{child.pk}"]
    url = _begin(client, child)
    while "/questions/" in url:
        pages.append(url)
        url = _answer(client, url, BRUISED_TWO_YEAR_OLD[_step(url)])
    pages += [GUIDE + "check/", GUIDE + "recommendation/"]
    for page_url in pages:
        page = client.get(page_url).content.decode()
        assert 'data-testid="guide-child">Maisie Holt<' in page, page_url
        assert 'data-testid="guide-age">2<' in page, page_url
        assert f'href="/children/{child.pk}/"' in page, page_url
        assert f">person-{child.pk}" not in page and f"person-{child.pk}<" not in page, page_url


def test_guide_from_card_reads_the_person_through_the_audited_selector(signed_in: Any) -> None:
    client = signed_in("health_visitor")
    child = _child(9)
    _begin(client, child)
    assert AuditEvent.objects.filter(action="person.named", object_id=str(child.pk)).count() == 1
    assert client.session[SESSION_KEY]["person_age"] == 9


def test_guide_from_card_decision_form_shows_person_panel_and_link_back(signed_in: Any) -> None:
    client = signed_in("health_visitor")
    child = _child(2)
    _walk(client, _begin(client, child), BRUISED_TWO_YEAR_OLD)
    page = client.get("/sharing/decisions/new/").content.decode()
    assert 'data-testid="guide-about"' in page
    assert 'data-testid="guide-child">Maisie Holt<' in page
    assert 'data-testid="guide-age">2<' in page
    assert f'data-testid="back-to-card" href="/children/{child.pk}/"' in page
    advice = client.get("/sharing/advice/new/").content.decode()
    assert 'data-testid="guide-age">2<' in advice and 'data-testid="back-to-card"' in advice


def test_guide_from_card_naming_audited_with_the_purpose_given_for_the_card(signed_in: Any) -> None:
    client = signed_in("health_visitor")
    child = _child(2)
    assert client.post(f"/children/{child.pk}/purpose/", {"purpose": "health_care"}).status_code == 302
    assert client.get(f"/children/{child.pk}/").status_code == 200
    client.get(GUIDE + f"?child=person-{child.pk}")
    _begin(client, child)
    named = AuditEvent.objects.filter(action="person.named", object_id=str(child.pk))
    assert [e.purpose for e in named.order_by("pk")] == ["Health assessment or care"] * 2


def test_guide_naming_without_a_purpose_for_the_card_uses_the_guides_own(signed_in: Any) -> None:
    client = signed_in("health_visitor")
    child = _child(2)
    _begin(client, child)
    named = AuditEvent.objects.get(action="person.named", object_id=str(child.pk))
    assert named.purpose == "Deciding whether to share information"


def test_decision_correction_about_a_person_takes_the_age_from_the_index(signed_in: Any) -> None:
    client = signed_in("health_visitor")
    child = _child(2)
    _walk(client, _begin(client, child), BRUISED_TWO_YEAR_OLD)
    form = {
        "decision": "share",
        "purpose": "Refer to children's social care",
        "recipients": "Test CSC, duty social worker",
        "item_1_description": "Bruises seen on both upper arms",
        "item_1_kind": "fact",
        "consent_position": "not_sought",
        "consent_reasons": "Asking the parent would increase the risk",
        "risks": "Not sharing leaves the child at risk",
        "emergency": "on",
    }
    response = client.post("/sharing/decisions/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    decision_id = int(str(response["Location"]).rstrip("/").rsplit("/", 1)[-1])
    assert client.post(f"/sharing/decisions/{decision_id}/correct/").status_code == 302
    assert client.session[SESSION_KEY]["person_age"] == 2
    assert client.get(GUIDE + "questions/age/").status_code == 404  # not asked again
    check = client.get(GUIDE + "check/").content.decode()
    assert "From the child index: born" in check
    assert 'data-testid="guide-age">2<' in check
    assert AuditEvent.objects.filter(action="person.named", object_id=str(child.pk)).count() == 2


def test_guide_from_card_nine_year_old_is_asked_whether_they_can_decide(signed_in: Any) -> None:
    client = signed_in("social_worker")
    first = _begin(client, _child(9))
    url = _answer(client, first, "early_help")
    assert _step(url) == "competence"


def test_guide_from_card_with_year_of_birth_only_asks_the_age(signed_in: Any) -> None:
    client = signed_in("social_worker")
    person = Person.objects.create(
        given_name="Ada", family_name="Fern", date_of_birth=dt.date(2015, 1, 1), dob_precision="year"
    )
    url = _answer(client, _begin(client, person), "early_help")
    assert _step(url) == "age"
    assert "(born 2015)" in client.get(url).content.decode()


def test_guide_from_adult_card_asks_who_and_capacity_not_the_parent(signed_in: Any) -> None:
    client = signed_in("health_visitor")
    mother = _child(34)
    answers = {
        "purpose": "early_help",
        "who": "parent_or_carer",
        "capacity": "presumed",
        "concern": "additional_needs",
        "indicators": ["none"],
        "legal-requirement": "none",
        "identifies": "yes",
        "confidential": "yes",
        "consent-child": "refused",
        "risks": ["none"],
    }
    asked = _walk(client, _begin(client, mother), answers)
    assert "who" in asked and "capacity" in asked
    assert not {"age", "competence", "consent-parent"} & set(asked)
    who = client.get(GUIDE + "questions/who/").content.decode()
    assert 'value="child"' not in who  # at 34 not a child or young person
    page = client.get(GUIDE + "recommendation/").content.decode()
    assert 'data-testid="outcome">Do not share<' in page
    assert "The adult is aged 34. Whose consent counts: the adult" in page


def test_guide_adult_at_risk_refers_without_delay_under_adult_safeguarding(signed_in: Any) -> None:
    client = signed_in("social_worker")
    answers = {
        "purpose": "safeguarding",
        "age": "79",
        "who": "adult_at_risk",
        "capacity": "in_doubt",
        "concern": "none",
        "indicators": ["adult_at_risk_of_serious_harm"],
        "legal-requirement": "none",
        "identifies": "yes",
        "confidential": "yes",
        "consent-child": "not_sought",
        "risks": ["none"],
    }
    _walk(client, _begin(client), answers)
    page = client.get(GUIDE + "recommendation/").content.decode()
    assert 'data-testid="outcome">Share<' in page and "Refer without delay" in page
    assert "Care Act 2014 section 42" in page


def test_guide_sexual_activity_13_to_15_asks_the_risk_factors(signed_in: Any) -> None:
    client = signed_in("school_dsl")
    child = _child(14)
    url = _answer(client, _begin(client, child), "health_care")
    url = _answer(client, url, "not_assessed")
    url = _answer(client, url, "none")  # no concern of significant harm
    indicators = client.get(url).content.decode()
    assert 'value="sexual_activity_13_to_15"' in indicators
    assert 'value="sexual_activity_under_13"' not in indicators
    url = _answer(client, url, ["sexual_activity_13_to_15"])
    assert _step(url) == "sexual-risks"
    _answer(client, url, ["age_or_power_imbalance"])
    rest = {"legal-requirement": "none", "identifies": "yes", "confidential": "yes", "consent-child": "given"}
    rest |= {"consent-parent": "not_sought", "risks": ["none"]}
    for step, answer in rest.items():
        _answer(client, f"{GUIDE}questions/{step}/", answer)
    page = client.get(GUIDE + "recommendation/").content.decode()
    assert "Seek advice now and consider a child protection referral" in page


def test_guide_every_page_shows_pack_name_and_version(signed_in: Any) -> None:
    client = signed_in("health_visitor")
    pages = [GUIDE]
    url = _begin(client, _child(2))
    while "/questions/" in url:
        pages.append(url)
        url = _answer(client, url, BRUISED_TWO_YEAR_OLD[_step(url)])
    pages += [GUIDE + "check/", GUIDE + "recommendation/"]
    for page_url in pages:
        assert "Rule pack england-2024, version 1.1.0" in client.get(page_url).content.decode(), page_url


@override_settings(GOLDENTHREAD_POLICY_PACK="england-2015")
def test_guide_follows_the_partnership_pack_setting(signed_in: Any) -> None:
    client = signed_in("health_visitor")
    assert "Rule pack england-2015, version 1.1.0" in client.get(GUIDE).content.decode()
    _walk(client, _begin(client, _child(2)), BRUISED_TWO_YEAR_OLD)
    assert client.session[SESSION_KEY]["pack"] == "england-2015"
    assert "Rule pack england-2015, version 1.1.0" in client.get(GUIDE + "recommendation/").content.decode()


def test_guide_compare_shows_both_packs_answers_side_by_side(signed_in: Any) -> None:
    client = signed_in("ig_officer")
    _walk(client, _begin(client, _child(2)), BRUISED_TWO_YEAR_OLD)
    recommendation = client.get(GUIDE + "recommendation/").content.decode()
    assert 'data-testid="compare-link"' in recommendation
    assert "/sharing/decisions/new/" not in recommendation  # governance runs the guide, does not record
    page = client.get(GUIDE + "compare/?pack=england-2015").content.decode()
    assert page.count('data-testid="compare-column"') == 2
    assert "england-2024, version 1.1.0" in page and "england-2015, version 1.1.0" in page
    assert "The partnership's pack" in page
    # Each column states its own pack's law: 2015 under the Data Protection Act 1998, 2024 under UK GDPR.
    assert "Data Protection Act 1998 Schedule 2 paragraph 5" in page
    assert "UK GDPR Article 6(1)(e): public task" in page


def test_guide_compare_unknown_pack_asks_for_one(signed_in: Any) -> None:
    client = signed_in("ig_officer")
    _walk(client, _begin(client, _child(2)), BRUISED_TWO_YEAR_OLD)
    page = client.get(GUIDE + "compare/?pack=wales-2024").content.decode()
    assert "Select a rule pack to compare with" in page
    assert page.count('data-testid="compare-column"') == 1


def test_guide_compare_not_for_a_practitioner(signed_in: Any) -> None:
    client = signed_in("health_visitor")
    _walk(client, _begin(client, _child(2)), BRUISED_TWO_YEAR_OLD)
    assert 'data-testid="compare-link"' not in client.get(GUIDE + "recommendation/").content.decode()
    assert client.get(GUIDE + "compare/").status_code == 403


@pytest.mark.parametrize(
    "facts",
    [
        {"purpose": "safeguarding",
         "subject": {"age": 34, "role": "parent_or_carer", "capacity_in_doubt": True},
         "information": {"identifies_individual": True, "confidential": True}, "concern": RCS},
        {"purpose": "health_care", "subject": {"age": 14}, "indicators": ["sexual_activity_13_to_15"],
         "sexual_activity_risk_factors": ["alcohol_or_drugs"],
         "information": {"identifies_individual": True, "confidential": True}, "concern": "none"},
    ],
)  # fmt: skip
def test_guide_answers_from_facts_round_trip_for_family_facts(facts: dict[str, Any]) -> None:
    from goldenthread.sharing.guide import facts_from_answers

    normalised = parse_facts(facts).to_dict()
    again = parse_facts(facts_from_answers(answers_from_facts(normalised))).to_dict()
    assert again == normalised
    assert decide(again) == decide(facts)


@pytest.mark.parametrize(
    ("born", "precision", "today", "age"),
    [
        (dt.date(2024, 3, 3), "day", dt.date(2026, 3, 2), 1),
        (dt.date(2024, 3, 3), "day", dt.date(2026, 3, 3), 2),
        (dt.date(2024, 3, 1), "month", dt.date(2026, 4, 10), 2),
        (dt.date(2024, 3, 1), "month", dt.date(2026, 3, 10), None),
        (dt.date(2024, 1, 1), "year", dt.date(2026, 6, 1), None),
        (None, "unknown", dt.date(2026, 6, 1), None),
    ],
)
def test_guide_age_from_birth_only_when_the_date_settles_it(
    born: dt.date | None, precision: str, today: dt.date, age: int | None
) -> None:
    assert age_from_birth(born, precision, today) == age


def test_guide_from_shielded_card_names_them_but_neither_shows_nor_uses_the_birth_date(
    signed_in: Any,
) -> None:
    client = signed_in("social_worker")
    child = _child(2, is_shielded=True, brokered_contact="Refuge duty worker, 01234 567890")
    start = client.get(GUIDE + f"?child=person-{child.pk}").content.decode()
    assert 'data-testid="guide-child">Maisie Holt<' in start
    assert "born" not in start.split('data-testid="guide-about"')[1].split("</div>")[0]
    url = _answer(client, _begin(client, child), "safeguarding")
    assert _step(url) == "age"  # not known, so asked
    assert client.session[SESSION_KEY]["person_age"] is None
