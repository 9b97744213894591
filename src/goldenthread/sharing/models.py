"""Recorded decisions about sharing, their endorsements, and the advice sought on the way.

A decision, its items and its endorsement are records of what someone decided and why: they are never
changed or removed (the models refuse it, and on PostgreSQL so does the database). A correction is a new
decision that names the one it supersedes.

A decision or an advice request names its child as a Person in the index (``person``). That person may
later be merged into another: the record keeps the person it named, and readers follow ``merged_into``
(see sharing.selectors), so a merge or an unmerge never has to change a recorded decision.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from goldenthread.agencies.models import Agency
from goldenthread.agencies.permissions import Role
from goldenthread.core.immutable import ImmutableModel


class Outcome(models.TextChoices):
    SHARE = "share", "Share"
    DO_NOT_SHARE = "do_not_share", "Do not share"
    SEEK_CONSENT_FIRST = "seek_consent_first", "Seek consent first"
    SEEK_ADVICE = "seek_advice", "Seek advice"


class ConsentPosition(models.TextChoices):
    GIVEN = "given", "Consent given by the person whose consent counts"
    REFUSED = "refused", "Consent refused or withdrawn"
    NOT_SOUGHT = "not_sought", "Consent not sought, for example because asking would increase the risk"
    NOT_POSSIBLE = "not_possible", "Consent could not be obtained"
    NOT_NEEDED = (
        "not_needed",
        "Consent not needed: no one is identified, it is not confidential, or the law requires it",
    )


# Sharing in any of these positions is sharing without consent, which needs a manager's endorsement.
WITHOUT_CONSENT = (ConsentPosition.REFUSED, ConsentPosition.NOT_SOUGHT, ConsentPosition.NOT_POSSIBLE)
_SHARES_WITHOUT_CONSENT = Q(decision="share", consent_position__in=WITHOUT_CONSENT)


# Before records pointed at the index they held a typed reference; migration 0003 linked those naming a
# person ("person-<id>") and kept every text as it was recorded. Nothing writes it any more.
_LEGACY_HELP = "The child reference typed before decisions pointed at the index, kept as recorded"


class AdviserRole(models.TextChoices):
    DSL = Role.DSL.value, Role.DSL.label
    IG_OFFICER = Role.IG_OFFICER.value, Role.IG_OFFICER.label
    CALDICOTT_GUARDIAN = Role.CALDICOTT_GUARDIAN.value, Role.CALDICOTT_GUARDIAN.label


class ItemKind(models.TextChoices):
    FACT = "fact", "Fact"
    OPINION = "opinion", "Opinion"


class AdviceRequest(models.Model):
    """A practitioner asks an adviser role for advice: their own agency's safeguarding lead, IG officer or
    Caldicott Guardian, or one of the partnership's named advisers. Only that role, in that agency, answers.
    """

    # The asker's agency: the request is theirs, and their decisions may attach the answer.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="advice_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    adviser_role = models.CharField(max_length=32, choices=AdviserRole.choices)
    # The agency whose adviser is asked (the asker's own, or a safeguarding partnership's); empty on
    # requests made before advice could cross agencies, which went to the asker's own agency.
    adviser_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="advice_asked"
    )
    anonymised = models.BooleanField(default=False)
    # The child in the index; none for an anonymised request or one asked without starting from a card.
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    legacy_child_ref = models.CharField(max_length=64, blank=True, editable=False, help_text=_LEGACY_HELP)
    question = models.TextField()
    # The guide's facts hold codes and an age only, so they can travel with an anonymised request.
    facts = models.JSONField(null=True, blank=True)
    pack_name = models.CharField(max_length=64, blank=True)
    pack_version = models.CharField(max_length=32, blank=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(adviser_role__in=AdviserRole.values), name="advice_adviser_role_valid"
            ),
            models.CheckConstraint(condition=~Q(question=""), name="advice_has_question"),
            models.CheckConstraint(
                condition=Q(anonymised=False) | Q(person__isnull=True, legacy_child_ref=""),
                name="advice_anonymised_names_no_child",
            ),
            # An answer is recorded with who gave it and when, or not at all.
            models.CheckConstraint(
                condition=(Q(answered_at__isnull=True) & Q(answered_by__isnull=True) & Q(answer=""))
                | (Q(answered_at__isnull=False) & Q(answered_by__isnull=False) & ~Q(answer="")),
                name="advice_answer_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Advice request {self.pk}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def asked_agency_id(self) -> int:
        """The agency whose adviser answers: the one asked, or the asker's own for older requests."""
        return self.adviser_agency_id or self.agency_id


