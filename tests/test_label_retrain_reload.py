"""The whole loop on a tiny model: label through the running server, retrain from its label
store, promote, hot-reload, and serve the new version; a retrain whose gate cannot pass
leaves the served and the active model alone."""

from __future__ import annotations

import httpx
import pytest

pytest.importorskip("torch")

from api_server import Server, start_server  # noqa: E402
from tiny_model import fresh_registry  # noqa: E402
from training.retrain import RetrainConfig, retrain  # noqa: E402

ADMIN, MOD = "loop-admin-key", "loop-moderator-key"
# A community's own slur the public data has never seen, and harmless look-alikes.
HATEFUL = [f"those {w} zorblats should go back where they came from" for w in ("filthy", "lazy", "stinking", "dirty", "useless", "greedy")]
HATEFUL += [f"every zorblat in {city} is vermin" for city in ("Leeds", "Ankara", "Boston", "Kyiv", "Haifa", "Erbil")]
BENIGN = [f"the {w} weather in {city} was lovely today" for w, city in zip(("sunny", "mild", "bright", "warm", "calm", "soft"), ("Leeds", "Ankara", "Boston", "Kyiv", "Haifa", "Erbil"))]


def score(server: Server, texts: list[str]) -> list[dict]:
    res = httpx.post(f"{server.url}/v1/score", json={"comments": [{"text": t} for t in texts]}, headers={"x-api-key": MOD}, timeout=60)
    assert res.status_code == 200, res.text
    return res.json()["results"]


def right_on_hate(results: list[dict]) -> int:
    return sum(r["flags"]["hate"] == (i < len(HATEFUL)) for i, r in enumerate(results))


def slur_span(text: str) -> list[dict]:
    word = "zorblats" if "zorblats" in text else "zorblat"
    start = text.index(word)
    return [{"start": start, "end": start + len(word), "label": "slur"}]


@pytest.mark.slow
def test_labels_retrain_promote_reload_and_a_failed_gate(tiny_model_dir, tmp_path):
    registry = fresh_registry(tiny_model_dir, tmp_path / "models" / "registry", "v1")
    db = f"sqlite:///{tmp_path / 'labels.db'}"
    env = {
        "THREADGUARD_MODELS": str(tmp_path / "models"),
        "THREADGUARD_LABELS_DB": db,
        "THREADGUARD_ADMIN_KEYS": ADMIN,
        "THREADGUARD_ANNOTATOR_KEYS": f"mod:{MOD}",
    }
    server = start_server(None, tmp_path, env)  # serves the registry's ACTIVE version
    try:
        before = score(server, HATEFUL + BENIGN)
        assert {r["model"] for r in before} == {"v1"}
        right_before = right_on_hate(before)
        assert right_before < len(before)  # the tiny model gets some of them wrong

        labels = [{"comment_id": f"h{i}", "text": t, "labels": {"hate": 1, "toxic": 1, "slur": 1}, "spans": slur_span(t)} for i, t in enumerate(HATEFUL)]
        labels += [{"comment_id": f"b{i}", "text": t, "labels": {"hate": 0, "toxic": 0, "slur": 0}, "spans": [], "span_labels": ["slur", "hate"]} for i, t in enumerate(BENIGN)]
        res = httpx.post(f"{server.url}/v1/labels", json=labels, headers={"Authorization": f"Bearer {MOD}"}, timeout=30)
        assert res.status_code == 200 and res.json()["created"] == len(labels)

        def config(version: str, tolerance: float) -> RetrainConfig:
            # noise_z=0: the tolerance alone decides, so -1 makes the gate impossible.
            return RetrainConfig(labels_db=db, registry=str(registry.root), current=str(registry.active_dir()),
                                 data_dir=str(tmp_path / "no-public-data"), base_mix={"behaviour": 1.0}, replay=40, dev_max=40,
                                 max_steps=40, batch_size=8, lr=1e-4, head_lr=3e-3, threads=1, version=version, tolerance=tolerance,
                                 noise_z=0)

        report = retrain(config("v2", tolerance=1.0))
        assert report["promoted"], report["reasons"]
        assert report["labels"]["total"] == len(labels) and registry.active_version() == "v2"
        assert score(server, ["still serving"])[0]["model"] == "v1"  # promotion alone changes nothing served

        reloaded = httpx.post(f"{server.url}/v1/admin/reload", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=120)
        assert reloaded.status_code == 200, reloaded.text
        assert reloaded.json()["model"]["version"] == "v2" and reloaded.json()["previous"]["version"] == "v1"
        models = httpx.get(f"{server.url}/v1/models", headers={"x-api-key": MOD}).json()
        assert models["active"]["version"] == "v2" and models["registry"]["active_version"] == "v2"
        assert models["data"][0]["manifest"]["parent_version"] == "v1"
        after = score(server, HATEFUL + BENIGN)
        assert {r["model"] for r in after} == {"v2"}
        right_after = right_on_hate(after)
        assert right_after > right_before and right_after >= 0.8 * len(after)

        failed = retrain(config("v3", tolerance=-1.0))  # any dev metric "drops": the gate cannot pass
        assert not failed["promoted"] and any("dropped" in reason for reason in failed["reasons"])
        assert registry.active_version() == "v2"
        again = httpx.post(f"{server.url}/v1/admin/reload", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=120)
        assert again.status_code == 200 and again.json()["model"]["version"] == "v2"
        assert {r["model"] for r in score(server, HATEFUL[:2])} == {"v2"}
        listed = {v["version"]: v["active"] for v in httpx.get(f"{server.url}/v1/models", headers={"x-api-key": MOD}).json()["registry"]["versions"]}
        assert listed == {"v1": False, "v2": True, "v3": False}
    finally:
        server.stop()
