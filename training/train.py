"""Fine-tune the encoder and both heads. Read top to bottom: config, data, loop.

Resumable: ``last.pt`` holds model, optimiser, schedule and step; the batch order is a pure
function of the seed, so a resumed run skips the batches it already did and continues
exactly where it stopped. ``best.pt`` is the checkpoint with the best dev score so far, and
``final.pt`` the weights at the end of the schedule; both are what ``threadguard export`` takes.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from service.runtime.windows import load_tokenizer
from service.schema import LABELS, SPAN_LABELS, Record
from training.features import Example, build_examples
from training.model import build_model, tokenizer_file


@dataclass
class TrainConfig:
    base_model: str = "all-MiniLM-L6-v2"  # packaged MiniLM, a local folder, or a hub id
    data_dir: str = "../shared/data"
    # Per source: a fraction < 1 samples that share of its training records, > 1 repeats them.
    # "behaviour/<category>" weighs one behaviour category apart from the rest (0 leaves it out).
    mix: dict[str, float] = field(
        default_factory=lambda: {
            "tsd": 1.0,
            "tsd_full": 1.0,
            "davidson": 0.35,
            "mlma": 1.0,
            "stormfront": 1.0,
            "implicit_hate": 0.5,
            "toxigen": 2.0,
            "counterspeech": 0.6,
            "behaviour": 3.0,
            "seeds": 5.0,
        }
    )
    datasets: list[str] = field(default_factory=list)  # extra JSONL record files or hub ids, weight 1
    limit_per_source: int = 0  # >0: tiny runs for tests
    out_dir: str = "runs/main"
    max_length: int = 128
    stride: int = 96
    batch_size: int = 32
    epochs: float = 1.0
    max_steps: int = 0  # >0 overrides epochs
    lr: float = 8e-5
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    span_loss_weight: float = 1.0
    token_pos_weight: float = 3.0
    weak_weight: float = 0.3
    eval_every: int = 400
    eval_max: int = 2500
    seed: int = 0
    threads: int = 2
    init_checkpoint: str = ""  # start from this trained checkpoint instead of the base encoder
    # Learning without forgetting: on examples from these sources, also pull the outputs (comment
    # and token probabilities) towards those of ``init_checkpoint``, so that teaching new
    # behaviours does not move what the model already does well on them. 0 turns it off.
    anchor_weight: float = 0.0
    anchor_sources: list[str] = field(default_factory=list)
    # Twin margins: each step also scores ``twins_per_step`` minimal pairs from the behaviour
    # data (a hateful rendering and the closest rendering of its harmless twin template) and
    # asks the hateful one's hate and toxic logits to exceed the twin's by ``twin_margin``.
    # BCE scores each comment alone; this scores the difference the pair was written to teach.
    twin_weight: float = 0.0
    twins_per_step: int = 8
    twin_margin: float = 4.0

    @classmethod
    def from_file(cls, path: str | Path, **overrides) -> "TrainConfig":
        import yaml

        data = yaml.safe_load(Path(path).read_text()) or {}
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"{path}: unknown config keys: {', '.join(sorted(unknown))}")
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**data)


# ---------------------------------------------------------------- data


def public_sources(mix: dict[str, float]) -> list[str]:
    """The public data sets a mix names (not the project's own behaviour data, seeds or categories)."""
    return [s for s in mix if "/" not in s and s not in ("behaviour", "seeds")]


def load_records(cfg: TrainConfig) -> list[Record]:
    from training.data.catalog import load_sources
    from training.data.behaviour import load_behaviour
    from training.data.extra import load_extra, load_seed_labels

    public = public_sources(cfg.mix)
    records = load_sources(public, data_dir=cfg.data_dir, limit=cfg.limit_per_source or None) if public else []
    if "behaviour" in cfg.mix:
        records += load_behaviour()
    if "seeds" in cfg.mix:
        # The mix weighs records by source: seed labels count as "seeds" whatever their file calls them.
        records += [replace(r, source="seeds") for r in load_seed_labels()]
    for spec in cfg.datasets:
        records += load_extra(spec)
    return records


def records_fingerprint(records: Sequence[Record]) -> dict[str, dict[str, Any]]:
    """Per source and split, how many records a run loaded and the sha256 of their JSON in load
    order: names exactly what a model was trained and calibrated on, the project's own behaviour
    data and moderators' labels included, which change from release to release."""
    groups: dict[str, list[Record]] = {}
    for r in records:
        groups.setdefault(f"{r.source}/{r.split}", []).append(r)
    out = {}
    for key, rs in sorted(groups.items()):
        digest = hashlib.sha256()
        for r in rs:
            digest.update(json.dumps(r.to_dict(), sort_keys=True, ensure_ascii=False).encode())
            digest.update(b"\n")
        out[key] = {"n": len(rs), "sha256": digest.hexdigest()}
    return out


def mix_key(record: Record, mix: dict[str, float]) -> str:
    """The mix entry that weighs ``record``: ``behaviour/<category>`` where the mix names one, else its source."""
    category = f"{record.source}/{record.meta.get('behaviour')}"
    return category if category in mix else record.source


def training_mix(records: list[Record], cfg: TrainConfig, rng: random.Random) -> list[Record]:
    by_source: dict[str, list[Record]] = {}
    for r in records:
        if r.split == "train":
            by_source.setdefault(mix_key(r, cfg.mix), []).append(r)
    chosen: list[Record] = []
    for source, rs in sorted(by_source.items()):
        w = cfg.mix.get(source, 1.0)
        whole, frac = int(w), w - int(w)
        chosen += rs * whole
        if frac > 0:
            chosen += rng.sample(rs, round(len(rs) * frac))
    return chosen


def word_set(text: str) -> set[str]:
    return set(text.lower().replace(".", " ").replace(",", " ").split())


def twin_pairs(records: Sequence[Record]) -> list[tuple[Record, Record]]:
    """Minimal pairs from the behaviour training split: every rendering of a template that has a
    harmless twin (``Template.pair``), matched with the twin's rendering that shares most words
    with it (usually the same group), so the pair differs where the templates do."""
    from training.data.behaviour_templates import build_templates

    pair_of = {t.id: t.pair for t in build_templates() if t.pair}
    sides: dict[str, dict[int, list[Record]]] = {}
    for r in records:
        pair = pair_of.get(r.meta.get("template", "")) if r.source == "behaviour" and r.split == "train" else None
        if pair:
            sides.setdefault(pair, {}).setdefault(r.labels.get("hate", 0), []).append(r)
    pairs: list[tuple[Record, Record]] = []
    for pair in sorted(sides):
        hateful, harmless = sides[pair].get(1, []), sides[pair].get(0, [])
        if not harmless:
            continue
        harmless_words = [word_set(r.text) for r in harmless]
        for r in hateful:
            words = word_set(r.text)
            best = max(range(len(harmless)), key=lambda i: len(words & harmless_words[i]) / len(words | harmless_words[i]))
            pairs.append((r, harmless[best]))
    return pairs


def make_batches(examples: list[Example], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffle, then sort within chunks of 50 batches by length: little padding, still random."""
    order = list(range(len(examples)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches: list[list[int]] = []
    for c in range(0, len(order), chunk):
        part = sorted(order[c : c + chunk], key=lambda i: len(examples[i].input_ids))
        batches += [part[b : b + batch_size] for b in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def collate(examples: list[Example]) -> dict[str, torch.Tensor]:
    width = max(len(e.input_ids) for e in examples)
    n = len(examples)
    ids = np.zeros((n, width), np.int64)
    mask = np.zeros((n, width), np.int64)
    tok_t = np.zeros((n, width, len(SPAN_LABELS)), np.float32)
    for i, e in enumerate(examples):
        ids[i, : len(e.input_ids)] = e.input_ids
        mask[i, : len(e.input_ids)] = 1
        tok_t[i, : len(e.input_ids)] = e.token_target
    # [CLS] and [SEP] carry no span target.
    tok_mask = mask.astype(np.float32).copy()
    tok_mask[:, 0] = 0
    for i, e in enumerate(examples):
        tok_mask[i, len(e.input_ids) - 1] = 0
    return {
        "input_ids": torch.from_numpy(ids),
        "attention_mask": torch.from_numpy(mask),
        "comment_target": torch.from_numpy(np.stack([e.comment_target for e in examples])),
        "comment_weight": torch.from_numpy(np.stack([e.comment_weight for e in examples])),
        "token_target": torch.from_numpy(tok_t),
        "token_weight": torch.from_numpy(np.stack([e.token_weight for e in examples]))[:, None, :]
        * torch.from_numpy(tok_mask)[:, :, None],
        "token_mask": torch.from_numpy(tok_mask),
        "source": [e.source for e in examples],
    }


def anchor_loss(c_logits: torch.Tensor, t_logits: torch.Tensor, teacher, batch: dict, rows: list[int]) -> torch.Tensor:
    """Soft-target BCE between this model's and the frozen starting model's outputs on ``rows``."""
    idx = torch.tensor(rows)
    with torch.no_grad():
        tc, tt = teacher(batch["input_ids"][idx], batch["attention_mask"][idx])
    c = F.binary_cross_entropy_with_logits(c_logits[idx], torch.sigmoid(tc))
    mask = batch["token_mask"][idx][:, :, None].expand_as(tt)
    t = F.binary_cross_entropy_with_logits(t_logits[idx], torch.sigmoid(tt), weight=mask, reduction="sum")
    return c + t / mask.sum().clamp(min=1.0)


TWIN_LABELS = [LABELS.index("hate"), LABELS.index("toxic")]


def twin_loss(c_logits: torch.Tensor, batch: dict) -> torch.Tensor:
    """Hinge (softplus) on the logit gap of each pair, for hate and toxic where the twins' labels differ."""
    a, b = batch["twins"][:, 0], batch["twins"][:, 1]
    labels = torch.tensor(TWIN_LABELS)
    gap = c_logits[a][:, labels] - c_logits[b][:, labels]
    sign = batch["comment_target"][a][:, labels] - batch["comment_target"][b][:, labels]
    losses = F.softplus(batch["twin_margin"] - sign * gap) * (sign != 0)
    return losses.sum() / (sign != 0).sum().clamp(min=1)


def loss_fn(model, batch: dict, cfg: TrainConfig, teacher=None) -> tuple[torch.Tensor, dict[str, float]]:
    c_logits, t_logits = model(batch["input_ids"], batch["attention_mask"])
    cw = batch["comment_weight"]
    c_loss = F.binary_cross_entropy_with_logits(c_logits, batch["comment_target"], weight=cw, reduction="sum")
    c_loss = c_loss / cw.sum().clamp(min=1.0)
    tw = batch["token_weight"]
    pos_weight = torch.full((len(SPAN_LABELS),), cfg.token_pos_weight)
    t_loss = F.binary_cross_entropy_with_logits(
        t_logits, batch["token_target"], weight=tw, pos_weight=pos_weight, reduction="sum"
    )
    t_loss = t_loss / tw.sum().clamp(min=1.0)
    loss = c_loss + cfg.span_loss_weight * t_loss
    parts = {"comment": float(c_loss.detach()), "span": float(t_loss.detach())}
    rows = [i for i, source in enumerate(batch["source"]) if source in cfg.anchor_sources]
    if teacher is not None and rows:
        a_loss = anchor_loss(c_logits, t_logits, teacher, batch, rows)
        loss = loss + cfg.anchor_weight * a_loss
        parts["anchor"] = float(a_loss.detach())
    if "twins" in batch:
        w_loss = twin_loss(c_logits, batch)
        loss = loss + cfg.twin_weight * w_loss
        parts["twin"] = float(w_loss.detach())
    return loss, parts


def with_twins(batch_examples: list[Example], twins: list[tuple[Example, Example]], margin: float) -> dict:
    """One batch: the step's examples, then the twins, which add only the margin term (their BCE
    weights are zeroed, so the mix's weights stay what the config says)."""
    silent = [replace(e, comment_weight=np.zeros_like(e.comment_weight), token_weight=np.zeros_like(e.token_weight))
              for pair in twins for e in pair]
    batch = collate(batch_examples + silent)
    first = len(batch_examples)
    batch["twins"] = torch.tensor([[first + 2 * i, first + 2 * i + 1] for i in range(len(twins))])
    batch["twin_margin"] = margin
    return batch


# ---------------------------------------------------------------- checkpoints


def save_atomic(obj, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def log(out: Path, **fields) -> None:
    fields["time"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    with open(out / "log.jsonl", "a") as f:
        f.write(json.dumps(fields) + "\n")


# ---------------------------------------------------------------- the loop


def train(
    cfg: TrainConfig,
    resume: bool = True,
    stop_at: int | None = None,
    records: list[Record] | None = None,
) -> Path:
    """Train to ``cfg``'s end; ``stop_at`` stops early after that step's checkpoint, as a kill would.

    ``records`` replaces the configured data (retraining passes its own mix).
    """
    from training.evaluate import dev_score

    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(asdict(cfg), indent=2))

    tok_path = tokenizer_file(cfg.base_model)
    tokenizer = load_tokenizer(tok_path)
    if records is None:
        records = load_records(cfg)
    rng = random.Random(cfg.seed)
    fingerprint = records_fingerprint(records)
    train_records = training_mix(records, cfg, rng)
    dev_records = [r for r in records if r.split == "dev"]
    rng_dev = random.Random(cfg.seed + 1)
    if len(dev_records) > cfg.eval_max:
        dev_records = rng_dev.sample(dev_records, cfg.eval_max)
    examples = build_examples(train_records, tokenizer, cfg.max_length, cfg.stride, cfg.weak_weight)
    twins: list[tuple[Example, Example]] = []
    if cfg.twin_weight > 0:
        pairs = twin_pairs(train_records)
        if not pairs:
            raise ValueError("twin_weight needs behaviour training records whose templates have a harmless twin")
        # Behaviour comments are one sentence or two: one window each, so examples pair up in order.
        pairs = [p for p in pairs if all(len(tokenizer.encode(r.text, add_special_tokens=False).ids) <= cfg.max_length - 2 for r in p)]
        flat = build_examples([r for pair in pairs for r in pair], tokenizer, cfg.max_length, cfg.stride, cfg.weak_weight)
        if len(flat) != 2 * len(pairs):  # a comment longer after normalisation than its raw text
            raise ValueError("a twin comment spans more than one window; shorten it or raise max_length")
        twins = list(zip(flat[0::2], flat[1::2]))
    steps_per_epoch = math.ceil(len(examples) / cfg.batch_size)
    total_steps = cfg.max_steps or max(1, int(steps_per_epoch * cfg.epochs))
    print(
        f"train: {len(train_records)} comments, {len(examples)} windows, {total_steps} steps; dev: {len(dev_records)} comments",
        file=sys.stderr,
    )

    model = build_model(cfg.base_model, len(LABELS), len(SPAN_LABELS), pretrained=not cfg.init_checkpoint)
    teacher = None
    if cfg.init_checkpoint:  # fine-tune a trained model (retraining) rather than the base encoder
        start = {k: v.float() for k, v in torch.load(cfg.init_checkpoint, weights_only=False)["model"].items()}
        model.load_state_dict(start)
        if cfg.anchor_weight > 0 and cfg.anchor_sources:
            teacher = build_model(cfg.base_model, len(LABELS), len(SPAN_LABELS), pretrained=False)
            teacher.load_state_dict(start)
            teacher.eval().requires_grad_(False)
    elif cfg.anchor_weight > 0:
        raise ValueError("anchor_weight needs init_checkpoint: the outputs to hold are the starting model's")
    heads = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    encoder = [p for n, p in model.named_parameters() if n.startswith("encoder.")]
    optimizer = torch.optim.AdamW(
        [{"params": encoder, "lr": cfg.lr}, {"params": heads, "lr": cfg.head_lr}], weight_decay=cfg.weight_decay
    )
    warmup = max(1, int(total_steps * cfg.warmup))

    def lr_factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total_steps - warmup))))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)

    step, best = 0, -1.0
    last = out / "last.pt"
    if resume and last.exists():
        state = torch.load(last, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step, best = state["step"], state["best"]
        if "torch_rng" in state:
            torch.set_rng_state(state["torch_rng"])
        print(f"resumed at step {step} (best dev score {best:.4f})", file=sys.stderr)

    # The whole schedule of batches, epoch after epoch, depends only on the seed.
    schedule: list[list[int]] = []
    epoch_rng = random.Random(cfg.seed + 2)
    while len(schedule) < total_steps:
        schedule += make_batches(examples, cfg.batch_size, epoch_rng)
    schedule = schedule[:total_steps]
    twin_rng = random.Random(cfg.seed + 3)
    twin_schedule = [twin_rng.sample(range(len(twins)), min(cfg.twins_per_step, len(twins))) if twins else []
                     for _ in range(total_steps)]

    def evaluate_and_checkpoint() -> None:
        nonlocal best
        model.eval()
        score, details = dev_score(model, tokenizer, dev_records, cfg)
        model.train()
        improved = score > best
        exportable = {"model": model.state_dict(), "config": asdict(cfg), "step": step, "dev": details, "data": fingerprint}
        if improved:
            best = score
            save_atomic(exportable, out / "best.pt")
        if step == total_steps:  # the end of the schedule
            save_atomic(exportable, out / "final.pt")
        save_atomic(
            {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "step": step,
                "best": best,
                "torch_rng": torch.get_rng_state(),  # dropout masks continue as if never stopped
            },
            last,
        )
        log(out, step=step, event="eval", score=score, best=best, improved=improved, **details)
        tqdm.write(f"step {step}: dev score {score:.4f} (best {best:.4f}) {json.dumps(details)}")

    model.train()
    bar = tqdm(total=total_steps, initial=step, desc="train", unit="step", dynamic_ncols=True, mininterval=5)
    started, seen = time.time(), 0
    while step < total_steps:
        step_examples = [examples[i] for i in schedule[step]]
        if twins:
            batch = with_twins(step_examples, [twins[i] for i in twin_schedule[step]], cfg.twin_margin)
        else:
            batch = collate(step_examples)
        loss, parts = loss_fn(model, batch, cfg, teacher)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        step += 1
        seen += len(schedule[step - 1])
        bar.update(1)
        bar.set_postfix(loss=f"{float(loss.detach()):.4f}", c=f"{parts['comment']:.3f}", s=f"{parts['span']:.3f}",
                        **({"w": f"{parts['twin']:.3f}"} if "twin" in parts else {}))
        if step % 50 == 0:
            log(out, step=step, event="train", loss=float(loss), windows_per_s=round(seen / (time.time() - started), 2), **parts)
        if step % cfg.eval_every == 0 or step == total_steps:
            evaluate_and_checkpoint()
            if stop_at is not None and step >= stop_at:
                break
    bar.close()
    return out / "best.pt"
