from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from goldenthread.core.forms import PartialDateField
from goldenthread.linkage import normalise as nm
from goldenthread.linkage.keys import BirthDate, parse_birth_date, postcode_keys

# A fixed list keeps purposes comparable in the audit log and keeps case detail out of it.
PURPOSES = (
    ("section_47", "Safeguarding enquiry (section 47)"),
    ("child_in_need", "Child in need assessment (section 17)"),
    ("mash_screening", "MASH screening of a referral"),
    ("early_help", "Early help assessment"),
    ("health_care", "Health assessment or care"),
    ("education_welfare", "Education welfare"),
    ("index_quality", "Checking the accuracy of the child index"),
)
PURPOSE_LABELS = dict(PURPOSES)

TOLERANCES = (
    ("0", "Exactly as entered"),
    ("31", "Within a month either side"),
    ("183", "Within 6 months either side"),
    ("366", "Within a year either side"),
    ("731", "Within 2 years either side"),
)


def _purpose_field() -> forms.ChoiceField:
    # Radios, none chosen in advance: a purpose picked for the user invites a click-through.
    return forms.ChoiceField(
        label="Why are you looking?",
        choices=PURPOSES,
        help_text="Recorded in the audit log with every search and every card you open.",
        error_messages={
            "required": "Choose why you are looking",
            "invalid_choice": "Choose why you are looking",
        },
        widget=forms.RadioSelect,
    )


def _text(
    label: str, *, hint: str = "", width: str = "govuk-input--width-20", **kwargs: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=hint,
        widget=forms.TextInput(
            attrs={"class": f"govuk-input {width}", "autocomplete": "off", "spellcheck": "false"}
        ),
        **kwargs,
    )


class SearchForm(forms.Form):
    given_name = _text("Given name", max_length=200)
    family_name = _text("Family name", max_length=200)
    date_of_birth = PartialDateField(
        label="Date of birth",
        what="the date of birth",
        required=False,
        help_text="For example, 27 3 2015. Leave the day, or the day and month, empty if not known.",
    )
    dob_tolerance = forms.ChoiceField(
        label="How sure are you of the date?",
        choices=TOLERANCES,
        required=False,
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    postcode = _text("Postcode", width="govuk-input--width-10", max_length=10)
    nhs_number = _text("NHS number", width="govuk-input--width-10", max_length=14)
    purpose = _purpose_field()

    def clean_date_of_birth(self) -> BirthDate | None:
        text = self.cleaned_data["date_of_birth"].strip()
        if not text:
            return None
        birth = parse_birth_date(text)
        if birth is None:
            raise forms.ValidationError("The date of birth must be a real date, like 27 3 2015")
        return birth

    def clean_postcode(self) -> tuple[str, str] | None:
        text = self.cleaned_data["postcode"].strip()
        if not text:
            return None
        keys = postcode_keys(text)
        if keys is None:
            raise forms.ValidationError("Enter a UK postcode, like NS1 4AB")
        return keys

    def clean_nhs_number(self) -> str:
        text = self.cleaned_data["nhs_number"].strip()
        if not text:
            return ""
        nhs = nm.normalise_nhs_number(text)
        if nhs is None:
            raise forms.ValidationError("Enter a valid 10-digit NHS number")
        return nhs

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wanted = ("given_name", "family_name", "date_of_birth", "postcode", "nhs_number")
        if not self.errors and not any(data.get(name) for name in wanted):
            raise forms.ValidationError("Enter a name, date of birth, postcode or NHS number to search for")
        return data


class PurposeForm(forms.Form):
    purpose = _purpose_field()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.3g} MB"


class ImportForm(forms.Form):
    file = forms.FileField(
        label="File of records",
        help_text="CSV or JSON in the Golden Thread import format, up to "
        f"{_megabytes(settings.IMPORT_LIMITS.max_bytes)}.",
        error_messages={"required": "Choose a file to import"},
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload", "accept": ".csv,.json"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_LIMITS.max_bytes:
            raise forms.ValidationError(
                f"The file must be smaller than {_megabytes(settings.IMPORT_LIMITS.max_bytes)}"
            )
        if not upload.name.lower().endswith((".csv", ".json")):
            raise forms.ValidationError("The file must be a CSV or JSON file")
        return upload


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Are these the same person?",
        choices=[
            ("link", "Yes, the same person: link them"),
            ("separate", "No, different people: keep them apart"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether these are the same person"},
    )


class AlertCloseForm(forms.Form):
    note = forms.CharField(
        label="What did you find?",
        help_text="For example: a MASH officer screening a large referral; or: raised with their manager",
        max_length=2000,
        error_messages={"required": "Say what you found, or what was done, before closing the alert"},
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 4}),
    )


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need every agency's records about this child now?",
        help_text="Your information governance officers and those of every agency involved see this at once",
        max_length=2000,
        error_messages={"required": "Say why you need this now, in a sentence the IG officer can check"},
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 4}),
    )
    token = forms.CharField(
        label="Security code",
        help_text="The current 6-digit code from your authenticator app, to confirm it is you",
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
