"""Reads of a person: search, the card, a name for the guide. What a user may not see is a 404.

Reads of a person's details or a search are audited here, with the purpose the user gave, in the same
transaction as the read, so no view can show a card without the audit event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from goldenthread.agencies.models import Agency
from goldenthread.agencies.permissions import Permission
from goldenthread.agencies.selectors import user_has_permission
from goldenthread.audit.actions import audit_record
from goldenthread.audit.models import AuditEvent
from goldenthread.core.actor import Actor
from goldenthread.people.actions import (
    access_alert_raise,
    agency_involved,
    card_view_alerts_raise,
    card_view_unusual,
)
from goldenthread.people.models import (
    AccessAlert,
    Address,
    AlertKind,
    Identifier,
    IdentifierKind,
    Involvement,
    NameKind,
    Person,
    PersonName,
    RelationshipKind,
    Sex,
    SourceRecord,
)
from goldenthread.people.search import SearchHit, SearchQuery, people_search


def _require(user: Any, agency: Agency | None, permission: Permission) -> None:
    if not user_has_permission(user=user, permission=permission, agency=agency):
        raise Http404


@transaction.atomic
def person_search_for_user(
    *, user: Any, agency: Agency | None, query: SearchQuery, purpose: str
) -> list[SearchHit]:
    if not user_has_permission(user=user, permission=Permission.SEARCH_CHILD_INDEX, agency=agency):
        raise PermissionDenied
    if not purpose:
        raise ValueError("A search needs a purpose")
    hits = [_shielded_hit(hit) if hit.person.is_shielded else hit for hit in people_search(query)]
    audit_record(
        by=Actor.of(user, agency),
        action="person.searched",
        object_type="person",
        purpose=purpose,
        details={"criteria": query.criteria(), "results": len(hits)},
    )
    return hits


# A shielded person is shown as their card shows them: by name. "Why it matched" keeps only the names.
_SHIELDED_HIT_FIELDS = frozenset({"given_name", "family_name"})


def _shielded_hit(hit: SearchHit) -> SearchHit:
    return SearchHit(hit.person, [w for w in hit.weights if w.field in _SHIELDED_HIT_FIELDS])


@dataclass(frozen=True)
class SearchRow:
    """One search result as the page shows it: enough to tell namesakes apart (age, sex, postcode
    district), and why it matched in words, never the raw score. A shielded person shows only their name
    and the name reasons (as their card shows them)."""

    person: Person
    age: str = ""
    sex: str = ""
    district: str = ""
    reasons: tuple[str, ...] = ()
    against: tuple[str, ...] = ()


def search_rows(hits: list[SearchHit]) -> list[SearchRow]:
    """The rows of a search already audited (person_search_for_user): the district of each person's
    latest address in one query. Shows nothing the audited search did not return."""
    open_ids = [hit.person.pk for hit in hits if not hit.person.is_shielded]
    districts: dict[int, str] = {}
    latest = (
        Address.objects.filter(person_id__in=open_ids)
        .exclude(postcode="")
        .order_by("person_id", F("from_date").desc(nulls_last=True), "-pk")
    )
    for person_id, postcode in latest.values_list("person_id", "postcode"):
        districts.setdefault(person_id, postcode.split(" ", 1)[0])
    rows = []
    for hit in hits:
        reasons = tuple(f"{w.label}: {w.outcome.lower()}" for w in hit.reasons)
        against = tuple(f"{w.label}: {w.outcome.lower()}" for w in hit.against)
        person = hit.person
        if person.is_shielded:
            rows.append(SearchRow(person, reasons=reasons, against=against))
            continue
        sex = person.get_sex_display() if person.sex != Sex.UNKNOWN else "Not known"
        rows.append(
            SearchRow(
                person,
                age=person.age_label or "Not known",
                sex=sex,
                district=districts.get(person.pk, "Not known"),
                reasons=reasons,
                against=against,
            )
        )
    return rows


def person_current_id_for_user(*, user: Any, agency: Agency | None, person_id: int) -> int:
    """The id a person now lives under (merges redirect), without revealing anything about them."""
    _require(user, agency, Permission.VIEW_CHILD_DATA)
    current, seen = person_id, set()
    while current not in seen:
        seen.add(current)
        found = Person.objects.filter(pk=current).values_list("merged_into_id", flat=True)
        if not found:
            raise Http404
        if found[0] is None:
            return current
        current = found[0]
    raise Http404  # a merge cycle: never written by the actions, refuse rather than loop


def person_ids_merged_into(person_id: int) -> list[int]:
    """The person and everyone merged into them, however many merges deep: records naming any of these
    (a decision, an advice request) are about the person now. Reveals nothing alone, so checks nothing."""
    found, frontier = [person_id], [person_id]
    while frontier:
        frontier = list(
            Person.objects.filter(merged_into__in=frontier).exclude(pk__in=found).values_list("pk", flat=True)
        )
        found.extend(frontier)
    return found


@transaction.atomic
def person_named_for_user(*, user: Any, agency: Agency | None, person_id: int, purpose: str) -> Person | None:
    """The person a practitioner is about to decide or ask about (merges followed), to name them on the
    page; None when there is no such person or this user may not see the index. Audited like a card."""
    if not user_has_permission(user=user, permission=Permission.VIEW_CHILD_DATA, agency=agency):
        return None
    try:
        current = person_current_id_for_user(user=user, agency=agency, person_id=person_id)
    except Http404:
        return None
    person = Person.objects.get(pk=current)
    audit_record(
        by=Actor.of(user, agency),
        action="person.named",
        object_type="person",
        object_id=person.pk,
        purpose=purpose,
    )
    return person


def person_for_record(person_id: int | None) -> Person | None:
    """The person a decision or advice request will point at. Shows nothing, so it is not audited: the
    page that named them was (person_named_for_user)."""
    return None if person_id is None else Person.objects.filter(pk=person_id).first()


@dataclass
class RelationshipView:
    label: str
    other: Person

    @property
    def shielded_contact(self) -> str:
        """Who to contact about a shielded relative. Their name, card and even the kind of relationship
        (a household member) are not shown beside this person's address."""
        return self.other.brokered_contact if self.other.is_shielded else ""


