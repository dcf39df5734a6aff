"""Record files the project owns or a user brings: the seed labels and extra JSONL / hub data sets."""

from __future__ import annotations

from pathlib import Path

from service.schema import Record, read_records

SEED_LABELS = Path(__file__).resolve().parents[2] / "seeds" / "labels.jsonl"


def load_seed_labels(path: Path = SEED_LABELS) -> list[Record]:
    """Hand-written seed labels; absent file → no records (the seed documents may be missing)."""
    return list(read_records(path)) if path.is_file() else []


def load_extra(spec: str) -> list[Record]:
    """A local JSONL file of records, or a hub data set id whose rows are records."""
    if Path(spec).is_file():
        return list(read_records(spec))
    from datasets import load_dataset

    return [Record.from_dict(dict(row)) for row in load_dataset(spec, split="train")]
