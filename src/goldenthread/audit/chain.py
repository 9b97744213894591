"""How an audit event's hash is computed. Shared by the writer and the verifier so they cannot drift."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
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
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
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
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
