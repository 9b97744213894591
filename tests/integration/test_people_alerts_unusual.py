"""Unusual access beyond the hourly ceiling: cards opened where the user's agency has no involvement, cards
opened out of hours, and a day's volume far above the user's peers. Each alerts the governance officers of
the agency the user acted for, is closed with a note, and (where it concerns one person) is in their trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from goldenthread.accounts.models import User
from goldenthread.agencies.models import AgencyKind, Membership
from goldenthread.agencies.permissions import Role
from goldenthread.audit.actions import audit_record
from goldenthread.audit.models import AuditEvent
from goldenthread.core.actor import Actor
from goldenthread.people.actions import access_alert_close, access_volume_check
from goldenthread.people.models import AccessAlert
from goldenthread.people.selectors import person_access_for_user, person_get_for_user
from goldenthread.people.working_hours import is_out_of_hours
from tests.integration.people_support import import_rows, record, row

LONDON = ZoneInfo("Europe/London")


def _at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def children(db: Any) -> list[int]:
    import_rows(
        "health",
        [
            row(local_id=f"H-{i}", given_name=name, nhs_number="", date_of_birth=f"2015-0{i}-01")
            for i, name in enumerate(["Ava", "Ben", "Cara", "Dev", "Eve"], start=1)
        ],
    )
    return [record("health", f"H-{i}").person_id for i in range(1, 6)]


@pytest.fixture(autouse=True)
def _alert_settings(settings: Any) -> None:
    settings.OUTSIDE_NEED_OPENS, settings.OUTSIDE_NEED_WINDOW_HOURS = 3, 24
    settings.OUT_OF_HOURS_AGENCY_KINDS = ()
    settings.WORKING_HOURS = (dt.time(8), dt.time(18))
    settings.GOLDENTHREAD_EXTRA_CLOSURE_DAYS = ()
    settings.VOLUME_FACTOR, settings.VOLUME_FLOOR = 3, 20


def _view(persona: Any, person_id: int) -> Any:
    return person_get_for_user(
        user=persona.user, agency=persona.agency, person_id=person_id, purpose="mash_screening"
    )


def _involve(agency_code: str, person_id: int) -> None:
    """The agency holds a record of the person too."""
    import_rows(
        agency_code, [row(local_id="S-1", given_name="Ava", nhs_number="", date_of_birth="2015-01-01")]
    )
    assert record(agency_code, "S-1").person_id == person_id


# Outside need ------------------------------------------------------------------------------------------


def test_outside_need_views_recorded_and_alerted_once_at_the_threshold(
    children: list[int], persona: Any, signed_in: Any
) -> None:
    police = persona("police_officer")
    client = signed_in("police_officer")
    for person_id in children[:2]:
        client.post(reverse("people:purpose", args=[person_id]), {"purpose": "mash_screening"})
        assert client.get(reverse("people:card", args=[person_id])).status_code == 200
    assert not AccessAlert.objects.exists()  # two people: below the threshold of three
    _view(police, children[0])  # the same person again is not a third person
    assert not AccessAlert.objects.exists()
    _view(police, children[2])
    alert = AccessAlert.objects.get()
    assert (alert.kind, alert.agency.code, alert.person) == ("outside_need", "test-police", None)
    assert alert.details == {"opens": 3, "window_hours": 24}
    _view(police, children[3])  # within the same window: no second alert
    assert AccessAlert.objects.count() == 1
    views = AuditEvent.objects.filter(action="person.viewed")
    assert views.count() == 5 and all(e.details == {"outside_need": True} for e in views)


def test_outside_need_not_recorded_where_the_agency_holds_a_record(children: list[int], persona: Any) -> None:
    health = persona("health_visitor")
    _involve("test-health", children[0])
    _view(health, children[0])
    assert AuditEvent.objects.get(action="person.viewed").details == {}
    for person_id in children[1:4]:
        _view(health, person_id)
    assert AccessAlert.objects.get().kind == "outside_need"  # the three others were outside its need


def test_outside_need_window_passed_counts_afresh(children: list[int], persona: Any, settings: Any) -> None:
    police = persona("police_officer")
    settings.OUTSIDE_NEED_WINDOW_HOURS = 1
    two_hours_ago = timezone.now() - dt.timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=two_hours_ago):
        for person_id in children[:2]:
            _view(police, person_id)
    _view(police, children[2])
    assert not AccessAlert.objects.exists()
    _view(police, children[3])
    _view(police, children[4])
    assert AccessAlert.objects.get().details == {"opens": 3, "window_hours": 1}


def test_outside_need_not_counted_for_a_mash_officer(children: list[int], persona: Any) -> None:
    police = persona("police_officer")
    Membership.objects.filter(user=police.user).update(role=Role.MASH_OFFICER)
    for person_id in children[:4]:
        _view(police, person_id)
    assert not AccessAlert.objects.exists()
    assert all(e.details == {} for e in AuditEvent.objects.filter(action="person.viewed"))


# Out of hours ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "out"),
    [
        (_at(2026, 12, 7, 12, 0), False),  # a Monday at noon
        (_at(2026, 12, 7, 8, 0), False),  # the working day starts at 08:00
        (_at(2026, 12, 7, 7, 59), True),
        (_at(2026, 12, 7, 18, 0), True),  # and has ended at 18:00
        (_at(2026, 12, 5, 11, 0), True),  # a Saturday
        (_at(2026, 12, 25, 11, 0), True),  # Christmas Day, a Friday
        (_at(2026, 12, 28, 11, 0), True),  # the Boxing Day bank holiday, moved to Monday
        (_at(2026, 4, 3, 11, 0), True),  # Good Friday
        (dt.datetime(2026, 3, 30, 7, 30, tzinfo=dt.UTC), False),  # 08:30 in London, clocks gone forward
        (dt.datetime(2026, 1, 5, 7, 30, tzinfo=dt.UTC), True),  # 07:30 in London in winter
    ],
)
def test_out_of_hours_follows_the_working_day_and_days(settings: Any, moment: dt.datetime, out: bool) -> None:
    settings.WORKING_HOURS = (dt.time(8), dt.time(18))
    settings.GOLDENTHREAD_EXTRA_CLOSURE_DAYS = ()
    assert is_out_of_hours(moment) is out


def test_out_of_hours_closure_day_from_configuration(settings: Any) -> None:
    settings.WORKING_HOURS = (dt.time(8), dt.time(18))
    settings.GOLDENTHREAD_EXTRA_CLOSURE_DAYS = (dt.date(2026, 12, 29),)
    assert is_out_of_hours(_at(2026, 12, 29, 11, 0)) is True
    assert is_out_of_hours(_at(2026, 12, 30, 11, 0)) is False


@pytest.fixture
def saturday_morning() -> Iterator[dt.datetime]:
    moment = _at(2026, 12, 5, 10, 0)
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(dt.UTC)):
        yield moment


def test_out_of_hours_view_alerted_for_a_configured_agency_kind(
    children: list[int], persona: Any, settings: Any, saturday_morning: dt.datetime
) -> None:
    settings.OUT_OF_HOURS_AGENCY_KINDS = (AgencyKind.SCHOOL,)
    school, police = persona("school_dsl"), persona("police_officer")
    _view(police, children[0])  # police are not listed: their nights and weekends are normal work
    assert not AccessAlert.objects.exists()
    _view(school, children[0])
    _view(school, children[0])  # the same card again that morning: the same access
    alert = AccessAlert.objects.get()
    assert (alert.kind, alert.agency.code, alert.person_id) == ("out_of_hours", "test-school", children[0])
    assert alert.details == {"opened_at": "Sat 05 Dec 2026 10:00"}
    school_views = AuditEvent.objects.filter(action="person.viewed", actor_agency="test-school")
    assert all(e.details.get("out_of_hours") is True for e in school_views)


def test_out_of_hours_off_by_default(
    children: list[int], persona: Any, saturday_morning: dt.datetime
) -> None:
    _view(persona("school_dsl"), children[0])
    assert not AccessAlert.objects.filter(kind="out_of_hours").exists()


def test_out_of_hours_within_the_working_day_not_alerted(
    children: list[int], persona: Any, settings: Any
) -> None:
    settings.OUT_OF_HOURS_AGENCY_KINDS = (AgencyKind.SCHOOL,)
    monday_noon = _at(2026, 12, 7, 12, 0).astimezone(dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=monday_noon):
        _view(persona("school_dsl"), children[0])
    assert not AccessAlert.objects.filter(kind="out_of_hours").exists()


def test_out_of_hours_alert_in_the_persons_trail_and_closed_with_a_note(
    children: list[int], persona: Any, settings: Any
) -> None:
    settings.OUT_OF_HOURS_AGENCY_KINDS = (AgencyKind.SCHOOL,)
    school, officer = persona("school_dsl"), persona("ig_officer")
    with mock.patch("django.utils.timezone.now", return_value=_at(2026, 12, 5, 22, 0).astimezone(dt.UTC)):
        _view(school, children[0])
    alert = AccessAlert.objects.get()
    ig_school = persona_in("ig-school", "test-school", Role.IG_OFFICER)
    access_alert_close(alert=alert, note="The DSL answered a call from the police", by=ig_school)
    # The partnership's governance oversees every person; here the health agency holding the record reads.
    health_ig = persona_in("ig-health", "health", Role.IG_OFFICER)
    _, events, entries = person_access_for_user(
        user=health_ig.user, agency=health_ig.agency, person_id=children[0]
    )
    lines = [(e.action, e.agency) for e in entries(list(events))]
    assert ("Viewed the card (their agency not involved, out of hours)", "Test test-school") in lines
    assert ("Unusual access alerted to governance", "Test test-school") in lines
    assert ("Unusual access reviewed and closed", "Test test-school") in lines
    assert officer.user.pk != alert.reviewed_by_id


def persona_in(username: str, agency_code: str, role: str) -> Actor:
    """Another user of an existing agency, in ``role``, acting for it."""
    from goldenthread.agencies.models import Agency

    user = User.objects.create(username=username, first_name=username, last_name="Tester")
    agency = Agency.objects.get(code=agency_code)
    Membership.objects.create(user=user, agency=agency, role=role, started_at=timezone.now())
    return Actor.of(user, agency)


def test_out_of_hours_alert_listed_and_reviewed_on_the_pages(
    children: list[int], persona: Any, signed_in: Any, settings: Any
) -> None:
    settings.OUT_OF_HOURS_AGENCY_KINDS = (AgencyKind.CHILDRENS_SOCIAL_CARE,)
    worker = persona("social_worker")
    with mock.patch("django.utils.timezone.now", return_value=_at(2026, 12, 5, 22, 0).astimezone(dt.UTC)):
        _view(worker, children[0])
    alert = AccessAlert.objects.get(kind="out_of_hours")
    officer = signed_in("ig_officer")
    listed = officer.get(reverse("people:alerts")).content.decode()
    assert "Record opened out of hours: Ava" in listed and "Sat 05 Dec 2026 22:00" in listed
    page = officer.get(reverse("people:alert-close", args=[alert.pk])).content.decode()
    assert "Sat 05 Dec 2026 22:00, outside the working day" in page
    officer.post(reverse("people:alert-close", args=[alert.pk]), {"note": "Emergency duty cover"})
    assert AccessAlert.objects.get(pk=alert.pk).review_note == "Emergency duty cover"


# Volume against peers ----------------------------------------------------------------------------------


def _member(username: str, agency: Any, role: str) -> Actor:
    user = User.objects.create(username=username, first_name=username.title(), last_name="Tester")
    Membership.objects.create(user=user, agency=agency, role=role, started_at=timezone.now())
    return Actor.of(user, agency)


def _opens(by: Actor, count: int, *, start: int = 1) -> None:
    for person_id in range(start, start + count):
        audit_record(by=by, action="person.viewed", object_type="person", object_id=person_id, purpose="x")


@pytest.fixture
def team(persona: Any) -> dict[str, Actor]:
    """Four practitioners of children's social care and a manager, acting for it."""
    worker = persona("social_worker")
    made = {"worker": Actor.of(worker.user, worker.agency)}
    for name in ("peer1", "peer2", "peer3"):
        made[name] = _member(name, worker.agency, Role.PRACTITIONER)
    made["manager"] = _member("boss", worker.agency, Role.MANAGER)
    return made


