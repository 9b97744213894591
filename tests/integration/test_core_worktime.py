"""Working time (core.worktime): deadlines in working hours across weekends, holidays and clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from goldenthread.core.worktime import add_working_hours, hours_text, working_hours_between

LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def test_add_working_hours_within_one_day() -> None:
    assert add_working_hours(at(2026, 3, 3, 10), 4) == at(2026, 3, 3, 14)


def test_add_working_hours_ending_at_close_stays_at_close() -> None:
    assert add_working_hours(at(2026, 3, 3, 13), 4) == at(2026, 3, 3, 17)


def test_add_working_hours_outside_hours_starts_next_morning() -> None:
    assert add_working_hours(at(2026, 3, 3, 18, 30), 4) == at(2026, 3, 4, 13)
    assert add_working_hours(at(2026, 3, 4, 6), 4) == at(2026, 3, 4, 13)


def test_add_working_hours_friday_afternoon_skips_the_weekend() -> None:
    assert add_working_hours(at(2026, 3, 6, 16), 4) == at(2026, 3, 9, 12)
    assert add_working_hours(at(2026, 3, 7, 11), 4) == at(2026, 3, 9, 13)


def test_add_working_hours_amber_and_green_span_days() -> None:
    assert add_working_hours(at(2026, 3, 2, 9), 24) == at(2026, 3, 4, 17)
    assert add_working_hours(at(2026, 3, 2, 10), 72) == at(2026, 3, 13, 10)


def test_add_working_hours_over_christmas_and_boxing_day() -> None:
    # 2026: Christmas Day is a Friday, Boxing Day a Saturday, so its bank holiday is Monday 28th.
    assert add_working_hours(at(2026, 12, 24, 15), 4) == at(2026, 12, 29, 11)
    assert working_hours_between(at(2026, 12, 24, 15), at(2026, 12, 29, 11)) == timedelta(hours=4)


def test_add_working_hours_over_easter() -> None:
    # 2026: Good Friday 3 April, Easter Monday 6 April.
    assert add_working_hours(at(2026, 4, 2, 16), 4) == at(2026, 4, 7, 12)


def test_add_working_hours_skips_local_closure_days(settings: Any) -> None:
    settings.GOLDENTHREAD_EXTRA_CLOSURE_DAYS = (date(2026, 12, 29), date(2026, 12, 30))
    assert add_working_hours(at(2026, 12, 24, 15), 4) == at(2026, 12, 31, 11)


def test_add_working_hours_across_the_march_clock_change() -> None:
    # Clocks go forward at 01:00 GMT on Sunday 29 March 2026: Friday is GMT, Monday is BST.
    start, due = at(2026, 3, 27, 16), add_working_hours(at(2026, 3, 27, 16), 4)
    assert due == at(2026, 3, 30, 12)
    assert due.utcoffset() == timedelta(hours=1) and start.utcoffset() == timedelta(0)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 11, 0, tzinfo=UTC)
    assert working_hours_between(start, due) == timedelta(hours=4)


def test_add_working_hours_across_the_october_clock_change() -> None:
    # Clocks go back at 01:00 GMT on Sunday 25 October 2026: Friday is BST, Monday is GMT.
    start, due = at(2026, 10, 23, 16), add_working_hours(at(2026, 10, 23, 16), 4)
    assert due == at(2026, 10, 26, 12)
    assert due.astimezone(UTC) == datetime(2026, 10, 26, 12, 0, tzinfo=UTC)
    assert working_hours_between(start, due) == timedelta(hours=4)
    # Python subtracts two times of one zone by their wall clocks, an hour short across the change: the
    # real time between them is measured in UTC.
    assert due - start == timedelta(days=2, hours=20)
    assert due.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=2, hours=21)


def test_add_working_hours_follows_the_configured_working_day(settings: Any) -> None:
    settings.GOLDENTHREAD_WORKING_DAY_START = time(8, 30)
    settings.GOLDENTHREAD_WORKING_DAY_END = time(16, 30)
    assert add_working_hours(at(2026, 3, 3, 15), 4) == at(2026, 3, 4, 11)


def test_add_working_hours_refuses_negative_hours() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_hours(at(2026, 3, 3, 10), -1)


def test_working_hours_between_counts_only_working_hours() -> None:
    assert working_hours_between(at(2026, 3, 6, 16), at(2026, 3, 9, 10)) == timedelta(hours=2)
    assert working_hours_between(at(2026, 3, 7, 9), at(2026, 3, 8, 17)) == timedelta(0)
    assert working_hours_between(at(2026, 3, 9, 10), at(2026, 3, 6, 16)) == timedelta(hours=-2)


def test_hours_text_reads_as_people_say_it() -> None:
    assert hours_text(timedelta(hours=3, minutes=20)) == "3 hours 20 minutes"
    assert hours_text(timedelta(hours=1)) == "1 hour"
    assert hours_text(timedelta(minutes=-45)) == "45 minutes"
    assert hours_text(timedelta(0)) == "0 minutes"
