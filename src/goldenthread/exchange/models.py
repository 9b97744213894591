"""The exchange: requests between agencies, with priorities, deadlines and escalation, and disclosures.

- A **priority** (red, amber, green) gives a request its deadline in working hours (core.worktime) and an
  **escalation** ladder: who is told, and when, once the deadline passes. Both are data, seeded by
  migration and edited by the partnership's administrator.
- A **request type** (from the Norfolk joint agency protocol) names its own fields (exchange.request_types)
  and a default priority.
- An **information request** about a person goes to one or more agencies; each agency asked is a
  **recipient** row with its own acknowledgement, assignment, answer and escalations.
- A **disclosure** is what one agency actually gave another: immutable, following a recorded sharing
  decision, with its items; a correction is a new disclosure that supersedes it. Its **receipt** records
  the receiving team's acknowledgement and what it did.
- A **difference of opinion** on a declined request follows the same ladder until it is resolved.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from goldenthread.agencies.models import Agency, Team
from goldenthread.core.immutable import ImmutableModel, ImmutableQuerySet


class Priority(models.Model):
    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=40)
    hours = models.PositiveIntegerField(help_text="Working hours from sending to the deadline")
    # The GOV.UK tag colour the priority is shown in.
    colour = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "priorities"
        constraints = [models.CheckConstraint(condition=Q(hours__gte=1), name="priority_hours_positive")]

    def __str__(self) -> str:
        return f"{self.name} ({self.hours} working hours)"


class EscalationTarget(models.TextChoices):
    ASSIGNED = "assigned", "The assigned practitioner (the receiving team while no one is assigned)"
    MANAGER = "manager", "Their manager"
    DSL = "dsl", "The designated safeguarding lead or head of service"
    GOVERNANCE = "governance", "The Caldicott Guardian or information governance officer"


class EscalationStep(models.Model):
    """One rung of a priority's ladder: ``after_hours`` working hours after the deadline, tell ``target``."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="ladder")
    position = models.PositiveSmallIntegerField()
    after_hours = models.PositiveIntegerField()
    target = models.CharField(max_length=20, choices=EscalationTarget.choices)

    class Meta:
        ordering = ["priority", "position"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "position"], name="escalation_step_position_unique"),
            models.CheckConstraint(
                condition=Q(target__in=EscalationTarget.values), name="escalation_step_target_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.priority.name} step {self.position}: {self.get_target_display()}"


class RequestType(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    default_priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class InformationRequest(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="requests_sent")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    request_type = models.ForeignKey(RequestType, on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField()
    needed = models.TextField(help_text="What is needed, and why")
    lawful_basis = models.TextField()
    # The request type's own fields (exchange.request_types), checked by the action.
    details = models.JSONField(default=dict, blank=True)
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    deadline_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(purpose=""), name="request_has_purpose"),
            models.CheckConstraint(condition=~Q(needed=""), name="request_says_what_is_needed"),
            models.CheckConstraint(condition=~Q(lawful_basis=""), name="request_has_lawful_basis"),
            models.CheckConstraint(
                condition=Q(deadline_at__gt=models.F("sent_at")), name="request_deadline_after_sending"
            ),
            models.CheckConstraint(
                condition=(
                    Q(withdrawn_at__isnull=True) & Q(withdrawn_by__isnull=True) & Q(withdrawn_reason="")
                )
                | (Q(withdrawn_at__isnull=False) & Q(withdrawn_by__isnull=False) & ~Q(withdrawn_reason="")),
                name="request_withdrawal_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.pk}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class RecipientStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for acknowledgement"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ANSWERED = "answered", "Answered"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = (RecipientStatus.WAITING, RecipientStatus.ACKNOWLEDGED)


class Outcome(models.TextChoices):
    SHARE_ALL = "share_all", "Share all"
    SHARE_PART = "share_part", "Share part"
    DECLINE = "decline", "Decline"


class RequestRecipient(models.Model):
    """One agency asked by a request, and how it answered."""

    request = models.ForeignKey(InformationRequest, on_delete=models.PROTECT, related_name="recipients")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="requests_received")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=20, choices=RecipientStatus.choices, default=RecipientStatus.WAITING)
    deadline_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    decline_reason = models.TextField(blank=True)
    decision = models.ForeignKey(
        "sharing.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["request", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["request", "agency"], name="request_recipient_once"),
            models.CheckConstraint(
                condition=Q(status__in=RecipientStatus.values), name="recipient_status_valid"
            ),
            # An answer names who gave it, when, its outcome and the decision it follows.
            models.CheckConstraint(
                condition=(
                    Q(answered_at__isnull=True)
                    & Q(answered_by__isnull=True)
                    & Q(outcome="")
                    & Q(decision__isnull=True)
                )
                | (
                    Q(answered_at__isnull=False)
                    & Q(answered_by__isnull=False)
                    & ~Q(outcome="")
                    & Q(decision__isnull=False)
                ),
                name="recipient_answer_complete",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.DECLINE) | ~Q(decline_reason=""),
                name="recipient_decline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.request_id} to {self.agency_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class SubjectTold(models.TextChoices):
    TOLD = "told", "Told"
    NOT_TOLD = "not_told", "Not told"


class DisclosureQuerySet(ImmutableQuerySet):
    """A disclosure, its items and its withheld items are never updated or deleted in bulk either."""


class Disclosure(ImmutableModel):
    """What one agency gave another about a person, under a recorded decision. Never changed."""

    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="disclosures_made")
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    disclosed_at = models.DateTimeField()
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="disclosures_received")
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField()
    decision = models.ForeignKey("sharing.Decision", on_delete=models.PROTECT, related_name="+")
    lawful_basis = models.TextField()
    subject_told = models.CharField(max_length=20, choices=SubjectTold.choices)
    subject_told_on = models.DateField(null=True, blank=True)
    subject_not_told_reason = models.TextField(blank=True)
    # The request this answers; none for a proactive disclosure.
    answers = models.ForeignKey(
        RequestRecipient, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures"
    )
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.TextField(blank=True)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-disclosed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(purpose=""), name="disclosure_has_purpose"),
            models.CheckConstraint(condition=~Q(lawful_basis=""), name="disclosure_has_lawful_basis"),
            models.CheckConstraint(
                condition=(Q(subject_told=SubjectTold.TOLD) & Q(subject_told_on__isnull=False))
                | (Q(subject_told=SubjectTold.NOT_TOLD) & ~Q(subject_not_told_reason="")),
                name="disclosure_subject_told_when_or_why_not",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="disclosure_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(from_agency=models.F("to_agency")), name="disclosure_to_another_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"Disclosure {self.pk}"


class DisclosureItem(ImmutableModel):
    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField()
    # The item of the decision this discloses: only what the decider included can be disclosed.
    decision_item = models.ForeignKey("sharing.DecisionItem", on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    kind = models.CharField(max_length=16)
    source = models.CharField(max_length=200)
    dated = models.DateField(null=True, blank=True)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["disclosure", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "position"], name="disclosure_item_position_unique"
            ),
            models.CheckConstraint(condition=~Q(description=""), name="disclosure_item_has_description"),
            models.CheckConstraint(condition=~Q(source=""), name="disclosure_item_has_source"),
        ]

    def __str__(self) -> str:
        return f"Item {self.position} of disclosure {self.disclosure_id}"


