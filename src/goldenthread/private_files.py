"""Files the service writes (database, mail holding set-up links, keys, uploads) are for its own user alone.

No Django here: settings and the entry points call it before anything is written.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Group and others get nothing on whatever the process creates from now on.
PRIVATE_UMASK = 0o077


def private_umask() -> None:
    os.umask(PRIVATE_UMASK)


def private_files_tighten(root: Path) -> None:
    """Take group and other permissions off ``root`` and everything under it.

    Older releases wrote the embedded database and var/mail world-readable; a restart puts that right.
    Symbolic links are left alone (chmod would follow them out of the directory).
    """
    if not root.is_dir() or root.is_symlink():
        return
    _tighten(root)
    for directory, subdirectories, files in os.walk(root):
        for name in [*subdirectories, *files]:
            _tighten(Path(directory) / name)


def _tighten(path: Path) -> None:
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:  # removed meanwhile, e.g. a SQLite journal
        return
    if stat.S_ISLNK(mode) or not (mode & PRIVATE_UMASK):
        return
    try:
        path.chmod(stat.S_IMODE(mode) & ~PRIVATE_UMASK)
    except FileNotFoundError:
        return


def private_file_write(path: Path, text: str) -> None:
    """Create ``path`` readable by its owner only from the first byte (no window in which others can read)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)


def private_file_write_bytes(path: Path, data: bytes) -> None:
    """Like ``private_file_write`` for bytes; a file already there is left as it is (content-addressed)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


# What an upload is, by its first bytes (and a PDF's end-of-file marker), never by its name or the type the
# browser claims: (kind, file suffix).
_SIGNATURES: tuple[tuple[str, bytes], ...] = (
    ("pdf", b"%PDF-"),
    ("png", b"\x89PNG\r\n\x1a\n"),
    ("jpeg", b"\xff\xd8\xff"),
)


def upload_kind(data: bytes) -> str:
    """The kind of an upload by its content: "pdf", "png" or "jpeg" (a PDF must also end with its %%EOF
    marker), else ""."""
    for kind, magic in _SIGNATURES:
        if data.startswith(magic):
            if kind == "pdf" and b"%%EOF" not in data[-1024:]:
                return ""
            return kind
    return ""
