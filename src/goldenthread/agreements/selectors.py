"""Reads of the register, and the coverage check other apps call at the moment of sharing.

Agreements hold no child data, so reading them is not audited; recording a gap is a write
(agreements.actions.coverage_check), which pages call so each gap is counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from goldenthread.agencies.models import Agency, Membership
from goldenthread.agreements.lifecycle import Status
from goldenthread.agreements.models import Agreement, AgreementDocument, AgreementVersion, CoverageGap, Tier
from goldenthread.agreements.vocab import CATEGORY_LABELS, PURPOSE_LABELS


@dataclass(frozen=True)
class Coverage:
    """The answer to "does an agreement cover this share?": the versions in force that do, or the gap."""

    sharing_agency: Agency
    receiving_agency: Agency
    purpose: str
    category: str
    on_date: dt.date
    covering: list[AgreementVersion] = field(default_factory=list)

    @property
    def gap(self) -> bool:
        return not self.covering

    @property
    def review_overdue(self) -> list[AgreementVersion]:
        return [v for v in self.covering if v.status == Status.REVIEW_DUE]

    @property
    def purpose_label(self) -> str:
        return PURPOSE_LABELS.get(self.purpose, self.purpose)

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)


def coverage(
    sharing_agency: Agency,
    receiving_agency: Agency,
    purpose: str,
    category: str,
    on_date: dt.date | None = None,
) -> Coverage:
    """The agreement versions in force on ``on_date`` (today by default) to which both agencies are
    parties and which name this purpose and category of information. Never refuses: a gap is an answer."""
    day = on_date or timezone.localdate()
    candidates = _in_force_between(sharing_agency, receiving_agency, day)
    covering = [v for v in candidates if purpose in v.purposes and category in v.categories]
    return Coverage(sharing_agency, receiving_agency, purpose, category, day, covering)


def agreements_between(one: Agency, other: Agency, on_date: dt.date | None = None) -> list[AgreementVersion]:
    """The agreement versions in force on ``on_date`` (today by default) with both agencies as parties."""
    return list(_in_force_between(one, other, on_date or timezone.localdate()))


def _in_force_between(one: Agency, other: Agency, day: dt.date) -> Any:
    return (
        AgreementVersion.objects.filter(active_from__isnull=False)
        .filter(Q(active_until__isnull=True) | Q(active_until__gt=_start_of(day)))
        .filter(active_from__lt=_start_of(day + dt.timedelta(days=1)))
        .filter(parties__agency=one)
        .filter(parties__agency=other)
        .select_related("agreement")
        .distinct()
        .order_by("agreement_id", "number")
    )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class RegisterRow:
    agreement: Agreement
    version: AgreementVersion
    parties: list[str]


def agreements_register() -> list[RegisterRow]:
    """Every agreement with its current version (in force, else the newest) and its parties' names."""
    rows = []
    agreements = Agreement.objects.prefetch_related("versions__parties__agency").select_related("parent")
    for agreement in agreements:
        version = agreement.current_version()
        rows.append(RegisterRow(agreement, version, [p.agency.name for p in version.parties.all()]))
    return rows


def coverage_gaps_count(*, since: dt.datetime | None = None) -> int:
    gaps = CoverageGap.objects.all()
    if since is not None:
        gaps = gaps.filter(recorded_at__gte=since)
    return gaps.count()


def agreement_get(*, agreement_id: int) -> Agreement:
    agreement = Agreement.objects.select_related("parent").filter(pk=agreement_id).first()
    if agreement is None:
        raise Http404
    return agreement


def version_get(*, agreement_id: int, number: int) -> AgreementVersion:
    version = (
        AgreementVersion.objects.select_related("agreement", "agreement__parent")
        .filter(agreement_id=agreement_id, number=number)
        .first()
    )
    if version is None:
        raise Http404
    return version


def version_draft_get(*, agreement_id: int) -> AgreementVersion:
    """The version of this agreement being drafted; 404 when there is none."""
    version = (
        AgreementVersion.objects.select_related("agreement")
        .filter(agreement_id=agreement_id, status=Status.DRAFT)
        .first()
    )
    if version is None:
        raise Http404
    return version


def version_awaiting_get(*, agreement_id: int) -> AgreementVersion | None:
    return (
        AgreementVersion.objects.select_related("agreement")
        .filter(agreement_id=agreement_id, status=Status.AWAITING_SIGNATURES)
        .first()
    )


def document_get(*, agreement_id: int, document_id: int) -> AgreementDocument:
    document = (
        AgreementDocument.objects.select_related("version")
        .filter(pk=document_id, version__agreement_id=agreement_id)
        .first()
    )
    if document is None:
        raise Http404
    return document


def overarching_agreements() -> list[Agreement]:
    return list(Agreement.objects.filter(tier=Tier.OVERARCHING))


def officer_choices() -> list[tuple[int, str]]:
    """Each active membership as "Agency: Name (role)": choosing one names the party and its officer."""
    memberships = (
        Membership.objects.active()
        .select_related("agency", "user")
        .order_by("agency__name", "user__last_name")
    )
    return [(m.pk, f"{m.agency.name}: {_name(m.user)} ({m.get_role_display()})") for m in memberships]


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def signatures_by_party(version: AgreementVersion) -> list[dict[str, Any]]:
    """Each party with its nominated officer and the signature over the version's content, if given."""
    signatures = (
        {
            s.party_id: s
            for s in version.signatures.filter(content_hash=version.content_hash).select_related("user")
        }
        if version.content_hash
        else {}
    )
    return [
        {"party": p, "officer": _name(p.officer), "signature": signatures.get(p.pk)}
        for p in version.parties.select_related("agency", "officer")
    ]


def versions_to_sign_by(*, user: Any) -> list[AgreementVersion]:
    """Versions awaiting signatures in which this user is a nominated officer who has not yet signed."""
    if not getattr(user, "is_authenticated", False):
        return []
    waiting = AgreementVersion.objects.filter(
        status=Status.AWAITING_SIGNATURES, parties__officer=user
    ).distinct()
    return [v for v in waiting if not v.signatures.filter(user=user, content_hash=v.content_hash).exists()]


def versions_to_review_by(*, user: Any) -> list[AgreementVersion]:
    """Versions past their review date in which this user is a nominated officer."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(AgreementVersion.objects.filter(status=Status.REVIEW_DUE, parties__officer=user).distinct())


def versions_in_force_for(agency: Agency, on_date: dt.date | None = None) -> list[AgreementVersion]:
    """The agreement versions in force on ``on_date`` (today by default) to which ``agency`` is a party,
    with their parties: what the agency's "how we share information" notice is built from."""
    day = on_date or timezone.localdate()
    return list(
        AgreementVersion.objects.filter(active_from__isnull=False)
        .filter(Q(active_until__isnull=True) | Q(active_until__gt=_start_of(day)))
        .filter(active_from__lt=_start_of(day + dt.timedelta(days=1)))
        .filter(parties__agency=agency)
        .prefetch_related("parties__agency")
        .distinct()
        .order_by("agreement_id", "number")
    )
