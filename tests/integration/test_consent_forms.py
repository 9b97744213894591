"""The consent pages' forms, drawn with their errors, point only at ids on the page (as every form must:
tests/integration/test_form_accessibility.py), and a correction of a recorded answer in the guide."""

from __future__ import annotations

from typing import Any

import pytest

from goldenthread.audit.models import AuditEvent
from tests.integration.test_form_accessibility import wiring_problems
from tests.support.consent import assessment_make, consent_make, girl
from tests.support.personas import client_signed_in, persona_make

pytestmark = pytest.mark.django_db


def _worker_client() -> tuple[Any, Any]:
    worker = persona_make("social_worker")
    return worker, client_signed_in(worker)


def test_consent_new_form_with_errors_points_only_at_ids_on_the_page() -> None:
    _, client = _worker_client()
    response = client.post(f"/consent/people/{girl().pk}/new/", {})
    assert response.status_code == 400
    assert wiring_problems(response.content.decode()) == []


def test_consent_withdraw_form_with_errors_points_only_at_ids_on_the_page() -> None:
    worker, client = _worker_client()
    record = consent_make(worker, girl())
    response = client.post(f"/consent/{record.pk}/withdraw/", {"withdrawn_on_day": "40"})
    assert response.status_code == 400
    assert wiring_problems(response.content.decode()) == []


@pytest.mark.parametrize("kind", ["gillick", "fraser", "mca"])
def test_assessment_form_with_errors_points_only_at_ids_on_the_page(kind: str) -> None:
    _, client = _worker_client()
    response = client.post(f"/consent/people/{girl().pk}/competence/new/?kind={kind}", {})
    assert response.status_code == 400
    assert wiring_problems(response.content.decode()) == []


def _guide_from_card(client: Any, person_id: int) -> None:
    assert client.post("/sharing/guide/start/", {"child": f"person-{person_id}"}).status_code == 302
    assert client.post("/sharing/guide/questions/purpose/", {"answer": "health_care"}).status_code == 302


def test_guide_from_card_takes_competence_and_consent_from_the_records() -> None:
    worker, client = _worker_client()
    child = girl(14)
    assessment_make(worker, child)
    record = consent_make(worker, child)
    _guide_from_card(client, child.pk)
    page = client.get("/sharing/guide/check/").content.decode()
    assert "From the Gillick competence assessment of" in page
    assert f"From consent record {record.pk} (The person themselves, given;" in page
    # Neither is asked.
    assert client.get("/sharing/guide/questions/consent-child/").status_code == 404
    assert client.get("/sharing/guide/questions/competence/").status_code == 404


def test_guide_correction_of_a_recorded_answer_needs_a_reason_and_is_audited() -> None:
    worker, client = _worker_client()
    child = girl(14)
    consent_make(worker, child)
    _guide_from_card(client, child.pk)
    url = "/sharing/guide/recorded/consent-child/"
    refused = client.post(url, {"answer": "refused", "reason": " "})
    assert refused.status_code == 400
    assert wiring_problems(refused.content.decode()) == []
    assert not AuditEvent.objects.filter(action="guide.recorded_answer_corrected").exists()
    assert client.post(url, {"answer": "refused", "reason": "She told me today she has changed her mind"})[
        "Location"
    ].endswith("/sharing/guide/check/")
    event = AuditEvent.objects.get(action="guide.recorded_answer_corrected")
    assert event.details["recorded"] == "given" and event.details["corrected"] == "refused"
    assert (
        "Corrected by you from the record: She told me today"
        in client.get("/sharing/guide/check/").content.decode()
    )


def test_guide_from_an_adults_card_takes_capacity_from_the_mental_capacity_assessment() -> None:
    worker, client = _worker_client()
    adult = girl(40)
    assessment_make(worker, adult, kind="mca", conclusion="not_competent")
    assert client.post("/sharing/guide/start/", {"child": f"person-{adult.pk}"}).status_code == 302
    client.post("/sharing/guide/questions/purpose/", {"answer": "safeguarding"})
    client.post("/sharing/guide/questions/who/", {"answer": "parent_or_carer"})
    page = client.get("/sharing/guide/check/").content.decode()
    assert "From the Mental Capacity Act 2005 two-stage test assessment of" in page
    assert client.get("/sharing/guide/questions/capacity/").status_code == 404
