"""Access matrix rows for decisions, disclosures, requests and advice (sharing app)."""

from __future__ import annotations

from tests.security.access import Case

MATRIX: dict[str, Case] = {}
