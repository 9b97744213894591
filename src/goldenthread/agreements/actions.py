"""Every write to the register: drafting, parties, documents, the lifecycle, signing, reminders, gaps."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from goldenthread.agencies.models import Agency, AgencyKind, Membership
from goldenthread.agencies.permissions import Permission, Role
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.agreements.content import content_hash
from goldenthread.agreements.lifecycle import IN_FORCE, LifecycleError, Status, transition_check
from goldenthread.agreements.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    AgreementSignature,
    AgreementVersion,
    CoverageGap,
    Tier,
)
from goldenthread.agreements.selectors import Coverage, coverage
from goldenthread.agreements.vocab import CATEGORY_LABELS, PURPOSE_LABELS
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.core.errors import ActionError
from goldenthread.notifications.actions import notify
from goldenthread.private_files import private_file_write_bytes, upload_kind

MAX_REVIEW_MONTHS = 36


class AgreementError(ActionError):
    """A change to the register refused: no permission, incomplete terms, or the wrong moment."""


@dataclass(frozen=True)
class Terms:
    """What a draft says; every text is required, as the ICO code expects each heading to be answered."""

    title: str
    purposes: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    lawful_bases: str = ""
    retention: str = ""
    data_quality: str = ""
    complaints: str = ""
    subject_access: str = ""
    security: str = ""
    review_months: int = 12
    next_review_date: dt.date | None = None

    TEXTS = ("lawful_bases", "retention", "data_quality", "complaints", "subject_access", "security")

    def problems(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        if not self.title.strip():
            found["title"] = ["Enter a title for the agreement"]
        if not self.purposes or set(self.purposes) - PURPOSE_LABELS.keys():
            found["purposes"] = ["Choose at least one purpose from the list"]
        if not self.categories or set(self.categories) - CATEGORY_LABELS.keys():
            found["categories"] = ["Choose at least one category of information from the list"]
        for name in self.TEXTS:
            if not str(getattr(self, name)).strip():
                found[name] = ["Enter what the parties agree under this heading"]
        if not 1 <= self.review_months <= MAX_REVIEW_MONTHS:
            found["review_months"] = [f"Review at least every {MAX_REVIEW_MONTHS} months"]
        if self.next_review_date is None:
            found["next_review_date"] = ["Enter the next review date"]
        elif self.next_review_date <= timezone.localdate():
            found["next_review_date"] = ["The next review date must be in the future"]
        return found


def _manager(by: Actor) -> Any:
    user = by.signed_in_user()
    if not user_has_permission(user=user, permission=Permission.MANAGE_AGREEMENTS, agency=by.agency):
        raise AgreementError("Your role does not allow you to draft or change agreements")
    return user


def _may_draft_overarching(by: Actor) -> bool:
    agency = by.agency
    if agency is None:
        return False
    if agency.kind == AgencyKind.PARTNERSHIP:
        return True
    return (
        Membership.objects.active()
        .filter(user=by.user, agency=agency, role=Role.SYSTEM_ADMINISTRATOR)
        .exists()
    )


def _version_locked(version_id: int) -> AgreementVersion:
    version = (
        AgreementVersion.objects.select_for_update().select_related("agreement").filter(pk=version_id).first()
    )
    if version is None:
        raise AgreementError("That agreement version does not exist")
    return version


def _draft(version_id: int) -> AgreementVersion:
    version = _version_locked(version_id)
    if version.status != Status.DRAFT:
        raise AgreementError("Only a draft can be changed: amend the agreement to make a new version")
    return version


def _apply_terms(version: AgreementVersion, terms: Terms) -> None:
    problems = terms.problems()
    if problems:
        raise AgreementError(problems)
    version.title = terms.title.strip()[:200]
    version.purposes = sorted(set(terms.purposes))
    version.categories = sorted(set(terms.categories))
    for name in Terms.TEXTS:
        setattr(version, name, str(getattr(terms, name)).strip())
    version.review_months = terms.review_months
    assert terms.next_review_date is not None
    version.next_review_date = terms.next_review_date


def _audit(by: Actor, action: str, version: AgreementVersion, **details: Any) -> None:
    audit_record(
        by=by,
        action=action,
        object_type="agreement",
        object_id=version.agreement_id,
        details={"version": version.number, **details},
    )


@transaction.atomic
def agreement_create(*, tier: str, parent_id: int | None, terms: Terms, by: Actor) -> AgreementVersion:
    """A new agreement on the register, as version 1 in draft."""
    user = _manager(by)
    if tier not in Tier.values:
        raise AgreementError("Choose the agreement's tier", field="tier")
    parent = None
    if tier == Tier.SERVICE:
        parent = Agreement.objects.filter(pk=parent_id, tier=Tier.OVERARCHING).first() if parent_id else None
        if parent is None:
            raise AgreementError(
                "Choose the overarching partnership agreement this one sits under", field="parent"
            )
    elif not _may_draft_overarching(by):
        raise AgreementError(
            "Only the partnership's IG officers and the administrators draft an overarching agreement",
            field="tier",
        )
    agreement = Agreement.objects.create(tier=tier, parent=parent, created_by=user)
    version = AgreementVersion(agreement=agreement, number=1, created_by=user)
    _apply_terms(version, terms)
    version.save()
    _audit(by, "agreement.drafted", version, tier=tier)
    return version


@transaction.atomic
def agreement_draft_update(*, version_id: int, terms: Terms, by: Actor) -> AgreementVersion:
    _manager(by)
    version = _draft(version_id)
    _apply_terms(version, terms)
    version.save()
    _audit(by, "agreement.draft_changed", version)
    return version


@transaction.atomic
def agreement_party_add(*, version_id: int, membership_id: int, by: Actor) -> AgreementParty:
    """Add an agency as a party, with the member chosen as its nominated officer."""
    _manager(by)
    version = _draft(version_id)
    membership = Membership.objects.active().select_related("agency", "user").filter(pk=membership_id).first()
    if membership is None:
        raise AgreementError("Choose a nominated officer who is a member of the agency", field="officer")
    if version.parties.filter(agency=membership.agency).exists():
        raise AgreementError(f"{membership.agency.name} is already a party", field="officer")
    party = AgreementParty.objects.create(version=version, agency=membership.agency, officer=membership.user)
    _audit(by, "agreement.party_added", version, agency=membership.agency.code, officer=membership.user_id)
    return party


@transaction.atomic
def agreement_party_remove(*, party_id: int, by: Actor) -> AgreementVersion:
    _manager(by)
    party = AgreementParty.objects.select_related("agency").filter(pk=party_id).first()
    if party is None:
        raise AgreementError("That party is not on the agreement")
    version = _draft(party.version_id)
    code = party.agency.code
    party.delete()
    _audit(by, "agreement.party_removed", version, agency=code)
    return version


def _pdf_problem(name: str, data: bytes) -> str:
    limit = settings.AGREEMENT_DOCUMENT_MAX_BYTES
    if not data:
        return "The selected file is empty"
    if len(data) > limit:
        return f"The selected file must be smaller than {limit // (1024 * 1024)} MB"
    # By content, not by name: a PDF starts with its header and ends with its end-of-file marker.
    if upload_kind(data) != "pdf":
        return "The selected file must be a PDF"
    if not name.strip():
        return "The selected file needs a name"
    return ""


def document_path(sha256: str) -> Path:
    return Path(settings.AGREEMENT_DOCUMENTS_DIR) / f"{sha256}.pdf"


@transaction.atomic
def agreement_document_attach(*, version_id: int, name: str, data: bytes, by: Actor) -> AgreementDocument:
    """Attach a PDF to a draft: checked by its content and size, stored privately under its SHA-256."""
    user = _manager(by)
    version = _draft(version_id)
    problem = _pdf_problem(name, data)
    if problem:
        raise AgreementError(problem, field="document")
    digest = hashlib.sha256(data).hexdigest()
    private_file_write_bytes(document_path(digest), data)
    document = AgreementDocument.objects.create(
        version=version, name=Path(name).name[:200], sha256=digest, size=len(data), uploaded_by=user
    )
    _audit(by, "agreement.document_attached", version, sha256=digest, size=len(data))
    return document


def _move(version: AgreementVersion, to: Status, *, by: Actor, reason: str = "") -> None:
    was = version.status
    transition_check(was, to)
    version.status = to
    now = timezone.now()
    if to == Status.ACTIVE:
        version.active_from = now
    if to in (Status.RENEWED, Status.EXPIRED, Status.TERMINATED):
        version.active_until = now
        version.ended_reason = reason[:500]
    version.save()
    _audit(by, "agreement.status_changed", version, status_from=was, status_to=to)


def _officers(version: AgreementVersion) -> list[Any]:
    return [p.officer for p in version.parties.select_related("officer")]


def _link(version: AgreementVersion) -> str:
    return f"/agreements/{version.agreement_id}/"


@transaction.atomic
def agreement_submit(*, version_id: int, by: Actor) -> AgreementVersion:
    """Send a draft to its parties to sign: its content (and so its hash) is fixed from now."""
    _manager(by)
    version = _version_locked(version_id)
    if version.parties.count() < 2:
        raise AgreementError("An agreement needs at least two parties, each with a nominated officer")
    if version.next_review_date <= timezone.localdate():
        # An amendment copies the terms in force, whose review date may have passed.
        raise AgreementError("Set a next review date in the future before sending the agreement to be signed")
    transition_check(version.status, Status.AWAITING_SIGNATURES)
    version.content_hash = content_hash(version)
    _move(version, Status.AWAITING_SIGNATURES, by=by)
    notify(
        recipients=_officers(version),
        kind="agreement.to_sign",
        message="An information sharing agreement is waiting for your signature as nominated officer",
        url=f"{_link(version)}sign/",
        key=f"agreement-{version.pk}-sign-{version.content_hash[:16]}",
        by=by,
    )
    return version


@transaction.atomic
def agreement_return_to_draft(*, version_id: int, by: Actor) -> AgreementVersion:
    """Take a version awaiting signatures back to draft; signatures given stay recorded but no longer count
    once the content changes (each is over the hash it saw)."""
    _manager(by)
    version = _version_locked(version_id)
    _move(version, Status.DRAFT, by=by)
    return version


def _unsigned(version: AgreementVersion) -> list[AgreementParty]:
    signed = set(
        AgreementSignature.objects.filter(version=version, content_hash=version.content_hash).values_list(
            "party_id", flat=True
        )
    )
    return [p for p in version.parties.select_related("agency") if p.pk not in signed]


@transaction.atomic
def agreement_sign(*, version_id: int, stepped_up: bool, by: Actor) -> AgreementSignature:
    """The nominated officer of a party signs the exact content awaiting signatures (its hash).

    ``stepped_up``: the view has just checked the officer's second factor again. When every party has
    signed, the version becomes active and any version it amends is renewed.
    """
    user = by.signed_in_user()
    version = _version_locked(version_id)
    if version.status != Status.AWAITING_SIGNATURES:
        raise AgreementError("This agreement is not waiting for signatures")
    party = next((p for p in _unsigned(version) if p.officer_id == user.pk), None)
    if party is None:
        if version.parties.filter(officer=user).exists():
            raise AgreementError("You have already signed this version for your agency")
        raise AgreementError("Only a party's nominated officer can sign this agreement")
    if not Membership.objects.active().filter(user=user, agency=party.agency).exists():
        raise AgreementError(
            f"You are no longer a member of {party.agency.name}: ask for a new nominated officer"
        )
    if not stepped_up:
        raise AgreementError("Enter the current code from your authenticator app", field="token")
    signature = AgreementSignature.objects.create(
        version=version, party=party, user=user, content_hash=version.content_hash, signed_at=timezone.now()
    )
    _audit(by, "agreement.signed", version, agency=party.agency.code, content_hash=version.content_hash)
    if not _unsigned(version):
        _activate(version, by=by)
    return signature


def _activate(version: AgreementVersion, *, by: Actor) -> None:
    from goldenthread.agreements.tasks import agreement_review_watch

    for older in AgreementVersion.objects.select_for_update().filter(
        agreement=version.agreement, status__in=list(IN_FORCE)
    ):
        _move(older, Status.RENEWED, by=by, reason=f"Replaced by version {version.number}")
    _move(version, Status.ACTIVE, by=by)
    notify(
        recipients=_officers(version),
        kind="agreement.active",
        message="Every party has signed an information sharing agreement: it is now active",
        url=_link(version),
        key=f"agreement-{version.pk}-active",
        by=by,
    )
    from goldenthread.background.queue import enqueue_at

    enqueue_at(agreement_review_watch, review_reminder_at(version), version_id=version.pk)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def review_reminder_at(version: AgreementVersion) -> dt.datetime:
    """When the officers are first reminded: the configured number of days before the review date."""
    days = settings.AGREEMENT_REVIEW_REMINDER_DAYS
    return max(timezone.now(), _start_of(version.next_review_date - dt.timedelta(days=days)))


@transaction.atomic
def agreement_review_watch_step(*, version_id: int, by: Actor) -> dt.datetime | None:
    """Remind the officers before the review date and, once it passes, mark the version review due and
    tell them; each reminder once (notify's key). Returns when to look again, or None when done."""
    version = AgreementVersion.objects.select_for_update().filter(pk=version_id).first()
    if version is None or version.status != Status.ACTIVE:
        return None
    today = timezone.localdate()
    if today >= version.next_review_date:
        _move(version, Status.REVIEW_DUE, by=by)
        notify(
            recipients=_officers(version),
            kind="agreement.review_due",
            message="An information sharing agreement has passed its review date: review and renew it",
            url=_link(version),
            key=f"agreement-{version.pk}-review-due",
            by=by,
        )
        return None
    if today >= version.next_review_date - dt.timedelta(days=settings.AGREEMENT_REVIEW_REMINDER_DAYS):
        notify(
            recipients=_officers(version),
            kind="agreement.review_soon",
            message=(
                f"An information sharing agreement is due for review on {version.next_review_date:%d %B %Y}"
            ),
            url=_link(version),
            key=f"agreement-{version.pk}-review-soon",
            by=by,
        )
        return _start_of(version.next_review_date)
    return review_reminder_at(version)


@transaction.atomic
def agreement_amend(*, agreement_id: int, by: Actor) -> AgreementVersion:
    """A new draft version copying the one in force (terms, parties, documents): signed again in its turn."""
    user = _manager(by)
    agreement = Agreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise AgreementError("That agreement does not exist")
    versions = list(agreement.versions.all())
    latest = versions[-1]
    if latest.status in (Status.DRAFT, Status.AWAITING_SIGNATURES):
        raise AgreementError("A new version is already being drafted or signed")
    if latest.status not in IN_FORCE:
        raise AgreementError("This agreement has ended: draft a new agreement instead")
    copy = AgreementVersion.objects.get(pk=latest.pk)
    copy.pk = None
    copy.number = latest.number + 1
    copy.status = Status.DRAFT
    copy.created_by = user
    copy.content_hash = ""
    copy.active_from = copy.active_until = None
    copy.ended_reason = ""
    copy.save()
    for party in latest.parties.all():
        AgreementParty.objects.create(version=copy, agency_id=party.agency_id, officer_id=party.officer_id)
    for document in latest.documents.all():
        AgreementDocument.objects.create(
            version=copy, name=document.name, sha256=document.sha256, size=document.size, uploaded_by=user
        )
    _audit(by, "agreement.amendment_drafted", copy, amends=latest.number)
    return copy


ENDINGS = {Status.EXPIRED, Status.TERMINATED}


@transaction.atomic
def agreement_end(*, version_id: int, to: str, reason: str, by: Actor) -> AgreementVersion:
    """Mark the version in force expired (after review, not renewed) or terminated, with the reason."""
    _manager(by)
    if to not in ENDINGS:
        raise AgreementError("Choose whether the agreement expired or was terminated", field="to")
    if len(reason.strip()) < 10:
        raise AgreementError("Say why the agreement ends, in a sentence", field="reason")
    version = _version_locked(version_id)
    try:
        _move(version, Status(to), by=by, reason=reason.strip())
    except LifecycleError as exc:
        raise AgreementError({"to": exc.problems["__all__"]}) from exc
    notify(
        recipients=_officers(version),
        kind="agreement.ended",
        message=f"An information sharing agreement is now {Status(to).label.lower()}",
        url=_link(version),
        key=f"agreement-{version.pk}-ended",
        by=by,
    )
    return version


@transaction.atomic
def coverage_check(
    *,
    sharing_agency: Agency,
    receiving_agency: Agency,
    purpose: str,
    category: str,
    on_date: dt.date,
    context: str = "check",
    by: Actor,
) -> Coverage:
    """The agreements in force that cover this share; a gap is recorded for governance (never a refusal)."""
    if purpose not in PURPOSE_LABELS:
        raise AgreementError("Choose the purpose of the share", field="purpose")
    if category not in CATEGORY_LABELS:
        raise AgreementError("Choose the category of information", field="category")
    if sharing_agency.pk == receiving_agency.pk:
        raise AgreementError(
            "Choose a receiving agency other than the sharing agency", field="receiving_agency"
        )
    found = coverage(sharing_agency, receiving_agency, purpose, category, on_date)
    if found.gap:
        gap = CoverageGap.objects.create(
            sharing_agency=sharing_agency,
            receiving_agency=receiving_agency,
            purpose=purpose,
            category=category,
            on_date=on_date,
            context=context[:40],
            recorded_by=by.user,
        )
        audit_record(
            by=by,
            action="agreement.coverage_gap",
            object_type="coverage_gap",
            object_id=gap.pk,
            details={
                "sharing": sharing_agency.code,
                "receiving": receiving_agency.code,
                "purpose": purpose,
                "category": category,
                "context": context[:40],
            },
        )
    return found
