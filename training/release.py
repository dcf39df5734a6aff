"""From a trained checkpoint to a verified model directory, and its evaluation.

``release``: export ONNX, fuse, quantise to int8, calibrate thresholds on dev data through the
int8 model, check parity (fp32 ONNX vs torch, int8 vs fp32 flags), write the model directory.
``evaluate_model``: the full report through the shipped ONNX model, as served.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any


from service.runtime.scorer import Scorer
from service.runtime.windows import load_tokenizer, pad_windows
from service.schema import LABELS, SPAN_LABELS, Record
from training.evaluate import calibrate, calibration_sample, full_report, predict_records, torch_engine
from training.export import (
    base_manifest,
    export_onnx,
    load_checkpoint,
    optimise,
    quantise,
    save_fp16_checkpoint,
    torch_vs_onnx,
    write_model_dir,
)
from training.model import tokenizer_file
from training.train import TrainConfig, load_records, public_sources, records_fingerprint


def data_fingerprint(data_dir: str, sources: list[str]) -> dict[str, Any]:
    """sha256 of every file of each public source used, so a model names its data exactly."""
    out: dict[str, Any] = {}
    root = Path(data_dir)
    folders = {"tsd": "toxic_spans", "tsd_full": "toxic_spans/full", "davidson": "davidson2017", "mlma": "mlma",
               "stormfront": "stormfront", "implicit_hate": "implicit_hate", "toxigen": "toxigen_prompts",
               "counterspeech": "counterspeech_reddit"}
    for s in sources:
        folder = root / folders.get(s, s)
        if folder.is_dir():
            out[s] = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file() and p.suffix in (".csv", ".tsv", ".json")}
    return out


def flag_agreement(a: Scorer, b: Scorer, texts: list[str]) -> float:
    """Share of (comment, label) flag decisions on which two models agree."""
    ra, rb = a.score(texts, spans=False), b.score(texts, spans=False)
    same = sum(x["flags"][n] == y["flags"][n] for x, y in zip(ra, rb) for n in LABELS)
    return same / (len(texts) * len(LABELS))


def release(checkpoint: str | Path, out_dir: str | Path, version: str, name: str = "threadguard-minilm",
            data_dir: str | None = None, parity_comments: int = 1000, calibration_comments: int = 1000,
            records: list[Record] | None = None,
            extra_manifest: dict[str, Any] | None = None,
            parent_thresholds: dict[str, dict[str, float]] | None = None) -> dict[str, Any]:
    """``records``: calibrate on these (their dev split) instead of the run's configured data.
    ``parent_thresholds``: ``{"comment": …, "span": …}`` of the model this release would replace;
    each is kept unless another beats it beyond noise (see ``training.evaluate.calibrate``)."""
    model, cfg_dict, state = load_checkpoint(checkpoint)
    # A recovered checkpoint's config also says where its weights came from (training/recover.py).
    known = {k: v for k, v in cfg_dict.items() if k in TrainConfig.__dataclass_fields__}
    cfg = TrainConfig(**{**known, **({"data_dir": data_dir} if data_dir else {})})
    tok_path = tokenizer_file(cfg.base_model)
    tokenizer = load_tokenizer(tok_path)
    if records is None:
        records = load_records(cfg)
    # Tiny runs (tests) may have no dev split: then calibrate on what there is.
    dev = [r for r in records if r.split == "dev"] or records
    calib = calibration_sample(dev, 6000)
    engine = torch_engine(model, tokenizer, cfg.max_length, cfg.stride)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        export_onnx(model, tmp / "fp32.onnx")
        hidden = model.encoder.config.hidden_size
        heads = model.encoder.config.num_attention_heads
        fused = tmp / "fused.onnx"
        src = fused if optimise(tmp / "fp32.onnx", fused, hidden, heads) else tmp / "fp32.onnx"
        # One window per batch: the ranges are those single comments reach, not padded batches'.
        calibration_windows = [w for e in engine.encode([r.text for r in calib[:calibration_comments]]) for w in e.windows]
        quantisation = quantise(src, tmp / "int8.onnx", [pad_windows([w]) for w in calibration_windows])

        # Thresholds are tuned on the int8 model's scores: those are the scores the service returns.
        draft = base_manifest(cfg_dict, _untuned_thresholds(), name, version)
        served = Scorer(write_model_dir(tmp / "int8_draft", tmp / "int8.onnx", tok_path, draft))
        thresholds = calibrate(served.engine, calib, predict_records(served.engine, calib), parent_thresholds)

        manifest = base_manifest(cfg_dict, thresholds, name, version)
        manifest["datasets"] = data_fingerprint(cfg.data_dir, public_sources(cfg.mix))
        manifest["training"] = {"step": state.get("step"), "dev": state.get("dev"), "mix": cfg.mix}
        # What the run loaded, fingerprinted when it trained; checkpoints from before that was
        # recorded (and weight averages) are fingerprinted on the data as it is now, and say so.
        if state.get("data"):
            manifest["training"]["data"] = {"fingerprinted": "at training", "records": state["data"]}
        else:
            manifest["training"]["data"] = {"fingerprinted": "at export", "records": records_fingerprint(records)}
        if "soup" in state:  # a weight average (training/soup.py): name what was averaged
            manifest["soup"] = state["soup"]
        if "recovered_from" in cfg_dict:
            manifest["recovered_from"] = cfg_dict["recovered_from"]
        manifest.update(extra_manifest or {})

        sample = [r.text for r in calib[:64]]
        enc = engine.encode(sample)
        ids, mask = pad_windows([w for e in enc for w in e.windows][:64])
        parity = {"fp32_onnx_vs_torch_max_abs": torch_vs_onnx(model, tmp / "fp32.onnx", ids, mask)}
        if src == fused:
            parity["fused_onnx_vs_torch_max_abs"] = torch_vs_onnx(model, fused, ids, mask)

        fp32_dir = write_model_dir(tmp / "fp32_model", src, tok_path, {**manifest, "quantisation": "none"})
        save_fp16_checkpoint(model, cfg_dict, tmp / "checkpoint.pt")
        out = write_model_dir(
            Path(out_dir), tmp / "int8.onnx", tok_path, {**manifest, "quantisation": {"method": "int8", "weights": "per channel", **quantisation}, "parity": parity}, tmp / "checkpoint.pt"
        )
        agreement = flag_agreement(Scorer(fp32_dir), Scorer(out), [r.text for r in dev[:parity_comments]])
        parity["int8_vs_fp32_flag_agreement"] = round(agreement, 4)
    # Record the parity figures in the shipped manifest (rehashing nothing: model files are unchanged).
    mpath = Path(out) / "manifest.json"
    m = json.loads(mpath.read_text())
    m["parity"] = parity
    from service.io import atomic_write_text

    atomic_write_text(mpath, json.dumps(m, indent=2, ensure_ascii=False) + "\n")
    return {"thresholds": thresholds, "parity": parity, "model_dir": str(out)}


def _untuned_thresholds() -> dict[str, dict[str, float]]:
    return {"comment": {n: 0.5 for n in LABELS}, "span": {n: 0.5 for n in SPAN_LABELS}}


def evaluate_model(model_dir: str | Path, data_dir: str, sources: list[str] | None = None) -> dict[str, Any]:
    scorer = Scorer(model_dir)
    cfg = TrainConfig(data_dir=data_dir)
    if sources:
        cfg.mix = {s: 1.0 for s in sources}
    records = load_records(cfg)
    thresholds = {"comment": scorer.manifest.thresholds, "span": scorer.manifest.span_thresholds}
    report = full_report(scorer.engine, records, thresholds)
    report["model"] = {"name": scorer.manifest.name, "version": scorer.version}
    report["thresholds"] = thresholds
    return report
