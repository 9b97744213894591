"""Unusual access to the child index, raised for the governance officers to review and close."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from goldenthread.agencies.models import Agency
from goldenthread.people.models.person import Person


class AlertKind(models.TextChoices):
    BURST = "burst", "Many records opened in an hour"
    BREAK_GLASS = "break_glass", "Break-glass access"
    OUTSIDE_NEED = "outside_need", "Records opened where their agency is not involved"
    OUT_OF_HOURS = "out_of_hours", "Record opened out of hours"
    VOLUME = "volume", "Far more records opened in a day than their peers"


class BreakGlass(models.Model):
    """A user opened what they normally could not about one person, for one session, with a reason.

    Today that is every agency's decisions about the person (normally only their own agency's). The
    session is kept as a hash of its key: the access ends with the session.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    opened_at = models.DateTimeField()
    session_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["person", "session_hash"], name="breakglass_session_idx")]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="breakglass_has_reason")]

    def __str__(self) -> str:
        return f"Break-glass by user {self.user_id} on person {self.person_id} at {self.opened_at:%Y-%m-%d}"


class AccessAlert(models.Model):
    """One unusual access: who, acting for which agency, about whom (if one person), reviewed or not.

    Shown to the governance officers (IG officers, Caldicott Guardians) of ``agency`` until one of them
    closes it with a note: the agency the user acted for, and for a break-glass access each agency
    involved with the person too. The audit log keeps the raising and the closing.
    """

    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    raised_at = models.DateTimeField()
    details = models.JSONField(default=dict, blank=True, help_text="Counts and codes, never personal data")
    break_glass = models.ForeignKey(
        BreakGlass, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["agency", "reviewed_at"], name="accessalert_open_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True, reviewed_by__isnull=True, review_note="")
                | (Q(reviewed_at__isnull=False, reviewed_by__isnull=False) & ~Q(review_note="")),
                name="accessalert_review_has_who_when_and_note",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: user {self.user_id} at {self.raised_at:%Y-%m-%d %H:%M}"
