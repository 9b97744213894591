"""The one way every form is drawn: GOV.UK Design System markup through Django's form renderer.

``settings.FORM_RENDERER`` names :class:`GovukRenderer`, so every form's fields are :class:`GovukField`
bound fields and ``{{ field.as_field_group }}`` (or ``{% include "govuk/field.html" %}``) draws the form
group: label or fieldset legend, hint, error message and the control. The ids a control points at with
``aria-describedby`` are the ids the template gives its hint (``<id>-hint``) and error (``<id>-error``),
and ``first_input_id`` is where the error summary's link goes (a radio group's first radio, a date's day).

:class:`DateField` and :class:`PartialDateField` are the GOV.UK date input (day, month and year boxes);
every date a person types into the service goes through one of them.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates

# The GOV.UK class each kind of control carries, and its error modifier.
_CONTROL_CLASS = {
    "input": "govuk-input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "file": "govuk-file-upload",
}


def _kind(widget: forms.Widget) -> str:
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, DateInput):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):  # a RadioSelect's subclass: ask first
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


class GovukField(BoundField):
    """A bound field whose control points at the hint and error the GOV.UK templates draw."""

    @property
    def kind(self) -> str:
        return _kind(self.field.widget)

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    @property
    def aria_describedby(self) -> str | None:
        if self.field.widget.attrs.get("aria-describedby"):
            return None
        ids = []
        if self.auto_id and not self.is_hidden:
            if self.help_text:
                ids.append(self.hint_id)
            if self.errors:
                ids.append(self.error_id)
        return " ".join(ids)

    @property
    def first_input_id(self) -> str:
        """The id of the control a link in the error summary moves to."""
        if self.kind == "date":
            return f"{self.auto_id}_day"
        return str(self.auto_id)

    def build_widget_attrs(self, attrs: Any, widget: Any = None) -> Any:
        widget = widget or self.field.widget
        attrs = dict(super().build_widget_attrs(attrs, widget))
        base = _CONTROL_CLASS.get(_kind(widget))
        if base:
            classes = str(attrs.get("class") or widget.attrs.get("class", "")).split()
            if base not in classes:
                classes.insert(0, base)
            if self.errors and f"{base}--error" not in classes:
                classes.append(f"{base}--error")
            attrs["class"] = " ".join(classes)
        return attrs

    def choice_items(self) -> list[dict[str, Any]]:
        """Radios or checkboxes: the first option takes the field's id, so a label or link lands on it."""
        value = self.value()
        chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
        hints: Mapping[str, str] = getattr(self.field, "govuk_choice_hints", {})
        exclusive: Collection[str] = getattr(self.field, "govuk_exclusive", ())
        items: list[dict[str, Any]] = []
        for n, (option_value, label) in enumerate(self.field.choices, start=1):  # type: ignore[attr-defined]
            if option_value == "" and self.kind == "radios":
                continue  # a blank choice is a select's, not a radio
            key = str(getattr(option_value, "value", option_value))
            item_id = self.auto_id if not items else f"{self.auto_id}-{n}"
            items.append(
                {
                    "id": item_id,
                    "value": key,
                    "label": label,
                    "checked": value is not None and key in chosen,
                    "hint": hints.get(key, ""),
                    "hint_id": f"{item_id}-hint",
                    "exclusive": key in exclusive,
                }
            )
        return items

    def date_parts(self) -> list[dict[str, Any]]:
        """A date input's day, month and year boxes with their values as typed."""
        widget = self.field.widget
        assert isinstance(widget, DateInput)
        if self.form.is_bound:
            values = widget.value_from_datadict(self.form.data, self.form.files, self.html_name)
        else:
            values = widget.decompress(self.value())
        parts = []
        for (suffix, label, width), value in zip(DateInput.PARTS, values, strict=True):
            classes = f"govuk-input govuk-date-input__input govuk-input--width-{width}"
            if self.errors:
                classes += " govuk-input--error"
            parts.append(
                {
                    "id": f"{self.auto_id}_{suffix}",
                    "name": f"{self.html_name}_{suffix}",
                    "label": label,
                    "value": value or "",
                    "classes": classes,
                    "autocomplete": widget.autocomplete and f"{widget.autocomplete}-{suffix}",
                }
            )
        return parts


def choices_describe(
    field: forms.Field, *, hints: Mapping[str, str], exclusive: Collection[str] = ()
) -> None:
    """Give a radio or checkbox field a hint under some choices, and the choices drawn after an "or"
    (for checkboxes, "none of these": ticking it clears the others, GOV.UK's exclusive behaviour)."""
    field.govuk_choice_hints = dict(hints)  # type: ignore[attr-defined]
    field.govuk_exclusive = frozenset(exclusive)  # type: ignore[attr-defined]


