"""How an audit event's hash is computed. Shared by the writer and the verifier so they cannot drift."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def event_hash(
    *,
    seq: int,
    occurred_at: datetime,
    actor_id: str,
    actor_username: str,
    actor_agency: str,
    action: str,
    object_type: str,
    object_id: str,
    purpose: str,
    details: dict[str, Any],
    prev_hash: str,
) -> str:
    # Microsecond ISO time in UTC and sorted-key JSON make the digest identical on SQLite and PostgreSQL.
    payload = {
        "seq": seq,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_username": actor_username,
        "actor_agency": actor_agency,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "purpose": purpose,
        "details": details,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def details_check(value: Any, path: str = "details") -> None:
    """Details must read back from the database exactly as written, or the hash would break.

    PostgreSQL's jsonb turns 1e20 into an integer and -0.0 into 0.0, so floats are refused; so is anything
    JSON cannot hold. Strings, whole numbers, booleans and null, in lists and string-keyed objects, are safe.
    """
    if value is None or isinstance(value, str | bool):
        return
    if isinstance(value, int):
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            details_check(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{path}: keys must be strings")
            details_check(item, f"{path}.{key}")
        return
    raise ValueError(f"{path}: {type(value).__name__} is not allowed in audit details (use str or int)")
