"""The facts of a case: validation of the JSON input contract and its normalised form.

Validation reports every bad field at once, each named by its dotted path, because a practitioner (or the
web form behind them) should be able to fix all the mistakes in one go.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PURPOSES = (
    "safeguarding",
    "early_help",
    "crime_prevention",
    "legal_proceedings",
    "health_care",
    "education",
    "none",
    "unsure",
)
CONCERNS = ("none", "additional_needs", "reasonable_cause_to_suspect_significant_harm", "significant_harm")
INDICATORS = (
    "child_sexual_exploitation",
    "sexual_activity_under_13",
    "serious_crime",
    "adult_at_risk_of_serious_harm",
)
CONSENT_STATUSES = ("given", "refused", "withdrawn", "not_sought", "not_possible")
RISKS = ("increase_risk_to_child", "serious_harm_to_adult", "prejudice_crime_investigation", "undue_delay")
LEGAL_REQUIREMENTS = ("none", "court_order", "statutory_duty")
MIN_AGE = 0
# Care leavers and young people with special educational needs are supported up to 25.
MAX_AGE = 25

TOP_LEVEL_FIELDS = (
    "purpose",
    "subject",
    "information",
    "concern",
    "indicators",
    "consent",
    "risks_of_seeking_consent",
    "legal_requirement",
)
SUBJECT_FIELDS = ("age", "competent_to_consent")
INFORMATION_FIELDS = ("identifies_individual", "confidential")
CONSENT_FIELDS = ("subject", "parent")

# The flat names the rule packs' conditions may use.
FACT_NAMES = (
    "purpose",
    "subject.age",
    "subject.competent_to_consent",
    "information.identifies_individual",
    "information.confidential",
    "concern",
    "indicators",
    "consent.subject",
    "consent.parent",
    "risks_of_seeking_consent",
    "legal_requirement",
)

FactValue = str | int | bool | None | tuple[str, ...]


class FactsError(ValueError):
    """The facts do not meet the input contract; `errors` holds one message per bad field."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


@dataclass(frozen=True)
class Facts:
    purpose: str
    age: int
    competent_to_consent: bool | None
    identifies_individual: bool
    confidential: bool | str
    concern: str
    indicators: tuple[str, ...] = ()
    consent_subject: str = "not_sought"
    consent_parent: str = "not_sought"
    risks_of_seeking_consent: tuple[str, ...] = ()
    legal_requirement: str = "none"

    def flat(self) -> dict[str, FactValue]:
        """The facts under the dotted names that rule-pack conditions use."""
        return {
            "purpose": self.purpose,
            "subject.age": self.age,
            "subject.competent_to_consent": self.competent_to_consent,
            "information.identifies_individual": self.identifies_individual,
            "information.confidential": self.confidential,
            "concern": self.concern,
            "indicators": self.indicators,
            "consent.subject": self.consent_subject,
            "consent.parent": self.consent_parent,
            "risks_of_seeking_consent": self.risks_of_seeking_consent,
            "legal_requirement": self.legal_requirement,
        }

    def to_dict(self) -> dict[str, Any]:
        """The normalised facts in the input contract's shape, with every default filled in."""
        return {
            "purpose": self.purpose,
            "subject": {"age": self.age, "competent_to_consent": self.competent_to_consent},
            "information": {
                "identifies_individual": self.identifies_individual,
                "confidential": self.confidential,
            },
            "concern": self.concern,
            "indicators": list(self.indicators),
            "consent": {"subject": self.consent_subject, "parent": self.consent_parent},
            "risks_of_seeking_consent": list(self.risks_of_seeking_consent),
            "legal_requirement": self.legal_requirement,
        }


_MISSING = object()


def _describe(value: object) -> str:
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return "a list" if isinstance(value, list) else "an object" if isinstance(value, Mapping) else "a value"


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def unknown(self, obj: Mapping[Any, Any], allowed: tuple[str, ...], prefix: str) -> None:
        for key in obj:
            if key not in allowed:
                self.fail(f"{prefix}{key}", "unknown field")

    def enum(self, value: object, path: str, choices: tuple[str, ...]) -> str | None:
        if isinstance(value, str) and value in choices:
            return value
        listed = ", ".join(choices)
        if isinstance(value, str):
            self.fail(path, f"{value!r} is not one of {listed}")
        else:
            self.fail(path, f"must be one of {listed} (got {_describe(value)})")
        return None

    def enum_list(self, value: object, path: str, choices: tuple[str, ...]) -> tuple[str, ...] | None:
        if value is _MISSING:
            return ()
        if not isinstance(value, list):
            self.fail(path, f"must be a list of {', '.join(choices)} (got {_describe(value)})")
            return None
        chosen: set[str] = set()
        ok = True
        for index, item in enumerate(value):
            checked = self.enum(item, f"{path}[{index}]", choices)
            if checked is None:
                ok = False
            else:
                chosen.add(checked)
        # Order and repeats carry no meaning, so normalise them for deterministic output.
        return tuple(c for c in choices if c in chosen) if ok else None

    def obj(self, value: object, path: str, *, required: bool) -> Mapping[Any, Any] | None:
        if value is _MISSING:
            if required:
                self.fail(path, "required")
            return None
        if not isinstance(value, Mapping):
            self.fail(path, f"must be an object (got {_describe(value)})")
            return None
        return value


