"""Run totals built one row at a time: memory grows with distinct threads and authors, never with comments.

Every thread and author costs one counter entry; only those with a flagged comment also get
per-label counts, which keeps a dump of millions of mostly clean comments cheap.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Iterator, Mapping, Sequence

__all__ = ["SummaryBuilder", "TOP_N"]

TOP_N = 50


class _Tally:
    """Comments per key, and for keys with flagged comments: flagged count and per-label counts."""

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = tuple(labels)
        self.comments: Counter[str] = Counter()
        self.flagged: dict[str, list[int]] = {}  # key -> [flagged, count per label...]

    def add(self, key: str, flags: Mapping[str, bool], flagged: bool) -> None:
        self.comments[key] += 1
        if flagged:
            counts = self.flagged.get(key)
            if counts is None:
                counts = self.flagged[key] = [0] * (1 + len(self.labels))
            counts[0] += 1
            for i, label in enumerate(self.labels, 1):
                counts[i] += bool(flags.get(label))

    def entry(self, key: str) -> dict[str, Any]:
        counts = self.flagged.get(key)
        out: dict[str, Any] = {"comments": self.comments[key], "flagged": counts[0] if counts else 0}
        if counts:
            out["labels"] = {label: n for label, n in zip(self.labels, counts[1:]) if n}
        return out

    def table(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every key's entry, one at a time: with a million authors the whole table is never built."""
        for key in self.comments:
            yield key, self.entry(key)

    def top(self, key_name: str, n: int) -> list[dict[str, Any]]:
        # Most flagged first; ties by flagged share, then by name so the order is stable.
        ranked = sorted(self.flagged, key=lambda k: (-self.flagged[k][0], -self.flagged[k][0] / self.comments[k], k))
        return [{key_name: k, **self.entry(k)} for k in ranked[:n]]


class SummaryBuilder:
    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = tuple(labels)
        self.comments = 0
        self.flagged = 0
        self.empty = 0
        self.errors = 0
        self.label_counts: Counter[str] = Counter()
        self.span_counts: Counter[str] = Counter()
        self.threads = _Tally(self.labels)
        self.authors = _Tally(self.labels)
        self.files: dict[str, list[int]] = {}  # file -> [comments, errors]

    def _file(self, name: str) -> list[int]:
        counts = self.files.get(name)
        if counts is None:
            counts = self.files[name] = [0, 0]
        return counts

    def add_comment(self, row: Mapping[str, Any]) -> None:
        self.comments += 1
        self.empty += not row["text"].strip()
        flags = row["flags"]
        flagged = bool(row["flagged"])
        self.flagged += flagged
        self.label_counts.update(label for label, on in flags.items() if on)
        self.span_counts.update(span["label"] for span in row["spans"])
        self.threads.add(row["thread_id"], flags, flagged)
        if row.get("author"):
            self.authors.add(row["author"], flags, flagged)
        self._file(row["file"])[0] += 1

    def add_error(self, row: Mapping[str, Any]) -> None:
        self.errors += 1
        self._file(row["file"])[1] += 1

    def add_rows(self, comments: Iterable[Mapping[str, Any]], errors: Iterable[Mapping[str, Any]]) -> None:
        for row in comments:
            self.add_comment(row)
        for row in errors:
            self.add_error(row)

    def to_dict(self, model: Mapping[str, Any], inputs: Sequence[Mapping[str, Any]], run: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "model": dict(model),
            "comments": self.comments,
            "flagged": self.flagged,
            "empty": self.empty,
            "skipped": self.errors,
            "labels": {label: self.label_counts[label] for label in self.labels},
            "span_labels": dict(sorted(self.span_counts.items())),
            "threads": len(self.threads.comments),
            "authors": len(self.authors.comments),
            "most_flagged_threads": self.threads.top("thread_id", TOP_N),
            "most_flagged_authors": self.authors.top("author", TOP_N),
            "inputs": [
                {**dict(f), "comments": self.files.get(f["file"], [0, 0])[0], "skipped": self.files.get(f["file"], [0, 0])[1]}
                for f in inputs
            ],
            "run": dict(run),
        }

    def tables(self) -> dict[str, Iterator[tuple[str, dict[str, Any]]]]:
        """``per_thread`` and ``per_author`` for summary.json, streamed (see ``outputs.write_summary``)."""
        return {"per_thread": self.threads.table(), "per_author": self.authors.table()}
