"""Leave-one-thread-out span F1 on the seed labels: the honest number for threads a model never saw.

Seed labels come from a handful of threads, and comments of one thread share authors, topics
and slurs, so scoring a model on the threads it was trained on says little. Instead, for each
thread in turn:

1. *unseen*: the starting checkpoint (which must not have been trained on the seeds) scores the
   thread as it is;
2. *held out*: the starting checkpoint is fine-tuned on the seed labels of every other thread
   for ``steps`` steps, then scores the held-out thread.

Scores are the SemEval character F1 of the ``toxic`` span channel, through the runtime's own
decoding, averaged over the thread's comments. The whole table is also given over all threads
(mean over comments).
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Sequence

from service.runtime.windows import load_tokenizer
from service.schema import Record
from training.evaluate import predict_records, span_f1, torch_engine
from training.export import load_checkpoint
from training.model import tokenizer_file
from training.train import TrainConfig, train


def thread_of(record: Record) -> str:
    """``meta.thread_id``, else the part of the comment id before ``:c<n>`` (docs/labels.md)."""
    thread = record.meta.get("thread_id")
    if thread:
        return str(thread)
    head, sep, _ = record.comment_id.rpartition(":c")
    return head if sep else record.comment_id


@dataclass(frozen=True)
class ThreadScore:
    thread: str
    comments: int
    unseen_f1: float
    held_out_f1: float | None  # None when no other thread has labels to train on


def _thread_f1(checkpoint: Path, records: Sequence[Record], threshold: float) -> float:
    model, cfg, _ = load_checkpoint(checkpoint)
    engine = torch_engine(model, load_tokenizer(tokenizer_file(cfg["base_model"])), cfg["max_length"], cfg["stride"])
    f1 = span_f1(engine, records, predict_records(engine, records), threshold)
    return 0.0 if f1 is None else f1


def leave_one_thread_out(
    records: Sequence[Record],
    checkpoint: str | Path,
    threshold: float,
    steps: int = 100,
    batch_size: int = 16,
    lr: float = 2e-5,
    work_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Per-thread and overall span F1, unseen and held out; see the module docstring."""
    span_records = [r for r in records if "toxic" in r.span_labels]
    if not span_records:
        raise ValueError("no seed record is annotated for toxic spans")
    threads: dict[str, list[Record]] = {}
    for r in span_records:
        threads.setdefault(thread_of(r), []).append(r)
    _, base_cfg, _ = load_checkpoint(checkpoint)
    scores: list[ThreadScore] = []
    with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
        for thread, held in sorted(threads.items()):
            unseen = _thread_f1(Path(checkpoint), held, threshold)
            rest = [replace(r, split="train") for t, rs in threads.items() if t != thread for r in rs]
            held_out = None
            if rest:
                cfg = TrainConfig(
                    base_model=base_cfg["base_model"],
                    init_checkpoint=str(checkpoint),
                    mix={"seeds": 1.0},
                    out_dir=str(Path(tmp) / thread.replace("/", "_")),
                    max_length=base_cfg["max_length"],
                    stride=base_cfg["stride"],
                    batch_size=batch_size,
                    max_steps=steps,
                    lr=lr,
                    head_lr=lr * 10,
                    eval_every=steps,
                    seed=0,
                )
                # Records with the "seeds" source take the mix weight above.
                best = train(cfg, resume=False, records=[replace(r, source="seeds") for r in rest])
                held_out = _thread_f1(best, held, threshold)
            scores.append(ThreadScore(thread, len(held), round(unseen, 4), None if held_out is None else round(held_out, 4)))
    total = sum(s.comments for s in scores)
    held_scores = [s for s in scores if s.held_out_f1 is not None]
    return {
        "threshold": threshold,
        "steps": steps,
        "threads": [asdict(s) for s in scores],
        "unseen_f1": round(sum(s.unseen_f1 * s.comments for s in scores) / total, 4),
        "held_out_f1": round(sum(s.held_out_f1 * s.comments for s in held_scores) / sum(s.comments for s in held_scores), 4)
        if held_scores
        else None,
    }
