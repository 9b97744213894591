from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from goldenthread.audit.models import AuditEvent
from goldenthread.people.models import LinkMethod, MatchReview, Person, ReviewStatus
from tests.integration.people_support import AMELIA, import_rows, record, row

pytestmark = pytest.mark.django_db

UNSURE = row(local_id="CSC-5", date_of_birth="", nhs_number="", sex="", service="Children's social care")


@pytest.fixture
def queued(persona: Any) -> MatchReview:
    persona("ig_officer")  # makes the test-csc agency the officer acts for
    import_rows("health", [AMELIA])
    import_rows("test-csc", [UNSURE])
    return MatchReview.objects.get()


def test_review_page_shows_records_side_by_side_with_weight_chart(
    queued: MatchReview, signed_in: Any
) -> None:
    response = signed_in("ig_officer").get(reverse("people:review", args=[queued.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="img"' in page and "Match weight by field" in page
    assert "Same family name" in page and "+7.5" in page
    assert "Agency health (H-1)" in page and "(CSC-5)" in page
    assert AuditEvent.objects.filter(action="match_review.viewed", object_id=str(queued.pk)).exists()


def test_review_link_joins_candidate_and_records_who_and_when(
    queued: MatchReview, signed_in: Any, persona: Any
) -> None:
    provisional = record("test-csc", "CSC-5").person
    response = signed_in("ig_officer").post(reverse("people:review", args=[queued.pk]), {"decision": "link"})
    assert response.status_code == 302 and response.url == reverse("people:reviews")
    linked = record("test-csc", "CSC-5")
    assert linked.person_id == queued.candidate_id
    assert (linked.link_method, linked.reviewed_by) == (LinkMethod.REVIEWED, persona("ig_officer").user)
    queued.refresh_from_db()
    assert (queued.status, queued.decided_by) == (ReviewStatus.LINKED, persona("ig_officer").user)
    assert queued.decided_at is not None
    assert Person.objects.get(pk=provisional.pk).merged_into_id == queued.candidate_id
    event = AuditEvent.objects.get(action="match_review.linked")
    assert event.actor_username == "ig_officer" and event.details["person"] == queued.candidate_id


def test_review_separate_keeps_people_apart_and_records_who(queued: MatchReview, signed_in: Any) -> None:
    signed_in("ig_officer").post(reverse("people:review", args=[queued.pk]), {"decision": "separate"})
    kept = record("test-csc", "CSC-5")
    assert kept.person_id != queued.candidate_id
    assert kept.link_method == LinkMethod.REVIEWED and kept.reviewed_by is not None
    queued.refresh_from_db()
    assert queued.status == ReviewStatus.SEPARATED
    assert AuditEvent.objects.filter(action="match_review.separated").count() == 1


def test_review_decided_twice_refused(queued: MatchReview, signed_in: Any) -> None:
    client = signed_in("ig_officer")
    client.post(reverse("people:review", args=[queued.pk]), {"decision": "separate"})
    response = client.post(reverse("people:review", args=[queued.pk]), {"decision": "link"})
    assert response.status_code == 200
    assert "already been decided" in response.content.decode()
    assert record("test-csc", "CSC-5").person_id != queued.candidate_id


def test_review_queue_lists_only_this_agencys_records(queued: MatchReview, signed_in: Any) -> None:
    import_rows("health", [row(local_id="H-2", given_name="Amelia", date_of_birth="", nhs_number="", sex="")])
    response = signed_in("ig_officer").get(reverse("people:reviews"))
    assert [r.pk for r in response.context["reviews"]] == [queued.pk]
    other = MatchReview.objects.exclude(pk=queued.pk).get()
    assert signed_in("ig_officer").get(reverse("people:review", args=[other.pk])).status_code == 404


def test_review_queue_shows_on_home_page_as_a_task(queued: MatchReview, signed_in: Any) -> None:
    page = signed_in("ig_officer").get(reverse("web:home")).content.decode()
    assert "Review 1 possible match in the child index" in page


def test_import_in_browser_form_reports_rejected_rows(signed_in: Any, persona: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.integration.people_support import csv_bytes
    from tests.support.worker import run_queue

    persona("ig_officer")
    upload = SimpleUploadedFile("csc.csv", csv_bytes([AMELIA, row(local_id="H-2", nhs_number="1234567890")]))
    client = signed_in("ig_officer")
    uploaded = client.post(reverse("people:import"), {"file": upload})
    run_queue()  # the background worker checks each row, then imports the good ones
    response = client.get(uploaded.url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rows not imported" in page and "nhs_number" in page
    assert response.context["batch"].rows_created == 1


def test_record_separated_from_card_by_its_agencys_officer_only(signed_in: Any, persona: Any) -> None:
    persona("ig_officer")
    import_rows("health", [AMELIA])
    import_rows("test-csc", [row(local_id="CSC-2", service="CSC")])
    mine, theirs = record("test-csc", "CSC-2"), record("health", "H-1")
    assert mine.person_id == theirs.person_id
    client = signed_in("ig_officer")
    assert client.post(reverse("people:record-unlink", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("people:record-unlink", args=[mine.pk]))
    assert response.status_code == 302
    assert record("test-csc", "CSC-2").person_id != theirs.person_id
    assert AuditEvent.objects.filter(action="person.unmerged").count() == 1
