"""``moderate``: read dumps, score every comment, write comments.jsonl, errors.jsonl, summary.json and report.html.

The pipeline is read -> chunk -> score -> append, with a checkpoint after every chunk (see
``checkpoint``). An *engine* turns inputs into scored chunks: ``LocalEngine`` scores in this
process with one onnxruntime session; ``service.batch.ray_engine.RayEngine`` scores on a Ray
cluster. Both hand back rows in input order, and everything after scoring (writing,
checkpointing, summary, report) is the same code, so both give the same files.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Protocol, Sequence

from service.batch.checkpoint import STAGE_COMPLETE, STAGE_FINALISING, STAGE_SCORING, Checkpoint, RunPaths
from service.batch.inputs import InputFile, ItemStream, Position, fingerprint_inputs
from service.batch.outputs import iter_jsonl, write_csv, write_summary
from service.batch.progress import Progress
from service.batch.rows import TextScorer, comment_row, error_row, score_texts
from service.batch.summary import SummaryBuilder
from service.runtime.scorer import resolve_thresholds
from service.threads.readers import Columns, Item, ReadError

__all__ = [
    "ChunkRow",
    "Engine",
    "LocalEngine",
    "ModerateOptions",
    "RunExists",
    "RunMismatch",
    "RunResult",
    "resolve_thresholds",
    "run_moderation",
]

COMMENT, ERROR = "comment", "error"
ChunkRow = tuple[Position, str, dict[str, Any]]  # (position of the item, COMMENT or ERROR, row)


class RunExists(Exception):
    """The output folder holds an earlier run and neither --resume nor --force was given."""


class RunMismatch(Exception):
    """--resume was asked for, but the inputs or options differ from the interrupted run's."""


class Engine(Protocol):
    name: str
    counts_bytes: bool  # whether bytes_read() can drive an ETA
    model: dict[str, Any]  # {"name", "version", "thresholds"}: what the summary reports and resume checks
    labels: tuple[str, ...]

    def chunks(self, inputs: Sequence[InputFile], columns: Columns, start: Position) -> Iterator[list[ChunkRow]]:
        """Scored rows for every item from ``start`` on, in input order, a chunk at a time."""
        ...

    def bytes_read(self) -> int | None:
        """Input bytes consumed so far, for the ETA; ``None`` when the engine cannot tell."""
        ...


def chunk_items(items: Iterable[tuple[Position, Item]], chunk_size: int) -> Iterator[list[tuple[Position, Item]]]:
    """Group items into scoring chunks: ``chunk_size`` comments (plus the errors among them), never across files.

    Both engines chunk exactly like this, and resuming restarts at a chunk boundary, because
    the int8 model quantizes each batch as a whole: a comment's scores shift slightly with
    the other comments scored beside it. Identical chunks make identical scores.
    """
    pending: list[tuple[Position, Item]] = []
    n_comments = 0
    for pos, item in items:
        if pending and pos.file != pending[-1][0].file:
            yield pending
            pending, n_comments = [], 0
        pending.append((pos, item))
        n_comments += not isinstance(item, ReadError)
        if n_comments >= chunk_size:
            yield pending
            pending, n_comments = [], 0
    if pending:
        yield pending


def rows_for_items(
    names: Sequence[str] | Mapping[int, str],
    items: Sequence[tuple[Position, Item]],
    scorer: TextScorer,
    thresholds: Mapping[str, float],
    spans: bool,
) -> list[ChunkRow]:
    """Score the comments among ``items`` in one call and build their rows, errors in place.

    ``names[file index]`` is the file name rows carry.
    """
    texts = [item.text for _, item in items if not isinstance(item, ReadError)]
    results = iter(score_texts(scorer, texts, thresholds, spans))
    rows: list[ChunkRow] = []
    for pos, item in items:
        if isinstance(item, ReadError):
            rows.append((pos, ERROR, error_row(item)))
        else:
            rows.append((pos, COMMENT, comment_row(names[pos.file], item, next(results))))
    return rows


