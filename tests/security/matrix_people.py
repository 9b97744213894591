"""Access matrix rows for the child index (people app)."""

from __future__ import annotations

from tests.security.access import Case

MATRIX: dict[str, Case] = {}
