"""The append-only, hash-chained audit log.

Actors are stored as text, not foreign keys: the log must outlive the users, agencies and records it
speaks of, and must never be changed by a cascade.
"""

from __future__ import annotations

from django.db import models

from goldenthread.core.immutable import ImmutableModel, ImmutableQuerySet, ImmutableRecordError

GENESIS_HASH = "0" * 64


# Kept under its old name for callers that catch it.
AuditImmutableError = ImmutableRecordError


class AuditEvent(ImmutableModel):
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

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor_id", "occurred_at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(ImmutableModel):
    """A signed head as published, kept so an operator can hand partners any earlier one again.

    Only a copy held outside the database proves anything; this table is a convenience, not evidence.
    """

    seq = models.PositiveBigIntegerField(help_text="The newest event the head covers")
    hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    key_id = models.CharField(max_length=16, help_text="Fingerprint of the signing key's public half")
    signature = models.CharField(max_length=100, help_text="Ed25519, base64")

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"head {self.seq}:{self.hash[:12]}… signed {self.signed_at:%Y-%m-%d %H:%M}"
