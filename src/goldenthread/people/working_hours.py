"""The working day, for unusual-access alerts on cards opened out of hours.

Working days are Monday to Friday except the bank holidays of England and Wales (the maintained ``holidays``
library) and the closure days in ``GOLDENTHREAD_EXTRA_CLOSURE_DAYS``, as for the decision guide's deadlines
(sharing/workdays.py, a layer above, keeps its own copy of the day rule); the working day is
``GOLDENTHREAD_WORKING_HOURS`` (08:00-18:00), local time.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return (
        day.weekday() < 5
        and day not in _bank_holidays(day.year)
        and day not in settings.GOLDENTHREAD_EXTRA_CLOSURE_DAYS
    )


def is_out_of_hours(moment: datetime) -> bool:
    """Outside the working day (local time), or on a day that is not a working day."""
    local = timezone.localtime(moment)
    start, end = settings.WORKING_HOURS
    return not is_working_day(local.date()) or not (start <= local.time().replace(tzinfo=None) < end)
