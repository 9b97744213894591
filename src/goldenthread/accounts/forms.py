from __future__ import annotations

import re

from django import forms

_TOKEN = re.compile(r"^\d{6}$")


class SignInForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        error_messages={"required": "Enter your username"},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        max_length=4096,
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Security code",
        max_length=20,
        error_messages={"required": "Enter the 6-digit security code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-5",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )

    def clean_token(self) -> str:
        token = re.sub(r"\s+", "", self.cleaned_data["token"])
        if not _TOKEN.match(token):
            raise forms.ValidationError("The security code must be 6 digits, like 123456")
        return token


class NewPasswordForm(forms.Form):
    password = forms.CharField(
        label="New password",
        strip=False,
        max_length=4096,
        help_text="At least 12 characters. A few unrelated words is easier to remember than symbols.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a new password"},
    )
    confirm = forms.CharField(
        label="Confirm new password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the new password again"},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("confirm") and data["password"] != data["confirm"]:
            self.add_error("confirm", "The passwords do not match")
        return data


class PasswordChangeForm(NewPasswordForm):
    current = forms.CharField(
        label="Current password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your current password"},
    )
    field_order = ["current", "password", "confirm"]


class UnlockForm(SignInForm, TokenForm):
    """A locked sign-in passed by the account's holder: password and a current security code together."""
