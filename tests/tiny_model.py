"""A tiny but real model with a training checkpoint, for tests that serve, reload and retrain.

Three training steps on the behaviour data, released into a registry as ``v1``: minutes of
CPU would buy nothing here, since the tests check plumbing (and retraining on labels the
tiny model gets wrong), not quality. Building it needs torch.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from service.runtime.registry import Registry


def build_tiny_model(root: Path, version: str = "v1") -> Path:
    """Train and release a tiny model into ``root/registry/<version>``; returns the directory."""
    from training.release import release
    from training.train import TrainConfig, train

    cfg = TrainConfig(mix={"behaviour": 1.0}, out_dir=str(root / "run"), max_steps=3, batch_size=8, eval_every=3, eval_max=20, threads=1)
    train(cfg, resume=False)
    registry = Registry(root / "registry")
    release(root / "run" / "best.pt", registry.path_of(version), version=version, parity_comments=50)
    return registry.path_of(version)


def fresh_registry(model_dir: Path, root: Path, version: str = "v1") -> Registry:
    """A registry under ``root`` holding a copy of ``model_dir`` as ``version``, made active."""
    registry = Registry(root)
    shutil.copytree(model_dir, registry.path_of(version))
    _set_version(registry.path_of(version), version)
    registry.set_active(version)
    return registry


def add_relabelled_copy(registry: Registry, source_version: str, version: str) -> Path:
    """The same weights under another version name (the manifest's version is not hashed)."""
    target = registry.path_of(version)
    shutil.copytree(registry.path_of(source_version), target)
    _set_version(target, version)
    return target


def _set_version(model_dir: Path, version: str) -> None:
    path = model_dir / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["version"] = version
    path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def with_spans_everywhere(model_dir: Path, target: Path) -> Path:
    """``model_dir`` with every span threshold at 0, so every comment has spans whatever the weights.

    Span thresholds are not covered by the manifest's file hashes; the model files are linked, not copied.
    """
    target.mkdir(parents=True, exist_ok=True)
    for name in ("model.onnx", "tokenizer.json"):
        (target / name).symlink_to((model_dir / name).resolve())
    manifest = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["span_thresholds"] = {label: 0.0 for label in manifest["span_thresholds"]}
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return target


def tampered_copy(model_dir: Path, target: Path) -> Path:
    """A copy of ``model_dir`` whose model.onnx no longer matches its manifest's sha256."""
    shutil.copytree(model_dir, target)
    with open(target / "model.onnx", "ab") as f:
        f.write(b"\0")
    return target
