"""The register of information sharing agreements: drafting, the lifecycle table, signing with the second
factor over the exact content, amendments as new versions, documents, the coverage check and its gaps, the
review reminders, and the PDF and ODRL outputs."""

from __future__ import annotations

import datetime as dt
import json
import stat
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from goldenthread.agreements.actions import (
    AgreementError,
    agreement_amend,
    agreement_create,
    agreement_document_attach,
    agreement_draft_update,
    agreement_end,
    agreement_return_to_draft,
    agreement_sign,
    agreement_submit,
    coverage_check,
    document_path,
)
from goldenthread.agreements.content import ICO_HEADINGS
from goldenthread.agreements.lifecycle import TRANSITIONS, LifecycleError, Status, transition_check
from goldenthread.agreements.models import AgreementSignature, AgreementVersion, CoverageGap
from goldenthread.agreements.selectors import coverage
from goldenthread.audit.models import AuditEvent
from goldenthread.notifications.models import Notification
from tests.support.agreements import actor, agreement_active, agreement_draft, terms
from tests.support.pdf import pdf_page_count
from tests.support.worker import run_queue

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def three(persona: Any) -> tuple[Any, list[Any]]:
    """The administrator who drafts, and the nominated officers of CSC, police and health."""
    return persona("system_administrator"), [
        persona("ig_officer"),
        persona("police_officer"),
        persona("health_visitor"),
    ]


@pytest.fixture(autouse=True)
def _documents(settings: Any, tmp_path: Any) -> None:
    settings.AGREEMENT_DOCUMENTS_DIR = tmp_path / "agreement-documents"


def test_lifecycle_move_not_in_table_refused_naming_allowed_moves() -> None:
    with pytest.raises(LifecycleError) as refused:
        transition_check(Status.DRAFT, Status.ACTIVE)
    assert "cannot become active" in str(refused.value)
    assert "awaiting signatures" in str(refused.value)
    with pytest.raises(LifecycleError, match="Nothing follows terminated"):
        transition_check(Status.TERMINATED, Status.ACTIVE)


def test_lifecycle_every_pair_outside_table_refused() -> None:
    refused = 0
    for here in Status:
        for there in Status:
            if (here, there) in TRANSITIONS:
                assert transition_check(here, there)
                continue
            with pytest.raises(LifecycleError):
                transition_check(here, there)
            refused += 1
    assert refused == len(Status) ** 2 - len(TRANSITIONS)


def test_agreement_draft_by_practitioner_refused(persona: Any) -> None:
    with pytest.raises(AgreementError, match="role does not allow"):
        agreement_create(
            tier="overarching", parent_id=None, terms=terms(), by=actor(persona("social_worker"))
        )


def test_agreement_overarching_by_agency_ig_officer_refused_service_specific_allowed(three: Any) -> None:
    admin, (ig, *_rest) = three
    with pytest.raises(AgreementError, match="partnership's IG officers"):
        agreement_create(tier="overarching", parent_id=None, terms=terms(), by=actor(ig))
    parent = agreement_create(tier="overarching", parent_id=None, terms=terms(), by=actor(admin))
    child = agreement_create(tier="service", parent_id=parent.agreement_id, terms=terms(), by=actor(ig))
    assert child.agreement.parent_id == parent.agreement_id


def test_agreement_draft_incomplete_terms_refused_field_by_field(three: Any) -> None:
    admin, _ = three
    past = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(AgreementError) as refused:
        agreement_create(
            tier="overarching",
            parent_id=None,
            terms=terms(title=" ", purposes=["made_up"], security="", next_review_date=past),
            by=actor(admin),
        )
    assert set(refused.value.problems) == {"title", "purposes", "security", "next_review_date"}
    assert AgreementVersion.objects.count() == 0


def test_agreement_all_officers_sign_becomes_active_audited_with_content_hash(three: Any) -> None:
    admin, officers = three
    version = agreement_draft(admin, officers)
    agreement_submit(version_id=version.pk, by=actor(admin))
    version.refresh_from_db()
    assert version.status == Status.AWAITING_SIGNATURES and len(version.content_hash) == 64
    told = Notification.objects.filter(kind="agreement.to_sign")
    assert {n.recipient_id for n in told} == {o.user.pk for o in officers}
    for i, officer in enumerate(officers):
        agreement_sign(version_id=version.pk, stepped_up=True, by=actor(officer))
        version.refresh_from_db()
        assert version.status == (Status.ACTIVE if i == 2 else Status.AWAITING_SIGNATURES)
    signed = AuditEvent.objects.filter(action="agreement.signed")
    assert signed.count() == 3
    assert {e.details["content_hash"] for e in signed} == {version.content_hash}
    assert version.active_from is not None


