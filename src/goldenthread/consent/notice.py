"""The plain-English "how we share information" notice of one agency: from its settings and the
agreements in force it is party to. It holds no personal data, so it is public (no sign-in)."""

from __future__ import annotations

from dataclasses import dataclass

from goldenthread.agencies.models import Agency
from goldenthread.agreements.selectors import versions_in_force_for
from goldenthread.agreements.vocab import CATEGORY_LABELS
from goldenthread.agreements.vocab import PURPOSE_LABELS as AGREEMENT_PURPOSES


@dataclass(frozen=True)
class NoticeAgreement:
    title: str
    partners: list[str]
    purposes: list[str]
    categories: list[str]
    retention: str


@dataclass(frozen=True)
class Notice:
    agency: Agency
    agreements: list[NoticeAgreement]


def notice_for(agency: Agency) -> Notice:
    agreements = [
        NoticeAgreement(
            title=version.title,
            partners=sorted(p.agency.name for p in version.parties.all() if p.agency_id != agency.pk),
            purposes=[AGREEMENT_PURPOSES.get(p, p) for p in version.purposes],
            categories=[CATEGORY_LABELS.get(c, c) for c in version.categories],
            retention=version.retention,
        )
        for version in versions_in_force_for(agency)
    ]
    return Notice(agency=agency, agreements=agreements)