def test_volume_far_above_peers_alerted(team: dict[str, Actor]) -> None:
    _opens(team["peer1"], 4)
    _opens(team["peer2"], 6)
    _opens(team["peer3"], 8)
    _opens(team["worker"], 25)  # more than 3 x 6 and more than 20
    _opens(team["manager"], 1)  # another role: not a peer of practitioners
    (alert,) = access_volume_check(day=timezone.localdate(), by=Actor(username="housekeeping"))
    assert (alert.kind, alert.user.username, alert.agency.code) == ("volume", "social_worker", "test-csc")
    assert alert.details == {
        "day": timezone.localdate().isoformat(),
        "cards": 25,
        "peer_median": "6",
        "peers": 3,
        "role": "practitioner",
    }


def test_volume_counts_people_not_reopenings(team: dict[str, Actor]) -> None:
    _opens(team["peer1"], 4)
    _opens(team["peer2"], 6)
    for _ in range(5):
        _opens(team["worker"], 10)  # fifty views of ten people
    assert access_volume_check(day=timezone.localdate(), by=Actor.system()) == []


@pytest.mark.parametrize(("cards", "floor"), [(15, 10), (25, 30)])
def test_volume_below_factor_or_floor_not_alerted(
    team: dict[str, Actor], settings: Any, cards: int, floor: int
) -> None:
    settings.VOLUME_FLOOR = floor
    _opens(team["peer1"], 5)
    _opens(team["peer2"], 5)
    _opens(team["worker"], cards)  # 15 is exactly 3 x 5: not more; 25 is not above a floor of 30
    assert access_volume_check(day=timezone.localdate(), by=Actor.system()) == []


