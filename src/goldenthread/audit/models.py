"""The append-only, hash-chained audit log.

Actors are stored as text, not foreign keys: the log must outlive the users, agencies and records it
speaks of, and must never be changed by a cascade.
"""

from __future__ import annotations

from typing import Any

from django.db import models

GENESIS_HASH = "0" * 64


class AuditImmutableError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    # Bulk paths skip Model.save/delete, so they are closed here too.
    def update(self, **kwargs: Any) -> int:
        raise AuditImmutableError("Audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("Audit events cannot be deleted")


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True, help_text="Position in the chain, from 1 without gaps")
    occurred_at = models.DateTimeField(help_text="UTC")
    actor_id = models.CharField(max_length=64, blank=True, help_text="User id as text; blank for the system")
    actor_username = models.CharField(max_length=150, blank=True)
    actor_agency = models.CharField(max_length=64, blank=True, help_text="Agency code as text")
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True, help_text="Never personal data")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor_id", "occurred_at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditImmutableError("Audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("Audit events cannot be deleted")
