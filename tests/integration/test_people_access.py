"""Who has seen this record: every agency's views of a person, for IG officers of the agencies involved."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from goldenthread.agencies.models import Agency, AgencyKind, Membership
from goldenthread.agencies.permissions import Role
from goldenthread.audit.models import AuditEvent
from tests.integration.people_support import AMELIA, import_rows, record, row
from tests.support.personas import client_signed_in

pytestmark = pytest.mark.django_db


def _viewed(client: Any, person_id: int, purpose: str = "mash_screening") -> None:
    response = client.post(reverse("people:purpose", args=[person_id]), {"purpose": purpose}, follow=True)
    assert response.status_code == 200


@pytest.fixture
def child() -> int:
    """A child known to health and to children's social care (the ig_officer persona's agency)."""
    import_rows("health", [AMELIA])
    import_rows("test-csc", [row(local_id="CSC-1", service="Assessment team")])
    person_id = record("health", "H-1").person_id
    assert record("test-csc", "CSC-1").person_id == person_id
    return person_id


def test_access_timeline_shows_every_agency_that_viewed_by_name(child: int, signed_in: Any) -> None:
    _viewed(signed_in("police_officer"), child)
    _viewed(signed_in("school_dsl"), child, "education_welfare")
    response = signed_in("ig_officer").get(reverse("people:access", args=[child]))
    assert response.status_code == 200
    rows = [(e.who, e.agency, e.action) for e in response.context["entries"]]
    # Neither the school nor the police hold a record of her: the trail says so (unusual access).
    outside = "Viewed the card (their agency not involved)"
    assert ("School Dsl Tester", "Test test-school", outside) in rows
    assert ("Police Officer Tester", "Test test-police", outside) in rows
    page = response.content.decode()
    assert "police_officer" not in page  # people's names, not usernames


def test_access_timeline_uninvolved_agency_officer_gets_404(signed_in: Any) -> None:
    import_rows("health", [AMELIA])  # children's social care holds no record of her
    person_id = record("health", "H-1").person_id
    assert signed_in("ig_officer").get(reverse("people:access", args=[person_id])).status_code == 404


def test_access_timeline_partnership_officer_sees_any_person(signed_in: Any, persona: Any) -> None:
    import_rows("health", [AMELIA])
    person_id = record("health", "H-1").person_id
    officer = persona("board_analyst")  # a member of the partnership; given the IG role there
    partnership = Agency.objects.get(code="test-partnership")
    partnership.kind = AgencyKind.PARTNERSHIP
    partnership.save()
    Membership.objects.filter(user=officer.user).update(role=Role.IG_OFFICER)
    assert client_signed_in(officer).get(reverse("people:access", args=[person_id])).status_code == 200


def test_access_timeline_includes_views_of_records_merged_in(
    child: int, signed_in: Any, persona: Any
) -> None:
    from goldenthread.core.actor import Actor
    from goldenthread.people.actions import person_merge

    import_rows("school", [row(local_id="S-1", given_name="Amy", date_of_birth="2016", nhs_number="")])
    absorbed = record("school", "S-1").person
    assert absorbed.pk != child
    _viewed(signed_in("police_officer"), absorbed.pk)
    keep = record("health", "H-1").person
    person_merge(keep=keep, absorb=absorbed, by=Actor.of(persona("ig_officer").user))
    response = signed_in("ig_officer").get(reverse("people:access", args=[child]))
    assert any(e.agency == "Test test-police" for e in response.context["entries"])


def test_access_timeline_viewing_it_is_audited(child: int, signed_in: Any) -> None:
    signed_in("ig_officer").get(reverse("people:access", args=[child]))
    event = AuditEvent.objects.get(action="person.access_viewed")
    assert (event.object_type, event.object_id, event.actor_agency) == ("person", str(child), "test-csc")


def test_access_timeline_paged_fifty_newest_first(child: int, signed_in: Any) -> None:
    client = signed_in("police_officer")
    _viewed(client, child)
    for _ in range(55):
        assert client.get(reverse("people:card", args=[child])).status_code == 200  # each view audited
    officer = signed_in("ig_officer")
    first = officer.get(reverse("people:access", args=[child]))
    assert "upto=" in first.content.decode()
    second = officer.get(reverse("people:access", args=[child]), {"page": 2, "upto": first.context["upto"]})
    assert len(first.context["entries"]) == 50
    seqs = [e.seq for e in first.context["entries"]] + [e.seq for e in second.context["entries"]]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs)


def test_access_timeline_csv_has_every_row_and_no_formula(child: int, signed_in: Any, persona: Any) -> None:
    police = persona("police_officer")
    police.user.first_name = "=HYPERLINK(1)"
    police.user.save()
    _viewed(client_signed_in(police), child)
    response = signed_in("ig_officer").get(reverse("people:access", args=[child]), {"format": "csv"})
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Sequence", "When (UTC)", "Who"]
    assert any(r[2] == "'=HYPERLINK(1) Tester" for r in rows[1:])
    assert AuditEvent.objects.filter(action="person.access_exported", object_id=str(child)).count() == 1


def test_access_timeline_card_links_to_it_only_for_involved_officers(child: int, signed_in: Any) -> None:
    officer = signed_in("ig_officer")
    page = officer.post(reverse("people:purpose", args=[child]), {"purpose": "mash_screening"}, follow=True)
    assert reverse("people:access", args=[child]) in page.content.decode()
    worker = signed_in("social_worker")
    page = worker.post(reverse("people:purpose", args=[child]), {"purpose": "mash_screening"}, follow=True)
    assert reverse("people:access", args=[child]) not in page.content.decode()


def test_access_timeline_includes_decisions_and_advice_about_the_person(
    child: int, signed_in: Any, persona: Any
) -> None:
    from goldenthread.people.models import Person
    from tests.support.sharing import decision_make

    decision_make(persona("police_officer"), person=Person.objects.get(pk=child))
    decision_make(persona("police_officer"))  # about nobody in the index: not in her trail
    response = signed_in("ig_officer").get(reverse("people:access", args=[child]))
    recorded = [e for e in response.context["entries"] if e.action == "Recorded a decision about sharing"]
    assert [(e.agency, e.who) for e in recorded] == [("Test test-police", "Police Officer Tester")]
