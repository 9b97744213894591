"""Out of hours, for unusual-access alerts on cards opened outside the working day.

Working days are core.worktime's (Monday to Friday except the bank holidays of England and Wales and the
closure days in ``GOLDENTHREAD_EXTRA_CLOSURE_DAYS``, the same days the exchange's deadlines count). The
hours are the alert's own window, ``GOLDENTHREAD_WORKING_HOURS`` (08:00-18:00 local time), wider than the
exchange's deadline clock (``GOLDENTHREAD_WORKING_DAY_START``/``_END``) so early and late shifts do not alert.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from goldenthread.core.worktime import is_working_day


def is_out_of_hours(moment: datetime) -> bool:
    """Outside the working day (local time), or on a day that is not a working day."""
    local = timezone.localtime(moment)
    start, end = settings.WORKING_HOURS
    return not is_working_day(local.date()) or not (start <= local.time().replace(tzinfo=None) < end)
