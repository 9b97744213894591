from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet

from goldenthread.core.errors import NON_FIELD, ActionError, form_add_problems
from goldenthread.core.forms import choices_describe
from goldenthread.policy.facts import MAX_ADULT_AGE, MIN_AGE
from goldenthread.sharing.guide import CHECKBOXES, NONE_OF_THESE, NUMBER, Step
from goldenthread.sharing.models import AdviceRequest, AdviserRole, ConsentPosition, ItemKind, Outcome
from goldenthread.sharing.rules import DecisionDraft, ItemInput, decision_problems

ITEM_ROWS = 5
CHILD_PATTERN = r"^person-[0-9]{1,18}$"


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "govuk-textarea", "rows": rows})


class GuideStepForm(forms.Form):
    """One question page of the guide: a single field called ``answer``."""

    def __init__(self, step: Step, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        required = {"required": step.error, "invalid_choice": step.error}
        field: forms.Field
        if step.kind == NUMBER:
            field = forms.IntegerField(
                min_value=MIN_AGE,
                max_value=MAX_ADULT_AGE,
                error_messages={
                    "required": step.error,
                    "invalid": step.error,
                    "min_value": step.error,
                    "max_value": step.error,
                },
                widget=forms.TextInput(
                    attrs={
                        "class": "govuk-input govuk-input--width-3",
                        "inputmode": "numeric",
                        "spellcheck": "false",
                    }
                ),
            )
        elif step.kind == CHECKBOXES:
            field = forms.MultipleChoiceField(
                choices=[(c.value, c.label) for c in step.choices],
                error_messages=required,
                widget=forms.CheckboxSelectMultiple,
            )
        else:
            field = forms.ChoiceField(
                choices=[(c.value, c.label) for c in step.choices],
                error_messages=required,
                widget=forms.RadioSelect,
            )
        if step.choices:
            choices_describe(
                field,
                hints={c.value: c.hint for c in step.choices if c.hint},
                exclusive=[c.value for c in step.choices if c.exclusive],
            )
        field.label = step.question
        field.help_text = step.hint
        self.fields["answer"] = field

    def clean_answer(self) -> Any:
        answer = self.cleaned_data["answer"]
        if self.step.kind == CHECKBOXES and NONE_OF_THESE in answer and len(answer) > 1:
            raise forms.ValidationError("Select the ones that apply, or None of these, not both")
        return answer

    def stored_answer(self) -> str | list[str]:
        """The answer as the session keeps it: text, or a list of texts."""
        answer = self.cleaned_data["answer"]
        return [str(a) for a in answer] if isinstance(answer, list) else str(answer)


class GuideStartForm(forms.Form):
    # The card links to the guide with ?child=person-<id>; anything else is dropped, not trusted.
    child = forms.RegexField(regex=CHILD_PATTERN, required=False)

    def person_id(self) -> int | None:
        child = self.cleaned_data.get("child") if self.is_valid() else ""
        return int(child.removeprefix("person-")) if child else None


class PackCompareForm(forms.Form):
    """Which other rule pack to run the guide's answers on (sharing:guide-compare)."""

    def __init__(self, packs: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pack"] = forms.ChoiceField(
            label="Compare with",
            choices=packs,
            widget=forms.RadioSelect,
            error_messages={
                "required": "Select a rule pack to compare with",
                "invalid_choice": "Select a rule pack to compare with",
            },
        )


if TYPE_CHECKING:  # Django's form fields take type arguments only in the stubs, not at run time
    _AdviceChoiceBase = forms.ModelChoiceField[AdviceRequest]
else:
    _AdviceChoiceBase = forms.ModelChoiceField


class _AdviceChoiceField(_AdviceChoiceBase):
    def label_from_instance(self, obj: AdviceRequest) -> str:
        role = AdviserRole(obj.adviser_role).label
        return f"Request {obj.pk} to the {role}, answered {obj.answered_at:%d %b %Y}"


class DecisionForm(forms.Form):
    # The action's problems with the items show on the first item's description (core.errors).
    problem_fields = {"items": "item_1_description"}

    decision = forms.ChoiceField(
        label="What have you decided?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you have decided"},
    )
    departure_reason = forms.CharField(
        label="Why does your decision differ from the recommendation?",
        help_text="Only needed if you decide something other than the recommendation.",
        required=False,
        widget=_textarea(),
    )
    purpose = forms.CharField(
        label="What is the purpose of sharing (or of not sharing)?",
        widget=_textarea(3),
        error_messages={"required": "Enter the purpose of sharing, or of the decision not to share"},
    )
    recipients = forms.CharField(
        label="Who will receive the information?",
        help_text="The agency and the named person or role, for example 'Northshire children's social care, "
        "duty social worker'. Needed if you decide to share.",
        required=False,
        widget=_textarea(3),
    )
    consent_position = forms.ChoiceField(
        label="What is the consent position?",
        choices=ConsentPosition.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the consent position"},
    )
    consent_reasons = forms.CharField(
        label="Your reasons for sharing without consent, or for not sharing",
        required=False,
        widget=_textarea(),
    )
    risks = forms.CharField(
        label="The risks of sharing weighed against the risks of not sharing",
        required=False,
        widget=_textarea(),
    )
    consulted = forms.CharField(
        label="Who did you consult, and what advice were you given? (optional)",
        required=False,
        widget=_textarea(3),
    )
    advice = _AdviceChoiceField(
        label="Attach advice you asked for (optional)",
        queryset=AdviceRequest.objects.none(),
        required=False,
        empty_label="No advice to attach",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    emergency = forms.BooleanField(
        label="This is an emergency: I am sharing now, before it is endorsed",
        help_text="An endorser must then endorse the decision within one working day.",
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        facts: Mapping[str, Any],
        recommended: str,
        advice_choices: QuerySet[AdviceRequest],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.facts = facts
        self.recommended = recommended
        cast(_AdviceChoiceField, self.fields["advice"]).queryset = advice_choices
        for n in range(1, ITEM_ROWS + 1):
            self.fields[f"item_{n}_description"] = forms.CharField(
                label=f"Item {n}", required=False, widget=_textarea(2)
            )
            self.fields[f"item_{n}_kind"] = forms.ChoiceField(
                label=f"Is item {n} a fact or an opinion?",
                choices=ItemKind.choices,
                required=False,
                widget=forms.RadioSelect,
            )

    def item_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"item_{n}_description"], self[f"item_{n}_kind"]) for n in range(1, ITEM_ROWS + 1)]

    def items(self) -> list[ItemInput]:
        rows = []
        for n in range(1, ITEM_ROWS + 1):
            text = self.cleaned_data.get(f"item_{n}_description", "") or ""
            kind = self.cleaned_data.get(f"item_{n}_kind", "") or ""
            if text.strip() or kind:
                rows.append(ItemInput(description=text, kind=kind))
        return rows

    def draft(self) -> DecisionDraft:
        """The decision as entered, for ``decision_problems`` here and for ``decision_record``."""
        data = self.cleaned_data
        return DecisionDraft(
            decision=data.get("decision", ""),
            departure_reason=data.get("departure_reason", ""),
            purpose=data.get("purpose", ""),
            recipients=data.get("recipients", ""),
            items=self.items(),
            consent_position=data.get("consent_position", ""),
            consent_reasons=data.get("consent_reasons", ""),
            risks=data.get("risks", ""),
            consulted=data.get("consulted", ""),
            emergency=bool(data.get("emergency")),
        )

    def clean(self) -> dict[str, Any]:
        """Every problem in one round: the fields' own errors and the decision's rules together, each
        message once (a field already refused keeps its own message)."""
        data = super().clean() or {}
        problems = decision_problems(facts=self.facts, recommended=self.recommended, draft=self.draft())
        refused = {name for name in self.errors if name != NON_FIELD}
        fresh = {
            field: messages
            for field, messages in problems.items()
            if self.problem_fields.get(field, field) not in refused
        }
        form_add_problems(self, ActionError(fresh))
        return data