def test_agreement_worklist_asks_each_officer_to_sign_until_they_have(three: Any, signed_in: Any) -> None:
    admin, officers = three
    version = agreement_draft(admin, officers)
    agreement_submit(version_id=version.pk, by=actor(admin))
    agreement_sign(version_id=version.pk, stepped_up=True, by=actor(officers[0]))
    signed = signed_in("ig_officer").get(reverse("web:home")).content.decode()
    waiting = signed_in("police_officer").get(reverse("web:home")).content.decode()
    label = "Sign the information sharing agreement"
    assert label not in signed and label in waiting


def test_agreement_sign_without_second_factor_refused(three: Any) -> None:
    admin, officers = three
    version = agreement_draft(admin, officers)
    agreement_submit(version_id=version.pk, by=actor(admin))
    with pytest.raises(AgreementError, match="authenticator"):
        agreement_sign(version_id=version.pk, stepped_up=False, by=actor(officers[0]))
    assert AgreementSignature.objects.count() == 0


def test_agreement_sign_by_someone_not_nominated_refused(three: Any, persona: Any) -> None:
    admin, officers = three
    version = agreement_draft(admin, officers)
    agreement_submit(version_id=version.pk, by=actor(admin))
    with pytest.raises(AgreementError, match="nominated officer"):
        agreement_sign(version_id=version.pk, stepped_up=True, by=actor(persona("manager")))


def test_agreement_sign_page_checks_second_factor_again(three: Any, signed_in: Any) -> None:
    admin, officers = three
    version = agreement_draft(admin, officers)
    agreement_submit(version_id=version.pk, by=actor(admin))
    url = reverse("agreements:sign", args=[version.agreement_id])
    # A wrong code throttles that device for a moment (django-otp), so the right one is another officer's.
    wrong = signed_in("police_officer").post(url, {"token": "000000"})
    assert wrong.status_code == 400 and "current code" in wrong.content.decode()
    right = signed_in("ig_officer").post(url, {"token": officers[0].current_token()})
    assert right.status_code == 302
    assert AgreementSignature.objects.filter(user=officers[0].user).count() == 1


def test_agreement_changed_after_a_signature_needs_that_party_again(three: Any) -> None:
    admin, officers = three
    version = agreement_draft(admin, officers)
    agreement_submit(version_id=version.pk, by=actor(admin))
    agreement_sign(version_id=version.pk, stepped_up=True, by=actor(officers[0]))
    agreement_return_to_draft(version_id=version.pk, by=actor(admin))
    agreement_draft_update(version_id=version.pk, terms=terms(title="Changed title"), by=actor(admin))
    agreement_submit(version_id=version.pk, by=actor(admin))
    for officer in officers[1:]:
        agreement_sign(version_id=version.pk, stepped_up=True, by=actor(officer))
    version.refresh_from_db()
    assert version.status == Status.AWAITING_SIGNATURES  # the first signature was over other content
    agreement_sign(version_id=version.pk, stepped_up=True, by=actor(officers[0]))
    version.refresh_from_db()
    assert version.status == Status.ACTIVE


def test_agreement_amendment_is_new_version_signed_again_old_stays_readable(
    three: Any, signed_in: Any
) -> None:
    admin, officers = three
    first = agreement_active(admin, officers)
    second = agreement_amend(agreement_id=first.agreement_id, by=actor(admin))
    assert (second.number, second.status) == (2, Status.DRAFT)
    assert second.parties.count() == 3
    with pytest.raises(AgreementError, match="already being drafted"):
        agreement_amend(agreement_id=first.agreement_id, by=actor(admin))
    agreement_draft_update(version_id=second.pk, terms=terms(title="Amended agreement"), by=actor(admin))
    agreement_submit(version_id=second.pk, by=actor(admin))
    first.refresh_from_db()
    assert first.status == Status.ACTIVE  # in force until the amendment is signed
    for officer in officers:
        agreement_sign(version_id=second.pk, stepped_up=True, by=actor(officer))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.RENEWED, Status.ACTIVE)
    old = signed_in("police_officer").get(reverse("agreements:version", args=[first.agreement_id, 1]))
    assert (
        old.status_code == 200
        and "Safeguarding partnership information sharing agreement" in old.content.decode()
    )


