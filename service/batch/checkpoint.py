"""Where a batch run keeps its outputs and the checkpoint that lets ``--resume`` continue it.

While a run scores, rows are appended to ``.threadguard-run/*.partial`` files. After every
chunk the rows are fsynced and then the checkpoint is replaced atomically with the byte
length of each partial file and the position of the next unread item. A kill at any moment
therefore leaves a checkpoint that matches a prefix of the partial files; resuming
truncates them to that prefix (dropping a half-written chunk) and reads on from the
position, so no comment is scored twice, written twice or skipped.

The final files appear only when the run is complete: summary, report and CSV are written
atomically, then the partial files are renamed into place.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from service.io import atomic_write_text

__all__ = ["RunPaths", "Checkpoint", "STAGE_SCORING", "STAGE_FINALISING", "STAGE_COMPLETE"]

STAGE_SCORING = "scoring"
STAGE_FINALISING = "finalising"
STAGE_COMPLETE = "complete"
CHECKPOINT_VERSION = 1


class RunPaths:
    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        self.state = self.out / ".threadguard-run"
        self.checkpoint = self.state / "checkpoint.json"
        self.comments_partial = self.state / "comments.jsonl.partial"
        self.errors_partial = self.state / "errors.jsonl.partial"
        self.comments = self.out / "comments.jsonl"
        self.errors = self.out / "errors.jsonl"
        self.summary = self.out / "summary.json"
        self.report = self.out / "report.html"
        self.csv = self.out / "comments.csv"

    def outputs(self) -> list[Path]:
        return [self.comments, self.errors, self.summary, self.report, self.csv]

    def has_run(self) -> bool:
        return self.state.exists() or any(p.exists() for p in self.outputs())

    def clear(self) -> None:
        """Remove an earlier run's files (only the files a run writes; anything else in the folder stays)."""
        shutil.rmtree(self.state, ignore_errors=True)
        for p in self.outputs():
            p.unlink(missing_ok=True)

    def comments_source(self) -> Path:
        """The comment rows so far: the partial file while scoring, the final one once renamed."""
        return self.comments_partial if self.comments_partial.exists() else self.comments

    def errors_source(self) -> Path:
        return self.errors_partial if self.errors_partial.exists() else self.errors


@dataclass
class Checkpoint:
    fingerprint: dict[str, str]  # setting -> hash; see pipeline._fingerprint
    next_file: int = 0
    next_item: int = 0
    comments_bytes: int = 0
    errors_bytes: int = 0
    comments: int = 0
    errors: int = 0
    elapsed_s: float = 0.0  # wall time spent in all sessions so far, model loading included
    sessions: int = 0
    started: str = ""
    stage: str = STAGE_SCORING
    version: int = CHECKPOINT_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    def save(self, paths: RunPaths) -> None:
        atomic_write_text(paths.checkpoint, json.dumps(asdict(self), ensure_ascii=False, sort_keys=True))

    @classmethod
    def load(cls, paths: RunPaths) -> "Checkpoint | None":
        if not paths.checkpoint.is_file():
            return None
        data = json.loads(paths.checkpoint.read_text(encoding="utf-8"))
        if data.get("version") != CHECKPOINT_VERSION:
            raise ValueError(f"{paths.checkpoint}: checkpoint version {data.get('version')} is not {CHECKPOINT_VERSION}")
        return cls(**data)
