"""A person in the index and what is known about them.

Names, addresses, identifiers, involvements and relationships each point at the source record they came
from, so that when a record is moved to another person (a reviewed link, a merge or an unmerge) everything
it told us moves with it and nothing is lost or duplicated. Persons are never deleted: a merged person
keeps its row and points at the person it was merged into.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from goldenthread.agencies.models import Agency

ADULT_AGE = 18


class DobPrecision(models.TextChoices):
    DAY = "day", "Known to the day"
    MONTH = "month", "Month and year only"
    YEAR = "year", "Year only"
    UNKNOWN = "unknown", "Not known"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class Person(models.Model):
    # The display name and identity are a summary of the person's source records (see actions).
    given_name = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    # A partial date is stored as its first day; dob_precision says how much of it is known.
    date_of_birth = models.DateField(null=True, blank=True)
    dob_precision = models.CharField(max_length=8, choices=DobPrecision.choices, default=DobPrecision.UNKNOWN)
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    preferred_language = models.CharField(max_length=80, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    date_of_death = models.DateField(null=True, blank=True)
    # None: work it out from the date of birth. An agency may know better (a care leaver, an unborn child).
    is_child_stated = models.BooleanField(null=True, blank=True)
    is_shielded = models.BooleanField(default=False)
    brokered_contact = models.CharField(max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="absorbed"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name", "pk"]
        indexes = [
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
            # The few shielded persons, so search can find them by name alone (search._shielded_named).
            models.Index(fields=["id"], condition=Q(is_shielded=True), name="person_shielded_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(date_of_birth__isnull=True) & Q(dob_precision=DobPrecision.UNKNOWN))
                | (Q(date_of_birth__isnull=False) & ~Q(dob_precision=DobPrecision.UNKNOWN)),
                name="person_dob_precision_matches_date",
            ),
            # Shielding hides where a person is; someone must still be reachable about them.
            models.CheckConstraint(
                condition=Q(is_shielded=False) | ~Q(brokered_contact=""),
                name="person_shielded_has_brokered_contact",
            ),
            models.CheckConstraint(
                condition=(Q(merged_into__isnull=True) & Q(merged_at__isnull=True))
                | (Q(merged_into__isnull=False) & Q(merged_at__isnull=False)),
                name="person_merged_into_with_time",
            ),
            models.CheckConstraint(condition=~Q(merged_into=F("pk")), name="person_not_merged_into_self"),
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True)
                | Q(date_of_birth__isnull=True)
                | Q(date_of_death__gte=F("date_of_birth")),
                name="person_death_after_birth",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip() or f"Person {self.pk}"

    @property
    def full_name(self) -> str:
        return str(self)

    def is_child_on(self, day: dt.date) -> bool | None:
        if self.is_child_stated is not None:
            return self.is_child_stated
        if self.date_of_birth is None:
            return None
        if self.date_of_death is not None:
            day = min(day, self.date_of_death)
        born = self.date_of_birth
        age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        return age < ADULT_AGE

    @property
    def is_child(self) -> bool | None:
        return self.is_child_on(dt.date.today())

    def age_range_on(self, day: dt.date) -> tuple[int, int] | None:
        """The youngest and oldest the person can be on ``day`` given how much of the date of birth is
        known (a year alone spans a birthday); None when it is not known. At death, age stops."""
        if self.date_of_birth is None:
            return None
        if self.date_of_death is not None:
            day = min(day, self.date_of_death)
        earliest = self.date_of_birth
        if self.dob_precision == DobPrecision.YEAR:
            latest = dt.date(earliest.year, 12, 31)
        elif self.dob_precision == DobPrecision.MONTH:
            next_month = dt.date(earliest.year + earliest.month // 12, earliest.month % 12 + 1, 1)
            latest = next_month - dt.timedelta(days=1)
        else:
            latest = earliest
        return _age(latest, day), _age(earliest, day)

    @property
    def age_label(self) -> str:
        """The age in words for a card or a search result: "7", "6 or 7", "Under 1"; "" if not known."""
        ages = self.age_range_on(dt.date.today())
        if ages is None:
            return ""
        youngest, oldest = (max(0, a) for a in ages)
        if oldest == 0:
            return "Under 1"
        return str(oldest) if youngest == oldest else f"{youngest} or {oldest}"


def _age(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class NameKind(models.TextChoices):
    PRIMARY = "primary", "Name"
    ALIAS = "alias", "Also known as"
    PREVIOUS = "previous", "Previous name"


class PersonName(models.Model):
    """Every name a person has been recorded under, as entered, with the keys the search compares."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="names")
    source_record = models.ForeignKey(
        "people.SourceRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="names"
    )
    kind = models.CharField(max_length=10, choices=NameKind.choices, default=NameKind.PRIMARY)
    given_name = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    given_key = models.CharField(max_length=200, blank=True)
    given_canon = models.CharField(max_length=200, blank=True)
    given_phon = models.CharField(max_length=40, blank=True)
    family_key = models.CharField(max_length=200, blank=True)
    family_phon = models.CharField(max_length=40, blank=True)
    # The person's date of birth, copied here (by people.derive.person_refresh) so that a name and a date
    # narrow the search together in one index instead of joining every namesake to its person.
    person_born = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            # The search joins names back from NameKey by exact key: both names, or the given name alone.
            models.Index(
                fields=["family_key", "given_key", "person_born"],
                include=["person_id"],
                name="personname_names_born_idx",
            ),
            models.Index(fields=["family_key", "person_born"], name="personname_family_born_idx"),
            models.Index(fields=["given_key", "person_born"], name="personname_given_born_idx"),
            models.Index(fields=["family_phon", "given_phon"], name="personname_phon_idx"),
            models.Index(fields=["given_canon"], name="personname_given_canon_idx"),
            # Everyone born on a day, with their names, from the index alone (search._born_alike).
            models.Index(
                fields=["person_born"],
                include=["person_id", "given_key", "family_key"],
                name="personname_born_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(given_name="") | ~Q(family_name=""), name="personname_not_blank"
            )
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class NamePart(models.TextChoices):
    GIVEN = "given", "Given name"
    FAMILY = "family", "Family name"


