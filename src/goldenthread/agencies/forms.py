from __future__ import annotations

from django import forms

from goldenthread.agencies.models import Agency, AgencyKind, Team, code_validator
from goldenthread.agencies.permissions import Role


class UserCreateForm(forms.Form):
    username = forms.CharField(max_length=150, error_messages={"required": "Enter a username"})
    first_name = forms.CharField(max_length=150, error_messages={"required": "Enter the first name"})
    last_name = forms.CharField(max_length=150, error_messages={"required": "Enter the last name"})
    email = forms.EmailField(
        error_messages={
            "required": "Enter a work email address",
            "invalid": "Enter an email address like name@example.org",
        }
    )
    job_title = forms.CharField(max_length=200, required=False)
    phone = forms.CharField(label="Work phone", max_length=40, required=False)


class MembershipCreateForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True),
        empty_label="Choose an agency",
        error_messages={"required": "Select an agency"},
    )
    role = forms.ChoiceField(choices=Role.choices, error_messages={"required": "Select a role"})
    team = forms.ModelChoiceField(
        queryset=Team.objects.select_related("agency"), required=False, empty_label="No team"
    )


class MembershipEndForm(forms.Form):
    reason = forms.CharField(
        max_length=200,
        label="Why is this membership ending?",
        error_messages={"required": "Enter why the membership is ending, for example 'left the team'"},
    )


class AgencyCreateForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the agency's name"})
    code = forms.CharField(
        max_length=63,
        validators=[code_validator],
        help_text="A short identifier, for example 'northshire-police'",
        error_messages={"required": "Enter a short code for the agency"},
    )
    kind = forms.ChoiceField(
        label="Kind of agency",
        choices=AgencyKind.choices,
        error_messages={"required": "Select the kind of agency"},
    )
    ods_code = forms.CharField(label="NHS ODS code (optional)", max_length=10, required=False)
    urn = forms.CharField(label="School URN (optional)", max_length=10, required=False)
    la_code = forms.CharField(label="Local authority code (optional)", max_length=10, required=False)
    charity_number = forms.CharField(label="Charity number (optional)", max_length=12, required=False)
