"""Consent records, their withdrawal, competence and capacity assessments, and the notice given.

Every record here is written once and never changed (a change is a new record that supersedes the old; a
withdrawal is its own record pointing at the consent). Consent is never inferred from silence: there is a
record of a person's answer, or there is no consent.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from goldenthread.consent.vocab import AssessmentKind, ConsentAnswer, ConsentHow, GiverKind
from goldenthread.core.immutable import ImmutableModel, ImmutableQuerySet


class ConsentRecord(ImmutableModel):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    answer = models.CharField(max_length=16, choices=ConsentAnswer.choices)
    giver_kind = models.CharField(max_length=16, choices=GiverKind.choices)
    # A person with parental responsibility is a relationship in the index; an advocate is named.
    giver_relationship = models.ForeignKey(
        "people.Relationship", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    giver_name = models.CharField(max_length=200, blank=True)
    given_on = models.DateField()
    how = models.CharField(max_length=16, choices=ConsentHow.choices)
    told = models.TextField("What the person was told")
    purposes = models.JSONField(default=list)
    recipient_agencies = models.JSONField(default=list)  # agency codes
    recipient_kinds = models.JSONField(default=list)  # AgencyKind values
    categories = models.JSONField(default=list)
    review_date = models.DateField()
    document_name = models.CharField(max_length=200, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    document_kind = models.CharField(max_length=8, blank=True)
    document_size = models.PositiveIntegerField(null=True, blank=True)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(answer__in=ConsentAnswer.values), name="consent_answer_valid"),
            models.CheckConstraint(condition=Q(how__in=ConsentHow.values), name="consent_how_valid"),
            models.CheckConstraint(condition=~Q(told=""), name="consent_says_what_was_told"),
            models.CheckConstraint(
                condition=Q(giver_kind="person", giver_relationship__isnull=True)
                | Q(giver_kind="parental", giver_relationship__isnull=False)
                | (Q(giver_kind="advocate", giver_relationship__isnull=True) & ~Q(giver_name="")),
                name="consent_giver_named",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent record {self.pk}"

    @property
    def giver_label(self) -> str:
        if self.giver_kind == GiverKind.PERSON:
            return "The person themselves"
        if self.giver_kind == GiverKind.PARENTAL:
            return f"{self.giver_name} (parental responsibility)"
        return f"{self.giver_name} (advocate)"

    def review_overdue(self, today: dt.date) -> bool:
        return self.review_date < today


class ConsentWithdrawal(ImmutableModel):
    record = models.OneToOneField(ConsentRecord, on_delete=models.PROTECT, related_name="withdrawal")
    withdrawn_on = models.DateField()
    how = models.CharField(max_length=16, choices=ConsentHow.choices[:2])
    withdrawn_by = models.CharField("Who withdrew it", max_length=200)
    told = models.TextField("What the person was told")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    # What relied on the consent when it was withdrawn ({"label", "href"}: no personal data), as listed then.
    relied = models.JSONField(default=list)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(told=""), name="withdrawal_says_what_was_told"),
            models.CheckConstraint(condition=~Q(withdrawn_by=""), name="withdrawal_names_who"),
        ]


class CompetenceAssessment(ImmutableModel):
    """A child's competence (Gillick, Fraser) or an adult's capacity (MCA), each question answered."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=AssessmentKind.choices)
    decision_about = models.CharField("The decision assessed", max_length=300)
    # {question id: {"answer": "yes" | "no", "notes": text}}, every question of the kind.
    answers = models.JSONField()
    conclusion = models.CharField(max_length=16)
    reasons = models.TextField()
    assessed_on = models.DateField()
    reassess_by = models.DateField()

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AssessmentKind.values), name="assessment_kind_valid"),
            models.CheckConstraint(
                condition=Q(conclusion__in=["competent", "not_competent"]), name="assessment_conclusion_valid"
            ),
            models.CheckConstraint(condition=~Q(reasons=""), name="assessment_has_reasons"),
        ]

    def __str__(self) -> str:
        return f"Assessment {self.pk}"

    @property
    def competent(self) -> bool:
        return self.conclusion == "competent"


class NoticeGiven(ImmutableModel):
    """A practitioner gave the person their agency's "how we share information" notice."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField()

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-pk"]
