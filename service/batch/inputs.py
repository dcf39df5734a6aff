"""The inputs of a batch run: files found under the given paths, each with its format, read in a fixed order.

The order is the contract that makes ``--resume`` work: the same inputs always yield the
same items in the same order, so a position ``(file index, item index)`` names one item
across runs. Items are comments and read errors alike.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterator, Sequence

from service.threads.compressed import open_binary
from service.threads.detect import detect_format, is_label_file
from service.threads.readers import FORMATS, Columns, Item, ReadError, read_stream

__all__ = ["InputFile", "InputError", "Position", "expand_inputs", "ItemStream", "fingerprint_inputs"]


class InputError(Exception):
    """A path given on the command line that cannot be used at all."""


@dataclass(frozen=True, order=True)
class Position:
    """The next item to read: item ``item`` (counting from 0) of input file ``file``."""

    file: int = 0
    item: int = 0


@dataclass(frozen=True)
class InputFile:
    path: Path
    name: str  # how outputs refer to the file: the path as given, or joined onto the directory given
    format: str | None
    why: str  # how the format was decided, or why none fits
    size: int
    mtime_ns: int
    ignored: bool = False  # found in a folder but not a dump (a label file): listed, not read

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.name, "format": self.format, "bytes": self.size}
        if self.ignored:
            out["ignored"] = self.why
        return out


def _walk(root: Path, exclude: Path | None) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        # Hidden entries are editor and VCS litter; the output directory must not be read back.
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and (exclude is None or (here / d).resolve() != exclude)
        )
        found.extend(here / f for f in sorted(filenames) if not f.startswith("."))
    return found


def expand_inputs(paths: Sequence[str | Path], fmt: str | None = None, exclude: str | Path | None = None) -> list[InputFile]:
    """Files under ``paths`` in a stable order (directories walked, sorted), each with its format.

    ``fmt`` forces one format on every file; otherwise each is detected.
    """
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"--format {fmt}: expected one of {', '.join(FORMATS)}")
    excluded = Path(exclude).resolve() if exclude else None
    files: list[tuple[Path, bool]] = []  # (file, found by walking a folder)
    for given in paths:
        p = Path(given)
        if p.is_dir():
            files.extend((f, True) for f in _walk(p, excluded))
        elif p.is_file():
            files.append((p, False))
        else:
            raise InputError(f"{p}: no such file or directory")
    out = []
    for f, walked in files:
        st = f.stat()
        if walked and not fmt and is_label_file(f):
            # seeds/ holds the documents and their labels side by side: the labels are not comments to moderate.
            why = "Threadguard label records, not a dump (name the file itself to score it)"
            out.append(InputFile(f, str(f), None, why, st.st_size, st.st_mtime_ns, ignored=True))
            continue
        found, why = (fmt, "--format") if fmt else detect_format(f)
        out.append(InputFile(f, str(f), found, why, st.st_size, st.st_mtime_ns))
    return out


def fingerprint_inputs(inputs: Sequence[InputFile]) -> list[list[Any]]:
    """What must not change between a run and its resumption: each file's name, size, mtime and format."""
    return [[f.name, f.size, f.mtime_ns, f.format] for f in inputs]


class ItemStream:
    """Every item of every input from ``start`` on, as ``(position, item)``; tracks bytes read for progress."""

    def __init__(self, inputs: Sequence[InputFile], columns: Columns = Columns(), start: Position = Position()) -> None:
        self.inputs = list(inputs)
        self.columns = columns
        self.start = start
        self.total_bytes = sum(f.size for f in self.inputs)
        self._done_bytes = sum(f.size for f in self.inputs[: start.file])
        self._raw: BinaryIO | None = None

    @property
    def bytes_read(self) -> int:
        raw = self._raw
        try:
            current = raw.tell() if raw is not None and not raw.closed else 0
        except (OSError, ValueError):
            current = 0
        return self._done_bytes + current

    def __iter__(self) -> Iterator[tuple[Position, Item]]:
        for index in range(self.start.file, len(self.inputs)):
            skip = self.start.item if index == self.start.file else 0
            for item_index, item in enumerate(self._read(self.inputs[index])):
                if item_index >= skip:
                    yield Position(index, item_index), item
            self._done_bytes += self.inputs[index].size

    def _read(self, f: InputFile) -> Iterator[Item]:
        if f.ignored:
            return
        if f.format is None:
            yield ReadError(f.name, "file", f"format not recognised ({f.why}); name it with --format")
            return
        try:
            stream, raw = open_binary(f.path)
        except OSError as exc:
            yield ReadError(f.name, "file", f"cannot open: {exc.strerror or exc}")
            return
        self._raw = raw
        try:
            yield from read_stream(stream, f.format, f.name, self.columns)
        finally:
            self._raw = None
            stream.close()
            raw.close()
