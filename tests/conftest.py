"""Shared fixtures. Imports of Django code stay inside fixtures so pure unit tests run without Django."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def persona(db: Any) -> Any:
    """persona("police_officer") makes that persona, once per test."""
    from tests.support.personas import persona_make

    made: dict[str, Any] = {}

    def make(name: str) -> Any:
        if name not in made:
            made[name] = persona_make(name)
        return made[name]

    return make


@pytest.fixture
def signed_in(persona: Any) -> Any:
    """signed_in("manager") returns a Client with a fully signed-in session for that persona."""
    from tests.support.personas import client_signed_in

    def make(name: str) -> Any:
        return client_signed_in(persona(name))

    return make
