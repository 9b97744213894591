"""The partnership's configuration of the exchange: priorities, their ladders, request types' defaults."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction

from goldenthread.agencies.permissions import Permission
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.core.errors import NON_FIELD
from goldenthread.exchange.actions.common import (
    ExchangeError,
    can,
)
from goldenthread.exchange.models import (
    EscalationStep,
    Priority,
    RequestType,
)


@transaction.atomic
def priorities_update(
    *,
    hours: Mapping[str, int],
    type_priorities: Mapping[str, str],
    ladders: Mapping[str, Sequence[int]] | None = None,
    by: Actor,
) -> list[str]:
    """The partnership's administrator sets each priority's working hours, its ladder's rungs (working
    hours after the deadline, in order) and each request type's default priority; returns what changed
    (audited). A request already sent keeps the deadline it was given; its ladder follows the new rungs."""
    user = by.signed_in_user()
    if not can(user, Permission.MANAGE_AGENCIES, by.agency):
        raise ExchangeError("Only the partnership's administrator can change priorities and timescales")
    priorities = {p.code: p for p in Priority.objects.select_for_update()}
    problems: dict[str, list[str]] = {}
    for code, value in hours.items():
        if code not in priorities:
            problems.setdefault(NON_FIELD, []).append(f"There is no priority {code!r}")
        elif not isinstance(value, int) or not 1 <= value <= 2000:
            problems[f"hours_{code}"] = ["Enter a whole number of working hours from 1 to 2000"]
    steps = {
        code: list(
            EscalationStep.objects.select_for_update().filter(priority__code=code).order_by("position")
        )
        for code in (ladders or {})
    }
    for code, rungs in (ladders or {}).items():
        if code not in priorities or len(rungs) != len(steps[code]):
            problems.setdefault(NON_FIELD, []).append(f"The ladder of {code!r} has other rungs")
        elif any(not 0 <= h <= 2000 for h in rungs) or list(rungs) != sorted(rungs):
            problems[f"ladder_{code}_1"] = [
                f"{priorities[code].name}: each rung comes no earlier than the one before, 0 to 2000 hours"
            ]
    types = {t.code: t for t in RequestType.objects.select_for_update()}
    for code, priority_code in type_priorities.items():
        if code not in types or priority_code not in priorities:
            problems[f"type_{code}"] = ["Select a priority for this request type"]
    if problems:
        raise ExchangeError(problems)
    changed = []
    for code, value in hours.items():
        priority = priorities[code]
        if priority.hours != value:
            changed.append(f"{priority.name}: {priority.hours} to {value} working hours")
            priority.hours = value
            priority.save(update_fields=["hours"])
    for code, rungs in (ladders or {}).items():
        for step, after in zip(steps[code], rungs, strict=True):
            if step.after_hours != after:
                changed.append(
                    f"{priorities[code].name} rung {step.position}: {step.after_hours} to {after} hours"
                )
                step.after_hours = after
                step.save(update_fields=["after_hours"])
    for code, priority_code in type_priorities.items():
        request_type = types[code]
        if request_type.default_priority_id != priorities[priority_code].pk:
            changed.append(f"{request_type.code}: default {priority_code}")
            request_type.default_priority = priorities[priority_code]
            request_type.save(update_fields=["default_priority"])
    if changed:
        audit_record(by=by, action="exchange.priorities_changed", details={"changes": changed})
    return changed