def test_agreement_amendment_sent_with_passed_review_date_refused(three: Any, settings: Any) -> None:
    settings.AGREEMENT_REVIEW_REMINDER_DAYS = 1
    admin, officers = three
    review = timezone.localdate() + dt.timedelta(days=10)
    version = agreement_active(admin, officers, next_review_date=review)
    later = timezone.make_aware(dt.datetime.combine(review + dt.timedelta(days=2), dt.time(9)))
    with mock.patch("django.utils.timezone.now", return_value=later):
        run_queue()
        version.refresh_from_db()
        assert version.status == Status.REVIEW_DUE
        amended = agreement_amend(agreement_id=version.agreement_id, by=actor(admin))
        with pytest.raises(AgreementError, match="review date in the future"):
            agreement_submit(version_id=amended.pk, by=actor(admin))
        renewed = review + dt.timedelta(days=365)
        agreement_draft_update(version_id=amended.pk, terms=terms(next_review_date=renewed), by=actor(admin))
        agreement_submit(version_id=amended.pk, by=actor(admin))
        for officer in officers:
            agreement_sign(version_id=amended.pk, stepped_up=True, by=actor(officer))
    version.refresh_from_db()
    assert version.status == Status.RENEWED


def test_agreement_draft_cannot_change_once_sent(three: Any) -> None:
    admin, officers = three
    version = agreement_draft(admin, officers)
    agreement_submit(version_id=version.pk, by=actor(admin))
    with pytest.raises(AgreementError, match="Only a draft"):
        agreement_draft_update(version_id=version.pk, terms=terms(title="Sneaky"), by=actor(admin))


def test_agreement_end_expired_only_after_review_due(three: Any) -> None:
    admin, officers = three
    version = agreement_active(admin, officers)
    with pytest.raises(AgreementError, match="cannot become expired"):
        agreement_end(
            version_id=version.pk, to="expired", reason="Nobody renewed it in time", by=actor(admin)
        )
    agreement_end(
        version_id=version.pk, to="terminated", reason="The service was decommissioned", by=actor(admin)
    )
    version.refresh_from_db()
    assert version.status == Status.TERMINATED and version.active_until is not None


def test_agreement_document_checked_by_content_and_size_stored_privately_by_hash(
    three: Any, settings: Any
) -> None:
    admin, officers = three
    version = agreement_draft(admin, officers)
    with pytest.raises(AgreementError, match="must be a PDF"):
        agreement_document_attach(version_id=version.pk, name="x.pdf", data=b"MZ not a pdf", by=actor(admin))
    settings.AGREEMENT_DOCUMENT_MAX_BYTES = 40
    with pytest.raises(AgreementError, match="smaller than"):
        agreement_document_attach(version_id=version.pk, name="x.pdf", data=PDF, by=actor(admin))
    settings.AGREEMENT_DOCUMENT_MAX_BYTES = 1024
    document = agreement_document_attach(
        version_id=version.pk, name="../signed.pdf", data=PDF, by=actor(admin)
    )
    path = document_path(document.sha256)
    assert path.read_bytes() == PDF and document.name == "signed.pdf"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_coverage_covers_parties_purpose_and_category_gap_otherwise(three: Any, persona: Any) -> None:
    admin, officers = three
    agreement_active(admin, officers)
    csc, police, school = officers[0].agency, officers[1].agency, persona("school_dsl").agency
    today = timezone.localdate()
    assert not coverage(csc, police, "section_47", "health", today).gap
    assert coverage(csc, school, "section_47", "health", today).gap
    assert coverage(csc, police, "early_help", "health", today).gap
    assert coverage(csc, police, "section_47", "housing", today).gap
    assert coverage(csc, police, "section_47", "health", today - dt.timedelta(days=1)).gap


def test_coverage_check_records_gap_and_never_refuses(three: Any, persona: Any) -> None:
    admin, officers = three
    agreement_active(admin, officers)
    csc, school = officers[0].agency, persona("school_dsl").agency
    found = coverage_check(
        sharing_agency=csc,
        receiving_agency=school,
        purpose="section_47",
        category="health",
        on_date=timezone.localdate(),
        by=actor(officers[0]),
    )
    assert found.gap
    assert CoverageGap.objects.count() == 1
    assert AuditEvent.objects.filter(action="agreement.coverage_gap").count() == 1


