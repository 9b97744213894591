"""The exchange's forms: they check shapes only; every rule is the actions' (exchange.actions)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from goldenthread.agencies.models import Agency, Team
from goldenthread.agreements.vocab import CATEGORIES, PURPOSES
from goldenthread.exchange.actions import Addressee, ItemChoice, SubjectNotice
from goldenthread.exchange.models import Outcome, Priority, SubjectTold
from goldenthread.exchange.request_types import TypeSpec
from goldenthread.sharing.models import Decision


def _text(width: str = "") -> forms.TextInput:
    return forms.TextInput(attrs={"class": f"govuk-input {width}".strip()})


def _area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "govuk-textarea", "rows": rows})


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10", "type": "date"})


class RequestTypeForm(forms.Form):
    type = forms.ChoiceField(
        label="What kind of request is it?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of request"},
    )

    def __init__(self, *args: Any, types: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["type"]).choices = [
            (t.code, f"{t.name} (usually {t.default_priority.name.lower()})") for t in types
        ]


def addressee_choices(sender: Agency) -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = []
    for agency in Agency.objects.filter(is_active=True).exclude(pk=sender.pk).order_by("name"):
        choices.append((f"a{agency.pk}", agency.name))
        for team in Team.objects.filter(agency=agency).order_by("name"):
            choices.append((f"t{team.pk}", f"{agency.name}: {team.name}"))
    return choices


def addressees_from(values: list[str]) -> list[Addressee]:
    found = []
    for value in values:
        if value.startswith("a") and value[1:].isdigit():
            found.append(Addressee(agency_id=int(value[1:])))
        elif value.startswith("t") and value[1:].isdigit():
            team = Team.objects.filter(pk=int(value[1:])).first()
            found.append(Addressee(agency_id=team.agency_id if team else 0, team_id=int(value[1:])))
    return found


class RequestForm(forms.Form):
    addressees = forms.MultipleChoiceField(
        label="Which agencies are you asking?",
        help_text="Choose an agency, or one of its teams",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one agency to ask"},
    )
    purpose = forms.CharField(
        label="Purpose of the request",
        widget=_area(),
        error_messages={"required": "Enter the purpose of the request"},
    )
    needed = forms.CharField(
        label="What you need, and why",
        widget=_area(4),
        error_messages={"required": "Enter what is needed and why"},
    )
    lawful_basis = forms.CharField(
        label="Lawful basis you rely on",
        help_text="For example: Children Act 1989 s47; UK GDPR Article 6(1)(e) and 9(2)(g)",
        widget=_area(2),
        error_messages={"required": "Enter the lawful basis you rely on"},
    )
    priority = forms.ChoiceField(
        label="Priority",
        widget=forms.RadioSelect,
        error_messages={"required": "Select a priority"},
    )
    deadline = forms.DateTimeField(
        label="Deadline (optional)",
        help_text="Leave empty for the priority's deadline in working hours",
        required=False,
        widget=forms.DateTimeInput(
            attrs={"class": "govuk-input govuk-input--width-20", "type": "datetime-local"}
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": "Enter the deadline as a date and time, like 2026-12-24 12:00"},
    )

    def __init__(self, *args: Any, spec: TypeSpec, sender: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        cast(forms.ChoiceField, self.fields["addressees"]).choices = addressee_choices(sender)
        cast(forms.ChoiceField, self.fields["priority"]).choices = [
            (p.code, f"{p.name}: {p.hours} working hours") for p in Priority.objects.all()
        ]
        for field in spec.fields:
            widget: forms.Widget = _date() if field.kind == "date" else _text()
            if field.kind == "yesno":
                self.fields[f"detail_{field.name}"] = forms.ChoiceField(
                    label=field.label,
                    help_text=field.hint,
                    required=False,
                    choices=[("yes", "Yes"), ("no", "No")],
                    widget=forms.RadioSelect,
                )
            else:
                self.fields[f"detail_{field.name}"] = forms.CharField(
                    label=field.label if field.required else f"{field.label} (optional)",
                    help_text=field.hint,
                    required=False,
                    max_length=500,
                    widget=widget,
                )

    def details(self) -> dict[str, str]:
        return {f.name: str(self.cleaned_data.get(f"detail_{f.name}") or "") for f in self.spec.fields}


class AcknowledgeForm(forms.Form):
    pass


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label="Assign to", error_messages={"required": "Select who will answer"})

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [("", "Choose a person")] + [
            (str(u.pk), u.get_full_name() or u.username) for u in people
        ]
        self.fields["assignee"].widget.attrs["class"] = "govuk-select"


class SubjectFields(forms.Form):
    lawful_basis = forms.CharField(label="Lawful basis for sharing", widget=_area(2), required=False)
    subject_told = forms.ChoiceField(
        label="Was the subject told about this disclosure?",
        choices=[(SubjectTold.TOLD, "Yes"), (SubjectTold.NOT_TOLD, "No")],
        widget=forms.RadioSelect,
        required=False,
    )
    subject_told_on = forms.DateField(
        label="Date the subject was told",
        required=False,
        widget=_date(),
        error_messages={"invalid": "Enter the date like 2026-12-24"},
    )
    subject_not_told_reason = forms.CharField(
        label="Why the subject was not told",
        help_text="For example: telling them would increase the risk to the child",
        widget=_area(2),
        required=False,
    )

    # The information sharing agreements check (optional, never a block): which agreement covers this
    # share, or the gap, recorded for the partnership when the disclosure is sent.
    agreement_purpose = forms.ChoiceField(
        label="Purpose, for the information sharing agreements check",
        help_text="Optional. With a category, the share is checked against the partnership's agreements.",
        choices=[("", "Not checked"), *PURPOSES],
        required=False,
    )
    information_category = forms.ChoiceField(
        label="Category of information", choices=[("", "Not checked"), *CATEGORIES], required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("agreement_purpose")) != bool(data.get("information_category")):
            missing = "information_category" if data.get("agreement_purpose") else "agreement_purpose"
            self.add_error(
                missing, "Choose both a purpose and a category for the agreements check, or neither"
            )
        return data

    def coverage_wanted(self) -> tuple[str, str] | None:
        """The purpose and category to check the share against the agreements, if both were chosen."""
        purpose, category = (
            self.cleaned_data.get("agreement_purpose"),
            self.cleaned_data.get("information_category"),
        )
        return (purpose, category) if purpose and category else None

    def notice(self) -> SubjectNotice:
        data = self.cleaned_data
        return SubjectNotice(
            told=data.get("subject_told") or "",
            told_on=data.get("subject_told_on"),
            why_not=data.get("subject_not_told_reason") or "",
        )


def _add_item_fields(form: forms.Form, decision: Decision) -> list[Any]:
    items = list(decision.items.all())
    for item in items:
        form.fields[f"include_{item.pk}"] = forms.ChoiceField(
            label=f"Item {item.position} ({item.get_kind_display().lower()}): {item.description}",
            choices=[("yes", "Share"), ("no", "Withhold")],
            widget=forms.RadioSelect,
            initial="yes",
            required=False,
        )
        form.fields[f"source_{item.pk}"] = forms.CharField(
            label=f"Source of item {item.position}",
            help_text="Who recorded it, or where it comes from",
            widget=_text(),
            required=False,
            max_length=200,
        )
        form.fields[f"dated_{item.pk}"] = forms.DateField(
            label=f"Date of item {item.position} (optional)",
            widget=_date(),
            required=False,
            error_messages={"invalid": "Enter the date like 2026-12-24"},
        )
        form.fields[f"reason_{item.pk}"] = forms.CharField(
            label=f"Reason item {item.position} is withheld (if withheld)",
            widget=_area(2),
            required=False,
        )
    return items


def _item_choices(form: forms.Form, items: list[Any]) -> list[ItemChoice]:
    data = form.cleaned_data
    return [
        ItemChoice(
            decision_item_id=item.pk,
            include=(data.get(f"include_{item.pk}") or "yes") == "yes",
            source=data.get(f"source_{item.pk}") or "",
            dated=data.get(f"dated_{item.pk}"),
            reason=data.get(f"reason_{item.pk}") or "",
        )
        for item in items
    ]


class AnswerForm(SubjectFields):
    outcome = forms.ChoiceField(
        label="Your answer",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select share all, share part or decline"},
    )
    decline_reason = forms.CharField(
        label="Reasons for declining (if you decline)", widget=_area(3), required=False
    )

    field_order = ["outcome"]

    def __init__(self, *args: Any, decision: Decision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = _add_item_fields(self, decision)

    def item_choices(self) -> list[ItemChoice]:
        return _item_choices(self, self.items)


class DisclosureForm(SubjectFields):
    to = forms.ChoiceField(label="Share with", error_messages={"required": "Select the agency to share with"})
    purpose = forms.CharField(label="Purpose of sharing", widget=_area(2), required=False)
    correction_reason = forms.CharField(label="What the correction changes", widget=_area(2), required=False)

    field_order = ["to", "purpose"]

    def __init__(
        self, *args: Any, decision: Decision, sender: Agency, correcting: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to"]).choices = [
            ("", "Choose an agency"),
            *addressee_choices(sender),
        ]
        self.fields["to"].widget.attrs["class"] = "govuk-select"
        if not correcting:
            del self.fields["correction_reason"]
        self.items = _add_item_fields(self, decision)

    def item_choices(self) -> list[ItemChoice]:
        return _item_choices(self, self.items)

    def addressee(self) -> Addressee | None:
        found = addressees_from([self.cleaned_data.get("to") or ""])
        return found[0] if found else None


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=_area(3), error_messages={"required": "Enter the reason"})


class ResolutionForm(forms.Form):
    resolution = forms.CharField(
        label="How the difference was resolved",
        widget=_area(3),
        error_messages={"required": "Record how the difference was resolved"},
    )


class ActionTakenForm(forms.Form):
    action_taken = forms.CharField(
        label="What your agency did with this information",
        widget=_area(3),
        error_messages={"required": "Enter what your agency did with this information"},
    )


class PrioritiesForm(forms.Form):
    def __init__(self, *args: Any, priorities: list[Priority], types: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for p in priorities:
            self.fields[f"hours_{p.code}"] = forms.IntegerField(
                label=f"{p.name}: working hours to answer",
                min_value=1,
                max_value=2000,
                initial=p.hours,
                widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
                error_messages={
                    "required": "Enter a whole number of working hours from 1 to 2000",
                    "invalid": "Enter a whole number of working hours from 1 to 2000",
                    "min_value": "Enter a whole number of working hours from 1 to 2000",
                    "max_value": "Enter a whole number of working hours from 1 to 2000",
                },
            )
        for p in priorities:
            for step in p.ladder.all():
                self.fields[f"ladder_{p.code}_{step.position}"] = forms.IntegerField(
                    label=f"{p.name}, rung {step.position}: {step.get_target_display()}",
                    help_text="Working hours after the deadline",
                    min_value=0,
                    max_value=2000,
                    initial=step.after_hours,
                    widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
                    error_messages={
                        "required": "Enter a whole number of working hours from 0 to 2000",
                        "invalid": "Enter a whole number of working hours from 0 to 2000",
                        "min_value": "Enter a whole number of working hours from 0 to 2000",
                        "max_value": "Enter a whole number of working hours from 0 to 2000",
                    },
                )
        for t in types:
            self.fields[f"type_{t.code}"] = forms.ChoiceField(
                label=f"Default priority: {t.name}",
                choices=[(p.code, p.name) for p in priorities],
                initial=t.default_priority.code,
                widget=forms.Select(attrs={"class": "govuk-select"}),
            )
        self.priority_codes = [p.code for p in priorities]
        self.ladder_positions = {p.code: [step.position for step in p.ladder.all()] for p in priorities}
        self.type_codes = [t.code for t in types]