class AdviceRequestForm(forms.Form):
    # Choices come from sharing.selectors.adviser_choices_for: the agency's own advisers and the
    # partnership's named advisers ("role", or "<partnership code>:role").
    adviser_role = forms.ChoiceField(
        label="Who do you want advice from?",
        choices=AdviserRole.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who you want advice from",
            "invalid_choice": "Select who you want advice from",
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choices is not None:
            cast(forms.ChoiceField, self.fields["adviser_role"]).choices = choices

    anonymised = forms.BooleanField(
        label="Ask without identifying the child or family (anonymised)",
        help_text="The guidance says: seek advice without disclosing the person's identity where possible.",
        required=False,
        initial=True,
    )
    question = forms.CharField(
        label="What do you want advice on?",
        help_text="If the request is anonymised, do not include names, addresses, dates of birth or other "
        "details that could identify the child or family.",
        widget=_textarea(6),
        error_messages={"required": "Enter your question"},
    )


class AdviceAnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your advice",
        widget=_textarea(6),
        error_messages={"required": "Enter your advice"},
    )


class EndorsementForm(forms.Form):
    ENDORSE = "endorse"
    DECLINE = "decline"

    answer = forms.ChoiceField(
        label="Do you endorse this decision?",
        choices=[
            (ENDORSE, "Yes, I endorse it: sharing without consent is necessary and proportionate"),
            (DECLINE, "No, I decline to endorse it: the decider must record a new decision"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you endorse the decision"},
    )
    comment = forms.CharField(
        label="Comment, or your reasons for declining",
        help_text="Needed if you decline: the decider reads them and records a new decision.",
        required=False,
        widget=_textarea(3),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answer") == self.DECLINE and not str(data.get("comment", "")).strip():
            self.add_error("comment", "Give your reasons for declining to endorse the decision")
        return data


class GuideCorrectForm(GuideStepForm):
    """A recorded answer corrected for this decision: the step's own question, and why."""

    def __init__(self, step: Step, *args: Any, **kwargs: Any) -> None:
        super().__init__(step, *args, **kwargs)
        self.fields["reason"] = forms.CharField(
            label="Why is the recorded answer not right for this decision?",
            help_text="The record is not changed; your correction and its reason are kept in the audit log",
            max_length=1000,
            error_messages={"required": "Enter why the recorded answer is not right for this decision"},
            widget=forms.Textarea(attrs={"rows": 3}),
        )
