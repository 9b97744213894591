"""Forms of web's own pages, drawn through the one GOV.UK field template like every other form."""

from __future__ import annotations

from django import forms


def _filter_box(label: str, hint: str = "", **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", **attrs}),
    )


class AuditFilterForm(forms.Form):
    """The audit log's filters; the view reads and cleans the query itself, this form draws it."""

    action = _filter_box("Action starts with")
    object = _filter_box(
        "Record", "For example person:42, to see who looked at or changed that child's record"
    )
    who = _filter_box("Username", spellcheck="false")
