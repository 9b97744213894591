"""Working time: the clock deadlines run on (an emergency decision's endorsement, the exchange's requests).

A working day is Monday to Friday, except the bank holidays of England and Wales (from the maintained
``holidays`` library, so a new year or a one-off holiday needs no change here) and the agencies' own
closure days (``GOLDENTHREAD_EXTRA_CLOSURE_DAYS``). Its working hours run from
``GOLDENTHREAD_WORKING_DAY_START`` to ``GOLDENTHREAD_WORKING_DAY_END`` (09:00 to 17:00), local time in
Europe/London. The clocks change at night, outside working hours, so a working hour is always an hour of
real time; durations are measured between UTC instants all the same, never between wall-clock readings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone

ZERO = timedelta(0)


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share one list of bank holidays; the library files them under England.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_closed(day: date) -> bool:
    """A bank holiday in England and Wales, or a closure day the installation configured."""
    return day in bank_holidays(day.year) or day in settings.GOLDENTHREAD_EXTRA_CLOSURE_DAYS


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_closed(day)


def _at(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock), timezone.get_current_timezone())


def working_window(day: date) -> tuple[datetime, datetime] | None:
    """The start and end of the working hours of ``day``, or None when it is not a working day."""
    if not is_working_day(day):
        return None
    return _at(day, settings.GOLDENTHREAD_WORKING_DAY_START), _at(day, settings.GOLDENTHREAD_WORKING_DAY_END)


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def one_working_day_after(moment: datetime) -> datetime:
    """The same local time of day on the next working day: Friday 15:00 gives Monday 15:00."""
    local = timezone.localtime(moment)
    naive = datetime.combine(_next_working_day(local.date()), local.time().replace(tzinfo=None))
    return timezone.make_aware(naive, timezone.get_current_timezone())


def add_working_hours(moment: datetime, hours: float | timedelta) -> datetime:
    """The moment ``hours`` working hours after ``moment``: red 4 hours from Friday 16:00 is Monday 12:00.

    Time outside working hours does not count: from 18:00, or a Saturday, the count starts at the next
    working day's start. A count that ends exactly at a day's close ends there (17:00), not the next
    morning. Zero hours gives ``moment`` itself.
    """
    remaining = hours if isinstance(hours, timedelta) else timedelta(hours=hours)
    if remaining < ZERO:
        raise ValueError("Working hours to add must not be negative")
    if remaining == ZERO:
        return moment
    current = timezone.localtime(moment)
    day = current.date()
    while True:
        window = working_window(day)
        if window is not None and current < window[1]:
            start = max(current, window[0])
            available = window[1] - start  # same day and same offset: the clocks change at night
            if remaining <= available:
                return timezone.localtime(start + remaining)
            remaining -= available
        day = _next_working_day(day)
        current = _at(day, time.min)


def working_hours_between(start: datetime, end: datetime) -> timedelta:
    """The working time from ``start`` to ``end`` (negative when ``end`` comes first)."""
    if end < start:
        return -working_hours_between(end, start)
    total = ZERO
    first, last = timezone.localtime(start).date(), timezone.localtime(end).date()
    day = first
    while day <= last:
        window = working_window(day)
        if window is not None:
            low, high = max(start, window[0]), min(end, window[1])
            if high > low:
                total += high.astimezone(UTC) - low.astimezone(UTC)
        day += timedelta(days=1)
    return total


def hours_text(span: timedelta) -> str:
    """A working-time span as people say it: "3 hours 20 minutes", "45 minutes", "0 minutes"."""
    minutes = int(abs(span).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)
