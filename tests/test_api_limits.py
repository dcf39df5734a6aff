"""Back-pressure and deadlines on a real server: a full queue answers 503 with Retry-After, a slow
request 504, an over-large body 413; and shutdown finishes what is in flight."""

from __future__ import annotations

import signal
import threading
import time

import httpx
import pytest

from api_server import Server, start_server

LONG = "This comment goes on and on about the council, the buses and the weather. " * 50  # ~3,700 characters


@pytest.fixture(scope="module")
def server(model_dir, tmp_path_factory) -> Server:
    env = {
        "THREADGUARD_MAX_QUEUE": "64",
        "THREADGUARD_MAX_COMMENTS": "64",
        "THREADGUARD_MAX_BATCH_SIZE": "4",
        "THREADGUARD_REQUEST_TIMEOUT_S": "0.3",
        "THREADGUARD_MAX_BODY_BYTES": "1048576",
        "THREADGUARD_RETRY_AFTER_S": "2",
    }
    srv = start_server(model_dir, tmp_path_factory.mktemp("logs"), env)
    yield srv
    srv.stop()


def _post_in_background(url: str, body: dict, out: list) -> threading.Thread:
    def run() -> None:
        out.append(httpx.post(url, json=body, timeout=60))

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_slow_request_times_out_with_504(server):
    res = httpx.post(f"{server.url}/v1/score", json={"comments": [{"text": LONG}] * 64}, timeout=60)
    assert res.status_code == 504
    assert res.json()["error"]["status"] == "DEADLINE_EXCEEDED"
    assert server.metric("threadguard_rejected_total", reason="timeout") >= 1


def test_full_queue_is_503_with_retry_after(server):
    first: list[httpx.Response] = []
    worker = _post_in_background(f"{server.url}/v1/score", {"comments": [{"text": LONG}] * 64}, first)
    deadline = time.monotonic() + 5
    while server.metric("threadguard_queue_depth") < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    res = httpx.post(f"{server.url}/v1/score", json={"comments": [{"text": "short"}] * 30}, timeout=30)
    worker.join()
    assert res.status_code == 503
    assert res.headers["retry-after"] == "2"
    assert "queue is full" in res.json()["error"]["message"]
    assert first[0].status_code == 504  # the filler itself ran out of time
    # Timed-out comments leave the queue at once, unscored; once the batch already running is
    # done, short requests are served again.
    assert server.metric("threadguard_queue_depth") == 0
    deadline = time.monotonic() + 10
    status = None
    while status != 200 and time.monotonic() < deadline:
        status = httpx.post(f"{server.url}/v1/score", json={"comments": [{"text": "short"}]}).status_code
    assert status == 200


def test_oversized_body_is_413(server):
    body = b'{"comments": [{"text": "' + b"a" * (1024 * 1024 + 10) + b'"}]}'
    res = httpx.post(f"{server.url}/v1/score", content=body, headers={"content-type": "application/json"})
    assert res.status_code == 413 and res.json()["error"]["status"] == "PAYLOAD_TOO_LARGE"
    assert server.metric("threadguard_requests_total", route="/v1/score", status="413") >= 1


def test_shutdown_finishes_in_flight_requests(model_dir, tmp_path_factory):
    srv = start_server(model_dir, tmp_path_factory.mktemp("logs"), {"THREADGUARD_MAX_BATCH_SIZE": "4"})
    try:
        out: list[httpx.Response] = []
        worker = _post_in_background(f"{srv.url}/v1/score", {"comments": [{"id": i, "text": LONG} for i in range(24)]}, out)
        deadline = time.monotonic() + 5
        while srv.metric("threadguard_queue_depth") == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        code = srv.stop(timeout=60)
        worker.join()
        # uvicorn re-raises SIGTERM once it has shut down cleanly, so the process ends "by SIGTERM".
        assert code in (0, -signal.SIGTERM)
        assert out[0].status_code == 200
        assert [r["id"] for r in out[0].json()["results"]] == list(range(24))
        assert "drained" in srv.log()
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{srv.url}/healthz", timeout=2)
    finally:
        srv.stop()
