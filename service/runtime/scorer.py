"""The one entry point for scoring: ``Scorer().score(["text", ...])``.

onnxruntime + tokenizers + numpy; no torch. One ``Scorer`` holds one ONNX session and one
tokenizer for its whole life: create it once and reuse it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from service.runtime.bundle import Manifest, ModelError, default_model_dir, read_manifest
from service.runtime.engine import Engine
from service.runtime.int8 import exact_model
from service.runtime.windows import load_tokenizer


# Export splits SkipLayerNormalization into Adds and a LayerNormalization, which run faster on
# CPU (training/export.py: split_skip_layer_norms); this keeps onnxruntime from fusing it back.
DISABLED_OPTIMIZERS = ["SkipLayerNormFusion"]


def _session(model_path: Path, threads: int | None, spin: bool, widen_weights: bool | None):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = threads or os.cpu_count() or 1
    opts.inter_op_num_threads = 1
    # Idle worker threads busy-wait for the next call by default: best for back-to-back batch
    # scoring, but in a server they burn the cores the event loop needs between batches.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    # On CPUs whose int8 kernel saturates, the weights are widened to uint8 so that every machine
    # computes the scores the model was evaluated with (service/runtime/int8.py).
    source, widened = exact_model(model_path, widen_weights)
    session = ort.InferenceSession(
        source, sess_options=opts, providers=["CPUExecutionProvider"], disabled_optimizers=DISABLED_OPTIMIZERS
    )
    return session, widened


def resolve_thresholds(defaults: Mapping[str, float], overrides: Mapping[str, float] | None) -> dict[str, float]:
    """A model's thresholds with per-call ``overrides``; unknown labels and values outside [0, 1] are refused."""
    out = dict(defaults)
    for name, value in (overrides or {}).items():
        if name not in out:
            raise ValueError(f"thresholds.{name}: unknown label (expected one of {', '.join(out)})")
        if not 0.0 <= float(value) <= 1.0:
            raise ValueError(f"thresholds.{name}: {value} is not between 0 and 1")
        out[name] = float(value)
    return out


class Scorer:
    def __init__(
        self,
        model_dir: str | Path | None = None,
        threads: int | None = None,
        max_batch_windows: int = 16,
        spin: bool = True,
        widen_weights: bool | None = None,
    ) -> None:
        """``spin=False`` for a process that does other work between calls (a server).
        ``widen_weights`` forces every int8 weight widened or all as exported; by default this
        CPU's kernel and the weights' range decide (service/runtime/int8.py)."""
        self.model_dir = Path(model_dir) if model_dir else default_model_dir()
        self.manifest: Manifest = read_manifest(self.model_dir)
        try:
            self.session, self.widened_weights = _session(self.model_dir / "model.onnx", threads, spin, widen_weights)
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelError(f"{self.model_dir / 'model.onnx'}: onnxruntime cannot load it: {exc}") from exc
        tokenizer = load_tokenizer(str(self.model_dir / "tokenizer.json"))
        self.engine = Engine(
            tokenizer,
            self._forward,
            self.manifest.span_labels,
            self.manifest.max_length,
            self.manifest.window_stride,
            max_batch_windows,
        )

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def int8_kernel(self) -> str:
        """Which onnxruntime integer kernel computes the products: "u8s8" as exported, or "u8u8"
        where this CPU's U8S8 kernel would saturate on full-range weights and they were widened
        to stay exact (7-bit weights never need it)."""
        return "u8u8" if self.widened_weights else "u8s8"

    @property
    def labels(self) -> tuple[str, ...]:
        return self.manifest.labels

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        comment, tokens = self.session.run(["comment_logits", "token_logits"], {"input_ids": ids, "attention_mask": mask})
        return comment, tokens

    def thresholds_for(self, overrides: Mapping[str, float] | None = None) -> dict[str, float]:
        return resolve_thresholds(self.manifest.thresholds, overrides)

    def score(
        self,
        texts: Sequence[str],
        thresholds: Mapping[str, float] | None = None,
        spans: bool = True,
    ) -> list[dict[str, Any]]:
        """Score comments; one result per text, in order."""
        t = self.thresholds_for(thresholds)
        comment_t = np.array([t[n] for n in self.labels])
        span_t = [self.manifest.span_thresholds[n] for n in self.manifest.span_labels]
        results = []
        for pred in self.engine.predict(texts):
            probs = pred.comment_probs
            flags = probs >= comment_t
            results.append(
                {
                    "scores": {n: round(float(p), 4) for n, p in zip(self.labels, probs)},
                    "flags": {n: bool(f) for n, f in zip(self.labels, flags)},
                    "flagged": bool(flags.any()),
                    "spans": [h.to_dict() for h in self.engine.decode_spans(pred, span_t)] if spans else [],
                    "model": self.version,
                }
            )
        return results

    def predict(self, text: str, **kwargs: Any) -> dict[str, Any]:
        return self.score([text], **kwargs)[0]