def test_volume_needs_two_peers_to_compare(team: dict[str, Actor]) -> None:
    _opens(team["peer1"], 1)
    _opens(team["worker"], 40)
    assert access_volume_check(day=timezone.localdate(), by=Actor.system()) == []


def test_volume_other_day_not_counted_and_second_run_alerts_nobody_twice(team: dict[str, Actor]) -> None:
    _opens(team["peer1"], 2)
    _opens(team["peer2"], 2)
    _opens(team["worker"], 30)
    today = timezone.localdate()
    assert access_volume_check(day=today - dt.timedelta(days=1), by=Actor.system()) == []
    assert len(access_volume_check(day=today, by=Actor.system())) == 1
    assert access_volume_check(day=today, by=Actor.system()) == []
    assert AuditEvent.objects.filter(action="access_alert.raised").count() == 1


def test_volume_command_checks_yesterday_and_refuses_a_day_not_ended(
    team: dict[str, Actor], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("access_volume")
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert f"{yesterday}: 0 users far above their peers" in capsys.readouterr().out
    with pytest.raises(CommandError, match="a day that has ended"):
        call_command("access_volume", day=timezone.localdate().isoformat())
    with pytest.raises(CommandError, match="--day must be a date like"):
        call_command("access_volume", day="yesterday")


def test_volume_alert_listed_for_the_agencys_ig_officer(team: dict[str, Actor], signed_in: Any) -> None:
    _opens(team["peer1"], 2)
    _opens(team["peer2"], 4)
    _opens(team["worker"], 30)
    access_volume_check(day=timezone.localdate(), by=Actor.system())
    listed = signed_in("ig_officer").get(reverse("people:alerts")).content.decode()
    assert "Far more records opened in a day than their peers: 30 people on" in listed
    assert "30 people on " + timezone.localdate().isoformat() + ", peers' median 3" in listed