class LocalEngine:
    """Scores in this process: read a chunk, score it with one onnxruntime session, hand it on."""

    name = "local"
    counts_bytes = True

    def __init__(self, scorer: Any, thresholds: Mapping[str, float] | None = None, spans: bool = True, chunk_size: int = 256) -> None:
        self.scorer = scorer
        self.labels = tuple(scorer.labels)
        self.thresholds = resolve_thresholds(scorer.manifest.thresholds, thresholds)
        self.spans = spans
        self.chunk_size = max(1, chunk_size)
        self.model = {"name": scorer.manifest.name, "version": scorer.version, "thresholds": self.thresholds}
        self._stream: ItemStream | None = None

    def bytes_read(self) -> int | None:
        return self._stream.bytes_read if self._stream is not None else None

    def chunks(self, inputs: Sequence[InputFile], columns: Columns, start: Position) -> Iterator[list[ChunkRow]]:
        self._stream = ItemStream(inputs, columns, start)
        for items in chunk_items(self._stream, self.chunk_size):
            yield rows_for_items([f.name for f in inputs], items, self.scorer, self.thresholds, self.spans)


@dataclass
class ModerateOptions:
    inputs: list[InputFile]
    out: Path
    columns: Columns = field(default_factory=Columns)
    format: str | None = None
    spans: bool = True
    resume: bool = False
    force: bool = False
    csv: bool = False
    progress: bool = False


@dataclass
class RunResult:
    summary: dict[str, Any]
    paths: RunPaths
    resumed: bool = False
    already_complete: bool = False

    @property
    def skipped(self) -> int:
        return int(self.summary.get("skipped", 0))

    @property
    def exit_code(self) -> int:
        """0 when every record was read, 1 when some were skipped (see errors.jsonl)."""
        return 1 if self.skipped else 0


def _fingerprint(engine: Engine, options: ModerateOptions) -> dict[str, str]:
    """A hash per setting that must not change across a resume (a hash: the checkpoint is
    rewritten after every chunk, and the list of inputs can be long).

    The engine is not part of it: local and Ray runs give the same rows, so either may resume the other.
    """
    parts = {
        "inputs": fingerprint_inputs(options.inputs),
        "columns": options.columns.to_dict(),
        "format": options.format,
        "model": engine.model,
        "spans": options.spans,
    }
    return {k: hashlib.sha256(json.dumps(v, sort_keys=True).encode("utf-8")).hexdigest()[:16] for k, v in parts.items()}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _prepare(paths: RunPaths, fingerprint: dict[str, str], options: ModerateOptions) -> Checkpoint:
    """The checkpoint to continue from: a fresh one, or the interrupted run's after checks."""
    if options.resume:
        cp = Checkpoint.load(paths)
        if cp is not None:
            if cp.fingerprint != fingerprint:
                changed = sorted(k for k in fingerprint if cp.fingerprint.get(k) != fingerprint[k])
                raise RunMismatch(
                    f"{paths.out}: the interrupted run had different {', '.join(changed)}; "
                    "rerun with the same inputs and options, or start over with --force"
                )
            return cp
        if paths.has_run():
            raise RunMismatch(f"{paths.out}: holds outputs but no checkpoint to resume from; start over with --force")
    elif paths.has_run():
        if not options.force:
            raise RunExists(f"{paths.out}: holds an earlier run; pass --resume to continue it or --force to start over")
        paths.clear()
    paths.state.mkdir(parents=True, exist_ok=True)
    cp = Checkpoint(fingerprint=fingerprint, started=_now())
    paths.comments_partial.write_bytes(b"")
    paths.errors_partial.write_bytes(b"")
    cp.save(paths)
    return cp


def _truncate_to_checkpoint(path: Path, size: int) -> None:
    actual = path.stat().st_size if path.exists() else -1
    if actual < size:
        raise RunMismatch(f"{path}: {actual} bytes, shorter than the {size} the checkpoint recorded; start over with --force")
    if actual > size:
        os.truncate(path, size)  # drop the chunk that was being written when the run stopped


def _fsync(f: Any) -> None:
    f.flush()
    os.fsync(f.fileno())


