"""One-time links with which a person chooses their own password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


class SetUpTokenGenerator(PasswordResetTokenGenerator):
    # A separate salt, so a token for one purpose never works for another; the password hash in the value
    # makes the link die as soon as it is used (or a newer link is sent).
    key_salt = "goldenthread.accounts.setup_tokens.SetUpTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{user.pk}{user.password}{user.session_generation}{timestamp}{user.is_active}"


setup_token_generator = SetUpTokenGenerator()


def setup_link_path(user: Any) -> str:
    return reverse(
        "accounts:set-up",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": setup_token_generator.make_token(user),
        },
    )
