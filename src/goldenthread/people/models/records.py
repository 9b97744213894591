"""What agencies told us, how each record was linked to a person, and the queue of uncertain links."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from goldenthread.agencies.models import Agency
from goldenthread.core.immutable import ImmutableModel
from goldenthread.people.models.person import DobPrecision, Person, Sex


class ImportBatch(models.Model):
    """One run of an import: which file, who ran it, what happened to its rows."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_format = models.CharField(max_length=4, choices=[("csv", "CSV"), ("json", "JSON")])
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_username = models.CharField(max_length=150)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    auto_linked = models.PositiveIntegerField(default=0)
    queued_for_review = models.PositiveIntegerField(default=0)
    new_people = models.PositiveIntegerField(default=0)
    # [{"row": 3, "field": "date_of_birth", "message": "..."}]; messages never quote the value.
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # An import is resumable (see actions.records_import_continue): the file is kept until the last row is
    # done, rows_done says how far it got, and whoever works on it (the worker's task, or the command) holds
    # the batch until lease_until, under lease_token, so two never work on one import at once.
    content = models.BinaryField(null=True, blank=True, editable=False)
    rows_done = models.PositiveIntegerField(default=0)
    # After the rows, each row's relationships (they may name a record further down the file).
    links_done = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    # False from an upload until the worker has checked each row (errors are known only then).
    checked = models.BooleanField(default=True)
    # Why the background import gave up (its last attempt failed); the rows done before it stay.
    failure = models.CharField(max_length=500, blank=True)
    # When a run last did work on it (a row, a relationship, the check): `goldenthread housekeeping`
    # abandons an unfinished import idle past GOLDENTHREAD_IMPORT_IDLE_HOURS (none: since started_at).
    active_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=models.F("started_at")),
                name="importbatch_finishes_after_start",
            ),
            models.CheckConstraint(
                condition=Q(rows_done__lte=models.F("rows_total")) & Q(links_done__lte=models.F("rows_done")),
                name="importbatch_done_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.filename}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def is_recording_relationships(self) -> bool:
        return self.rows_done == self.rows_total and not self.is_finished

    @property
    def status(self) -> str:
        if self.finished_at is None and not self.checked:
            return "Checking the file"
        if self.finished_at is None:
            return "Recording relationships" if self.is_recording_relationships else "In progress"
        if self.failure:
            return "Failed"
        return (
            "Stopped" if self.rows_done < self.rows_total or self.links_done < self.rows_total else "Finished"
        )


class LinkMethod(models.TextChoices):
    AUTOMATIC = "automatic", "Linked automatically"
    REVIEWED = "reviewed", "Reviewed by a data officer"
    NEW = "new", "New person"


class SourceRecord(models.Model):
    """A record as an agency sent it, with the normalised keys matching compares."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    local_id = models.CharField(max_length=100)
    payload = models.JSONField()
    content_hash = models.CharField(max_length=64)
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    given_name = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    given_key = models.CharField(max_length=200, blank=True)
    given_canon = models.CharField(max_length=200, blank=True)
    given_phon = models.CharField(max_length=40, blank=True)
    family_key = models.CharField(max_length=200, blank=True)
    family_phon = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    dob_precision = models.CharField(max_length=8, choices=DobPrecision.choices, default=DobPrecision.UNKNOWN)
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    postcode = models.CharField(max_length=12, blank=True)
    postcode_sector = models.CharField(max_length=10, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    upn = models.CharField(max_length=13, blank=True)

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="source_records")
    match_weight = models.FloatField(null=True, blank=True)
    link_method = models.CharField(max_length=10, choices=LinkMethod.choices)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency__name", "local_id"]
        indexes = [
            models.Index(fields=["nhs_number"], name="sourcerecord_nhs_idx"),
            models.Index(fields=["date_of_birth", "given_canon"], name="sourcerecord_dob_given_idx"),
            models.Index(fields=["date_of_birth", "family_phon"], name="sourcerecord_dob_family_idx"),
            models.Index(fields=["given_canon", "family_phon"], name="sourcerecord_names_idx"),
            models.Index(fields=["family_key", "postcode"], name="sourcerecord_family_pc_idx"),
            models.Index(fields=["given_canon", "postcode"], name="sourcerecord_given_pc_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["agency", "local_id"], name="sourcerecord_unique_local_id"),
            models.CheckConstraint(
                condition=(Q(link_method=LinkMethod.REVIEWED) & Q(reviewed_by__isnull=False))
                | (~Q(link_method=LinkMethod.REVIEWED) & Q(reviewed_by__isnull=True)),
                name="sourcerecord_reviewed_has_reviewer",
            ),
            models.CheckConstraint(
                condition=~Q(link_method=LinkMethod.AUTOMATIC) | Q(match_weight__isnull=False),
                name="sourcerecord_automatic_has_weight",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code}:{self.local_id}"

    def value(self, field: str) -> str:
        """A field as the agency wrote it."""
        raw: Any = self.payload.get(field, "")
        return "" if raw is None else str(raw)


class LinkReason(models.TextChoices):
    IMPORT = "import", "Imported"
    REVIEW = "review", "Review decision"
    MERGE = "merge", "Merge"
    UNMERGE = "unmerge", "Unmerge"


class SourceRecordLink(ImmutableModel):
    """History of which person a source record belonged to. Append-only: a change is a new row."""

    source_record = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="link_history")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    previous_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=10, choices=LinkMethod.choices)
    reason = models.CharField(max_length=10, choices=LinkReason.choices)
    match_weight = models.FloatField(null=True, blank=True)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_username = models.CharField(max_length=150)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.source_record_id} -> {self.person_id} ({self.reason})"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Waiting for review"
    LINKED = "linked", "Linked: same person"
    SEPARATED = "separated", "Kept separate"


class MatchReview(models.Model):
    """An uncertain match: is the imported ``source_record`` the same person as ``candidate``?"""

    source_record = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="reviews")
    candidate = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # The candidate's record that scored best, shown side by side with the imported one.
    candidate_record = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="+")
    weight = models.FloatField()
    fields = models.JSONField(default=list)  # per-field weights as scoring.FieldWeight dicts
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status=ReviewStatus.OPEN) & Q(decided_by__isnull=True) & Q(decided_at__isnull=True)
                )
                | (~Q(status=ReviewStatus.OPEN) & Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="matchreview_decision_has_who_and_when",
            ),
            models.UniqueConstraint(
                fields=["source_record", "candidate"],
                condition=Q(status=ReviewStatus.OPEN),
                name="matchreview_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(source_record=models.F("candidate_record")), name="matchreview_two_records"
            ),
        ]

    def __str__(self) -> str:
        return f"Review {self.pk}: record {self.source_record_id} / person {self.candidate_id}"
