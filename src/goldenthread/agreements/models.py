"""The register of information sharing agreements.

An **agreement** is the register's entry: its tier and, for a service-specific one, the overarching
agreement it sits under. What the parties agree lives in its **versions**: an amendment is a new version,
signed again, and every older version stays readable. Each version names its **parties** (agencies, each
with a nominated officer) and carries its **signatures**, each over the hash of the exact content signed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from goldenthread.agreements.lifecycle import IN_FORCE, Status
from goldenthread.core.immutable import ImmutableModel, ImmutableQuerySet


def _grouped(digest: str) -> str:
    """A hash in groups of 16 characters, so a narrow screen can wrap it."""
    return " ".join(digest[i : i + 16] for i in range(0, len(digest), 16))


class Tier(models.TextChoices):
    OVERARCHING = "overarching", "Overarching partnership agreement"
    SERVICE = "service", "Service-specific agreement"


class Agreement(models.Model):
    tier = models.CharField(max_length=20, choices=Tier.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="service_agreements"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tier="overarching", parent__isnull=True)
                | models.Q(tier="service", parent__isnull=False),
                name="agreement_service_tier_has_parent",
            )
        ]

    def __str__(self) -> str:
        return f"Agreement {self.pk}"

    def current_version(self) -> AgreementVersion:
        """The version in force if there is one, otherwise the newest (a draft, or the last that ended)."""
        versions = list(self.versions.all())
        in_force = [v for v in versions if v.status in IN_FORCE]
        return (in_force or versions)[-1]


class AgreementVersion(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(max_length=200)
    purposes = models.JSONField(default=list)
    categories = models.JSONField(default=list)
    lawful_bases = models.TextField("Lawful bases and conditions")
    retention = models.TextField("Retention and disposal")
    data_quality = models.TextField("Data quality standard")
    complaints = models.TextField("Complaints and breaches")
    subject_access = models.TextField("Subject access arrangements")
    security = models.TextField("Security arrangements")
    review_months = models.PositiveSmallIntegerField("Review every (months)", default=12)
    next_review_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Fixed when the version goes for signing: every signature must be over this hash.
    content_hash = models.CharField(max_length=64, blank=True)
    active_from = models.DateTimeField(null=True, blank=True)
    active_until = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["agreement_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"

    @property
    def content_hash_grouped(self) -> str:
        return _grouped(self.content_hash)


class AgreementParty(models.Model):
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="parties")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "agency"], name="agreement_party_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.agency} in {self.version}"


class AgreementSignature(ImmutableModel):
    """A nominated officer's signature over one exact content (its hash); never changed or removed."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="signatures")
    party = models.ForeignKey(AgreementParty, on_delete=models.PROTECT, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "content_hash"], name="agreement_signature_once_per_content"
            )
        ]


class AgreementDocument(models.Model):
    """A PDF attached to a draft, kept in the service's private files under its SHA-256."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="documents")
    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def sha256_grouped(self) -> str:
        return _grouped(self.sha256)


class CoverageGap(ImmutableModel):
    """A share checked and found covered by no agreement in force: counted for governance, never a block."""

    sharing_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    receiving_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=40)
    category = models.CharField(max_length=40)
    on_date = models.DateField()
    context = models.CharField(max_length=40, default="check")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
