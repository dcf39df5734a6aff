"""Gated retraining on a tiny model: new labels in, candidate trained, promoted only when it
is better on held-out new labels and not worse on dev; an impossible gate leaves ACTIVE alone."""

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("torch")

from service.labels.store import LabelStore  # noqa: E402
from service.labels.validation import LabelIn  # noqa: E402
from service.runtime.bundle import ModelError, read_manifest  # noqa: E402
from service.runtime.registry import Registry  # noqa: E402
from service.runtime.scorer import Scorer  # noqa: E402
from tiny_model import fresh_registry  # noqa: E402
import training.retrain as retrain_module  # noqa: E402
from training.data.behaviour import load_behaviour  # noqa: E402
from training.evaluate import predict_records  # noqa: E402
from training.release import release  # noqa: E402
from training.retrain import RetrainConfig, dev_drops, gate, paired_standard_errors, retrain  # noqa: E402

# A community's own slur the public data has never seen, and harmless look-alikes.
HATEFUL = [f"those {w} zorblats should go back where they came from" for w in ("filthy", "lazy", "stinking", "dirty", "useless", "greedy")]
HATEFUL += [f"every zorblat in {city} is vermin" for city in ("Leeds", "Ankara", "Boston", "Kyiv", "Haifa", "Erbil")]
BENIGN = [f"the {w} weather in {city} was lovely today" for w, city in zip(("sunny", "mild", "bright", "warm", "calm", "soft"), ("Leeds", "Ankara", "Boston", "Kyiv", "Haifa", "Erbil"))]


