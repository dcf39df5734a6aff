"""Reading the public data sets' tables through ``datasets``, and the split helpers every adapter shares.

A *location* is either a local folder holding a source's files (``../shared/data/davidson2017``)
or a Hugging Face Hub dataset id (``owner/name``) whose repository mirrors that folder's file
layout. Local files go through ``load_dataset("csv", data_files=...)``; a hub id goes through
``load_dataset(hub_id, data_files=<same relative path>)``, so one adapter serves both.
"""

from __future__ import annotations

import csv
import hashlib
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

SourceLocation = str | Path

# owner/name, as the Hub spells repository ids; a local relative path such as
# "../shared/data" never matches because of the dots and the extra slash.
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w-]*/[\w][\w.-]*$")


def is_hub_id(location: SourceLocation) -> bool:
    """True when ``location`` names a Hub dataset rather than a folder on this machine."""
    if isinstance(location, Path):
        return False
    return not Path(location).exists() and bool(_HUB_ID.match(location))


def text_key(text: str) -> str:
    """The identity of a text for deduplication and splitting: casefolded, whitespace collapsed."""
    return " ".join(text.casefold().split())


def hash_split(text: str, dev: float = 0.1, test: float = 0.0) -> str:
    """A fixed split from the text alone: "test" for the first ``test`` fraction of hash space, then "dev", else "train".

    It hashes ``text_key(text)`` rather than the raw text so that copies differing only in case or
    spacing always land on the same side, and it takes no seed, so a split never moves between runs,
    machines or library versions.
    """
    if not (0.0 <= dev and 0.0 <= test and dev + test <= 1.0):
        raise ValueError(f"dev={dev} and test={test} must be fractions summing to at most 1")
    digest = hashlib.sha1(text_key(text).encode("utf-8")).hexdigest()
    position = int(digest[:15], 16) / 16**15  # uniform in [0, 1)
    if position < test:
        return "test"
    if position < test + dev:
        return "dev"
    return "train"


@contextmanager
def _quiet_datasets() -> Iterator[None]:
    """Silence the per-file progress bars ``datasets`` prints, restoring the caller's setting after."""
    import datasets

    bars_were_off = datasets.are_progress_bars_disabled()
    previous_verbosity = datasets.logging.get_verbosity()
    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    try:
        yield
    finally:
        datasets.logging.set_verbosity(previous_verbosity)
        if not bars_were_off:
            datasets.enable_progress_bars()


def _local_header(path: Path, sep: str) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        header = next(csv.reader(f, delimiter=sep))
    # pandas would call an unnamed first column "Unnamed: 0"; give it a stable name instead.
    return [name if name else "row_id" for name in header]


def read_table(location: SourceLocation, relpath: str, *, sep: str = ",", limit: int | None = None) -> list[dict[str, str]]:
    """Rows of one CSV/TSV file as dicts of strings ("" for an empty cell, never NaN).

    Every column is read as a string so that ids keep their leading zeros, chunked reading
    cannot infer different types for one column, and words like "null" or "NA" stay text.
    ``limit`` reads only the first rows (tests use it to stay fast).
    """
    from datasets import Features, Value, concatenate_datasets, load_dataset

    options: dict[str, Any] = {"keep_default_na": False}
    if limit is not None:
        options["nrows"] = limit
    with _quiet_datasets():
        if is_hub_id(location):
            loaded = load_dataset(str(location), data_files=relpath, sep=sep, **options)
        else:
            path = Path(location) / relpath
            if not path.is_file():
                raise FileNotFoundError(f"{path}: no such file")
            header = _local_header(path, sep)
            features = Features({name: Value("string") for name in header})
            loaded = load_dataset(
                "csv", data_files=str(path), sep=sep, column_names=header, header=0, features=features, **options
            )
    # load_dataset returns a DatasetDict (one "train" split for data_files); the rows are what we need.
    parts = list(loaded.values()) if hasattr(loaded, "values") else [loaded]
    table = parts[0] if len(parts) == 1 else concatenate_datasets(parts)
    columns = table.to_dict()
    names = list(columns)
    rows = [dict(zip(names, values)) for values in zip(*(columns[n] for n in names))]
    if limit is not None:
        rows = rows[:limit]
    return [{k: ("" if v is None else str(v)) for k, v in row.items()} for row in rows]


def require_columns(rows: list[dict[str, str]], columns: tuple[str, ...], where: str) -> None:
    """Fail with the missing names when a table (e.g. a Hub mirror) lacks the columns an adapter reads."""
    if not rows:
        return
    missing = [c for c in columns if c not in rows[0]]
    if missing:
        raise ValueError(f"{where}: missing column(s) {', '.join(missing)}; found {', '.join(rows[0])}")
