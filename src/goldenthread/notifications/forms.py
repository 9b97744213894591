from __future__ import annotations

from django import forms

EMAIL, IN_APP = "email", "in_app"


class Radios(forms.RadioSelect):
    """GOV.UK radios: the error summary links to the first option, as the Design System asks."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return f"{id_}_{index or 0}" if id_ else id_


class EmailChoiceForm(forms.Form):
    problem_fields = {"by_email": "how"}  # the action's name for the choice
    how = forms.ChoiceField(
        label="How do you want to be told when something is waiting for you?",
        choices=[(EMAIL, "By email, as well as in Golden Thread"), (IN_APP, "In Golden Thread only")],
        widget=Radios,
        error_messages={
            "required": "Choose how you want to be told",
            "invalid_choice": "Choose by email, or in Golden Thread only",
        },
    )
