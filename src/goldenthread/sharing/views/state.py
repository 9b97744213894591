"""The guide's answers in progress, kept in the session (never the database) until a decision is recorded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from goldenthread.core.request import AgencyRequest
from goldenthread.people.models import Person
from goldenthread.people.purposes import purpose_given
from goldenthread.people.selectors import person_named_for_user
from goldenthread.policy import FactsError, Pack, PackError, Recommendation, decide, load_pack
from goldenthread.sharing.guide import Step, step_for_path
from goldenthread.sharing.guide_plan import Given, Known, age_from_birth, guide_plan

SESSION_KEY = "gt_guide"
# The purpose a person's naming by the guide is audited with when the user gave none for them in this
# session (a guide page opened without going through the card).
NAMING_PURPOSE = "Deciding whether to share information"


def partnership_pack() -> str:
    """The rule pack the partnership's guide uses (GOLDENTHREAD_POLICY_PACK, checked when settings load)."""
    return str(settings.GOLDENTHREAD_POLICY_PACK)


@dataclass
class GuideState:
    pack: str = field(default_factory=partnership_pack)
    answers: dict[str, Any] = field(default_factory=dict)
    # The person from the index whose card the guide was started from, named on its pages; none if not.
    # Their age, when the date of birth settles it, is read with the name (audited) and not asked.
    person_id: int | None = None
    person_name: str = ""
    person_age: int | None = None
    person_born: str = ""
    supersedes: int | None = None
    # Read from the consent records and the current assessment when the guide starts from a card
    # (issue 14): {"competence": [answer, reason, id] | None, "consents": {purpose: {step: [status,
    # reason, record id]}}, "corrections": {step: [answer, reason]}}.
    recorded: dict[str, Any] = field(default_factory=dict)

    @property
    def known(self) -> Known:
        if not self.person_id:
            return Known()
        competence = self.recorded.get("competence")
        capacity = self.recorded.get("capacity")
        consents = self.recorded.get("consents") or {}
        return Known(
            age=self.person_age,
            born=self.person_born,
            competence=(competence[0], competence[1]) if competence else None,
            capacity=(capacity[0], capacity[1]) if capacity else None,
            consents={
                purpose: {step: (v[0], v[1]) for step, v in by_step.items()}
                for purpose, by_step in consents.items()
            },
            corrections={k: (v[0], v[1]) for k, v in (self.recorded.get("corrections") or {}).items()},
        )

    def consent_basis(self) -> int | None:
        """The consent record a decision's consent rests on: the one the guide read "given" from for the
        purpose answered, uncorrected (the person's own answer first)."""
        purpose = self.answers.get("purpose")
        by_step = (self.recorded.get("consents") or {}).get(purpose) if isinstance(purpose, str) else None
        corrections = self.recorded.get("corrections") or {}
        for step in ("consent-child", "consent-parent"):
            found = (by_step or {}).get(step)
            if found and found[0] == "given" and step not in corrections:
                return int(found[2])
        return None


@dataclass
class GuideResult:
    pack: Pack
    steps: list[Step]
    given: list[Given]
    facts: dict[str, Any]
    problems: list[tuple[Step | None, str]]
    recommendation: Recommendation | None


def state_get(request: HttpRequest) -> GuideState:
    raw = request.session.get(SESSION_KEY)
    if not isinstance(raw, dict):
        return GuideState()
    answers = raw.get("answers")
    supersedes = raw.get("supersedes")
    person_id = raw.get("person_id")
    person_age = raw.get("person_age")
    named = isinstance(person_id, int)
    return GuideState(
        pack=str(raw.get("pack") or partnership_pack()),
        answers=dict(answers) if isinstance(answers, dict) else {},
        person_id=person_id if named else None,
        person_name=str(raw.get("person_name") or "") if named else "",
        person_age=person_age if named and isinstance(person_age, int) else None,
        person_born=str(raw.get("person_born") or "") if named else "",
        supersedes=supersedes if isinstance(supersedes, int) else None,
        recorded=dict(raw.get("recorded") or {}) if named else {},
    )


def state_put(request: HttpRequest, state: GuideState) -> None:
    request.session[SESSION_KEY] = {
        "pack": state.pack,
        "answers": state.answers,
        "person_id": state.person_id,
        "person_name": state.person_name,
        "person_age": state.person_age,
        "person_born": state.person_born,
        "supersedes": state.supersedes,
        "recorded": state.recorded,
    }


def state_clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def pack_for(state: GuideState) -> Pack:
    try:
        return load_pack(state.pack)
    except PackError:
        return load_pack(partnership_pack())


def guide_result(state: GuideState, pack: Pack | None = None) -> GuideResult:
    """The facts from the answers so far and, when they are complete and valid, the recommendation (on
    the guide's own pack, or on `pack` to compare)."""
    pack = pack or pack_for(state)
    plan = guide_plan(pack, state.answers, state.known)
    steps = plan.steps
    facts = plan.facts()
    problems: list[tuple[Step | None, str]] = [
        (step, f"Answer the question: {step.question}") for step in steps if step.id not in state.answers
    ]
    recommendation = None
    if not problems:
        try:
            recommendation = decide(facts, pack)
        except FactsError as exc:
            for message in exc.errors:
                step = step_for_path(steps, message)
                detail = message.split(":", 1)[-1].strip()
                problems.append((step, f"{step.summary}: {detail}" if step else message))
    return GuideResult(pack, steps, plan.given, facts, problems, recommendation)


def person_named(request: AgencyRequest, person_id: int) -> Person | None:
    """The person the guide (or a decision correcting one about them) is about, read to name them on its
    pages. The read is audited with the purpose the user gave for that person's card in this session,
    as the card's own reads are, or NAMING_PURPOSE when they gave none."""
    return person_named_for_user(
        user=request.user,
        agency=request.agency,
        person_id=person_id,
        purpose=purpose_given(request.session, person_id) or NAMING_PURPOSE,
    )


def state_for_person(person: Person) -> GuideState:
    """A new guide about a person from the index: their name, and their age when the date of birth
    settles it (then the guide does not ask it). A shielded person is shown as their card shows them: by
    name, so their date of birth is neither shown nor used."""
    today = dt.date.today()
    born = None if person.is_shielded else person.date_of_birth
    shown = ""
    if born is not None:
        shown = {"day": f"{born.day} {born:%B %Y}", "month": f"{born:%B %Y}", "year": f"{born:%Y}"}.get(
            person.dob_precision, ""
        )
    return GuideState(
        person_id=person.pk,
        person_name=person.full_name,
        person_age=age_from_birth(born, person.dob_precision, today),
        person_born=shown,
    )


def about_context(state: GuideState) -> dict[str, Any]:
    """Whom the guide is about, for the panel on every page started from a card (sharing/_guide_about.html):
    name, age and a link back to the card."""
    return {
        "about": {
            "person_id": state.person_id,
            "name": state.person_name,
            "age": state.person_age,
            "born": state.person_born,
        }
        if state.person_id
        else None
    }
