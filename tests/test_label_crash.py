"""A label whose POST returned 2xx survives the server being killed (SIGKILL) mid-stream."""

from __future__ import annotations

import threading
import time

import httpx

from api_server import start_server
from service.labels.store import LabelStore

KEY = "crash-annotator-key"


def test_every_acknowledged_label_survives_sigkill(tiny_model_dir, tmp_path):
    db = f"sqlite:///{tmp_path / 'labels.db'}"
    env = {"THREADGUARD_LABELS_DB": db, "THREADGUARD_ANNOTATOR_KEYS": f"mod:{KEY}", "THREADGUARD_ACCESS_LOG": "false"}
    server = start_server(tiny_model_dir, tmp_path, env)
    acknowledged: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def post_labels(writer: int) -> None:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {KEY}"}, timeout=10) as client:
            n = 0
            while not stop.is_set():
                comment_id = f"w{writer}-{n}"
                n += 1
                body = {"comment_id": comment_id, "text": f"comment {comment_id} about zorblats", "labels": {"slur": n % 2, "toxic": n % 2},
                        "spans": [{"start": len(f"comment {comment_id} about "), "end": len(f"comment {comment_id} about zorblats"), "label": "slur"}] if n % 2 else []}
                try:
                    res = client.post("/v1/labels", json=body)
                except httpx.HTTPError:
                    return  # the server is gone
                if 200 <= res.status_code < 300:
                    with lock:
                        acknowledged.append(comment_id)

    writers = [threading.Thread(target=post_labels, args=(k,)) for k in range(3)]
    try:
        for w in writers:
            w.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(acknowledged) < 60:
            time.sleep(0.01)
        server.process.kill()  # SIGKILL: no shutdown, no flush, mid-request
        server.process.wait(10)
    finally:
        stop.set()
        for w in writers:
            w.join(15)
        server.stop()
    assert len(acknowledged) >= 60, server.log()[-2000:]

    restarted = start_server(tiny_model_dir, tmp_path, env)
    try:
        with LabelStore(db) as store:
            present = {label.comment_id: label for label in store.iter_current()}
        missing = [cid for cid in acknowledged if cid not in present]
        assert missing == []
        for cid in acknowledged:
            label = present[cid]
            assert label.annotator == "mod" and all(label.text[s.start:s.end] == "zorblats" for s in label.spans)
        # The restarted server reads and writes the same database.
        page = httpx.get(f"{restarted.url}/v1/labels?limit=1000", headers={"Authorization": f"Bearer {KEY}"}).json()
        assert set(acknowledged) <= {r["comment_id"] for r in page["labels"]}
        res = httpx.post(f"{restarted.url}/v1/labels", json={"comment_id": "after", "text": "after the crash"}, headers={"Authorization": f"Bearer {KEY}"})
        assert res.status_code == 200
    finally:
        restarted.stop()
