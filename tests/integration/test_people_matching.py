from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from goldenthread.accounts.models import User
from goldenthread.core.actor import Actor
from goldenthread.people.actions import LinkError, person_merge, person_unmerge
from goldenthread.people.models import (
    Identifier,
    Involvement,
    LinkMethod,
    MatchReview,
    Person,
    ReviewStatus,
    SourceRecord,
    SourceRecordLink,
)
from tests.integration.people_support import AMELIA, NHS_B, import_rows, record, row

pytestmark = pytest.mark.django_db


def _officer() -> User:
    return User.objects.create(username="officer", first_name="Data", last_name="Officer")


def test_matching_same_child_with_nickname_and_typo_links_automatically() -> None:
    import_rows("health", [AMELIA])
    police = row(
        local_id="P-77",
        given_name="Millie",
        family_name="Kowalsky",
        nhs_number="",
        postcode="",
        service="Police",
    )
    batch = import_rows("police", [police])
    assert batch.auto_linked == 1
    linked = record("police", "P-77")
    assert linked.person_id == record("health", "H-1").person_id
    assert linked.link_method == LinkMethod.AUTOMATIC
    assert linked.match_weight is not None and linked.match_weight >= 20
    assert Involvement.objects.filter(person=linked.person).count() == 2


def test_matching_uncertain_record_goes_to_review_as_new_person() -> None:
    import_rows("health", [AMELIA])
    # Same name and address, no date of birth: plausible, not certain.
    unsure = row(local_id="S-5", date_of_birth="", nhs_number="", sex="", service="School")
    batch = import_rows("school", [unsure])
    assert (batch.queued_for_review, batch.auto_linked) == (1, 0)
    review = MatchReview.objects.get()
    assert review.status == ReviewStatus.OPEN
    assert review.candidate_id == record("health", "H-1").person_id
    assert record("school", "S-5").person_id != review.candidate_id
    assert {f["field"] for f in review.fields} == {"given_name", "family_name", "postcode"}


def test_matching_sibling_in_same_household_becomes_new_person() -> None:
    import_rows("health", [AMELIA])
    brother = row(
        local_id="H-2", given_name="Oskar", date_of_birth="2019-11-30", sex="male", nhs_number=NHS_B
    )
    batch = import_rows("health", [brother])
    assert (batch.auto_linked, batch.queued_for_review, batch.new_people) == (0, 0, 1)
    assert record("health", "H-2").person_id != record("health", "H-1").person_id


def test_matching_twins_with_same_birthday_are_not_linked_automatically() -> None:
    import_rows("health", [row(nhs_number="")])
    twin = row(local_id="H-2", given_name="Zofia", nhs_number="")
    batch = import_rows("health", [twin])
    assert batch.auto_linked == 0
    assert record("health", "H-2").person_id != record("health", "H-1").person_id


def test_matching_swapped_names_with_a_typo_found_by_birthday_and_name() -> None:
    import_rows("health", [row(given_name="Kowalski", family_name="Amlelia", nhs_number="")])
    batch = import_rows("police", [row(local_id="P-1", nhs_number="")])
    # The family name is the other record's given name and the birthday agrees: a candidate, for review
    # (the given name does not agree, so never automatic).
    assert (batch.queued_for_review, batch.auto_linked) == (1, 0)
    assert MatchReview.objects.get().candidate_id == record("health", "H-1").person_id


def test_matching_misspelt_name_without_family_name_found_by_birthday_and_postcode() -> None:
    import_rows("health", [row(nhs_number="")])
    batch = import_rows("school", [row(local_id="S-1", given_name="Amelai", family_name="", nhs_number="")])
    assert batch.auto_linked == 1
    assert record("school", "S-1").person_id == record("health", "H-1").person_id


def _two_people() -> tuple[Person, Person]:
    import_rows("health", [AMELIA])
    import_rows(
        "school", [row(local_id="S-1", given_name="Amy", date_of_birth="2016", nhs_number="", postcode="")]
    )
    return record("health", "H-1").person, record("school", "S-1").person


def test_merge_moves_records_and_keeps_every_source_record() -> None:
    keep, absorb = _two_people()
    assert keep.pk != absorb.pk
    records_before = sorted(SourceRecord.objects.values_list("pk", "content_hash", "local_id"))
    person_merge(keep=keep, absorb=absorb, by=Actor.of(_officer()))
    assert sorted(SourceRecord.objects.values_list("pk", "content_hash", "local_id")) == records_before
    assert set(SourceRecord.objects.values_list("person_id", flat=True)) == {keep.pk}
    absorb.refresh_from_db()
    assert absorb.merged_into_id == keep.pk
    assert Involvement.objects.filter(person=keep).count() == 2
    assert not Identifier.objects.filter(person=absorb).exists()


def test_unmerge_restores_the_person_the_record_came_from() -> None:
    keep, absorb = _two_people()
    officer = _officer()
    person_merge(keep=keep, absorb=absorb, by=Actor.of(officer))
    school = record("school", "S-1")
    restored = person_unmerge(record=school, by=Actor.of(officer))
    assert restored.pk == absorb.pk
    absorb.refresh_from_db()
    assert absorb.merged_into_id is None
    assert record("school", "S-1").person_id == absorb.pk
    assert Involvement.objects.get(source_record=school).person_id == absorb.pk
    reasons = list(SourceRecordLink.objects.filter(source_record=school).values_list("reason", flat=True))
    assert reasons == ["import", "merge", "unmerge"]
    assert SourceRecord.objects.count() == 2


def test_unmerge_of_a_persons_only_record_refused() -> None:
    import_rows("health", [AMELIA])
    with pytest.raises(LinkError):
        person_unmerge(record=record("health", "H-1"), by=Actor.of(_officer()))


def test_link_history_cannot_be_rewritten() -> None:
    import_rows("health", [AMELIA])
    link = SourceRecordLink.objects.get()
    with pytest.raises(ValueError, match="append-only"):
        link.save()
    with pytest.raises(ValueError, match="append-only"):
        link.delete()


def test_source_record_local_id_unique_per_agency_in_database() -> None:
    import_rows("health", [AMELIA])
    original = record("health", "H-1")
    copy = SourceRecord(
        agency=original.agency,
        local_id="H-1",
        payload={},
        content_hash="x",
        person=original.person,
        link_method=LinkMethod.NEW,
        linked_at=original.linked_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_reviewed_link_without_reviewer_refused_by_database() -> None:
    import_rows("health", [AMELIA])
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceRecord.objects.filter(local_id="H-1").update(link_method=LinkMethod.REVIEWED)


def test_shielded_person_without_brokered_contact_refused_by_database() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(is_shielded=True)


def test_nhs_identifier_of_wrong_length_refused_by_database() -> None:
    import_rows("health", [AMELIA])
    with pytest.raises(IntegrityError), transaction.atomic():
        Identifier.objects.create(person=record("health", "H-1").person, kind="nhs_number", value="12345")