class NameKey(models.Model):
    """Each distinct name key in the index, once per part, with the keys the fuzzy search compares.

    A few hundred thousand rows however many millions of names there are, so the fuzzy part of a search
    (trigrams on PostgreSQL, phonetic and nickname keys) reads this small table and joins the few keys
    it finds back to PersonName by exact key. Every write that creates PersonName rows adds its keys
    (``people.derive.name_keys_remember``). Keys are values, not people: merging or unmerging moves
    names between persons and leaves this table as it is; a key whose names are all gone is harmless
    (it joins back to nothing) and ``name_keys_rebuild`` drops it.
    """

    part = models.CharField(max_length=6, choices=NamePart.choices)
    key = models.CharField(max_length=200)
    canon = models.CharField(max_length=200, blank=True)  # given names: the nickname table's canonical name
    phon = models.CharField(max_length=40, blank=True)
    # How many names carry the key, so the search can weigh a common name ("Smith") below a rare one.
    # Counted as names are written and recounted by name_keys_rebuild; a name replaced or moved is not
    # taken off, so it can run a little high, which a ranking weight can bear.
    names = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["part", "key"], name="namekey_part_key_unique")]
        indexes = [
            models.Index(fields=["part", "phon"], name="namekey_part_phon_idx"),
            models.Index(fields=["part", "canon"], name="namekey_part_canon_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.part}: {self.key}"


class NameKeyDeletion(models.Model):
    """A name key with one letter taken out (``position``, 0-based, the letter ``letter``), or the key
    itself (position -1): the "symmetric delete" index of keys one typing error from a search's name.

    Two keys are one error apart exactly when their rows meet on ``deleted`` in one of these ways: one is
    the other with a letter dropped (a key itself meets a deletion), a letter changed (deletions at the
    same position), or two neighbours swapped (deletions of the same letter at neighbouring positions).
    So a name's neighbours are found by a dozen index probes instead of the several hundred strings one
    error away (``search_keys.one_edit``). Kept in step with NameKey by ``people.derive``; the rows of
    keys shorter than three letters are their own key only, as a search makes no edits of such keys.
    """

    # The unique (name_key, position) index serves the foreign key as well.
    name_key = models.ForeignKey(NameKey, on_delete=models.CASCADE, related_name="deletions", db_index=False)
    part = models.CharField(max_length=6, choices=NamePart.choices)
    deleted = models.CharField(max_length=200)
    position = models.SmallIntegerField()
    letter = models.CharField(max_length=1, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name_key", "position"], name="namekeydeletion_key_position")
        ]
        indexes = [models.Index(fields=["part", "deleted"], name="namekeydeletion_part_deleted")]

    def __str__(self) -> str:
        return f"{self.part}: {self.deleted} ({self.position})"


class Address(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="addresses")
    source_record = models.ForeignKey(
        "people.SourceRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="addresses"
    )
    line = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=12, blank=True)  # normalised, e.g. "NS1 4AB"
    postcode_sector = models.CharField(max_length=10, blank=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-from_date", "pk"]
        indexes = [
            models.Index(fields=["postcode"], name="address_postcode_idx"),
            models.Index(fields=["postcode_sector"], name="address_sector_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(line="") | ~Q(postcode=""), name="address_not_blank"),
            models.CheckConstraint(
                condition=Q(to_date__isnull=True)
                | Q(from_date__isnull=True)
                | Q(to_date__gte=F("from_date")),
                name="address_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.line, self.postcode) if part)


class IdentifierKind(models.TextChoices):
    NHS_NUMBER = "nhs_number", "NHS number"
    UPN = "upn", "Unique pupil number"
    AGENCY_LOCAL = "agency_local", "Agency reference"


class Identifier(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="identifiers")
    source_record = models.ForeignKey(
        "people.SourceRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="identifiers"
    )
    kind = models.CharField(max_length=16, choices=IdentifierKind.choices)
    value = models.CharField(max_length=100)
    issuing_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["kind", "value"], name="identifier_kind_value_idx")]
        constraints = [
            # A local reference means nothing without the agency that issued it.
            models.CheckConstraint(
                condition=~Q(kind=IdentifierKind.AGENCY_LOCAL) | Q(issuing_agency__isnull=False),
                name="identifier_local_has_agency",
            ),
            # The check digit is verified in Python (normalise_nhs_number); the database keeps the shape.
            models.CheckConstraint(
                condition=~Q(kind=IdentifierKind.NHS_NUMBER) | Q(Exact(Length("value"), 10)),
                name="identifier_nhs_number_ten_digits",
            ),
            models.UniqueConstraint(
                fields=["source_record", "kind"],
                condition=Q(source_record__isnull=False),
                name="identifier_one_kind_per_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class RelationshipKind(models.TextChoices):
    PARENT_OF = "parent_of", "Parent of"
    HAS_PARENTAL_RESPONSIBILITY_FOR = "has_parental_responsibility_for", "Has parental responsibility for"
    CARER_OF = "carer_of", "Carer of"
    SIBLING_OF = "sibling_of", "Sibling of"
    HOUSEHOLD_MEMBER = "household_member", "Household member with"


class Relationship(models.Model):
    """``from_person`` is <kind> ``to_person``: "Jane is parent_of Amy"."""

    from_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_from")
    to_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_to")
    kind = models.CharField(max_length=40, choices=RelationshipKind.choices)
    # The record that stated it and the record it pointed at: both move people when records are relinked.
    source_record = models.ForeignKey(
        "people.SourceRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="relationships"
    )
    related_record = models.ForeignKey(
        "people.SourceRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(from_person=F("to_person")), name="relationship_not_self"),
            # A record may state several relationships (a mother of three), one per related record.
            models.UniqueConstraint(
                fields=["source_record", "related_record"],
                condition=Q(source_record__isnull=False),
                name="relationship_one_per_record_pair",
            ),
            models.CheckConstraint(
                condition=Q(source_record__isnull=True, related_record__isnull=True)
                | Q(source_record__isnull=False, related_record__isnull=False),
                name="relationship_records_paired",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_person_id} {self.kind} {self.to_person_id}"


class SensitiveCategory(models.TextChoices):
    SEXUAL_HEALTH = "sexual_health", "Sexual health"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"


class Involvement(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="involvements")
    source_record = models.OneToOneField(
        "people.SourceRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="involvement"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=200)
    practitioner_name = models.CharField(max_length=200, blank=True)
    practitioner_phone = models.CharField(max_length=40, blank=True)
    practitioner_email = models.EmailField(blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    is_lead_professional = models.BooleanField(default=False)
    # A sensitive service is shown only as an indicator with this brokered contact, never the service.
    sensitive_category = models.CharField(
        max_length=20, choices=SensitiveCategory.choices, blank=True, default=""
    )
    brokered_contact = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-is_lead_professional", "ended_on", "-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="involvement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(sensitive_category="") | ~Q(brokered_contact=""),
                name="involvement_sensitive_has_brokered_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.service}"

    @property
    def is_sensitive(self) -> bool:
        return bool(self.sensitive_category)

    @property
    def is_current(self) -> bool:
        return self.ended_on is None or self.ended_on >= dt.date.today()
