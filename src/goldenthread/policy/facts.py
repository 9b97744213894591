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
    # Added for the whole family (issue 12): optional, so every facts file of before means what it meant.
    "sexual_activity_13_to_15",
)
CONSENT_STATUSES = ("given", "refused", "withdrawn", "not_sought", "not_possible")
RISKS = ("increase_risk_to_child", "serious_harm_to_adult", "prejudice_crime_investigation", "undue_delay")
LEGAL_REQUIREMENTS = ("none", "court_order", "statutory_duty")
MIN_AGE = 0
# Care leavers and young people with special educational needs are supported up to 25.
MAX_AGE = 25
# An adult subject (think family): a parent, carer or household member, or an adult at risk.
ADULT_AGE = 18
MAX_ADULT_AGE = 120
# Who the information is about: a child or young person (0-25), or an adult. Left out, a subject aged up
# to 25 is a child or young person (as every facts file was before adults came in) and older an adult.
SUBJECT_KINDS = ("child", "adult")
ADULT_ROLES = ("parent_or_carer", "household_member", "adult_at_risk", "other_adult")
# Risks to weigh when a young person aged 13 to 15 is sexually active (Derby and Derbyshire guidance s3:
# the assessment "should include the recommendations recommended by Bichard").
SEXUAL_ACTIVITY_RISK_FACTORS = (
    "age_or_power_imbalance",
    "coercion_or_bribery",
    "alcohol_or_drugs",
    "partner_of_concern",
    "secrecy_or_going_missing",
    "grooming_or_online_contact",
)

