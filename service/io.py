"""Atomic file writes: write a sibling temp file, fsync, rename over the target."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import ContextManager, Iterator, TextIO


def _default_mode() -> int:
    # mkstemp creates 0600 files; outputs should get the permissions open() would give them.
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _default_mode()


@contextmanager
def _replacing(path: str | Path, mode: str, **open_args) -> Iterator:
    """A temp file beside ``path`` that replaces it on success and vanishes on failure."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _FILE_MODE)
        with os.fdopen(fd, mode, **open_args) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with _replacing(path, "wb") as f:
        f.write(data)


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_open(path: str | Path, newline: str | None = None) -> ContextManager[TextIO]:
    """Write a text file that appears whole or not at all: ``with atomic_open(p) as f: f.write(...)``.

    For outputs too large to build in memory first (a CSV of every comment); on an
    exception the temp file is removed and the target is left untouched.
    """
    return _replacing(path, "w", encoding="utf-8", newline=newline)