def test_coverage_page_shows_gap_and_register_counts_it(three: Any, persona: Any, signed_in: Any) -> None:
    admin, officers = three
    agreement_active(admin, officers)
    school = persona("school_dsl").agency
    client = signed_in("ig_officer")
    data = {
        "sharing_agency": officers[0].agency.pk,
        "receiving_agency": school.pk,
        "purpose": "section_47",
        "category": "health",
    }
    page = client.post(reverse("agreements:coverage"), data)
    assert page.status_code == 200 and "This gap has been recorded" in page.content.decode()
    covered = client.post(reverse("agreements:coverage"), {**data, "receiving_agency": officers[1].agency.pk})
    assert "Covered by" in covered.content.decode()
    register = client.get(reverse("agreements:register"))
    assert "<strong>1</strong>" in register.content.decode()


def test_coverage_page_same_agency_twice_refused_clearly(persona: Any, signed_in: Any) -> None:
    agency = persona("ig_officer").agency
    page = signed_in("ig_officer").post(
        reverse("agreements:coverage"),
        {
            "sharing_agency": agency.pk,
            "receiving_agency": agency.pk,
            "purpose": "section_47",
            "category": "health",
        },
    )
    assert page.status_code == 400 and "other than the sharing agency" in page.content.decode()


def test_review_reminder_before_the_date_then_review_due_once_each(three: Any, settings: Any) -> None:
    settings.AGREEMENT_REVIEW_REMINDER_DAYS = 30
    admin, officers = three
    review = timezone.localdate() + dt.timedelta(days=100)
    version = agreement_active(admin, officers, next_review_date=review)
    run_queue()
    assert not Notification.objects.filter(kind__startswith="agreement.review").exists()  # not due yet

    def at(day: dt.date) -> Any:
        return mock.patch(
            "django.utils.timezone.now",
            return_value=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
        )

    with at(review - dt.timedelta(days=20)):
        run_queue()
        run_queue()
    soon = Notification.objects.filter(kind="agreement.review_soon")
    assert {n.recipient_id for n in soon} == {o.user.pk for o in officers} and soon.count() == 3
    version.refresh_from_db()
    assert version.status == Status.ACTIVE
    with at(review + dt.timedelta(days=1)):
        run_queue()
        run_queue()
    version.refresh_from_db()
    assert version.status == Status.REVIEW_DUE
    assert Notification.objects.filter(kind="agreement.review_due").count() == 3
    assert Notification.objects.filter(kind="agreement.review_soon").count() == 3


def test_agreement_pdf_has_every_ico_heading(three: Any, signed_in: Any) -> None:
    admin, officers = three
    version = agreement_active(admin, officers)
    client = signed_in("police_officer")
    html = client.get(reverse("agreements:version", args=[version.agreement_id, 1])).content.decode()
    for heading in ICO_HEADINGS:
        assert heading.replace("'", "&#x27;") in html
    pdf = client.get(reverse("agreements:version-pdf", args=[version.agreement_id, 1]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf_page_count(pdf.content) >= 1


def test_agreement_odrl_export_has_permissions_between_every_pair_and_onward_prohibition(
    three: Any, signed_in: Any
) -> None:
    admin, officers = three
    version = agreement_active(admin, officers)
    response = signed_in("police_officer").get(
        reverse("agreements:version-json", args=[version.agreement_id, 1])
    )
    policy = json.loads(response.content)
    assert policy["@type"] == "Agreement" and policy["contentHash"] == version.content_hash
    assert len(policy["permission"]) == 6  # three parties, each ordered pair
    first = policy["permission"][0]
    assert {"assigner", "assignee", "target", "action", "constraint", "duty"} <= first.keys()
    assert first["constraint"][0]["rightOperand"] == ["mash_screening", "section_47"]
    assert all(p["action"] == "distribute" for p in policy["prohibition"])


def test_agreement_pages_draft_saved_lone_party_and_bad_date_refused(three: Any, signed_in: Any) -> None:
    client = signed_in("system_administrator")
    t = terms()
    data = {
        "tier": "overarching",
        "title": t.title,
        "purposes": t.purposes,
        "categories": t.categories,
        **{name: getattr(t, name) for name in t.TEXTS},
        "review_months": "12",
        "next_review_date": (timezone.localdate() + dt.timedelta(days=200)).isoformat(),
    }
    made = client.post(reverse("agreements:new"), data)
    assert made.status_code == 302
    version = AgreementVersion.objects.get()
    lonely = client.post(reverse("agreements:submit", args=[version.agreement_id]))
    assert lonely.status_code == 400 and "at least two parties" in lonely.content.decode()
    bad_date = client.post(
        reverse("agreements:edit", args=[version.agreement_id]), {**data, "next_review_date": "31/3/27"}
    )
    assert bad_date.status_code == 400 and "Enter a date like" in bad_date.content.decode()
