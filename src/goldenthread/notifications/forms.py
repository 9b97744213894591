from __future__ import annotations

from django import forms

EMAIL, IN_APP = "email", "in_app"


class EmailChoiceForm(forms.Form):
    problem_fields = {"by_email": "how"}  # the action's name for the choice
    how = forms.ChoiceField(
        label="How do you want to be told when something is waiting for you?",
        choices=[(EMAIL, "By email, as well as in Golden Thread"), (IN_APP, "In Golden Thread only")],
        widget=forms.RadioSelect,
        help_text=(
            "An email says only that something is waiting, what kind of thing and a link. "
            "It never names a child or family."
        ),
        error_messages={
            "required": "Choose how you want to be told",
            "invalid_choice": "Choose by email, or in Golden Thread only",
        },
    )
