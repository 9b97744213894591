from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships of agencies, never from here."""

    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField("Work phone", max_length=40, blank=True)
    # Bumped to end every live session at its next request (deactivation, lost phone, last membership ended):
    # it is part of the session hash, so Django itself discards sessions made before the bump.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        key_salt = "goldenthread.accounts.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_generation}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()