TOP_LEVEL_FIELDS = (
    "purpose",
    "subject",
    "information",
    "concern",
    "indicators",
    "consent",
    "risks_of_seeking_consent",
    "legal_requirement",
    "sexual_activity_risk_factors",
)
SUBJECT_FIELDS = ("age", "competent_to_consent", "kind", "role", "capacity_in_doubt")
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
    "subject.kind",
    "subject.role",
    "subject.capacity_in_doubt",
    "sexual_activity_risk_factors",
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
    # The family fields (issue 12), all optional in the input.
    kind: str = "child"
    role: str | None = None
    capacity_in_doubt: bool = False
    sexual_activity_risk_factors: tuple[str, ...] = ()

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
            "subject.kind": self.kind,
            "subject.role": self.role,
            "subject.capacity_in_doubt": self.capacity_in_doubt,
            "sexual_activity_risk_factors": self.sexual_activity_risk_factors,
        }

    def to_dict(self) -> dict[str, Any]:
        """The normalised facts in the input contract's shape, with every default filled in."""
        return {
            "purpose": self.purpose,
            "subject": {
                "age": self.age,
                "competent_to_consent": self.competent_to_consent,
                "kind": self.kind,
                "role": self.role,
                "capacity_in_doubt": self.capacity_in_doubt,
            },
            "information": {
                "identifies_individual": self.identifies_individual,
                "confidential": self.confidential,
            },
            "concern": self.concern,
            "indicators": list(self.indicators),
            "consent": {"subject": self.consent_subject, "parent": self.consent_parent},
            "risks_of_seeking_consent": list(self.risks_of_seeking_consent),
            "legal_requirement": self.legal_requirement,
            "sexual_activity_risk_factors": list(self.sexual_activity_risk_factors),
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


@dataclass(frozen=True)
class _Subject:
    age: int
    competent: bool | None
    kind: str
    role: str | None
    capacity_in_doubt: bool


def _subject(check: _Checker, raw: Mapping[str, Any]) -> _Subject | None:
    """Who the information is about; None where an error was recorded."""
    subject = check.obj(raw.get("subject", _MISSING), "subject", required=True)
    if subject is None:
        return None
    errors = len(check.errors)
    check.unknown(subject, SUBJECT_FIELDS, "subject.")
    kind: str | None = None
    if "kind" in subject:
        kind = check.enum(subject["kind"], "subject.kind", SUBJECT_KINDS)
    age = _age(check, subject.get("age", _MISSING), kind)
    if kind is None and age is not None and "kind" not in subject:
        kind = "child" if age <= MAX_AGE else "adult"
    competent: bool | None = None
    raw_competent = subject.get("competent_to_consent", None)
    if raw_competent is None or isinstance(raw_competent, bool):
        competent = raw_competent
    else:
        check.fail(
            "subject.competent_to_consent",
            f"must be true, false or null (got {_describe(raw_competent)})",
        )
    role: str | None = None
    if subject.get("role") is not None:
        role = check.enum(subject["role"], "subject.role", ADULT_ROLES)
        if role is not None and kind == "child":
            check.fail("subject.role", "applies only to an adult (subject.kind 'adult')")
    elif kind == "adult":
        role = "other_adult"
    in_doubt = subject.get("capacity_in_doubt", False)
    if not isinstance(in_doubt, bool):
        check.fail("subject.capacity_in_doubt", f"must be true or false (got {_describe(in_doubt)})")
    elif in_doubt and kind == "child":
        check.fail(
            "subject.capacity_in_doubt",
            "applies only to an adult; for a child or young person use competent_to_consent",
        )
    if len(check.errors) > errors or age is None or kind is None:
        return None
    return _Subject(age, competent, kind, role, bool(in_doubt))


def _age(check: _Checker, raw_age: object, kind: str | None) -> int | None:
    """The age in whole years, within the bounds for the kind of subject (any kind when not given)."""
    low, high = (ADULT_AGE, MAX_ADULT_AGE) if kind == "adult" else (MIN_AGE, MAX_AGE)
    if kind is None:
        high = MAX_ADULT_AGE
    # bool is an int in Python but not a number in JSON: `true` is not an age.
    if raw_age is _MISSING:
        check.fail("subject.age", "required")
    elif isinstance(raw_age, int) and not isinstance(raw_age, bool) and low <= raw_age <= high:
        return raw_age
    else:
        who = {"adult": " for an adult", "child": " for a child or young person"}.get(kind or "", "")
        check.fail("subject.age", f"must be a whole number {low}-{high}{who} (got {_describe(raw_age)})")
    return None


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

    subject = _subject(check, raw)

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

    factors = _sexual_activity(check, raw, subject, indicators)

    if check.errors:
        raise FactsError(check.errors)
    # Every None below would have recorded an error above; the asserts narrow the types for mypy.
    assert purpose_value is not None and subject is not None and identifies is not None
    assert confidential is not None and concern_value is not None and indicators is not None
    assert consent_subject is not None and consent_parent is not None and risks is not None
    assert legal is not None and factors is not None
    return Facts(
        purpose=purpose_value,
        age=subject.age,
        competent_to_consent=subject.competent,
        identifies_individual=identifies,
        confidential=confidential,
        concern=concern_value,
        indicators=indicators,
        consent_subject=consent_subject,
        consent_parent=consent_parent,
        risks_of_seeking_consent=risks,
        legal_requirement=legal,
        kind=subject.kind,
        role=subject.role,
        capacity_in_doubt=subject.capacity_in_doubt,
        sexual_activity_risk_factors=factors,
    )


def _sexual_activity(
    check: _Checker, raw: Mapping[str, Any], subject: _Subject | None, indicators: tuple[str, ...] | None
) -> tuple[str, ...] | None:
    """The risk factors of a young person aged 13 to 15's sexual activity, checked against the indicator
    and the age (under 13 is its own indicator: always a child protection referral)."""
    factors = check.enum_list(
        raw.get("sexual_activity_risk_factors", _MISSING),
        "sexual_activity_risk_factors",
        SEXUAL_ACTIVITY_RISK_FACTORS,
    )
    active = indicators is not None and "sexual_activity_13_to_15" in indicators
    if factors and indicators is not None and not active:
        check.fail("sexual_activity_risk_factors", "needs the indicator sexual_activity_13_to_15")
    if active and subject is not None and subject.kind == "child" and not 13 <= subject.age <= 15:
        check.fail(
            "indicators",
            f"sexual_activity_13_to_15 is for a young person aged 13 to 15, not {subject.age}"
            + (" (use sexual_activity_under_13)" if subject.age < 13 else ""),
        )
    return factors
