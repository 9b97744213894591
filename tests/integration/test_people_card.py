from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from goldenthread.audit.models import AuditEvent
from goldenthread.core.actor import Actor
from goldenthread.people.models import Person
from goldenthread.sharing.actions import advice_request_create
from goldenthread.sharing.models import AdviceRequest, Decision
from tests.integration.people_support import AMELIA, import_rows, record, row
from tests.support.sharing import decision_make

pytestmark = pytest.mark.django_db


def _card(client: Any, person_id: int) -> Any:
    return client.get(reverse("people:card", args=[person_id]))


def _with_purpose(client: Any, person_id: int, purpose: str = "mash_screening") -> Any:
    return client.post(reverse("people:purpose", args=[person_id]), {"purpose": purpose}, follow=True)


def test_card_without_purpose_asks_for_one_and_shows_nothing(signed_in: Any) -> None:
    import_rows("health", [AMELIA])
    person_id = record("health", "H-1").person_id
    response = _card(signed_in("social_worker"), person_id)
    assert response.status_code == 302 and response.url == reverse("people:purpose", args=[person_id])
    page = signed_in("social_worker").get(response.url).content.decode()
    # The purpose page names the child (an audited naming), and shows nothing else of the card.
    assert "Amelia Kowalski" in page and "April 2016" not in page
    assert not AuditEvent.objects.filter(action="person.viewed").exists()
    assert AuditEvent.objects.filter(action="person.named", object_id=str(person_id)).exists()


def test_card_view_audited_with_purpose_given_once_per_child(signed_in: Any) -> None:
    import_rows("health", [AMELIA])
    person_id = record("health", "H-1").person_id
    client = signed_in("police_officer")
    page = _with_purpose(client, person_id).content.decode()
    assert "Amelia Kowalski" in page and "Health visiting" in page and "Kasia Nowak" in page
    assert _card(client, person_id).status_code == 200  # not asked again in this session
    events = AuditEvent.objects.filter(action="person.viewed", object_id=str(person_id))
    assert [e.purpose for e in events] == ["MASH screening of a referral"] * 2
    assert {e.actor_agency for e in events} == {"test-police"}


def test_card_shows_both_agencies_involvements_and_lead_professional(signed_in: Any) -> None:
    import_rows("health", [AMELIA])
    import_rows(
        "school",
        [
            row(
                local_id="S-1",
                nhs_number="",
                service="Year 3 class teacher",
                practitioner_name="Gareth Price",
                lead_professional="no",
            )
        ],
    )
    person_id = record("health", "H-1").person_id
    assert record("school", "S-1").person_id == person_id
    response = _with_purpose(signed_in("school_dsl"), person_id)
    involvements = response.context["card"].involvements
    assert {i.agency.code for i in involvements} == {"health", "school"}
    assert [i.practitioner_name for i in response.context["card"].lead_professionals] == ["Kasia Nowak"]


def test_card_sensitive_service_shown_only_as_indicator(signed_in: Any) -> None:
    import_rows("health", [AMELIA])
    import_rows(
        "camhs",
        [
            row(
                local_id="C-1",
                service="CAMHS eating disorders clinic",
                practitioner_name="Dr Secret",
                sensitive_category="mental_health",
                brokered_contact="Health safeguarding team 01234 999000",
            )
        ],
    )
    page = _with_purpose(signed_in("social_worker"), record("health", "H-1").person_id).content.decode()
    assert "Sensitive service involved" in page
    assert "Health safeguarding team 01234 999000" in page
    assert "CAMHS" not in page and "Dr Secret" not in page and "Agency camhs" not in page


def test_card_shielded_person_shows_only_brokered_contact(signed_in: Any) -> None:
    import_rows(
        "health",
        [
            row(
                shielded="yes",
                brokered_contact="Safe Harbour duty line 01234 000111",
                related_local_id="",
                relationship="",
            )
        ],
    )
    page = _with_purpose(signed_in("social_worker"), record("health", "H-1").person_id).content.decode()
    assert "Safe Harbour duty line 01234 000111" in page
    for hidden in ("Acacia", "NS1 4AB", "Health visiting", "Kasia Nowak", "9434765919"):
        assert hidden not in page


def test_card_relationships_shown_both_ways(signed_in: Any) -> None:
    mother = row(
        local_id="H-9",
        given_name="Joanna",
        date_of_birth="1990-06-02",
        nhs_number="",
        related_local_id="H-1",
        relationship="parent_of",
        lead_professional="no",
    )
    import_rows("health", [AMELIA, mother])
    client = signed_in("social_worker")
    page = _with_purpose(client, record("health", "H-1").person_id).content.decode()
    assert "Child of" in page and "Joanna Kowalski" in page


