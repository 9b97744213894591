"""Signed heads of the audit chain: an Ed25519 signature over (sequence, hash, time), as one JSON line.

A head kept outside the database (by partner agencies) lets anyone holding the public key prove later that
the log still contains what the head covered, even against someone who can rewrite the whole chain:
re-hashing changes the head's hash, and they cannot sign a new head without the private key.

No Django here: settings validate the key with it, and a partner can check heads with nothing else.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

# Domain separation: a signature over a head can never be passed off as a signature over anything else.
_CONTEXT = "goldenthread-audit-head-v1"
_HASH = re.compile(r"^[0-9a-f]{64}$")
_HEAD_FIELDS = ("seq", "hash", "signed_at", "key_id", "signature")


class SigningKeyError(ValueError):
    """A key that cannot be used, with a message saying what is wrong with it."""


class HeadFormatError(ValueError):
    """A line that is not a signed head."""


def _key_bytes(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SigningKeyError(f"{what} is not base64 text") from None
    if len(raw) != 32:
        raise SigningKeyError(f"{what} must be 32 bytes in base64 (44 characters); got {len(raw)} bytes")
    return raw


def signing_key_new() -> str:
    """A fresh private key as base64 text, the form GOLDENTHREAD_AUDIT_SIGNING_KEY takes."""
    raw = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode("ascii")


def signing_key_parse(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_key_bytes(text, "the audit signing key"))


def public_key_text(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def public_key_parse(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_key_bytes(text, "the public key"))


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short fingerprint, so a head names the key that signed it and a reader sees a key mismatch."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def signed_at_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _message(seq: int, head_hash: str, signed_at: str) -> bytes:
    return f"{_CONTEXT}\n{seq}\n{head_hash}\n{signed_at}".encode()


@dataclass(frozen=True)
class SignedHead:
    seq: int
    hash: str
    signed_at: str
    key_id: str
    signature: str

    def json_line(self) -> str:
        return json.dumps({name: getattr(self, name) for name in _HEAD_FIELDS}, separators=(",", ":"))

    def signature_valid(self, public_keys: Iterable[Ed25519PublicKey]) -> bool:
        try:
            signature = base64.b64decode(self.signature, validate=True)
        except (binascii.Error, ValueError):
            return False
        message = _message(self.seq, self.hash, self.signed_at)
        for public_key in public_keys:
            try:
                public_key.verify(signature, message)
            except InvalidSignature:
                continue
            return True
        return False


def head_sign(private_key: Ed25519PrivateKey, *, seq: int, head_hash: str, signed_at: datetime) -> SignedHead:
    at = signed_at_text(signed_at)
    signature = private_key.sign(_message(seq, head_hash, at))
    return SignedHead(
        seq=seq,
        hash=head_hash,
        signed_at=at,
        key_id=key_id(private_key.public_key()),
        signature=base64.b64encode(signature).decode("ascii"),
    )


def head_parse(line: str) -> SignedHead:
    """One line of a head file; HeadFormatError says what is wrong with it."""
    try:
        data: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        raise HeadFormatError(f"not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise HeadFormatError("not a JSON object")
    missing = [name for name in _HEAD_FIELDS if name not in data]
    if missing:
        raise HeadFormatError(f"missing {', '.join(missing)}")
    seq = data["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise HeadFormatError("seq must be a whole number from 1")
    if not isinstance(data["hash"], str) or not _HASH.match(data["hash"]):
        raise HeadFormatError("hash must be 64 lower-case hex digits")
    for name in ("signed_at", "key_id", "signature"):
        if not isinstance(data[name], str):
            raise HeadFormatError(f"{name} must be text")
    return SignedHead(
        seq=seq,
        hash=data["hash"],
        signed_at=data["signed_at"],
        key_id=data["key_id"],
        signature=data["signature"],
    )
