"""The consent pages' forms, drawn through the one GOV.UK form renderer (core/forms.py)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from goldenthread.agencies.models import Agency, AgencyKind
from goldenthread.consent.actions import AssessmentTerms, ConsentTerms
from goldenthread.consent.vocab import (
    CATEGORIES,
    CONCLUSIONS,
    PURPOSES,
    QUESTIONS,
    ConsentAnswer,
    ConsentHow,
    GiverKind,
)
from goldenthread.core.forms import DateField


def _text(label: str, hint: str = "", *, required: bool = False, rows: int = 3) -> forms.CharField:
    # Required-ness is the action's to judge, so every problem shows in one round with its own words.
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class _Checked(forms.MultipleChoiceField):
    """Checkboxes whose values the action checks, so an unknown one is named in its own words."""

    def valid_value(self, value: Any) -> bool:
        return True


class ConsentForm(forms.Form):
    answer = forms.ChoiceField(
        label="What was the answer?", choices=ConsentAnswer.choices, required=False, widget=forms.RadioSelect
    )
    giver_kind = forms.ChoiceField(
        label="Who answered?", choices=GiverKind.choices, required=False, widget=forms.RadioSelect
    )
    giver_relationship = forms.ChoiceField(
        label="Person with parental responsibility",
        help_text="As the child index records them. Only a parent or someone with parental responsibility "
        "can answer for a child.",
        required=False,
        widget=forms.Select,
    )
    giver_name = forms.CharField(
        label="Advocate's name", required=False, max_length=200, widget=forms.TextInput()
    )
    given_on = DateField(
        label="When was the answer given?",
        what="the date the answer was given",
        required=False,
        help_text="For example, 3 12 2026",
    )
    how = forms.ChoiceField(
        label="How was the answer given?",
        choices=ConsentHow.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    told = _text(
        "What was the person told?",
        "What would be shared, with whom, why, and that they can withdraw consent at any time",
    )
    purposes = forms.MultipleChoiceField(
        label="Purposes it covers", choices=PURPOSES, required=False, widget=forms.CheckboxSelectMultiple
    )
    recipient_agencies = _Checked(
        label="Agencies it may be shared with", required=False, widget=forms.CheckboxSelectMultiple
    )
    recipient_kinds = forms.MultipleChoiceField(
        label="Or any agency of these kinds",
        choices=[c for c in AgencyKind.choices if c[0] not in ("partnership", "other")],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label="Information it covers", choices=CATEGORIES, required=False, widget=forms.CheckboxSelectMultiple
    )
    review_date = DateField(
        label="Review by",
        what="the review date",
        required=False,
        help_text="When to check the consent still stands, for example in 6 months",
    )
    document = forms.FileField(
        label="Signed document (optional)",
        help_text="A PDF, PNG or JPEG the person signed",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    problem_fields = {"supersedes": "__all__"}

    def __init__(self, *args: Any, relationships: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["giver_relationship"]).choices = [
            ("", "Not a person with parental responsibility"),
            *relationships,
        ]
        cast(forms.ChoiceField, self.fields["recipient_agencies"]).choices = [
            (a.code, a.name) for a in Agency.objects.filter(is_active=True).order_by("name")
        ]

    def terms(self) -> ConsentTerms:
        data = self.cleaned_data
        relationship = data.get("giver_relationship") or ""
        return ConsentTerms(
            answer=data.get("answer") or "",
            giver_kind=data.get("giver_kind") or "",
            given_on=data.get("given_on"),
            how=data.get("how") or "",
            told=data.get("told") or "",
            review_date=data.get("review_date"),
            purposes=list(data.get("purposes") or []),
            recipient_agencies=list(data.get("recipient_agencies") or []),
            recipient_kinds=list(data.get("recipient_kinds") or []),
            categories=list(data.get("categories") or []),
            giver_relationship_id=int(relationship) if relationship.isdigit() else None,
            giver_name=data.get("giver_name") or "",
        )


class WithdrawForm(forms.Form):
    withdrawn_on = DateField(
        label="When was consent withdrawn?",
        what="the date consent was withdrawn",
        required=False,
        help_text="For example, 3 12 2026",
    )
    how = forms.ChoiceField(
        label="How was it withdrawn?",
        choices=ConsentHow.choices[:2],
        required=False,
        widget=forms.RadioSelect,
    )
    withdrawn_by = forms.CharField(
        label="Who withdrew it?",
        help_text="The person, or who answered for them",
        required=False,
        max_length=200,
    )
    told = _text("What was the person told?", "What withdrawing means, and what was already shared")


class AssessmentForm(forms.Form):
    """Every question of the kind, each answered yes or no with notes; the conclusion and its reasons."""

    decision_about = forms.CharField(
        label="What decision is the assessment about?",
        help_text="For example, sharing information with the school nurse",
        required=False,
        max_length=300,
    )
    conclusion = forms.ChoiceField(label="Your conclusion", required=False, widget=forms.RadioSelect)
    reasons = _text("Reasons for your conclusion")
    assessed_on = DateField(
        label="Date of the assessment",
        what="the date of the assessment",
        required=False,
        help_text="For example, 3 12 2026",
    )
    reassess_by = DateField(
        label="Reassess by",
        what="the date to reassess by",
        required=False,
        help_text="A child's understanding grows; an adult's capacity may change",
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        questions = dict(self.fields)
        self.fields = {}
        for qid, text in QUESTIONS[kind]:
            self.fields[f"q_{qid}"] = forms.ChoiceField(
                label=text, choices=[("yes", "Yes"), ("no", "No")], required=False, widget=forms.RadioSelect
            )
            self.fields[f"q_{qid}_notes"] = forms.CharField(
                label="Notes", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )
        self.fields.update(questions)
        cast(forms.ChoiceField, self.fields["conclusion"]).choices = list(CONCLUSIONS[kind])

    def terms(self) -> AssessmentTerms:
        data = self.cleaned_data
        return AssessmentTerms(
            kind=self.kind,
            decision_about=data.get("decision_about") or "",
            answers={
                qid: (data.get(f"q_{qid}") or "", data.get(f"q_{qid}_notes") or "")
                for qid, _ in QUESTIONS[self.kind]
            },
            conclusion=data.get("conclusion") or "",
            reasons=data.get("reasons") or "",
            assessed_on=data.get("assessed_on"),
            reassess_by=data.get("reassess_by"),
        )
