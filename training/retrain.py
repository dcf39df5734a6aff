"""Retraining on moderators' labels, gated: a candidate is promoted only if it is better on the
new labels and not worse (beyond a tolerance) on the fixed dev sets.

1. snapshot the label store (the snapshot id is recorded in the candidate's manifest);
2. hold out a slice of the new labels (by comment id hash, so it is stable across runs);
3. fine-tune from the current model's checkpoint on the new labels (repeated) plus a replay
   sample of the base training data, so old skills are kept;
4. export the candidate into ``<registry>/<version>/``;
5. score current and candidate on the fixed dev sets and on the held-out new labels;
6. promote (move the registry's ACTIVE pointer) only if the gate passes; the report says why.

A dev number counts as worse only when its drop is larger than the tolerance *and* than
``noise_z`` paired standard errors: on a dev set of 160 comments one standard error of an AUC
difference is about 0.012, so a fixed 0.01 tolerance alone fails a model that is no different.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import tempfile
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from service.io import atomic_write_text
from service.runtime.bundle import ModelError, default_model_dir, models_root, read_manifest, sha256_file
from service.runtime.engine import Prediction
from service.runtime.registry import Registry
from service.runtime.scorer import Scorer
from service.schema import LABELS, Record
from training.evaluate import label_metrics, predict_records, span_f1, span_f1_scores
from training.export import CHECKPOINT
from training.metrics import roc_auc
from training.release import release
from training.train import TrainConfig, load_records, train


@dataclass
class RetrainConfig:
    labels_db: str = "sqlite:///labels.db"
    registry: str = ""  # default: <models>/registry
    current: str = ""  # model directory to start from; default: the active model
    data_dir: str = "../shared/data"
    base_mix: dict[str, float] = field(default_factory=dict)  # default: the current model's training mix
    replay: int = 3000  # base training comments replayed beside the new labels
    new_label_repeat: int = 4
    holdout: float = 0.25
    tolerance: float = 0.01  # largest allowed drop of any dev metric
    noise_z: float = 2.0  # a drop must also exceed this many paired standard errors; 0: tolerance alone
    # A model the candidate must not be worse than either, by the same rule. Each promotion is
    # gated against its parent, so drops inside the noise could pile up over many promotions;
    # holding every candidate to one fixed model (the shipped one, say) stops that drift.
    reference: str = ""
    dev_max: int = 1500
    max_steps: int = 0  # 0: one pass over the mix
    batch_size: int = 16
    lr: float = 3e-5
    head_lr: float = 3e-4
    seed: int = 0
    threads: int = 2
    version: str = ""  # default: a timestamp


def holdout_of(comment_id: str, share: float) -> bool:
    digest = hashlib.sha1(comment_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


def split_new_labels(records: list[Record], share: float) -> tuple[list[Record], list[Record]]:
    train_part = [r for r in records if not holdout_of(r.comment_id, share)]
    held = [r for r in records if holdout_of(r.comment_id, share)]
    if not held and len(train_part) > 1:  # tiny label sets still get a held-out slice
        held.append(train_part.pop())
    return train_part, held


def label_agreement(records: Sequence[Record], results: Sequence[dict]) -> float:
    """Share of (comment, given label) decisions the model flags as the moderator did."""
    total = right = 0
    for r, res in zip(records, results):
        for name, value in r.labels.items():
            total += 1
            right += int(res["flags"][name] == bool(value))
    return right / total if total else 0.0


def _by_source(dev: Sequence[Record]) -> dict[str, list[int]]:
    by_source: dict[str, list[int]] = {}
    for i, r in enumerate(dev):
        by_source.setdefault(r.source, []).append(i)
    return dict(sorted(by_source.items()))


def dev_metrics(scorer: Scorer, dev: Sequence[Record], preds: Sequence[Prediction] | None = None) -> dict[str, float]:
    """The numbers the gate protects: AUC per (source, label) with enough data, and span F1."""
    preds = predict_records(scorer.engine, dev) if preds is None else preds
    out: dict[str, float] = {}
    thresholds = [scorer.manifest.thresholds[n] for n in LABELS]
    for source, idx in _by_source(dev).items():
        rs, ps = [dev[i] for i in idx], [preds[i] for i in idx]
        for name, m in label_metrics(rs, ps, thresholds).items():
            if m["auc"] is not None and m["positives"] >= 10 and m["n"] - m["positives"] >= 10:
                out[f"{source}/{name}/auc"] = m["auc"]
        f = span_f1(scorer.engine, rs, ps, scorer.manifest.span_thresholds["toxic"])
        if f is not None:
            out[f"{source}/span_f1"] = round(f, 4)
    return out


def paired_standard_errors(current: Scorer, candidate: Scorer, dev: Sequence[Record],
                           current_preds: Sequence[Prediction], candidate_preds: Sequence[Prediction],
                           rounds: int = 200, seed: int = 0) -> dict[str, float]:
    """Standard error of (candidate − current) for each number ``dev_metrics`` reports.

    The gate's tolerance is one number for every dev set, but the bootstrap error of a paired
    AUC difference is about 0.012 on a set of 160 comments and 0.0004–0.003 on one of 2,400
    (model card, "Stages 28–30"), so the gate also asks a drop to exceed ``noise_z`` of these.
    AUCs: paired bootstrap over comments; span F1: the standard error of the mean per-comment
    difference.
    """
    rng = np.random.default_rng(seed)
    out: dict[str, float] = {}
    for source, idx in _by_source(dev).items():
        rs = [dev[i] for i in idx]
        for j, name in enumerate(LABELS):
            rows = [k for k, r in zip(idx, rs) if name in r.labels]
            y = np.array([dev[k].labels[name] for k in rows], bool)
            if y.sum() < 10 or len(y) - y.sum() < 10:
                continue
            a = np.array([current_preds[k].comment_probs[j] for k in rows])
            b = np.array([candidate_preds[k].comment_probs[j] for k in rows])
            diffs = []
            for _ in range(rounds):
                pick = rng.integers(0, len(y), len(y))
                auc_a, auc_b = roc_auc(y[pick], a[pick]), roc_auc(y[pick], b[pick])
                if auc_a is not None and auc_b is not None:
                    diffs.append(auc_b - auc_a)
            out[f"{source}/{name}/auc"] = round(float(np.std(diffs)), 4)
        f_a = span_f1_scores(current.engine, rs, [current_preds[i] for i in idx], current.manifest.span_thresholds["toxic"])
        f_b = span_f1_scores(candidate.engine, rs, [candidate_preds[i] for i in idx],
                             candidate.manifest.span_thresholds["toxic"])
        if len(f_a) > 1:
            out[f"{source}/span_f1"] = round(float((f_b - f_a).std(ddof=1) / np.sqrt(len(f_a))), 4)
    return out


def dev_drops(before: dict[str, float], after: dict[str, float], tolerance: float,
              standard_errors: dict[str, float] | None = None, noise_z: float = 2.0) -> tuple[bool, list[str]]:
    """Whether no dev number fell beyond tolerance and noise; the reasons list every drop beyond tolerance.

    A drop fails when it exceeds ``max(tolerance, noise_z * standard error)``: it must be large
    enough to matter and too large to be resampling noise. A drop within noise is still listed.
    Numbers without a standard error are held to the tolerance alone.
    """
    errors = standard_errors or {}
    reasons: list[str] = []
    ok = True
    for key, was in sorted(before.items()):
        now = after.get(key)
        if now is None or was - now <= tolerance:
            continue
        se = errors.get(key)
        change = f"dev {key} dropped {was:.4f} → {now:.4f} (tolerance {tolerance}"
        if se is None:
            ok = False
            reasons.append(change + ")")
        elif was - now > noise_z * se:
            ok = False
            reasons.append(change + f"; paired standard error {se:.4f})")
        else:
            reasons.append(change + f"; within noise: {noise_z:g} × paired standard error {se:.4f} = {noise_z * se:.4f})")
    if ok:
        reasons.append(f"no dev metric worse by more than the tolerance ({tolerance}) and noise")
    return ok, reasons


def gate(current: dict[str, Any], candidate: dict[str, Any], tolerance: float,
         standard_errors: dict[str, float] | None = None, noise_z: float = 2.0) -> tuple[bool, list[str]]:
    """Better on the held-out new labels, and no dev number worse beyond tolerance and noise (``dev_drops``)."""
    improved = candidate["new_labels"] > current["new_labels"]
    verdict = "improved" if improved else "not improved"
    reasons = [f"new labels {verdict}: {candidate['new_labels']:.4f} vs current {current['new_labels']:.4f}"]
    dev_ok, dev_reasons = dev_drops(current["dev"], candidate["dev"], tolerance, standard_errors, noise_z)
    return improved and dev_ok, reasons + dev_reasons


def retrain(cfg: RetrainConfig) -> dict[str, Any]:
    from service.labels.store import LabelStore

    registry = Registry(cfg.registry or models_root() / "registry")
    current_dir = Path(cfg.current) if cfg.current else default_model_dir()
    current_manifest = read_manifest(current_dir)
    checkpoint = current_dir / CHECKPOINT
    # A clone from git has no checkpoint.pt (it is not committed): fine-tune from the weights
    # recovered from model.onnx instead, which read_manifest has just verified.
    recovered = not checkpoint.is_file()
    if not recovered and sha256_file(checkpoint) != (current_manifest.raw.get("files") or {}).get(CHECKPOINT):
        raise ModelError(f"{checkpoint}: sha256 does not match the manifest")
    if cfg.reference:
        read_manifest(cfg.reference)  # refused now, not after the training run

    with LabelStore(cfg.labels_db) as store:
        snapshot = store.snapshot_id()
        new = [label.to_record() for label in store.iter_current(as_of=snapshot)]
    if not new:
        raise ValueError("the label store holds no labels: nothing to retrain on")
    new_train, new_held = split_new_labels(new, cfg.holdout)
    for r in new_train:
        r.split = "train"

    rng = random.Random(cfg.seed)
    mix = cfg.base_mix or current_manifest.raw.get("training", {}).get("mix") or {"behaviour": 1.0}
    base = load_records(TrainConfig(data_dir=cfg.data_dir, mix=mix))
    base_train = [r for r in base if r.split == "train"]
    replay = rng.sample(base_train, min(cfg.replay, len(base_train)))
    base_dev = [r for r in base if r.split == "dev"]
    if not base_dev:
        # A mix without a dev split (the behaviour suite alone has train and test only) gates on
        # its test split, which training never sees; relabelled "dev" so that training's
        # evaluation and release's calibration read them as the dev set too.
        base_dev = [replace(r, split="dev") for r in base if r.split == "test"]
    if not base_dev:
        raise ValueError(f"the base mix {sorted(mix)} has neither a dev nor a test split: the gate would protect nothing")
    dev = rng.sample(base_dev, min(cfg.dev_max, len(base_dev)))
    version = cfg.version or datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    out_dir = registry.path_of(version)
    if out_dir.exists():
        raise ValueError(f"{out_dir}: version {version} already exists")

    with tempfile.TemporaryDirectory() as run_dir:
        if recovered:
            from training.recover import write_recovered_checkpoint

            print(f"{current_dir}: no {CHECKPOINT}; fine-tuning from the weights in model.onnx (int8, dequantised)",
                  file=sys.stderr)
            checkpoint = write_recovered_checkpoint(current_dir, Path(run_dir) / "recovered.pt")
        tcfg = TrainConfig(
            base_model=current_manifest.raw.get("base_model", "all-MiniLM-L6-v2"),
            data_dir=cfg.data_dir,
            mix={},
            out_dir=run_dir,
            max_length=current_manifest.max_length,
            stride=current_manifest.window_stride,
            batch_size=cfg.batch_size,
            max_steps=cfg.max_steps,
            lr=cfg.lr,
            head_lr=cfg.head_lr,
            warmup=0.1,
            eval_every=10**9,  # one evaluation, at the end: the run is short
            eval_max=len(dev),
            seed=cfg.seed,
            threads=cfg.threads,
            init_checkpoint=str(checkpoint),
        )
        train(tcfg, resume=False, records=new_train * cfg.new_label_repeat + replay + dev)
        extra = {
            "parent_version": current_manifest.version,
            "parent_weights": "model.onnx (int8, dequantised)" if recovered else CHECKPOINT,
            "label_snapshot": {"store": _redacted(cfg.labels_db), "snapshot_id": snapshot, "labels": len(new)},
            "retrain": {k: v for k, v in asdict(cfg).items() if k != "labels_db"},
        }
        release(Path(run_dir) / "best.pt", out_dir, version, name=current_manifest.name,
                records=dev + new_train, extra_manifest=extra, parity_comments=min(500, len(dev)),
                parent_thresholds={"comment": current_manifest.thresholds, "span": current_manifest.span_thresholds})

    current, candidate = Scorer(current_dir), Scorer(out_dir)
    current_preds, candidate_preds = predict_records(current.engine, dev), predict_records(candidate.engine, dev)
    compare = {
        "current": {"version": current.version, "dev": dev_metrics(current, dev, current_preds),
                    "new_labels": label_agreement(new_held, current.score([r.text for r in new_held], spans=False))},
        "candidate": {"version": candidate.version, "dev": dev_metrics(candidate, dev, candidate_preds),
                      "new_labels": label_agreement(new_held, candidate.score([r.text for r in new_held], spans=False))},
    }
    standard_errors = paired_standard_errors(current, candidate, dev, current_preds, candidate_preds)
    promoted, reasons = gate(compare["current"], compare["candidate"], cfg.tolerance, standard_errors, cfg.noise_z)
    held_to_reference = {}
    if cfg.reference:
        reference = Scorer(cfg.reference)
        reference_preds = predict_records(reference.engine, dev)
        reference_dev = dev_metrics(reference, dev, reference_preds)
        reference_errors = paired_standard_errors(reference, candidate, dev, reference_preds, candidate_preds)
        ok, why = dev_drops(reference_dev, compare["candidate"]["dev"], cfg.tolerance, reference_errors, cfg.noise_z)
        promoted = promoted and ok
        reasons += [f"against reference {reference.version}: {reason}" for reason in why]
        held_to_reference = {"reference": {"version": reference.version, "dev": reference_dev,
                                           "dev_standard_errors": reference_errors}}
    if promoted:
        registry.set_active(version)
    report = {
        "version": version,
        "parent_version": current.version,
        "promoted": promoted,
        "reasons": reasons,
        "labels": {"snapshot_id": snapshot, "total": len(new), "trained_on": len(new_train), "held_out": len(new_held)},
        "replayed": len(replay),
        "dev_comments": len(dev),
        **compare,
        "dev_standard_errors": standard_errors,
        **held_to_reference,
    }
    atomic_write_text(out_dir / "retrain_report.json", json.dumps(report, indent=2) + "\n")
    print(("promoted " if promoted else "not promoted ") + version + ": " + "; ".join(reasons), file=sys.stderr)
    return report


def _redacted(url: str) -> str:
    """A database URL without its password, fit for a manifest."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"
    return url
