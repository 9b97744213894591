from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from goldenthread.agencies.permissions import Role

code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{1,62}$",
    "Use 2 to 63 lower-case letters, digits and hyphens, starting with a letter or digit",
)


class AgencyKind(models.TextChoices):
    # The local authority's children's services: the "local authority" of the joint agency protocol.
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH_TRUST = "health_trust", "Health trust"
    GP_PRACTICE = "gp_practice", "GP practice"
    SCHOOL = "school", "School"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector"
    # The family court and the prosecutor (the Crown Prosecution Service), parties to the exchange's
    # protocol requests.
    COURT = "court", "Family court"
    PROSECUTOR = "prosecutor", "Crown Prosecution Service"
    # The safeguarding partnership itself: its governance officers oversee every agency's use.
    PARTNERSHIP = "partnership", "Safeguarding partnership"
    OTHER = "other", "Other"


class Agency(models.Model):
    code = models.CharField(max_length=63, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    # Official codes are optional: not every partner has one, and each scheme belongs to one sector.
    ods_code = models.CharField("NHS ODS code", max_length=10, blank=True)
    urn = models.CharField("School URN", max_length=10, blank=True)
    la_code = models.CharField("Local authority code", max_length=10, blank=True)
    charity_number = models.CharField(max_length=12, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    code = models.CharField(max_length=63, validators=[code_validator])
    name = models.CharField(max_length=200)
    is_mash = models.BooleanField("Multi-agency safeguarding hub", default=False)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="team_code_unique_in_agency")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.name})"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        """In force: not ended, its agency active, and approved by a second person where that is needed."""
        return self.filter(ended_at__isnull=True, agency__is_active=True).exclude(
            requires_approval=True, approved_at__isnull=True
        )

    def awaiting_approval(self) -> MembershipQuerySet:
        return self.filter(ended_at__isnull=True, requires_approval=True, approved_at__isnull=True)


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_reason = models.CharField(max_length=200, blank=True)
    # A role that sees child data takes effect only once a second person approves it (agencies.actions).
    requires_approval = models.BooleanField(default=False)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                condition=Q(ended_at__isnull=True),
                name="one_active_membership_per_role",
            ),
            # An ending is recorded with who ended it; the system itself ends none silently.
            models.CheckConstraint(
                condition=(Q(ended_at__isnull=True) & Q(ended_reason=""))
                | (Q(ended_at__isnull=False) & ~Q(ended_reason="")),
                name="membership_end_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="membership_ends_after_start",
            ),
            # Approved only where approval is needed; the approver is blank only for the demo data.
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True, approved_by__isnull=True)
                | Q(requires_approval=True, approved_at__isnull=False),
                name="membership_approval_needed_and_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} at {self.agency}"

    @property
    def is_awaiting_approval(self) -> bool:
        return self.requires_approval and self.approved_at is None and self.ended_at is None

    @property
    def is_active(self) -> bool:
        return self.ended_at is None and self.agency.is_active