@dataclass
class Card:
    person: Person
    other_names: list[PersonName] = field(default_factory=list)
    addresses: list[Any] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    involvements: list[Involvement] = field(default_factory=list)
    relationships: list[RelationshipView] = field(default_factory=list)
    records: list[SourceRecord] = field(default_factory=list)
    # Whether the viewer's agency may separate one of its records: the person must keep another record.
    records_total: int = 0
    # The viewer may read who has seen this record (a governance officer of an involved agency).
    access_report: bool = False

    @property
    def lead_professionals(self) -> list[Involvement]:
        return [
            i for i in self.involvements if i.is_lead_professional and i.is_current and not i.is_sensitive
        ]

    @property
    def agencies(self) -> list[str]:
        return sorted({i.agency.name for i in self.involvements})


_INVERSE = {
    RelationshipKind.PARENT_OF: "Child of",
    RelationshipKind.HAS_PARENTAL_RESPONSIBILITY_FOR: "Parental responsibility held by",
    RelationshipKind.CARER_OF: "Cared for by",
    RelationshipKind.SIBLING_OF: "Sibling of",
    RelationshipKind.HOUSEHOLD_MEMBER: "Household member with",
}


def _card(person: Person, *, with_records: bool, viewer: Agency | None) -> Card:
    card = Card(person=person)
    if with_records:
        records = person.source_records.select_related("agency", "reviewed_by").order_by("agency__name")
        card.records_total = records.count()
        if person.is_shielded:
            # Which agencies hold a shielded person can say where they are (a refuge): own records only.
            records = records.filter(agency=viewer)
        card.records = list(records)
    if person.is_shielded:
        # Shielded: identity and a brokered contact only. Nothing that could lead to where they are.
        return card
    seen: set[tuple[str, str, str]] = set()
    for name in person.names.all().order_by("kind", "family_name", "given_name"):
        key = (name.kind, name.given_key, name.family_key)
        primary = (name.given_name, name.family_name) == (person.given_name, person.family_name)
        if key not in seen and not (name.kind == NameKind.PRIMARY and primary):
            seen.add(key)
            card.other_names.append(name)
    card.addresses = addresses_once(
        person.addresses.all().order_by(F("from_date").desc(nulls_last=True), "-pk")
    )
    identifiers = person.identifiers.exclude(kind=IdentifierKind.AGENCY_LOCAL).select_related(
        "issuing_agency"
    )
    card.identifiers = list({(i.kind, i.value): i for i in identifiers}.values())
    card.involvements = list(person.involvements.select_related("agency"))
    for rel in person.relationships_from.select_related("to_person"):
        card.relationships.append(RelationshipView(rel.get_kind_display(), rel.to_person))
    for rel in person.relationships_to.select_related("from_person"):
        card.relationships.append(RelationshipView(_INVERSE[RelationshipKind(rel.kind)], rel.from_person))
    return card


