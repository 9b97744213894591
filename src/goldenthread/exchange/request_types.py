"""The request types of the Norfolk joint agency protocol, each with its own fields.

The types' names and default priorities are data (``RequestType``, seeded by migration, default priority
editable on the priorities page); what each type asks for, and between which kinds of agency it runs, is
here, because the forms and the checks are code. The protocol asks for "timely" and "expedited" exchange
but gives no timescale of its own: the defaults below are the partnership's to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from goldenthread.agencies.models import AgencyKind


@dataclass(frozen=True)
class TypeField:
    name: str
    label: str
    hint: str = ""
    required: bool = True
    kind: str = "text"  # text, date or yesno


@dataclass(frozen=True)
class TypeSpec:
    code: str
    name: str
    description: str
    default_priority: str
    fields: tuple[TypeField, ...] = ()
    # Kinds of agency that may send or receive this type; empty means any.
    from_kinds: tuple[str, ...] = ()
    to_kinds: tuple[str, ...] = ()


_CRIME_REFERENCE = TypeField("crime_reference", "Crime reference number")
_OFFENCE = TypeField("offence", "Offence under investigation")

TYPES: tuple[TypeSpec, ...] = (
    TypeSpec(
        "general_safeguarding",
        "General safeguarding request",
        "Any agency asks another for what it knows about a child or family, to protect the child.",
        "amber",
    ),
    TypeSpec(
        "police_la_material",
        "Police request for local-authority material for a criminal investigation",
        "The police ask the local authority for material it holds that would assist a criminal "
        "investigation.",
        "amber",
        (
            _CRIME_REFERENCE,
            _OFFENCE,
            TypeField("material_sought", "Material sought", "For example the child's case file, assessments"),
            TypeField(
                "period", "Period the material covers", "For example January 2025 to now", required=False
            ),
        ),
        from_kinds=(AgencyKind.POLICE,),
        to_kinds=(AgencyKind.CHILDRENS_SOCIAL_CARE,),
    ),
    TypeSpec(
        "investigation_notice",
        "Notice that a criminal investigation has begun",
        "The police tell the local authority, and the family court where proceedings are live, that a "
        "criminal investigation has begun.",
        "amber",
        (
            _CRIME_REFERENCE,
            _OFFENCE,
            TypeField("proceedings_live", "Are family court proceedings live?", kind="yesno"),
            TypeField(
                "court_case_number",
                "Family court case number",
                "Needed when proceedings are live",
                required=False,
            ),
        ),
        from_kinds=(AgencyKind.POLICE,),
        to_kinds=(AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.COURT),
    ),
    TypeSpec(
        "cps_la_consultation",
        "Consultation between the CPS and the local authority about disclosure of its material",
        "The prosecutor consults the local authority where its material may meet the test for disclosure "
        "to the defence (Criminal Procedure and Investigations Act 1996).",
        "green",
        (
            TypeField("cps_reference", "CPS reference"),
            TypeField("material", "Local-authority material concerned"),
            TypeField("trial_date", "Trial date", required=False, kind="date"),
        ),
        from_kinds=(AgencyKind.PROSECUTOR,),
        to_kinds=(AgencyKind.CHILDRENS_SOCIAL_CARE,),
    ),
    TypeSpec(
        "family_court_police_material",
        "Request from the family court for police material",
        "The family court asks the police for material for proceedings about a child.",
        "green",
        (
            TypeField("court_case_number", "Family court case number"),
            TypeField("hearing_date", "Next hearing date", required=False, kind="date"),
        ),
        from_kinds=(AgencyKind.COURT,),
        to_kinds=(AgencyKind.POLICE,),
    ),
    TypeSpec(
        "strategy_discussion",
        "Request for a strategy discussion",
        "An agency asks partners to join a strategy discussion about a child at risk of significant harm.",
        "red",
        (TypeField("proposed_time", "Proposed date and time, and how to join", required=False),),
    ),
)

BY_CODE = {spec.code: spec for spec in TYPES}


def details_problems(spec: TypeSpec, details: dict[str, str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The type's fields, cleaned, and the problems with them (keyed ``detail_<name>``)."""
    clean: dict[str, str] = {}
    problems: dict[str, list[str]] = {}
    for field in spec.fields:
        value = str(details.get(field.name, "") or "").strip()
        key = f"detail_{field.name}"
        if not value:
            if field.required:
                problems[key] = [f"Enter the {field.label[0].lower()}{field.label[1:]}".rstrip("?")]
            continue
        if field.kind == "date":
            try:
                value = date.fromisoformat(value).isoformat()
            except ValueError:
                problems[key] = [f"{field.label} must be a date like 2026-12-24"]
                continue
        if field.kind == "yesno" and value not in ("yes", "no"):
            problems[key] = [f"{field.label}: select yes or no"]
            continue
        clean[field.name] = value[:500]
    live = spec.code == "investigation_notice" and clean.get("proceedings_live") == "yes"
    if live and not clean.get("court_case_number"):
        problems["detail_court_case_number"] = ["Enter the family court case number: proceedings are live"]
    return clean, problems
