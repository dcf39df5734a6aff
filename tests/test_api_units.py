"""The service's parts in-process: batcher, metrics text, settings, key checks, label mapping, CLI refusals."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from service.api.auth import KeyChecker
from service.api.batcher import BatcherClosed, MicroBatcher, QueueFull, length_chunks
from service.api.compat import OPENAI_CATEGORIES, PERSPECTIVE_ATTRIBUTES, Derived, merged_spans, openai_result
from service.api.errors import ApiError, field_path
from service.api.metrics import Counter, Histogram, ServiceMetrics
from service.api.settings import load_settings
from service.schema import LABELS


class EchoScorer:
    """Stands in for Scorer.score: records each call, answers with the text and thresholds it saw."""

    def __init__(self, delay: float = 0.0, fail_on: str | None = None) -> None:
        self.calls: list[list[str]] = []
        self.delay = delay
        self.fail_on = fail_on
        self.lock = threading.Lock()

    def __call__(self, texts, thresholds):
        with self.lock:
            self.calls.append(list(texts))
        if self.fail_on in texts:
            raise RuntimeError("model failed")
        if self.delay:
            import time

            time.sleep(self.delay)
        return [{"text": t, "thresholds": dict(thresholds)} for t in texts]


def run(coro):
    return asyncio.run(coro)


def test_concurrent_requests_share_a_batch_and_get_their_own_results():
    scorer = EchoScorer()
    sizes: list[int] = []

    async def main():
        batcher = MicroBatcher(scorer, max_batch_size=8, max_wait_s=0.05, on_batch=lambda n, s: sizes.append(n))
        batcher.start()
        results = await asyncio.gather(*(batcher.submit([f"r{i}a", f"r{i}b"]) for i in range(4)))
        await batcher.close()
        return results

    results = run(main())
    assert [[r["text"] for r in res] for res in results] == [[f"r{i}a", f"r{i}b"] for i in range(4)]
    assert sizes == [8]
    assert len(scorer.calls) == 1


def test_batches_never_exceed_the_maximum():
    scorer = EchoScorer()

    async def main():
        batcher = MicroBatcher(scorer, max_batch_size=3, max_wait_s=0.01)
        batcher.start()
        out = await batcher.submit([str(i) for i in range(10)])
        await batcher.close()
        return out

    assert [r["text"] for r in run(main())] == [str(i) for i in range(10)]
    assert [len(c) for c in scorer.calls] == [3, 3, 3, 1]


def test_batch_size_one_is_no_batching():
    scorer = EchoScorer()

    async def main():
        batcher = MicroBatcher(scorer, max_batch_size=1, max_wait_s=0.05)
        batcher.start()
        await asyncio.gather(*(batcher.submit([str(i)]) for i in range(5)))
        await batcher.close()

    run(main())
    assert [len(c) for c in scorer.calls] == [1] * 5


def test_different_thresholds_are_scored_apart_within_a_batch():
    scorer = EchoScorer()

    async def main():
        batcher = MicroBatcher(scorer, max_batch_size=8, max_wait_s=0.05)
        batcher.start()
        a, b = await asyncio.gather(batcher.submit(["x", "y"], {"hate": 0.2}), batcher.submit(["z"]))
        await batcher.close()
        return a, b

    a, b = run(main())
    assert [r["thresholds"] for r in a] == [{"hate": 0.2}] * 2 and b[0]["thresholds"] == {}
    assert sorted(map(sorted, scorer.calls)) == [["x", "y"], ["z"]]


def test_full_queue_refuses_without_queueing():
    async def main():
        batcher = MicroBatcher(EchoScorer(delay=0.05), max_batch_size=2, max_wait_s=0, max_queue=4)
        batcher.start()
        first = asyncio.ensure_future(batcher.submit(["a", "b", "c", "d"]))
        await asyncio.sleep(0)
        with pytest.raises(QueueFull):
            await batcher.submit(["e", "f", "g", "h", "i"])
        done = await first
        await batcher.close()
        return done

    assert len(run(main())) == 4


def test_cancelled_requests_leave_the_queue():
    scorer = EchoScorer(delay=0.05)

    async def main():
        batcher = MicroBatcher(scorer, max_batch_size=1, max_wait_s=0, max_queue=100)
        batcher.start()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(batcher.submit([str(i) for i in range(20)]), 0.02)
        depth = batcher.depth
        await batcher.close()
        return depth

    assert run(main()) == 0
    assert len(scorer.calls) < 5  # the abandoned comments were never scored


def test_a_failing_batch_fails_its_callers_only():
    async def main():
        batcher = MicroBatcher(EchoScorer(fail_on="boom"), max_batch_size=1, max_wait_s=0)
        batcher.start()
        with pytest.raises(RuntimeError):
            await batcher.submit(["boom"])
        ok = await batcher.submit(["fine"])
        await batcher.close()
        return ok

    assert run(main())[0]["text"] == "fine"


def test_close_drains_then_refuses():
    scorer = EchoScorer(delay=0.01)

    async def main():
        batcher = MicroBatcher(scorer, max_batch_size=2, max_wait_s=0)
        batcher.start()
        pending = asyncio.ensure_future(batcher.submit([str(i) for i in range(6)]))
        await asyncio.sleep(0)
        await batcher.close()
        assert sum(len(c) for c in scorer.calls) == 6  # close() returned only after scoring everything
        assert len(await pending) == 6
        with pytest.raises(BatcherClosed):
            await batcher.submit(["late"])

    run(main())


def test_a_lone_client_is_not_kept_waiting():
    async def main():
        batcher = MicroBatcher(EchoScorer(), max_batch_size=32, max_wait_s=0.5)
        batcher.start()
        started = asyncio.get_running_loop().time()
        for i in range(3):
            await batcher.submit([str(i)])
        elapsed = asyncio.get_running_loop().time() - started
        await batcher.close()
        return elapsed

    assert run(main()) < 0.4  # three sequential requests, none waited out the 0.5 s batch window


def test_length_chunks_keep_padding_small():
    texts = ["a" * 40, "b" * 400, "c" * 44, "d" * 36, "e" * 420]
    chunks = length_chunks(texts, max_padding=0.3)
    assert sorted(i for c in chunks for i in c) == list(range(5))
    assert [sorted(c) for c in chunks] == [[0, 2, 3], [1, 4]]
    assert length_chunks(["x"] * 5, 0.3) == [[0, 1, 2, 3, 4]]


def test_metrics_text_format():
    c = Counter("t_total", "help", ("route",))
    c.inc(labels=('/a"b',))
    c.inc(2, labels=('/a"b',))
    assert 't_total{route="/a\\"b"} 3' in c.lines()
    h = Histogram("lat", "help", (0.1, 1.0))
    for v in (0.05, 0.5, 5.0):
        h.observe(v)
    lines = h.lines()
    assert 'lat_bucket{le="0.1"} 1' in lines and 'lat_bucket{le="1"} 2' in lines and 'lat_bucket{le="+Inf"} 3' in lines
    assert "lat_count 3" in lines and "lat_sum 5.55" in lines
    with pytest.raises(ValueError):
        c.inc(labels=())
    text = ServiceMetrics().render()
    assert "# TYPE threadguard_requests_total counter" in text and text.endswith("\n")


def test_settings_from_env_file_and_overrides(tmp_path, monkeypatch):
    config = tmp_path / "threadguard.toml"
    config.write_text('max_batch_size = 16\nmax_wait_ms = 9\napi_keys = ["from-file"]\n[thresholds]\nhate = 0.3\n')
    monkeypatch.setenv("THREADGUARD_MAX_WAIT_MS", "2")
    monkeypatch.setenv("THREADGUARD_ADMIN_KEYS", "adm1, adm2")
    settings = load_settings(config, port=9999, host=None)
    assert settings.max_batch_size == 16  # file
    assert settings.max_wait_ms == 2.0  # environment beats file
    assert settings.port == 9999 and settings.host == "127.0.0.1"  # override; None means "not given"
    assert settings.thresholds == {"hate": 0.3}
    assert [k.get_secret_value() for k in settings.admin_keys] == ["adm1", "adm2"]
    assert "adm1" not in repr(settings) and "from-file" not in str(settings.public_view())


def test_settings_refuse_nonsense(tmp_path, monkeypatch):
    with pytest.raises(ValidationError, match="unknown label"):
        load_settings(thresholds={"rudeness": 0.5})
    with pytest.raises(ValidationError, match="max_comments"):
        load_settings(max_comments=100, max_queue=10)
    with pytest.raises(FileNotFoundError):
        load_settings(tmp_path / "missing.toml")
    monkeypatch.setenv("THREADGUARD_MAX_BATCH_SIZE", "0")
    with pytest.raises(ValidationError):
        load_settings()


class FakeRequest:
    def __init__(self, headers=None, query=None):
        self.headers = {k.lower(): v for k, v in (headers or {}).items()}
        self.query_params = query or {}


def test_key_checker():
    from pydantic import SecretStr

    keys = KeyChecker([SecretStr("s1")], [SecretStr("a1")])
    keys.check_scoring(FakeRequest({"Authorization": "Bearer s1"}))
    keys.check_scoring(FakeRequest({"x-api-key": "a1"}))
    keys.check_scoring(FakeRequest(query={"key": "s1"}), allow_query=True)
    for request, allow_query in ((FakeRequest(query={"key": "s1"}), False), (FakeRequest({"x-api-key": "s2"}), False), (FakeRequest(), True)):
        with pytest.raises(ApiError) as err:
            keys.check_scoring(request, allow_query)
        assert err.value.status == 401
    with pytest.raises(ApiError) as err:
        keys.check_admin(FakeRequest({"x-api-key": "s1"}))
    assert err.value.status == 403
    keys.check_admin(FakeRequest({"x-api-key": "a1"}))
    open_keys = KeyChecker([], [])
    open_keys.check_scoring(FakeRequest())
    with pytest.raises(ApiError) as err:
        open_keys.check_admin(FakeRequest({"x-api-key": "anything"}))
    assert err.value.status == 403


def test_derived_scores_and_flags():
    scores = {"toxic": 0.9, "hate": 0.2, "slur": 0.7, "insult": 0.1, "profanity": 0.3, "threat": 0.6}
    flags = {"toxic": True, "hate": False, "slur": True, "insult": False, "profanity": False, "threat": False}
    hate_threat = OPENAI_CATEGORIES["hate/threatening"]
    assert hate_threat.score(scores) == 0.6 and hate_threat.flag(flags) is False
    assert OPENAI_CATEGORIES["hate"].score(scores) == 0.7 and OPENAI_CATEGORIES["hate"].flag(flags) is True
    assert PERSPECTIVE_ATTRIBUTES["SEVERE_TOXICITY"].derived.score(scores) == 0.7
    assert Derived((("insult",),)).flag(flags) is False
    result = openai_result({"scores": scores, "flags": flags})
    assert result["flagged"] is True and result["categories"]["threadguard/slur"] is True
    assert set(result["category_scores"]) == set(OPENAI_CATEGORIES) >= {f"threadguard/{label}" for label in LABELS}


def test_merged_spans_join_overlaps_at_the_higher_score():
    spans = [
        {"start": 0, "end": 5, "label": "insult", "score": 0.6},
        {"start": 3, "end": 9, "label": "toxic", "score": 0.8},
        {"start": 12, "end": 15, "label": "slur", "score": 0.9},
        {"start": 20, "end": 22, "label": "threat", "score": 0.9},
    ]
    assert merged_spans(spans, frozenset({"insult", "toxic", "slur"})) == [(0, 9, 0.8), (12, 15, 0.9)]
    assert merged_spans(spans, frozenset({"hate"})) == []


def test_field_paths():
    assert field_path(("body", "comments", 3, "text")) == "comments.3.text"
    assert field_path(("body",)) == "body"


def test_serve_refuses_a_broken_model_dir(tmp_path):
    from service.cli import app

    result = CliRunner().invoke(app, ["serve", "--model", str(tmp_path), "--port", "1"])
    assert result.exit_code == 2
    assert "manifest.json" in result.output


def test_serve_refuses_bad_settings(tmp_path, monkeypatch):
    from service.cli import app

    monkeypatch.setenv("THREADGUARD_MAX_BATCH_SIZE", "zero")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2 and "max_batch_size" in result.output


def test_comment_text_is_logged_only_when_enabled(model_dir):
    from fastapi.testclient import TestClient

    from service.api.app import create_app

    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    handler = Collect()
    logger = logging.getLogger("threadguard.moderation")
    root = logging.getLogger("threadguard")
    saved = (root.level, list(root.handlers), root.propagate)
    logger.addHandler(handler)
    try:
        for log_text in (False, True):
            records.clear()
            settings = load_settings(model_dir=model_dir, threads=1, log_text=log_text, log_level="debug", access_log=False)
            with TestClient(create_app(settings)) as client:
                res = client.post("/v1/score", json={"comments": [{"id": "m", "text": "walrus-umbrella"}], "thresholds": {"toxic": 0.0}})
                assert res.status_code == 200
            assert any("flagged id=m" in r for r in records)
            assert any("walrus-umbrella" in r for r in records) is log_text
    finally:
        logger.removeHandler(handler)
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        root.propagate = saved[2]


@pytest.mark.parametrize("spinning", [False, True])
def test_server_session_spinning_follows_settings(model_dir, tmp_path, spinning):
    """Idle onnxruntime threads busy-wait only when the settings say so (default: not in a server)."""
    from service.api.settings import ServiceSettings
    from service.api.state import ServiceState

    settings = ServiceSettings(model_dir=model_dir, threads=1, onnx_spinning=spinning, labels_db=f"sqlite:///{tmp_path}/l.db")

    async def started_state() -> ServiceState:
        state = ServiceState(settings)
        await state.start()
        await state.stop()
        return state

    state = asyncio.run(started_state())
    entry = state.scorer.session.get_session_options().get_session_config_entry("session.intra_op.allow_spinning")
    assert entry == ("1" if spinning else "0")
    assert ServiceSettings(model_dir=model_dir).onnx_spinning is False