_STREET_WORDS = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "cl": "close",
    "ct": "court",
    "dr": "drive",
    "gdns": "gardens",
    "pl": "place",
    "sq": "square",
    "cres": "crescent",
}


def address_key(line: str, postcode: str) -> tuple[str, str]:
    """An address as compared for sameness: case, punctuation, spacing and common street abbreviations
    ("12 Acacia Ave." and "12, acacia avenue") do not make two addresses."""
    words = "".join(c if c.isalnum() else " " for c in line.casefold()).split()
    return " ".join(_STREET_WORDS.get(w, w) for w in words), postcode.replace(" ", "").upper()


def addresses_once(addresses: Any) -> list[Any]:
    """Each address once (by ``address_key``), the first seen kept: callers order newest first. An
    address with a line is the same as one with only its postcode when another agency gave the line."""
    keyed = [(address_key(a.line, a.postcode), a) for a in addresses]
    lines_at = {key[1] for key, _ in keyed if key[0] and key[1]}
    kept: list[Any] = []
    seen: set[tuple[str, str]] = set()
    for key, address in keyed:
        if key in seen or (not key[0] and key[1] in lines_at):
            continue
        seen.add(key)
        kept.append(address)
    return kept


class CardViewLimitError(Exception):
    """The user has opened as many cards in the last hour as the partnership allows."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"{limit} cards opened in the last hour")
        self.limit = limit


def _card_views_within_limit(user: Any, agency: Agency) -> None:
    """Refuse a card past the hourly ceiling, raising one alert an hour for the agency's IG officers.

    Walking the index card by card is what harvesting looks like; a practitioner's working day is far
    below the ceiling (``GOLDENTHREAD_CARD_VIEWS_PER_HOUR``). Counted from the audit log's actor index.
    """
    limit = settings.CARD_VIEWS_PER_HOUR
    since = timezone.now() - timedelta(hours=1)
    views = AuditEvent.objects.filter(action="person.viewed", actor_id=str(user.pk), occurred_at__gte=since)
    if views.count() < limit:
        return
    if not AccessAlert.objects.filter(kind=AlertKind.BURST, user=user, raised_at__gte=since).exists():
        access_alert_raise(
            kind=AlertKind.BURST,
            user=user,
            agency=agency,
            by=Actor.of(user, agency),
            details={"cards_in_hour": limit},
        )
    raise CardViewLimitError(limit)


def person_get_for_user(*, user: Any, agency: Agency | None, person_id: int, purpose: str) -> Card:
    """A person's card, audited with the purpose; 404 when absent, merged away or not for this user;
    ``CardViewLimitError`` past the hourly ceiling (its alert is kept, the card is not read)."""
    _require(user, agency, Permission.VIEW_CHILD_DATA)
    if not purpose:
        raise ValueError("Viewing a card needs a purpose")
    assert agency is not None  # _require answers 404 without one
    _card_views_within_limit(user, agency)
    return _person_card_read(user=user, agency=agency, person_id=person_id, purpose=purpose)


@transaction.atomic
def _person_card_read(*, user: Any, agency: Agency, person_id: int, purpose: str) -> Card:
    person = Person.objects.filter(pk=person_id, merged_into__isnull=True).first()
    if person is None:
        raise Http404
    by, now = Actor.of(user, agency), timezone.now()
    # Opening a card outside the agency's need, or out of hours, is recorded on the view's event and
    # raises its alert in the same transaction (people/actions/alerts.py).
    unusual = card_view_unusual(user=user, agency=agency, person=person, at=now)
    audit_record(
        by=by,
        action="person.viewed",
        object_type="person",
        object_id=person.pk,
        purpose=purpose,
        details=unusual,
    )
    if unusual:
        card_view_alerts_raise(user=user, agency=agency, person=person, unusual=unusual, at=now, by=by)
    with_records = user_has_permission(user=user, permission=Permission.REVIEW_MATCHES, agency=agency)
    card = _card(person, with_records=with_records, viewer=agency)
    card.access_report = user_has_permission(
        user=user, permission=Permission.VIEW_AUDIT_LOG, agency=agency
    ) and _involved(agency, person)
    return card


# The agency holds a record of the person, or works with them (the partnership oversees everyone's use).
_involved = agency_involved