class WithheldItem(ImmutableModel):
    """An item of the decision left out of a partial share, with the reason (the reason is shown to the
    recipient; the item itself is not)."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="withheld")
    decision_item = models.ForeignKey("sharing.DecisionItem", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["disclosure", "decision_item"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="withheld_item_has_reason")]

    def __str__(self) -> str:
        return f"Withheld from disclosure {self.disclosure_id}"


class Receipt(models.Model):
    """The receiving agency's acknowledgement of a disclosure and what it did with it."""

    disclosure = models.OneToOneField(Disclosure, on_delete=models.PROTECT, related_name="receipt")
    acknowledged_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action_taken = models.TextField(blank=True)
    action_recorded_at = models.DateTimeField(null=True, blank=True)
    action_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(action_recorded_at__isnull=True) & Q(action_taken=""))
                | (Q(action_recorded_at__isnull=False) & ~Q(action_taken="")),
                name="receipt_action_complete",
            )
        ]

    def __str__(self) -> str:
        return f"Receipt of disclosure {self.disclosure_id}"


class DifferenceOfOpinion(models.Model):
    """The requester disputes a decline; it follows the request's ladder until resolved."""

    recipient = models.ForeignKey(RequestRecipient, on_delete=models.PROTECT, related_name="differences")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    reason = models.TextField()
    deadline_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="difference_has_reason"),
            models.CheckConstraint(
                condition=(Q(resolved_at__isnull=True) & Q(resolved_by__isnull=True) & Q(resolution=""))
                | (Q(resolved_at__isnull=False) & Q(resolved_by__isnull=False) & ~Q(resolution="")),
                name="difference_resolution_complete",
            ),
            # One open difference per answer at a time.
            models.UniqueConstraint(
                fields=["recipient"], condition=Q(resolved_at__isnull=True), name="difference_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"Difference of opinion {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class Escalation(models.Model):
    """One step of a ladder raised: recorded once per request recipient (or difference) and step."""

    recipient = models.ForeignKey(
        RequestRecipient, on_delete=models.PROTECT, null=True, blank=True, related_name="escalations"
    )
    difference = models.ForeignKey(
        DifferenceOfOpinion, on_delete=models.PROTECT, null=True, blank=True, related_name="escalations"
    )
    position = models.PositiveSmallIntegerField()
    target = models.CharField(max_length=20, choices=EscalationTarget.choices)
    due_at = models.DateTimeField()
    raised_at = models.DateTimeField()
    told = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["raised_at", "position"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(recipient__isnull=False) & Q(difference__isnull=True))
                | (Q(recipient__isnull=True) & Q(difference__isnull=False)),
                name="escalation_of_one_thing",
            ),
            models.UniqueConstraint(
                fields=["recipient", "position"],
                condition=Q(recipient__isnull=False),
                name="escalation_once_per_recipient_step",
            ),
            models.UniqueConstraint(
                fields=["difference", "position"],
                condition=Q(difference__isnull=False),
                name="escalation_once_per_difference_step",
            ),
        ]

    def __str__(self) -> str:
        return f"Escalation step {self.position}"