def _score_all(
    engine: Engine, options: ModerateOptions, paths: RunPaths, cp: Checkpoint, builder: SummaryBuilder, base_elapsed: float, session_start: float
) -> None:
    stream_start = Position(cp.next_file, cp.next_item)
    total_bytes = sum(f.size for f in options.inputs)
    done_bytes = sum(f.size for f in options.inputs[: cp.next_file])
    progress = Progress(options.progress, total_bytes if engine.counts_bytes else None, done_bytes, cp.comments)
    try:
        with open(paths.comments_partial, "ab") as comments_f, open(paths.errors_partial, "ab") as errors_f:
            for chunk in engine.chunks(options.inputs, options.columns, stream_start):
                if not chunk:
                    continue
                n_comments = 0
                for _, kind, row in chunk:
                    line = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
                    if kind == COMMENT:
                        comments_f.write(line)
                        builder.add_comment(row)
                        n_comments += 1
                    else:
                        errors_f.write(line)
                        builder.add_error(row)
                _fsync(comments_f)
                _fsync(errors_f)
                last = chunk[-1][0]
                cp.next_file, cp.next_item = last.file, last.item + 1
                cp.comments_bytes, cp.errors_bytes = comments_f.tell(), errors_f.tell()
                cp.comments, cp.errors = builder.comments, builder.errors
                cp.elapsed_s = base_elapsed + (time.monotonic() - session_start)
                cp.save(paths)
                progress.update(n_comments, engine.bytes_read())
    finally:
        progress.close()


def _finalise(
    engine: Engine, options: ModerateOptions, paths: RunPaths, cp: Checkpoint, builder: SummaryBuilder, base_elapsed: float, session_start: float
) -> dict[str, Any]:
    from service.report.html import write_report

    cp.stage = STAGE_FINALISING
    cp.save(paths)
    summary = builder.to_dict(engine.model, [f.to_dict() for f in options.inputs], {})
    write_report(paths.comments_source(), summary, paths.report)
    if options.csv:
        write_csv(paths.comments_source(), paths.csv, engine.labels)
    # Run time covers every session, from reading the first byte to the last output written.
    elapsed = max(base_elapsed + (time.monotonic() - session_start), 1e-9)
    summary["run"] = {
        "engine": engine.name,
        "started": cp.started,
        "finished": _now(),
        "elapsed_s": round(elapsed, 3),
        "comments_per_s": round(builder.comments / elapsed, 1),
        "sessions": cp.sessions,
    }
    write_summary(paths.summary, summary, builder.tables())
    for partial, final in ((paths.comments_partial, paths.comments), (paths.errors_partial, paths.errors)):
        if partial.exists():
            os.replace(partial, final)
    cp.stage = STAGE_COMPLETE
    cp.elapsed_s = elapsed
    cp.save(paths)
    return summary


def run_moderation(engine: Engine, options: ModerateOptions) -> RunResult:
    """Run (or resume) a batch run into ``options.out``; see the module docstring for the files it writes."""
    session_start = time.monotonic()
    paths = RunPaths(options.out)
    cp = _prepare(paths, _fingerprint(engine, options), options)
    resumed = cp.sessions > 0
    if cp.stage == STAGE_COMPLETE:
        summary = json.loads(paths.summary.read_text(encoding="utf-8"))
        return RunResult(summary, paths, resumed=True, already_complete=True)
    cp.sessions += 1
    cp.save(paths)
    base_elapsed = cp.elapsed_s  # earlier sessions' time
    builder = SummaryBuilder(engine.labels)
    if cp.stage == STAGE_SCORING:
        _truncate_to_checkpoint(paths.comments_partial, cp.comments_bytes)
        _truncate_to_checkpoint(paths.errors_partial, cp.errors_bytes)
    # Totals of rows written in earlier sessions are rebuilt from the rows themselves.
    builder.add_rows(iter_jsonl(paths.comments_source()), iter_jsonl(paths.errors_source()))
    if cp.stage == STAGE_SCORING:
        _score_all(engine, options, paths, cp, builder, base_elapsed, session_start)
    summary = _finalise(engine, options, paths, cp, builder, base_elapsed, session_start)
    return RunResult(summary, paths, resumed=resumed)