def test_card_of_merged_person_redirects_to_the_surviving_person(signed_in: Any, persona: Any) -> None:
    from goldenthread.core.actor import Actor
    from goldenthread.people.actions import person_merge

    import_rows("health", [AMELIA])
    import_rows(
        "school", [row(local_id="S-1", given_name="Amy", date_of_birth="2016", nhs_number="", postcode="")]
    )
    keep, absorb = record("health", "H-1").person, record("school", "S-1").person
    person_merge(keep=keep, absorb=absorb, by=Actor.of(persona("ig_officer").user))
    response = _card(signed_in("social_worker"), absorb.pk)
    assert response.status_code == 302 and response.url == reverse("people:card", args=[keep.pk])


def test_card_unknown_person_is_404(signed_in: Any) -> None:
    assert _card(signed_in("social_worker"), 999999).status_code == 404


def test_card_links_practitioner_to_decision_guide_for_this_child(signed_in: Any) -> None:
    import_rows("health", [AMELIA])
    person_id = record("health", "H-1").person_id
    page = _with_purpose(signed_in("police_officer"), person_id).content.decode()
    assert f"{reverse('sharing:guide')}?child=person-{person_id}" in page
    # An IG officer sees the card but records no decisions, so no link.
    ig_page = _with_purpose(signed_in("ig_officer"), person_id).content.decode()
    assert "Amelia Kowalski" in ig_page
    assert "card-decision-guide" not in ig_page


def _ask_about(persona: Any, person: Person | None, role: str = "dsl") -> AdviceRequest:
    return advice_request_create(
        agency=persona.agency,
        by=Actor.of(persona.user, persona.agency),
        adviser_role=role,
        question="May I share the health visitor's concerns?",
        anonymised=False,
        person=person,
    )


def test_card_lists_only_the_viewers_agencys_decisions_and_advice(persona: Any, signed_in: Any) -> None:
    import_rows("health", [AMELIA])
    child = record("health", "H-1").person
    ours = decision_make(persona("social_worker"), person=child)
    theirs = decision_make(persona("police_officer"), person=child)
    no_child = decision_make(persona("social_worker"))
    asked, asked_elsewhere = (
        _ask_about(persona("social_worker"), child),
        _ask_about(persona("police_officer"), child),
    )
    asked_by_colleague = _ask_about(persona("manager"), child, role="ig_officer")
    page = _with_purpose(signed_in("social_worker"), child.pk).content.decode()
    assert f'href="/sharing/decisions/{ours.pk}/"' in page
    assert f'href="/sharing/decisions/{theirs.pk}/"' not in page
    assert f'href="/sharing/decisions/{no_child.pk}/"' not in page
    assert f'href="/sharing/advice/{asked.pk}/"' in page
    assert f'href="/sharing/advice/{asked_elsewhere.pk}/"' not in page
    # Advice is read by the one who asked and the adviser role asked, on the card as everywhere.
    assert f'href="/sharing/advice/{asked_by_colleague.pk}/"' not in page
    adviser_page = _with_purpose(signed_in("ig_officer"), child.pk).content.decode()
    assert f'href="/sharing/advice/{asked_by_colleague.pk}/"' in adviser_page
    listed = AuditEvent.objects.filter(action="decision.listed", object_id=str(child.pk))
    assert [(e.actor_agency, e.details) for e in listed] == [("test-csc", {"rows": 1})] * 2


def test_card_of_person_kept_lists_decisions_about_people_merged_into_them(
    persona: Any, signed_in: Any
) -> None:
    kept, absorbed, absorbed_earlier = (Person.objects.create(given_name="Amelia") for _ in range(3))
    worker = persona("social_worker")
    about = [decision_make(worker, person=p) for p in (kept, absorbed, absorbed_earlier)]
    asked = _ask_about(worker, absorbed_earlier)
    # As person_merge leaves them: the earlier merge's survivor was itself merged later.
    now = timezone.now()
    Person.objects.filter(pk=absorbed_earlier.pk).update(merged_into=absorbed, merged_at=now)
    Person.objects.filter(pk=absorbed.pk).update(merged_into=kept, merged_at=now)
    client = signed_in("social_worker")
    page = _with_purpose(client, kept.pk).content.decode()
    assert all(f'href="/sharing/decisions/{d.pk}/"' in page for d in about)
    assert f'href="/sharing/advice/{asked.pk}/"' in page
    # The records themselves still name the person they were about when recorded.
    assert Decision.objects.get(pk=about[2].pk).person_id == absorbed_earlier.pk