class GovukRenderer(DjangoTemplates):
    """Django's renderer with the GOV.UK form and field templates (web/templates/govuk/)."""

    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"
    bound_field_class = GovukField


class DateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes, named ``<name>_day``, ``_month``, ``_year``."""

    PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))
    use_fieldset = True

    def __init__(self, *, autocomplete: str = "") -> None:
        # autocomplete="bday" for a person's own date of birth; off for anyone else's.
        self.autocomplete = autocomplete
        boxes: dict[str, forms.Widget | type[forms.Widget]] = {
            suffix: forms.TextInput(attrs={"inputmode": "numeric"}) for suffix, _, _ in self.PARTS
        }
        super().__init__(boxes)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str | None]:
        # One ISO text under the field's own name (a link, or a client of the single box this replaced)
        # reads as the three boxes would: 2015-03-27, 2015-03 or 2015.
        if name in data and not any(f"{name}_{suffix}" in data for suffix, _, _ in self.PARTS):
            return self.decompress(str(data.get(name) or ""))
        return list(super().value_from_datadict(data, files, name))

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and value:
            pieces = value.split("-")
            year, month, day = [*pieces, None, None][:3]
            return [day, month, year]
        if isinstance(value, list | tuple) and len(value) == 3:
            return [None if v is None else str(v) for v in value]
        return [None, None, None]


def _number(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


class _DateBase(forms.MultiValueField):
    widget = DateInput

    def __init__(self, *, what: str = "the date", autocomplete: str = "", **kwargs: Any) -> None:
        self.what = what
        boxes = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"Enter {what}")
        super().__init__(
            boxes, require_all_fields=False, widget=DateInput(autocomplete=autocomplete), **kwargs
        )

    def _real(self, year: int, month: int, day: int) -> datetime.date:
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(f"{self._subject()} must be a real date", code="impossible") from None

    def _subject(self) -> str:
        """What the field is, with a capital letter, to start a message."""
        return self.what[:1].upper() + self.what[1:]

    def _parts(self, data_list: list[str | None]) -> tuple[int | None, int | None, int | None, list[str]]:
        day_text, month_text, year_text = ([*data_list, None, None, None])[:3]
        typed = {"day": day_text, "month": month_text, "year": year_text}
        wrong = [name for name, text in typed.items() if (text or "").strip() and _number(text) is None]
        if wrong:
            raise forms.ValidationError(
                f"{self._subject()} must be a real date, in numbers: the {' and '.join(wrong)} "
                f"{'is' if len(wrong) == 1 else 'are'} not a number",
                code="invalid",
            )
        day, month, year = _number(day_text), _number(month_text), _number(year_text)
        missing = [
            name for name, number in (("day", day), ("month", month), ("year", year)) if number is None
        ]
        if year is not None and not 1000 <= year <= 9999:
            raise forms.ValidationError(
                f"The year must include 4 numbers, for example {datetime.date.today().year}"
            )
        return day, month, year, missing


class DateField(_DateBase):
    """A whole date (day, month and year), cleaned to a ``datetime.date``."""

    def compress(self, data_list: list[str | None]) -> datetime.date | None:
        if not data_list or not any((v or "").strip() for v in data_list):
            return None
        day, month, year, missing = self._parts(data_list)
        if missing:
            raise forms.ValidationError(
                f"{self._subject()} must include a {' and '.join(missing)}", code="incomplete"
            )
        assert day is not None and month is not None and year is not None
        return self._real(year, month, day)


class PartialDateField(_DateBase):
    """A date known whole, or only its month and year, or only its year (a date of birth half remembered).

    Cleaned to text: ``2015-03-27``, ``2015-03`` or ``2015`` ("" when left blank).
    """

    def compress(self, data_list: list[str | None]) -> str:
        if not data_list or not any((v or "").strip() for v in data_list):
            return ""
        day, month, year, _ = self._parts(data_list)
        if year is None:
            raise forms.ValidationError(f"{self._subject()} must include a year", code="incomplete")
        if day is not None and month is None:
            raise forms.ValidationError(f"{self._subject()} must include a month", code="incomplete")
        self._real(year, month or 1, day or 1)
        if month is None:
            return f"{year:04d}"
        if day is None:
            return f"{year:04d}-{month:02d}"
        return f"{year:04d}-{month:02d}-{day:02d}"

    def clean(self, value: Any) -> str:
        return super().clean(value) or ""
