"""Hot model reload on a real server: refused models leave the old one serving, a reload under
load fails no request and switches versions cleanly, the ACTIVE watcher follows the registry;
and the batcher binds its model once per batch."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import httpx
import pytest

from api_server import Server, metric_value, start_server
from service.api.batcher import MicroBatcher
from service.io import atomic_write_text
from tiny_model import add_relabelled_copy, fresh_registry

ADMIN, SCORER = "reload-admin", "reload-scorer"
TEXTS = [
    "Thanks for the write-up, very clear.",
    "You are an idiot and everyone knows it.",
    "The council should fix the potholes on Main Street before spending on signs.",
    "ok",
    "I will find you after the meeting.",
]


@pytest.fixture(scope="module")
def world(tiny_model_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("reload")
    registry = fresh_registry(tiny_model_dir, root / "models" / "registry", "v1")
    for version in ("v2", "v3"):
        add_relabelled_copy(registry, "v1", version)
    # A version whose weights no longer match its manifest's hash.
    tampered = add_relabelled_copy(registry, "v1", "tampered")
    with open(tampered / "model.onnx", "ab") as f:
        f.write(b"\0")
    # A model directory with someone else's label set.
    foreign = add_relabelled_copy(registry, "v1", "foreign")
    manifest = json.loads((foreign / "manifest.json").read_text())
    manifest["labels"] = ["spam", "ham"]
    (foreign / "manifest.json").write_text(json.dumps(manifest))
    env = {
        "THREADGUARD_MODELS": str(root / "models"),
        "THREADGUARD_ADMIN_KEYS": ADMIN,
        "THREADGUARD_API_KEYS": SCORER,
        "THREADGUARD_LABELS_DB": f"sqlite:///{root / 'labels.db'}",
        "THREADGUARD_RELOAD_POLL_SECONDS": "0.2",
        "THREADGUARD_ACCESS_LOG": "false",
    }
    srv = start_server(None, root, env)  # no --model: the registry's ACTIVE version
    yield srv, registry
    srv.stop()


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def served_version(srv: Server) -> str:
    res = httpx.post(f"{srv.url}/v1/score", json={"comments": [{"text": "hello"}]}, headers=auth(SCORER), timeout=30)
    return res.json()["results"][0]["model"]


def reload(srv: Server, body: dict | None = None, key: str = ADMIN) -> httpx.Response:
    return httpx.post(f"{srv.url}/v1/admin/reload", json=body, headers=auth(key), timeout=60)


def test_starts_on_the_active_version_and_lists_the_registry(world):
    srv, _ = world
    models = httpx.get(f"{srv.url}/v1/models", headers=auth(SCORER)).json()
    assert models["active"]["version"] == "v1" and models["data"][0]["version"] == "v1"
    assert models["registry"]["active_version"] == "v1"
    listed = {v["version"]: v["active"] for v in models["registry"]["versions"]}
    assert listed["v1"] is True and listed["v2"] is False and {"v3", "tampered", "foreign"} <= set(listed)
    assert served_version(srv) == "v1"


def test_a_model_that_fails_verification_is_refused_and_the_old_one_keeps_serving(world):
    srv, registry = world
    tampered = reload(srv, {"model_dir": str(registry.path_of("tampered"))})
    assert tampered.status_code == 422
    error = tampered.json()["error"]
    assert error["field"] == "model_dir" and "sha256" in error["message"] and "still serving v1" in error["message"]
    foreign = reload(srv, {"version": "foreign"})
    assert foreign.status_code == 422 and "labels" in foreign.json()["error"]["message"] and foreign.json()["error"]["field"] == "version"
    missing = reload(srv, {"version": "v9"})
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "version"
    assert reload(srv, {"version": "../v1"}).status_code == 422
    assert reload(srv, {"model_dir": "/nonexistent/model"}).status_code == 422
    assert reload(srv, {"version": "v2", "model_dir": "/x"}).status_code == 422
    assert reload(srv, {"version": "v2"}, key=SCORER).status_code == 403
    assert httpx.post(f"{srv.url}/v1/admin/reload", json={"version": "v2"}).status_code == 401
    assert served_version(srv) == "v1"
    metrics = httpx.get(f"{srv.url}/metrics").text
    assert metric_value(metrics, "threadguard_model_reloads_total", outcome="refused") == 3
    assert metric_value(metrics, "threadguard_model_info", version="v1") == 1


def test_reload_under_load_fails_nothing_and_switches_cleanly(world):
    srv, _ = world
    assert served_version(srv) == "v1"
    total, concurrency = 2000, 16
    records: list[tuple[float, float, int, str | None]] = []  # start, end, status, model
    reload_times: dict[str, float] = {}
    reload_status: list[int] = []

    async def main() -> None:
        limits = httpx.Limits(max_connections=concurrency + 1, max_keepalive_connections=concurrency + 1)
        async with httpx.AsyncClient(base_url=srv.url, headers=auth(ADMIN), limits=limits, timeout=60) as client:
            next_index = 0
            reload_task: asyncio.Task | None = None

            async def do_reload() -> None:
                reload_times["sent"] = time.monotonic()
                res = await client.post("/v1/admin/reload", json={"version": "v2"})
                reload_times["done"] = time.monotonic()
                reload_status.append(res.status_code)

            async def worker() -> None:
                nonlocal next_index, reload_task
                while next_index < total:
                    i = next_index
                    next_index += 1
                    if i == total // 2 and reload_task is None:
                        reload_task = asyncio.create_task(do_reload())
                    started = time.monotonic()
                    try:
                        res = await client.post("/v1/score", json={"comments": [{"text": TEXTS[i % len(TEXTS)] + f" #{i}"}]})
                        model = res.json()["results"][0]["model"] if res.status_code == 200 else None
                        status = res.status_code
                    except httpx.HTTPError:
                        status, model = 0, None
                    records.append((started, time.monotonic(), status, model))

            await asyncio.gather(*(worker() for _ in range(concurrency)))
            if reload_task is not None:
                await reload_task

    asyncio.run(main())
    assert reload_status == [200]
    assert len(records) == total
    failed = [r for r in records if r[2] != 200]
    assert failed == []
    assert {r[3] for r in records} == {"v1", "v2"}
    sent, done = reload_times["sent"], reload_times["done"]
    assert all(model == "v1" for start, end, _, model in records if end < sent)
    after = [model for start, end, _, model in records if start > done]
    assert after and all(model == "v2" for model in after)
    # Batches run one after another, so once v2 answers, v1 never answers again.
    by_end = [model for _, _, _, model in sorted(records, key=lambda r: r[1])]
    first_v2 = by_end.index("v2")
    assert by_end[first_v2:].count("v1") <= concurrency  # only responses already on the wire
    assert served_version(srv) == "v2"


def test_the_watcher_follows_the_active_pointer_and_refuses_a_bad_target(world):
    srv, registry = world
    registry.set_active("v3")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and served_version(srv) != "v3":
        time.sleep(0.1)
    assert served_version(srv) == "v3"
    assert httpx.get(f"{srv.url}/v1/models", headers=auth(SCORER)).json()["active"]["version"] == "v3"
    refused_before = metric_value(httpx.get(f"{srv.url}/metrics").text, "threadguard_model_reloads_total", outcome="refused")
    atomic_write_text(registry.root / "ACTIVE", "tampered\n")  # by hand: set_active would refuse it
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if metric_value(httpx.get(f"{srv.url}/metrics").text, "threadguard_model_reloads_total", outcome="refused") > refused_before:
            break
        time.sleep(0.1)
    assert metric_value(httpx.get(f"{srv.url}/metrics").text, "threadguard_model_reloads_total", outcome="refused") == refused_before + 1
    assert served_version(srv) == "v3"
    assert "reload" in srv.log() and "refused" in srv.log()
    registry.set_active("v1")
    # No body: what a restart would load, i.e. the registry's ACTIVE version.
    res = reload(srv)
    # The pointer watcher may have swapped to v1 already, so "previous" is v3 or v1.
    assert res.status_code == 200 and res.json()["model"]["version"] == "v1"
    assert res.json()["previous"]["version"] in ("v3", "v1")
    assert served_version(srv) == "v1"


# ---------------------------------------------------------------------------- in-process


def test_the_batcher_binds_one_model_per_batch():
    calls: list[tuple[str, list[str]]] = []
    release = threading.Event()
    started = threading.Event()

    def model(name: str):
        def score(texts, thresholds):
            calls.append((name, list(texts)))
            if name == "old" and not release.is_set():
                started.set()
                release.wait(5)
            return [{"text": t, "model": name} for t in texts]
        return score

    current = {"fn": model("old")}

    async def main():
        batcher = MicroBatcher(model("unused"), max_batch_size=8, max_wait_s=0, bind_score_fn=lambda: current["fn"])
        batcher.start()
        # One short and one long comment: one batch, two model calls (length_chunks).
        first = asyncio.create_task(batcher.submit(["hi", "a much longer comment " * 30]))
        await asyncio.to_thread(started.wait, 5)
        current["fn"] = model("new")  # swapped while the old model is inside the batch
        second = asyncio.create_task(batcher.submit(["after the swap"]))
        await asyncio.sleep(0.05)
        release.set()
        results = await first, await second
        await batcher.close()
        return results

    first, second = asyncio.run(main())
    assert [r["model"] for r in first] == ["old", "old"]  # the whole batch on the model it started with
    assert [r["model"] for r in second] == ["new"]
    assert [name for name, _ in calls] == ["old", "old", "new"]


def test_reload_resolution_defaults_to_what_a_restart_would_load(tmp_path, monkeypatch, tiny_model_dir):
    from service.api.reload import startup_model_dir

    registry = fresh_registry(tiny_model_dir, tmp_path / "registry", "r1")
    monkeypatch.delenv("THREADGUARD_MODEL_DIR", raising=False)
    assert startup_model_dir(registry) == registry.path_of("r1")
    monkeypatch.setenv("THREADGUARD_MODEL_DIR", str(tmp_path / "pinned"))
    assert startup_model_dir(registry) == Path(tmp_path / "pinned")