class Decision(ImmutableModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="decisions")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    # The child in the index the decision is about; none when the guide was not started from a card.
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    legacy_child_ref = models.CharField(max_length=64, blank=True, editable=False, help_text=_LEGACY_HELP)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )

    facts = models.JSONField()
    pack_name = models.CharField(max_length=64)
    pack_version = models.CharField(max_length=32)
    recommendation = models.JSONField()
    # Copied out of the recommendation so the database itself can check a departure has a reason.
    recommended_outcome = models.CharField(max_length=32, choices=Outcome.choices)
    # The pack's heading for the outcome box reached, kept because the contract's JSON does not name it.
    recommendation_title = models.CharField(max_length=200, blank=True)

    decision = models.CharField(max_length=32, choices=Outcome.choices)
    departure_reason = models.TextField(blank=True)
    purpose = models.TextField()
    recipients = models.TextField(blank=True)
    consent_position = models.CharField(max_length=32, choices=ConsentPosition.choices)
    consent_reasons = models.TextField(blank=True)
    # The consent record the consent position rests on, when the guide read it from one (issue 14): a
    # withdrawn consent cannot support a new decision (sharing.actions.decision_record).
    consent_record = models.ForeignKey(
        "consent.ConsentRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    risks = models.TextField(blank=True)
    consulted = models.TextField(blank=True)
    advice = models.ForeignKey(
        AdviceRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )

    # Fixed when the decision is recorded; whether it has been endorsed is the Endorsement table's job.
    needs_endorsement = models.BooleanField(default=False)
    emergency = models.BooleanField(default=False)
    endorsement_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(decision__in=Outcome.values), name="decision_outcome_valid"),
            models.CheckConstraint(
                condition=Q(recommended_outcome__in=Outcome.values), name="decision_recommended_valid"
            ),
            models.CheckConstraint(
                condition=Q(consent_position__in=ConsentPosition.values), name="decision_consent_valid"
            ),
            models.CheckConstraint(
                condition=Q(decision=F("recommended_outcome")) | ~Q(departure_reason=""),
                name="decision_departure_has_reason",
            ),
            models.CheckConstraint(condition=~Q(purpose=""), name="decision_has_purpose"),
            models.CheckConstraint(
                condition=~Q(decision=Outcome.SHARE) | ~Q(recipients=""), name="decision_share_has_recipients"
            ),
            models.CheckConstraint(
                condition=~Q(decision__in=[Outcome.SHARE, Outcome.DO_NOT_SHARE]) | ~Q(risks=""),
                name="decision_weighs_risks",
            ),
            models.CheckConstraint(
                condition=~Q(decision=Outcome.DO_NOT_SHARE) | ~Q(consent_reasons=""),
                name="decision_not_sharing_has_reasons",
            ),
            models.CheckConstraint(
                condition=~_SHARES_WITHOUT_CONSENT | ~Q(consent_reasons=""),
                name="decision_share_without_consent_has_reasons",
            ),
            # Endorsement is owed exactly when sharing without consent: never waived, never invented.
            models.CheckConstraint(
                condition=(_SHARES_WITHOUT_CONSENT & Q(needs_endorsement=True))
                | (~_SHARES_WITHOUT_CONSENT & Q(needs_endorsement=False)),
                name="decision_endorsement_iff_without_consent",
            ),
            models.CheckConstraint(
                condition=Q(emergency=False) | Q(needs_endorsement=True),
                name="decision_emergency_needs_endorsement",
            ),
            models.CheckConstraint(
                condition=(Q(emergency=True) & Q(endorsement_due_at__isnull=False))
                | (Q(emergency=False) & Q(endorsement_due_at__isnull=True)),
                name="decision_emergency_has_due_time",
            ),
            # A correction chain never forks: each record is superseded at most once.
            models.UniqueConstraint(fields=["supersedes"], name="decision_superseded_once"),
        ]

    def __str__(self) -> str:
        return f"Decision {self.pk}"

    @property
    def departs_from_recommendation(self) -> bool:
        return self.decision != self.recommended_outcome

    def _answer(self) -> Endorsement | None:
        """The endorser's answer, read once (or from ``select_related("endorsement")``)."""
        if not self.pk:
            return None
        try:
            return self.endorsement
        except Endorsement.DoesNotExist:
            return None

    @property
    def is_endorsed(self) -> bool:
        answer = self._answer()
        return answer is not None and not answer.declined

    @property
    def is_declined(self) -> bool:
        answer = self._answer()
        return answer is not None and answer.declined

    def endorsement_overdue(self, now: datetime) -> bool:
        due = self.endorsement_due_at
        return self.needs_endorsement and due is not None and now > due and not self.is_endorsed


class DecisionItem(ImmutableModel):
    """One piece of information to be shared, marked as fact or opinion."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField()
    description = models.TextField()
    kind = models.CharField(max_length=16, choices=ItemKind.choices)

    class Meta:
        ordering = ["decision", "position"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "position"], name="decision_item_position_unique"),
            models.CheckConstraint(condition=Q(kind__in=ItemKind.values), name="decision_item_kind_valid"),
            models.CheckConstraint(condition=~Q(description=""), name="decision_item_has_description"),
        ]

    def __str__(self) -> str:
        return f"Item {self.position} of decision {self.decision_id}"


ENDORSING_ROLES = (Role.CALDICOTT_GUARDIAN, Role.DSL, Role.MANAGER)


class Endorsement(ImmutableModel):
    """The endorser's answer to a decision to share without consent, before or (emergency) after: endorsed,
    or declined with reasons (the decider must then record a new decision that corrects it).

    One answer per decision. ``role`` is the endorser's role when they answered (a manager, a designated
    safeguarding lead or a Caldicott Guardian), so the record names whose endorsement it is.
    """

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="endorsement")
    endorsed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    endorsed_at = models.DateTimeField()
    # A comment when endorsing; the reasons when declining.
    comment = models.TextField(blank=True)
    declined = models.BooleanField(default=False)
    role = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["-endorsed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(declined=False) | ~Q(comment=""), name="endorsement_declined_has_reasons"
            ),
        ]

    def __str__(self) -> str:
        return f"Endorsement of decision {self.decision_id}"

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else "Manager"
