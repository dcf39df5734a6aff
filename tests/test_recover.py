"""Trainable weights recovered from a shipped int8 graph, for clones that have no checkpoint.pt."""

import json
import random
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from service.runtime.bundle import ModelError  # noqa: E402
from service.runtime.engine import pad_windows  # noqa: E402
from service.runtime.scorer import Scorer  # noqa: E402
from tiny_model import fresh_registry, tampered_copy  # noqa: E402
from training.data.behaviour import load_behaviour  # noqa: E402
from training.export import CHECKPOINT  # noqa: E402
from training.recover import recover_checkpoint, recover_state_dict  # noqa: E402
from training.retrain import RetrainConfig, retrain  # noqa: E402


def test_recovered_weights_are_the_checkpoints_within_one_quantisation_step(tiny_model_dir):
    saved = torch.load(tiny_model_dir / CHECKPOINT, weights_only=False)["model"]
    recovered = recover_state_dict(tiny_model_dir / "model.onnx")
    weights = {k: v.float().numpy() for k, v in saved.items() if not k.endswith("position_ids")}
    assert set(recovered) == set(weights)
    for name, true in weights.items():
        got = recovered[name]
        assert got.shape == true.shape, name
        # Matrices: 7-bit int8 per output channel, half a step of at most max|w| / 64; embeddings:
        # uint8 per tensor, at most max|w| / 127.
        step = np.abs(true).max() / (127 if name.startswith("encoder.embeddings.") else 64)
        assert np.abs(got - true).max() <= 0.51 * step + 2e-3 * np.abs(true).max() + 1e-6, name
    # The matrices really are quantised (recovery is not reading fp32 copies): some error remains.
    assert np.abs(recovered["token_head.weight"] - weights["token_head.weight"]).max() > 0


def test_the_recovered_shipped_model_computes_what_the_int8_graph_computes(model_dir):
    model, config = recover_checkpoint(model_dir)
    assert config["max_length"] == 128 and "dequantised" in config["recovered_from"]
    texts = [r.text for r in random.Random(0).sample(load_behaviour("test"), 120)]
    engine = Scorer(model_dir).engine
    windows = [w for e in engine.encode(texts) for w in e.windows]
    ids, mask = pad_windows(windows, engine.pad_id)
    shipped = 1 / (1 + np.exp(-engine.forward(ids, mask)[0]))
    with torch.no_grad():
        recovered = torch.sigmoid(model(torch.from_numpy(ids).long(), torch.from_numpy(mask).long())[0]).numpy()
    # Only the int8 graph's activation quantisation separates the two.
    assert np.mean((recovered > 0.5) == (shipped > 0.5)) >= 0.97
    assert np.median(np.abs(recovered - shipped)) < 0.02


def test_retraining_a_clone_without_its_checkpoint_starts_from_the_recovered_weights(tiny_model_dir, tmp_path):
    registry = fresh_registry(tiny_model_dir, tmp_path / "registry")
    (registry.active_dir() / CHECKPOINT).unlink()
    db = f"sqlite:///{tmp_path / 'labels.db'}"
    from service.labels.store import LabelStore
    from service.labels.validation import LabelIn

    labels = [LabelIn(comment_id=f"h{i}", text=f"every zorblat in {c} is vermin", annotator="mod",
                      labels={"hate": 1, "toxic": 1}) for i, c in enumerate(("Leeds", "Ankara", "Boston", "Kyiv"))]
    with LabelStore(db) as store:
        store.add(labels)
    cfg = RetrainConfig(labels_db=db, registry=str(registry.root), current=str(registry.active_dir()),
                        data_dir=str(tmp_path / "no-public-data"), base_mix={"behaviour": 1.0}, replay=16, dev_max=16,
                        max_steps=2, batch_size=8, threads=1, version="v2")
    report = retrain(cfg)
    assert report["parent_version"] == "v1"
    manifest = json.loads((registry.path_of("v2") / "manifest.json").read_text())
    assert manifest["parent_weights"] == "model.onnx (int8, dequantised)"


def test_recover_refuses_a_folder_that_fails_its_hashes(tiny_model_dir, tmp_path):
    broken = tampered_copy(tiny_model_dir, tmp_path / "broken")
    with pytest.raises(ModelError, match="sha256"):
        recover_checkpoint(broken)
    run = subprocess.run([sys.executable, "-m", "service.cli", "recover", str(broken), "--out", str(tmp_path / "x.pt")],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "sha256" in run.stderr
    assert not (tmp_path / "x.pt").exists()
