"""The public data catalogue: load sources as ``Record``s, deduplicate across them, add weak spans, summarise.

Training calls ``load_sources`` (everything it needs in one go) and ``stats_table``;
``threadguard data stats`` prints the latter. Paths default to ``../shared/data``, relative to
the working directory (the repository root), and nothing is written into the repository.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

from service.schema import LABELS, SPAN_LABELS, SPLITS, Record
from training.data.lexicon import WEAK_SPAN_WEIGHT, add_lexicon_spans
from training.data.sources import REQUIRED_FILES, SOURCES
from training.data.tables import hash_split, is_hub_id, text_key

__all__ = [
    "SOURCE_NAMES",
    "WEAK_SPAN_WEIGHT",
    "add_lexicon_spans",
    "deduplicate",
    "hash_split",
    "load_source",
    "load_sources",
    "source_available",
    "stats_table",
]

DEFAULT_DATA_DIR = Path("../shared/data")

# Also the precedence order of deduplicate: among copies in the same split, the earlier source keeps the text.
SOURCE_NAMES: tuple[str, ...] = (
    "tsd",
    "tsd_full",
    "davidson",
    "mlma",
    "stormfront",
    "implicit_hate",
    "toxigen",
    "counterspeech",
)
assert set(SOURCE_NAMES) == set(SOURCES)

# Lower wins in deduplicate: a test text is removed from dev and train, a dev text from train.
_SPLIT_PRECEDENCE = {"test": 0, "dev": 1, "train": 2}


def _check_name(name: str) -> None:
    if name not in SOURCES:
        raise ValueError(f"unknown source {name!r}; expected one of {', '.join(SOURCE_NAMES)}")


def source_available(name: str, data_dir: str | Path = DEFAULT_DATA_DIR) -> bool:
    """True when the source's required files are under ``data_dir``."""
    _check_name(name)
    folder = Path(data_dir) / SOURCES[name].folder
    return all((folder / f).is_file() for f in REQUIRED_FILES[name])


def load_source(name: str, data_dir: str | Path = DEFAULT_DATA_DIR, *, limit: int | None = None) -> list[Record]:
    """All splits of one source, exactly as its adapter maps them (no deduplication, no weak spans).

    ``data_dir`` is the folder holding every source's folder, or a Hub dataset id that mirrors
    this one source's folder (then it is passed to ``load_dataset`` as is). ``limit`` caps the
    rows read from each file.
    """
    _check_name(name)
    spec = SOURCES[name]
    location: str | Path = data_dir if is_hub_id(data_dir) else Path(data_dir) / spec.folder
    return spec.adapter(location, limit=limit)


def load_sources(
    names: list[str] | None = None, data_dir: str | Path = DEFAULT_DATA_DIR, *, limit: int | None = None
) -> list[Record]:
    """Several sources (None: every one present under ``data_dir``), deduplicated, with weak lexicon spans.

    A source whose files are missing is skipped with a warning on stderr. Records come in
    ``SOURCE_NAMES`` order whatever order ``names`` has, so deduplication is reproducible.
    """
    wanted = list(SOURCE_NAMES) if names is None else list(dict.fromkeys(names))
    for name in wanted:
        _check_name(name)
    records: list[Record] = []
    for name in SOURCE_NAMES:
        if name not in wanted:
            continue
        if not source_available(name, data_dir):
            print(f"threadguard: {name}: files not found under {Path(data_dir) / SOURCES[name].folder}; skipped", file=sys.stderr)
            continue
        records.extend(load_source(name, data_dir, limit=limit))
    return add_lexicon_spans(deduplicate(records), data_dir)


def deduplicate(records: list[Record]) -> list[Record]:
    """One record per text (casefolded, whitespace collapsed), with no test or dev text left in training.

    A text found in any source's test split is dropped from every dev and train split, and a
    dev text from every train split; among the copies left in one split the first (source
    order, then file order) is kept. One summary line of what was dropped goes to stderr.
    """
    best_rank: dict[str, int] = {}
    for record in records:
        key = text_key(record.text)
        rank = _SPLIT_PRECEDENCE[record.split]
        if rank < best_rank.get(key, len(_SPLIT_PRECEDENCE)):
            best_rank[key] = rank

    kept: list[Record] = []
    seen: set[str] = set()
    leaked: Counter[tuple[str, str]] = Counter()
    repeated: Counter[tuple[str, str]] = Counter()
    for record in records:
        key = text_key(record.text)
        if _SPLIT_PRECEDENCE[record.split] > best_rank[key]:
            leaked[(record.source, record.split)] += 1
        elif key in seen:
            repeated[(record.source, record.split)] += 1
        else:
            seen.add(key)
            kept.append(record)

    def describe(counts: Counter[tuple[str, str]]) -> str:
        return ", ".join(f"{source}/{split} {n}" for (source, split), n in sorted(counts.items())) or "none"

    print(
        f"threadguard: deduplicate: kept {len(kept)} of {len(records)}; "
        f"dropped {sum(leaked.values())} found in a test/dev split elsewhere ({describe(leaked)}), "
        f"{sum(repeated.values())} repeats within a split ({describe(repeated)})",
        file=sys.stderr,
    )
    return kept


def _weak_labels(record: Record) -> set[str]:
    return set(record.meta.get("weak_span_labels", []))


def stats_table(records: list[Record]) -> str:
    """A plain-text table: per source and split, comments, positives/given per label, gold and weak spans per label.

    ``hate 120/5000`` reads: 5,000 records state hate (1 or 0), 120 of them say 1. A dash means
    no record of that row states the label.
    """
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for record in records:
        groups[(record.source, record.split)].append(record)
        groups[("ALL", record.split)].append(record)
    if records:
        groups[("ALL", "all")] = list(records)

    gold_totals: Counter[str] = Counter()
    weak_totals: Counter[str] = Counter()
    for record in records:
        weak = _weak_labels(record)
        for span in record.spans:
            (weak_totals if span.label in weak else gold_totals)[span.label] += 1
    gold_columns = [label for label in SPAN_LABELS if gold_totals[label]]
    weak_columns = [label for label in SPAN_LABELS if weak_totals[label]]

    header = ["source", "split", "comments"] + list(LABELS)
    header += [f"gold:{label}" for label in gold_columns] + [f"weak:{label}" for label in weak_columns]
    rows: list[list[str]] = [header]

    source_order = {name: i for i, name in enumerate(SOURCE_NAMES)}
    split_order = {name: i for i, name in enumerate((*SPLITS, "all"))}

    def order(item: tuple[str, str]) -> tuple[int, str, int]:
        source, split = item
        return (source_order.get(source, len(source_order) + (source == "ALL")), source, split_order.get(split, 9))

    for source, split in sorted(groups, key=order):
        group = groups[(source, split)]
        row = [source, split, str(len(group))]
        for label in LABELS:
            given = [r.labels[label] for r in group if label in r.labels]
            row.append(f"{sum(given)}/{len(given)}" if given else "-")
        gold: Counter[str] = Counter()
        weak: Counter[str] = Counter()
        for record in group:
            weak_labels = _weak_labels(record)
            for span in record.spans:
                (weak if span.label in weak_labels else gold)[span.label] += 1
        row += [str(gold[label]) for label in gold_columns] + [str(weak[label]) for label in weak_columns]
        rows.append(row)

    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for i, row in enumerate(rows):
        cells = [cell.ljust(widths[j]) if j < 2 else cell.rjust(widths[j]) for j, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
