"""Working days, for the deadline of an emergency decision's endorsement.

Monday to Friday are working days. Bank holidays differ across the UK and by year, so they are
configuration: ``GOLDENTHREAD_BANK_HOLIDAYS`` in settings, a list of ISO dates ("2025-12-25"), if set.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone


def bank_holidays() -> frozenset[date]:
    raw: Iterable[str] = getattr(settings, "GOLDENTHREAD_BANK_HOLIDAYS", ())
    return frozenset(date.fromisoformat(day) for day in raw)


def is_working_day(day: date, holidays: frozenset[date] | None = None) -> bool:
    holidays = bank_holidays() if holidays is None else holidays
    return day.weekday() < 5 and day not in holidays


def one_working_day_after(moment: datetime, holidays: frozenset[date] | None = None) -> datetime:
    """The same local time of day on the next working day: Friday 15:00 gives Monday 15:00."""
    holidays = bank_holidays() if holidays is None else holidays
    local = timezone.localtime(moment)
    day = local.date() + timedelta(days=1)
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    naive = datetime.combine(day, local.time().replace(tzinfo=None))
    return timezone.make_aware(naive, timezone.get_current_timezone())
