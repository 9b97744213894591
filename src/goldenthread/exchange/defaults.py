"""The exchange's starting configuration: the common MASH scheme of priorities and their ladders.

Seeded by migration 0002; ``defaults_ensure`` puts back whatever is missing (a database emptied by a
test's flush, or one whose administrator removed a type), never changing what an administrator set.
"""

from __future__ import annotations

PRIORITIES = (
    ("red", "Red", 4, "red", "Immediate risk: answer within the working day"),
    ("amber", "Amber", 24, "orange", "Risk of significant harm: answer within three working days"),
    ("green", "Green", 72, "green", "No immediate risk: answer within nine working days"),
)
# Working hours after the deadline, and whom each rung tells: the assigned practitioner at the deadline,
# their manager two working hours later, then the DSL or head of service, then the Caldicott Guardian or IG.
LADDER = ((0, "assigned"), (2, "manager"), (4, "dsl"), (8, "governance"))


def defaults_ensure() -> None:
    from goldenthread.exchange.models import EscalationStep, Priority, RequestType
    from goldenthread.exchange.request_types import TYPES

    made = {}
    for position, (code, name, hours, colour, description) in enumerate(PRIORITIES, start=1):
        priority, created = Priority.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "hours": hours,
                "colour": colour,
                "position": position,
                "description": description,
            },
        )
        made[code] = priority
        if created:
            for rung, (after, target) in enumerate(LADDER, start=1):
                EscalationStep.objects.create(
                    priority=priority, position=rung, after_hours=after, target=target
                )
    for position, spec in enumerate(TYPES, start=1):
        RequestType.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "description": spec.description,
                "default_priority": made[spec.default_priority],
                "position": position,
            },
        )
