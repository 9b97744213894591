"""Working days, for the deadline of an emergency decision's endorsement.

Monday to Friday are working days, except the bank holidays of England and Wales (from the maintained
``holidays`` library, so a new year or a one-off holiday needs no change here) and the agencies' own
closure days, given in ``GOLDENTHREAD_EXTRA_CLOSURE_DAYS`` (read into the setting of the same name).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share one list of bank holidays; the library files them under England.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_closed(day: date) -> bool:
    """A bank holiday in England and Wales, or a closure day the installation configured."""
    return day in bank_holidays(day.year) or day in settings.GOLDENTHREAD_EXTRA_CLOSURE_DAYS


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_closed(day)


def one_working_day_after(moment: datetime) -> datetime:
    """The same local time of day on the next working day: Friday 15:00 gives Monday 15:00."""
    local = timezone.localtime(moment)
    day = local.date() + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    naive = datetime.combine(day, local.time().replace(tzinfo=None))
    return timezone.make_aware(naive, timezone.get_current_timezone())
