from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone

from goldenthread.agencies.models import Agency
from goldenthread.agreements.actions import Terms
from goldenthread.agreements.models import AgreementVersion, Tier
from goldenthread.agreements.selectors import officer_choices, overarching_agreements
from goldenthread.agreements.vocab import CATEGORIES, PURPOSES

SELECT = {"class": "govuk-select"}


def _textarea(label: str, hint: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=5000,
        error_messages={"required": "Enter what the parties agree under this heading"},
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
    )


def _date(label: str, hint: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=hint,
        required=required,
        input_formats=["%Y-%m-%d"],
        error_messages={"required": "Enter the date", "invalid": "Enter a date like 2027-03-31"},
        widget=forms.DateInput(
            attrs={"class": "govuk-input govuk-input--width-10", "autocomplete": "off"}, format="%Y-%m-%d"
        ),
    )


class TermsForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for the agreement"},
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )
    purposes = forms.MultipleChoiceField(
        label="Purposes",
        help_text="The purposes information is shared for under this agreement (choose one or more)",
        choices=PURPOSES,
        error_messages={"required": "Choose at least one purpose from the list"},
        widget=forms.SelectMultiple(attrs={**SELECT, "size": len(PURPOSES)}),
    )
    categories = forms.MultipleChoiceField(
        label="Categories of information",
        help_text="What may be shared (choose one or more)",
        choices=CATEGORIES,
        error_messages={"required": "Choose at least one category of information from the list"},
        widget=forms.SelectMultiple(attrs={**SELECT, "size": len(CATEGORIES)}),
    )
    lawful_bases = _textarea(
        "Lawful bases and conditions",
        "UK GDPR Article 6 basis, Article 9 condition and DPA 2018 Schedule 1 condition, with the statute",
    )
    retention = _textarea(
        "Retention and disposal", "How long each party keeps what it receives, and how it is destroyed"
    )
    data_quality = _textarea("Data quality standard", "How accuracy is checked and corrections passed on")
    complaints = _textarea(
        "Complaints and breaches", "Where complaints and suspected breaches go, and how fast"
    )
    subject_access = _textarea(
        "Subject access arrangements", "How a request for a person's information is answered"
    )
    security = _textarea("Security arrangements", "How information is sent, stored and who may see it")
    review_months = forms.IntegerField(
        label="Review every (months)",
        min_value=1,
        max_value=36,
        initial=12,
        error_messages={"required": "Enter how often the agreement is reviewed, in months"},
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}),
    )
    next_review_date = _date("Next review date", "For example 2027-03-31")

    def terms(self) -> Terms:
        data = self.cleaned_data
        return Terms(
            title=data["title"],
            purposes=list(data["purposes"]),
            categories=list(data["categories"]),
            lawful_bases=data["lawful_bases"],
            retention=data["retention"],
            data_quality=data["data_quality"],
            complaints=data["complaints"],
            subject_access=data["subject_access"],
            security=data["security"],
            review_months=data["review_months"],
            next_review_date=data["next_review_date"],
        )

    @classmethod
    def initial_from(cls, version: AgreementVersion) -> dict[str, Any]:
        names = [n for n in cls.base_fields if n not in ("tier", "parent")]
        return {name: getattr(version, name) for name in names}


class AgreementNewForm(TermsForm):
    tier = forms.ChoiceField(
        label="Tier",
        choices=[("", "Choose a tier"), *Tier.choices],
        error_messages={"required": "Choose the agreement's tier"},
        widget=forms.Select(attrs=SELECT),
    )
    parent = forms.TypedChoiceField(
        label="Overarching agreement (for a service-specific agreement)",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )
    field_order = ["tier", "parent", "title"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(a.pk, str(a.current_version().title)) for a in overarching_agreements()]
        cast(forms.ChoiceField, self.fields["parent"]).choices = [
            ("", "None: this is the overarching agreement"),
            *choices,
        ]


class PartyForm(forms.Form):
    officer = forms.TypedChoiceField(
        label="Party and its nominated officer",
        help_text="The agency joins the agreement; the person named signs for it and receives its reminders",
        coerce=int,
        error_messages={"required": "Choose an agency's nominated officer"},
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["officer"]).choices = [
            ("", "Choose a nominated officer"),
            *officer_choices(),
        ]


class DocumentForm(forms.Form):
    document = forms.FileField(
        label="Attach a document (PDF)",
        help_text="The signed paper agreement or an annex, up to 10 MB",
        error_messages={"required": "Choose a PDF to attach"},
        widget=forms.ClearableFileInput(
            attrs={"class": "govuk-file-upload", "accept": ".pdf,application/pdf"}
        ),
    )


class SignForm(forms.Form):
    token = forms.CharField(
        label="Security code",
        help_text="The current 6-digit code from your authenticator app, to confirm it is you signing",
        max_length=20,
        error_messages={"required": "Enter the current code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input govuk-input--width-5",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
            }
        ),
    )


class EndForm(forms.Form):
    to = forms.ChoiceField(
        label="What happened",
        choices=[
            ("", "Choose"),
            ("expired", "Expired: not renewed after review"),
            ("terminated", "Terminated by the parties"),
        ],
        error_messages={"required": "Choose whether the agreement expired or was terminated"},
        widget=forms.Select(attrs=SELECT),
    )
    reason = forms.CharField(
        label="Why it ends",
        max_length=500,
        error_messages={"required": "Say why the agreement ends, in a sentence"},
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
    )


class CoverageForm(forms.Form):
    sharing_agency = forms.ModelChoiceField(
        label="Sharing agency",
        queryset=Agency.objects.filter(is_active=True),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency sharing the information"},
        widget=forms.Select(attrs=SELECT),
    )
    receiving_agency = forms.ModelChoiceField(
        label="Receiving agency",
        queryset=Agency.objects.filter(is_active=True),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency receiving the information"},
        widget=forms.Select(attrs=SELECT),
    )
    purpose = forms.ChoiceField(
        label="Purpose",
        choices=[("", "Choose a purpose"), *PURPOSES],
        error_messages={"required": "Choose the purpose of the share"},
        widget=forms.Select(attrs=SELECT),
    )
    category = forms.ChoiceField(
        label="Category of information",
        choices=[("", "Choose a category"), *CATEGORIES],
        error_messages={"required": "Choose the category of information"},
        widget=forms.Select(attrs=SELECT),
    )
    on_date = _date(
        "Date of the share", "Leave blank for today, or enter a date like 2026-03-31", required=False
    )

    def day(self) -> dt.date:
        return self.cleaned_data.get("on_date") or timezone.localdate()