def _subject(check: _Checker, raw: Mapping[str, Any]) -> tuple[int | None, bool | None]:
    """The child's age and whether they can decide for themselves; None where an error was recorded."""
    age: int | None = None
    competent: bool | None = None
    subject = check.obj(raw.get("subject", _MISSING), "subject", required=True)
    if subject is not None:
        check.unknown(subject, SUBJECT_FIELDS, "subject.")
        raw_age = subject.get("age", _MISSING)
        # bool is an int in Python but not a number in JSON: `true` is not an age.
        if raw_age is _MISSING:
            check.fail("subject.age", "required")
        elif isinstance(raw_age, int) and not isinstance(raw_age, bool) and MIN_AGE <= raw_age <= MAX_AGE:
            age = raw_age
        else:
            check.fail(
                "subject.age", f"must be a whole number {MIN_AGE}-{MAX_AGE} (got {_describe(raw_age)})"
            )
        raw_competent = subject.get("competent_to_consent", None)
        if raw_competent is None or isinstance(raw_competent, bool):
            competent = raw_competent
        else:
            check.fail(
                "subject.competent_to_consent",
                f"must be true, false or null (got {_describe(raw_competent)})",
            )
    return age, competent


def _information(check: _Checker, raw: Mapping[str, Any]) -> tuple[bool | None, bool | str | None]:
    """Whether the information identifies anyone and is confidential; None where an error was recorded."""
    identifies: bool | None = None
    confidential: bool | str | None = None
    information = check.obj(raw.get("information", _MISSING), "information", required=True)
    if information is not None:
        check.unknown(information, INFORMATION_FIELDS, "information.")
        raw_identifies = information.get("identifies_individual", _MISSING)
        if raw_identifies is _MISSING:
            check.fail("information.identifies_individual", "required")
        elif isinstance(raw_identifies, bool):
            identifies = raw_identifies
        else:
            check.fail(
                "information.identifies_individual",
                f"must be true or false (got {_describe(raw_identifies)})",
            )
        raw_confidential = information.get("confidential", _MISSING)
        if raw_confidential is _MISSING:
            check.fail("information.confidential", "required")
        elif isinstance(raw_confidential, bool) or raw_confidential == "unsure":
            confidential = raw_confidential
        else:
            check.fail(
                "information.confidential",
                f"must be true, false or 'unsure' (got {_describe(raw_confidential)})",
            )
    return identifies, confidential


def _consent(check: _Checker, raw: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The child's and the parent's consent, "not_sought" unless given; None where an error was recorded."""
    consent_subject: str | None = "not_sought"
    consent_parent: str | None = "not_sought"
    consent = check.obj(raw.get("consent", _MISSING), "consent", required=False)
    if consent is not None:
        check.unknown(consent, CONSENT_FIELDS, "consent.")
        if "subject" in consent:
            consent_subject = check.enum(consent["subject"], "consent.subject", CONSENT_STATUSES)
        if "parent" in consent:
            consent_parent = check.enum(consent["parent"], "consent.parent", CONSENT_STATUSES)
    return consent_subject, consent_parent


def parse_facts(raw: object) -> Facts:
    """Validate facts parsed from JSON and return them normalised, or raise FactsError."""
    check = _Checker()
    if not isinstance(raw, Mapping):
        raise FactsError([f"facts: must be a JSON object (got {_describe(raw)})"])
    check.unknown(raw, TOP_LEVEL_FIELDS, "")

    purpose = raw.get("purpose", _MISSING)
    purpose_value = check.enum(purpose, "purpose", PURPOSES) if purpose is not _MISSING else None
    if purpose is _MISSING:
        check.fail("purpose", "required")

    age, competent = _subject(check, raw)

    identifies, confidential = _information(check, raw)

    concern = raw.get("concern", _MISSING)
    concern_value = check.enum(concern, "concern", CONCERNS) if concern is not _MISSING else None
    if concern is _MISSING:
        check.fail("concern", "required")

    indicators = check.enum_list(raw.get("indicators", _MISSING), "indicators", INDICATORS)

    consent_subject, consent_parent = _consent(check, raw)

    risks = check.enum_list(raw.get("risks_of_seeking_consent", _MISSING), "risks_of_seeking_consent", RISKS)

    legal: str | None = "none"
    if "legal_requirement" in raw:
        legal = check.enum(raw["legal_requirement"], "legal_requirement", LEGAL_REQUIREMENTS)

    if check.errors:
        raise FactsError(check.errors)
    # Every None below would have recorded an error above; the asserts narrow the types for mypy.
    assert purpose_value is not None and age is not None and identifies is not None
    assert confidential is not None and concern_value is not None and indicators is not None
    assert consent_subject is not None and consent_parent is not None and risks is not None
    assert legal is not None
    return Facts(
        purpose=purpose_value,
        age=age,
        competent_to_consent=competent,
        identifies_individual=identifies,
        confidential=confidential,
        concern=concern_value,
        indicators=indicators,
        consent_subject=consent_subject,
        consent_parent=consent_parent,
        risks_of_seeking_consent=risks,
        legal_requirement=legal,
    )
