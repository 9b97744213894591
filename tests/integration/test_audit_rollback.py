"""A failed audit write rolls the action back: for every action that writes, nothing it did is left.

The audit write is broken the way a full disk or a constraint clash would break it (the hash step raises),
then each action runs against data made beforehand; every row of every table must be as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from goldenthread.accounts.actions import (
    totp_device_confirm,
    user_create,
    user_password_set,
    user_second_factor_reset,
    user_set_active,
)
from goldenthread.agencies.actions import (
    agency_create,
    membership_approve,
    membership_create,
    membership_end,
    team_create,
)
from goldenthread.agencies.models import Membership
from goldenthread.agencies.permissions import Role
from goldenthread.core.actor import Actor
from goldenthread.people.actions import (
    access_alert_close,
    access_alert_raise,
    match_review_link,
    match_review_separate,
    person_merge,
    person_unmerge,
    records_import,
)
from goldenthread.people.break_glass import break_glass_open
from goldenthread.people.models import MatchReview
from goldenthread.sharing.actions import advice_request_answer, advice_request_create, endorsement_record
from tests.integration.people_support import AMELIA, agency, csv_bytes, import_rows, record, row
from tests.support.personas import PERSONAS
from tests.support.sharing import decision_make

pytestmark = pytest.mark.django_db

Write = Callable[[], Any]


def _by(persona: Any) -> Actor:
    return Actor.of(persona.user, persona.agency)


def _merged_pair(persona: Any) -> tuple[Any, Any]:
    import_rows("health", [AMELIA])
    import_rows("school", [row(local_id="S-1", given_name="Amy", date_of_birth="2016", nhs_number="")])
    return record("health", "H-1").person, record("school", "S-1").person


def _review() -> MatchReview:
    import_rows("health", [AMELIA])
    import_rows("test-csc", [row(local_id="CSC-1", date_of_birth="", nhs_number="", sex="", service="CSC")])
    return MatchReview.objects.get()


def _pending(persona: Any) -> Membership:
    admin = persona("system_administrator")
    newcomer = user_create(
        username="newcomer", first_name="N", last_name="C", email="n@x.example", by=_by(admin)
    )
    return membership_create(
        user=newcomer, agency=persona("ig_officer").agency, role=Role.MANAGER, by=_by(admin)
    )


def _alert(persona: Any) -> Any:
    worker = persona("social_worker")
    return access_alert_raise(
        kind="burst", user=worker.user, agency=worker.agency, by=_by(worker), details={}
    )


CASES: dict[str, Callable[[Any], Write]] = {
    "agency_create": lambda p: lambda: agency_create(code="new", name="New", kind="other", by=Actor.system()),
    "team_create": lambda p: (
        lambda: team_create(agency=agency("t"), code="mash", name="MASH", is_mash=True, by=Actor.system())
    ),
    "user_create": lambda p: (
        lambda: user_create(
            username="u2", first_name="U", last_name="Two", email="u2@x.example", by=Actor.system()
        )
    ),
    "user_set_active": lambda p: (lambda u: lambda: user_set_active(user=u, active=False, by=Actor.system()))(
        p("police_officer").user
    ),
    "user_second_factor_reset": lambda p: (
        lambda u: lambda: user_second_factor_reset(user=u, by=Actor.system())
    )(p("police_officer").user),
    "user_password_set": lambda p: (
        lambda u: (
            lambda: user_password_set(
                user=u, password="another-long-pass-phrase-99", by=Actor.system(), reason="test"
            )
        )
    )(p("police_officer").user),
    "totp_device_confirm": lambda p: (lambda d: lambda: totp_device_confirm(device=d, by=Actor.system()))(
        type(p("health_visitor").device).objects.create(
            user=p("health_visitor").user, name="x", confirmed=False
        )
    ),
    "membership_create": lambda p: (
        lambda: membership_create(
            user=p("police_officer").user,
            agency=agency("x"),
            role=Role.PRACTITIONER,
            by=_by(p("system_administrator")),
        )
    ),
    "membership_end": lambda p: (
        lambda m: lambda: membership_end(membership=m, by=_by(p("system_administrator")), reason="left")
    )(Membership.objects.get(user=p("police_officer").user)),
    "membership_approve": lambda p: (
        lambda m: lambda: membership_approve(membership=m, by=_by(p("ig_officer")))
    )(_pending(p)),
    "records_import": lambda p: (
        lambda: records_import(
            agency=agency("health"), filename="a.csv", content=csv_bytes([AMELIA]), by=Actor.system()
        )
    ),
    "person_merge": lambda p: (
        lambda pair: lambda: person_merge(keep=pair[0], absorb=pair[1], by=_by(p("ig_officer")))
    )(_merged_pair(p)),
    "person_unmerge": lambda p: (
        lambda pair: (
            person_merge(keep=pair[0], absorb=pair[1], by=_by(p("ig_officer"))),
            lambda: person_unmerge(record=record("school", "S-1"), by=_by(p("ig_officer"))),
        )[1]
    )(_merged_pair(p)),
    "match_review_link": lambda p: (lambda r: lambda: match_review_link(review=r, by=_by(p("ig_officer"))))(
        _review()
    ),
    "match_review_separate": lambda p: (
        lambda r: lambda: match_review_separate(review=r, by=_by(p("ig_officer")))
    )(_review()),
    "access_alert_raise": lambda p: lambda: _alert(p),
    "access_alert_close": lambda p: (
        lambda a: lambda: access_alert_close(alert=a, note="checked", by=_by(p("ig_officer")))
    )(_alert(p)),
    "break_glass_open": lambda p: (
        lambda person: (
            lambda: break_glass_open(
                person=person,
                reason="A child at risk tonight",
                session_key="s",
                stepped_up=True,
                merged=[person.pk],
                by=_by(p("school_dsl")),
            )
        )
    )(import_rows("health", [AMELIA]) and record("health", "H-1").person),
    "decision_record": lambda p: lambda: decision_make(p("social_worker")),
    "endorsement_record": lambda p: (lambda d: lambda: endorsement_record(decision=d, by=_by(p("manager"))))(
        decision_make(p("social_worker"))
    ),
    "advice_request_create": lambda p: (
        lambda: advice_request_create(
            agency=p("social_worker").agency,
            by=_by(p("social_worker")),
            adviser_role="dsl",
            question="May I share?",
            anonymised=True,
        )
    ),
    "advice_request_answer": lambda p: (
        lambda a: lambda: advice_request_answer(advice=a, by=_by(p("ig_officer")), answer="Yes, share.")
    )(
        advice_request_create(
            agency=p("social_worker").agency,
            by=_by(p("social_worker")),
            adviser_role="ig_officer",
            question="May I share?",
            anonymised=True,
        )
    ),
}


def _snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table the service owns (and its sign-in and second-factor tables)."""
    labels = {"accounts", "agencies", "audit", "people", "sharing", "otp_totp", "axes"}
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label in labels
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_audit_write_failing_rolls_back_the_action(name: str, persona: Any, monkeypatch: Any) -> None:
    # Made now, so a write's lazy look-up of a persona or an agency is not taken for a change of its own.
    for who in PERSONAS:
        if PERSONAS[who] is not None:
            persona(who)
    for code in ("t", "x", "health"):
        agency(code)
    write = CASES[name](persona)
    before = _snapshot()

    def broken(**fields: Any) -> str:
        raise RuntimeError("the audit log cannot be written")

    monkeypatch.setattr("goldenthread.audit.actions.event_hash", broken)
    with pytest.raises(RuntimeError, match="audit log cannot be written"):
        write()
    monkeypatch.undo()
    after = _snapshot()
    changed = {label for label in before if before[label] != after[label]}
    assert changed == set(), f"{name} left changes in {sorted(changed)} at {timezone.now():%H:%M:%S}"