@pytest.fixture(scope="module")
def world(tiny_model_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("retrain")
    registry = fresh_registry(tiny_model_dir, root / "registry")
    db = f"sqlite:///{root / 'labels.db'}"
    labels = [LabelIn(comment_id=f"h{i}", text=t, annotator="mod", labels={"hate": 1, "toxic": 1, "slur": 1}) for i, t in enumerate(HATEFUL)]
    labels += [LabelIn(comment_id=f"b{i}", text=t, annotator="mod", labels={"hate": 0, "toxic": 0, "slur": 0}) for i, t in enumerate(BENIGN)]
    with LabelStore(db) as store:
        store.add(labels)
    return root, registry, db


def config(root: Path, registry: Registry, db: str, **kw) -> RetrainConfig:
    return RetrainConfig(labels_db=db, registry=str(registry.root), current=str(registry.active_dir()),
                         data_dir=str(root / "no-public-data"), base_mix={"behaviour": 1.0}, replay=40, dev_max=40,
                         max_steps=40, batch_size=8, lr=1e-4, head_lr=3e-3, threads=1, **kw)


def test_promotes_a_better_model(world, monkeypatch):
    root, registry, db = world
    parent = json.loads((registry.active_dir() / "manifest.json").read_text())
    releases = []

    def spied_release(*args, **kwargs):
        releases.append(kwargs)
        return release(*args, **kwargs)

    monkeypatch.setattr(retrain_module, "release", spied_release)
    before = Scorer(registry.active_dir()).score(HATEFUL + BENIGN, spans=False)
    report = retrain(config(root, registry, db, version="v2", tolerance=1.0))
    # The candidate's thresholds start from the parent's, so they move only beyond noise.
    assert [r["parent_thresholds"] for r in releases] == [{"comment": parent["thresholds"], "span": parent["span_thresholds"]}]
    assert report["promoted"], report["reasons"]
    assert registry.active_version() == "v2"
    manifest = json.loads((registry.path_of("v2") / "manifest.json").read_text())
    assert manifest["parent_version"] == "v1" and manifest["label_snapshot"]["labels"] == len(HATEFUL) + len(BENIGN)
    after = Scorer(registry.active_dir()).score(HATEFUL + BENIGN, spans=False)
    right_before = sum(r["flags"]["hate"] == (i < len(HATEFUL)) for i, r in enumerate(before))
    right_after = sum(r["flags"]["hate"] == (i < len(HATEFUL)) for i, r in enumerate(after))
    assert right_after > right_before and right_after >= 0.8 * len(after)
    assert (registry.path_of("v2") / "retrain_report.json").is_file()
    errors = report["dev_standard_errors"]
    assert errors and set(errors) <= set(report["current"]["dev"]) and all(v >= 0 for v in errors.values())


def test_failed_gate_keeps_the_active_model(world):
    root, registry, db = world
    active = registry.active_version()
    report = retrain(config(root, registry, db, version="v3", tolerance=-1.0, noise_z=0))  # any dev metric "drops"
    assert not report["promoted"]
    assert any("dropped" in reason for reason in report["reasons"])
    assert registry.active_version() == active


def test_a_reference_model_holds_the_candidate_too(world, model_dir):
    """On dev the candidate is no worse than its tiny parent; held to the shipped model as
    reference too (dev AUCs near 1, the tiny models' 0.4-0.8), it is refused."""
    root, registry, db = world
    active = registry.active_version()
    reference = read_manifest(model_dir).version
    report = retrain(config(root, registry, db, version="v4", tolerance=0.2, reference=str(model_dir)))
    against = [r for r in report["reasons"] if r.startswith(f"against reference {reference}: ")]
    assert any("dropped" in r and "within noise" not in r for r in against), report["reasons"]
    assert not report["promoted"] and registry.active_version() == active
    assert report["reference"]["version"] == reference
    assert set(report["reference"]["dev"]) == set(report["candidate"]["dev"])
    # Against its parent the same dev numbers pass: on dev, the reference is what refused it.
    assert dev_drops(report["current"]["dev"], report["candidate"]["dev"], 0.2, report["dev_standard_errors"])[0]


def test_a_reference_that_is_not_a_model_is_refused_before_training(world, tmp_path):
    root, registry, db = world
    with pytest.raises(ModelError, match="manifest"):
        retrain(config(root, registry, db, version="v5", reference=str(tmp_path)))
    assert not registry.path_of("v5").exists()


def test_standard_errors_are_zero_for_one_model_and_larger_on_a_smaller_set(model_dir, tiny_model_dir):
    test = random.Random(1).sample(load_behaviour("test"), 1500)
    records = [replace(r, source="small") for r in random.Random(0).sample(test, 150)]
    records += [replace(r, source="large") for r in test]
    shipped, tiny = Scorer(model_dir), Scorer(tiny_model_dir)
    a, b = predict_records(shipped.engine, records), predict_records(tiny.engine, records)
    same = paired_standard_errors(shipped, shipped, records, a, a)
    assert {"small/hate/auc", "large/hate/auc", "large/span_f1"} <= set(same)
    assert all(v == 0 for v in same.values())
    errors = paired_standard_errors(shipped, tiny, records, a, b)
    assert errors["small/hate/auc"] > errors["large/hate/auc"] > 0
    assert errors["small/span_f1"] > errors["large/span_f1"] > 0


def test_gate_fails_a_drop_beyond_tolerance_and_noise_only():
    current = {"new_labels": 0.5, "dev": {"mlma/hate/auc": 0.630, "davidson/hate/auc": 0.950}}
    within_noise = {"new_labels": 0.8, "dev": {"mlma/hate/auc": 0.615, "davidson/hate/auc": 0.951}}
    errors = {"mlma/hate/auc": 0.012, "davidson/hate/auc": 0.003}
    promoted, reasons = gate(current, within_noise, 0.01, errors)
    assert promoted, reasons
    assert [r for r in reasons if "dropped" in r] == [
        "dev mlma/hate/auc dropped 0.6300 → 0.6150 (tolerance 0.01; within noise: 2 × paired standard error 0.0120 = 0.0240)"]
    # The same drop on a set where it is far outside noise fails.
    beyond_noise = {"new_labels": 0.8, "dev": {"mlma/hate/auc": 0.629, "davidson/hate/auc": 0.935}}
    promoted, reasons = gate(current, beyond_noise, 0.01, errors)
    assert not promoted
    assert [r for r in reasons if "dropped" in r] == [
        "dev davidson/hate/auc dropped 0.9500 → 0.9350 (tolerance 0.01; paired standard error 0.0030)"]
    # A drop inside the tolerance passes however small its error; one without an error meets the tolerance alone.
    assert gate(current, {"new_labels": 0.8, "dev": {"mlma/hate/auc": 0.625, "davidson/hate/auc": 0.945}}, 0.01, {})[0]
    assert not gate(current, within_noise, 0.01)[0]
    assert not gate(current, within_noise, 0.01, errors, noise_z=0)[0]
    assert not gate({**current, "new_labels": 0.9}, within_noise, 0.01, errors)[0]
