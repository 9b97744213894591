"""Reading the service's environment variables, loud and specific about a bad value.

Pure Python, no Django: the settings (``config/settings.py``), the ``goldenthread`` command and the pure
``goldenthread link`` all read their variables through these helpers, so every bad value is one line naming
the variable, what it must be and what it got, never a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

SHOWN = 40  # characters of a bad value repeated in the message


class EnvironmentValueError(ValueError):
    """A variable holds a value the service cannot use; the message names the variable."""


def _shown(raw: str) -> str:
    return repr(raw if len(raw) <= SHOWN else raw[:SHOWN] + "...")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int = 1,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """A whole number within [minimum, maximum]; ``default`` when unset or empty."""
    raw = (os.environ if environ is None else environ).get(name, "").strip()
    if raw == "":
        return default
    if not re.fullmatch(r"[+-]?\d{1,18}", raw):
        raise EnvironmentValueError(f"{name} must be a whole number; got {_shown(raw)}")
    value = int(raw)
    if value < minimum:
        raise EnvironmentValueError(f"{name} must be at least {minimum:,}; got {value:,}")
    if maximum is not None and value > maximum:
        raise EnvironmentValueError(f"{name} must be at most {maximum:,}; got {value:,}")
    return value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    raw = (os.environ if environ is None else environ).get(name, "").strip()
    if raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise EnvironmentValueError(f"{name} must be true or false; got {_shown(raw)}")


_MEMORY = re.compile(r"(?i)\d{1,6}\s*(?:[kmgt]i?b?)")


def env_memory(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    """An amount of memory such as ``4g``, ``4GB`` or ``512MiB`` (DuckDB's and Spark's own forms)."""
    raw = (os.environ if environ is None else environ).get(name, "").strip()
    if raw == "":
        return default
    if not _MEMORY.fullmatch(raw):
        raise EnvironmentValueError(
            f"{name} must be an amount of memory such as 4g or 512MB; got {_shown(raw)}"
        )
    return raw


_BIND = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})")


def env_bind(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    """``HOST:PORT`` for the web server to listen on."""
    raw = (os.environ if environ is None else environ).get(name, "").strip()
    if raw == "":
        return default
    match = _BIND.fullmatch(raw)
    if match is None or not 1 <= int(match.group(1)) <= 65535:
        raise EnvironmentValueError(
            f"{name} must be HOST:PORT with a port from 1 to 65535; got {_shown(raw)}"
        )
    return raw
