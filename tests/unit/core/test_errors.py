"""One error shape for every refused write, and the one way a form shows it."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError

from goldenthread.core.errors import NON_FIELD, ActionError, form_add_problems


class _Form(forms.Form):
    reason = forms.CharField(required=False)
    item_1_description = forms.CharField(required=False)
    problem_fields = {"items": "item_1_description"}


def _form() -> _Form:
    form = _Form({"reason": "", "item_1_description": ""})
    assert form.is_valid()
    return form


def test_action_error_from_one_message_is_a_non_field_problem() -> None:
    error = ActionError("That membership has already ended")
    assert error.problems == {NON_FIELD: ["That membership has already ended"]}
    assert str(error) == "That membership has already ended"


def test_action_error_from_one_message_for_a_field() -> None:
    assert ActionError("Give a reason", field="reason").problems == {"reason": ["Give a reason"]}


def test_action_error_from_problems_keeps_them_per_field() -> None:
    error = ActionError({"reason": ["Give a reason"], NON_FIELD: ["Not yours"]})
    assert error.problems == {"reason": ["Give a reason"], NON_FIELD: ["Not yours"]}
    assert str(error) == "Give a reason Not yours"


def test_action_error_from_model_validation_keeps_its_fields() -> None:
    error = ActionError.from_validation(ValidationError({"code": ["Use lower-case letters"]}))
    assert error.problems == {"code": ["Use lower-case letters"]}


def test_action_error_from_plain_validation_goes_to_the_field_named() -> None:
    error = ActionError.from_validation(ValidationError(["Too short", "Too common"]), field="password")
    assert error.problems == {"password": ["Too short", "Too common"]}


def test_action_error_is_raised_and_caught_as_a_value_error() -> None:
    with pytest.raises(ValueError, match="Give a reason"):
        raise ActionError("Give a reason")


def test_form_add_problems_puts_each_on_its_field_and_the_rest_above_the_form() -> None:
    form = _form()
    form_add_problems(form, ActionError({"reason": ["Give a reason"], "agency": ["Not a field here"]}))
    assert form.errors["reason"] == ["Give a reason"]
    assert form.non_field_errors() == ["Not a field here"]


def test_form_add_problems_follows_the_forms_renamed_fields() -> None:
    form = _form()
    form_add_problems(form, ActionError({"items": ["List at least one item"]}))
    assert form.errors["item_1_description"] == ["List at least one item"]
    assert form.non_field_errors() == []
