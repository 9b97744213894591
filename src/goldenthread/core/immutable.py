"""Records written once and never changed or removed in place: audit events, decisions, link history.

A correction is a new record pointing at the old one. The database enforces the same with triggers where
each app's migrations add them; this base closes the paths through the ORM.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class ImmutableRecordError(ValueError):
    """Raised when code tries to change or remove an append-only record."""


def _refusal(model: Any, verb: str) -> ImmutableRecordError:
    return ImmutableRecordError(f"{model._meta.verbose_name} records are append-only: they cannot be {verb}")


class ImmutableModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise _refusal(self, "changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refusal(self, "deleted")


class ImmutableQuerySet(models.QuerySet[Any]):
    """Bulk paths skip Model.save/delete; a model whose rows must never change closes them here too."""

    def update(self, **kwargs: Any) -> int:
        raise _refusal(self.model, "changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refusal(self.model, "deleted")
