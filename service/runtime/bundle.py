"""A model directory: ``model.onnx``, ``tokenizer.json`` and ``manifest.json``, verified before use.

A directory is either loaded whole and verified, or refused with a ``ModelError`` that says
why: a model that does not match its manifest never serves.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.schema import LABELS, SPAN_LABELS

MANIFEST = "manifest.json"
REQUIRED_FILES = ("model.onnx", "tokenizer.json")
DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "threadguard-minilm"


class ModelError(Exception):
    """The model directory is missing, incomplete, or does not match its manifest."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Manifest:
    name: str
    version: str
    labels: tuple[str, ...]
    span_labels: tuple[str, ...]
    thresholds: dict[str, float]
    span_thresholds: dict[str, float]
    max_length: int
    window_stride: int
    normaliser_version: str
    raw: dict[str, Any]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Manifest":
        try:
            return cls(
                name=d["name"],
                version=str(d["version"]),
                labels=tuple(d["labels"]),
                span_labels=tuple(d["span_labels"]),
                thresholds={k: float(v) for k, v in d["thresholds"].items()},
                span_thresholds={k: float(v) for k, v in d["span_thresholds"].items()},
                max_length=int(d["max_length"]),
                window_stride=int(d["window_stride"]),
                normaliser_version=str(d["normaliser_version"]),
                raw=d,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"manifest.json: missing or malformed field: {exc}") from exc


def models_root() -> Path:
    """Where the shipped model and the registry of retrained ones live."""
    if os.environ.get("THREADGUARD_MODELS"):
        return Path(os.environ["THREADGUARD_MODELS"])
    if (DEFAULT_MODEL_DIR / MANIFEST).is_file():
        return DEFAULT_MODEL_DIR.parent
    return Path.cwd() / "models"


def default_model_dir() -> Path:
    """$THREADGUARD_MODEL_DIR, else the registry's active version, else the shipped model."""
    if os.environ.get("THREADGUARD_MODEL_DIR"):
        return Path(os.environ["THREADGUARD_MODEL_DIR"])
    from service.runtime.registry import Registry

    active = Registry(models_root() / "registry").active_dir()
    return active if active is not None else models_root() / DEFAULT_MODEL_DIR.name


def read_manifest(model_dir: str | Path) -> Manifest:
    """Read and verify a model directory: files present, hashes equal, vocabularies ours."""
    from service.runtime.normalise import NORMALISER_VERSION

    model_dir = Path(model_dir)
    path = model_dir / MANIFEST
    if not path.is_file():
        raise ModelError(f"{model_dir}: no {MANIFEST} (not a Threadguard model directory)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"{path}: not valid JSON ({exc.msg})") from exc
    manifest = Manifest.from_dict(data)
    hashes = data.get("files") or {}
    for name in REQUIRED_FILES:
        if not (model_dir / name).is_file():
            raise ModelError(f"{model_dir}: {name} is missing")
    for name in REQUIRED_FILES:
        f = model_dir / name
        expected = hashes.get(name)
        if not expected:
            raise ModelError(f"{path}: no sha256 recorded for {name}")
        actual = sha256_file(f)
        if actual != expected:
            raise ModelError(f"{f}: sha256 {actual[:12]}… does not match the manifest ({expected[:12]}…)")
    if tuple(manifest.labels) != LABELS or tuple(manifest.span_labels) != SPAN_LABELS:
        raise ModelError(f"{path}: labels {list(manifest.labels)} are not this runtime's {list(LABELS)}")
    if manifest.normaliser_version != NORMALISER_VERSION:
        raise ModelError(
            f"{path}: trained with normaliser v{manifest.normaliser_version}, this runtime has v{NORMALISER_VERSION}"
        )
    return manifest
