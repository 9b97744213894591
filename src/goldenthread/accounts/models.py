from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships of agencies, never from here."""

    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField("Work phone", max_length=40, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
