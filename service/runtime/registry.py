"""Versioned model directories and the pointer to the active one.

Layout: ``<root>/<version>/`` (a model directory each) and ``<root>/ACTIVE``, a one-line file
naming the active version. The pointer is replaced atomically, and only after the target
directory has been verified, so a reader sees either the old or the new version, never a
half-promoted one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from service.io import atomic_write_text
from service.runtime.bundle import MANIFEST, ModelError, read_manifest

ACTIVE = "ACTIVE"
VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class RegistryEntry:
    version: str
    path: Path
    created: str
    parent: str | None
    active: bool

    def to_dict(self) -> dict:
        return {"version": self.version, "path": str(self.path), "created": self.created, "parent": self.parent, "active": self.active}


class Registry:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path_of(self, version: str) -> Path:
        if not VERSION_PATTERN.match(version):
            raise ModelError(f"version {version!r}: use letters, digits, '.', '_' or '-' (at most 64)")
        return self.root / version

    def active_version(self) -> str | None:
        pointer = self.root / ACTIVE
        if not pointer.is_file():
            return None
        version = pointer.read_text(encoding="utf-8").strip()
        return version or None

    def active_dir(self) -> Path | None:
        version = self.active_version()
        return self.path_of(version) if version else None

    def set_active(self, version: str) -> Path:
        """Point ACTIVE at ``version`` after verifying its directory; raises ModelError otherwise."""
        path = self.path_of(version)
        read_manifest(path)
        atomic_write_text(self.root / ACTIVE, version + "\n")
        return path

    def entries(self) -> list[RegistryEntry]:
        active = self.active_version()
        out: list[RegistryEntry] = []
        if not self.root.is_dir():
            return out
        for d in sorted(p for p in self.root.iterdir() if p.is_dir() and (p / MANIFEST).is_file()):
            try:
                m = json.loads((d / MANIFEST).read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                continue
            out.append(RegistryEntry(d.name, d, m.get("created", ""), m.get("parent_version"), d.name == active))
        return sorted(out, key=lambda e: e.created)
