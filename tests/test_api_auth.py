"""API keys on a real server, and Perspective span annotations that slice the original text exactly."""

from __future__ import annotations

import httpx
import pytest

from api_server import Server, start_server
from service.api.compat import merged_spans

SCORE_KEY = "sk-score-5e1c"
OTHER_KEY = "sk-other-77aa"
ADMIN_KEY = "sk-admin-90f3"

# Accents, emoji outside the BMP, an evasion and a newline: offsets must survive all of them.
SPAN_TEXT = "  Café owner 👋🏽 says: you are an 1d1ot,\nand a cl0wn!  "


@pytest.fixture(scope="module")
def server(span_model_dir, tmp_path_factory) -> Server:
    env = {
        "THREADGUARD_API_KEYS": f"{SCORE_KEY},{OTHER_KEY}",
        "THREADGUARD_ADMIN_KEYS": ADMIN_KEY,
        "THREADGUARD_METRICS_PUBLIC": "false",
        "THREADGUARD_LOG_LEVEL": "debug",
    }
    srv = start_server(span_model_dir, tmp_path_factory.mktemp("logs"), env)
    yield srv
    srv.stop()


BODY = {"comments": [{"id": "k", "text": "hello"}]}


def score(server: Server, **kw) -> httpx.Response:
    return httpx.post(f"{server.url}/v1/score", json=BODY, timeout=30, **kw)


def test_scoring_needs_a_key(server):
    res = score(server)
    assert res.status_code == 401
    assert res.headers["www-authenticate"].startswith("Bearer")
    assert res.json()["error"]["status"] == "UNAUTHENTICATED"


def test_wrong_key_is_401(server):
    assert score(server, headers={"Authorization": f"Bearer {SCORE_KEY}x"}).status_code == 401
    assert score(server, headers={"x-api-key": SCORE_KEY[:-1]}).status_code == 401


def test_bearer_and_x_api_key_are_accepted(server):
    assert score(server, headers={"Authorization": f"Bearer {SCORE_KEY}"}).status_code == 200
    assert score(server, headers={"x-api-key": OTHER_KEY}).status_code == 200
    assert score(server, headers={"Authorization": f"Bearer {ADMIN_KEY}"}).status_code == 200  # admin keys may score


def test_query_key_only_on_the_perspective_route(server):
    assert score(server, params={"key": SCORE_KEY}).status_code == 401
    body = {"comment": {"text": "hello"}, "requestedAttributes": {"TOXICITY": {}}}
    assert httpx.post(f"{server.url}/v1alpha1/comments:analyze", json=body).status_code == 401
    ok = httpx.post(f"{server.url}/v1alpha1/comments:analyze", params={"key": SCORE_KEY}, json=body)
    assert ok.status_code == 200


def test_health_stays_open(server):
    assert httpx.get(f"{server.url}/healthz").status_code == 200
    assert httpx.get(f"{server.url}/readyz").status_code == 200


def test_models_needs_a_key(server):
    assert httpx.get(f"{server.url}/v1/models").status_code == 401
    assert httpx.get(f"{server.url}/v1/models", headers={"x-api-key": SCORE_KEY}).status_code == 200


def test_admin_route_needs_an_admin_key(server):
    url = f"{server.url}/v1/admin/config"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"x-api-key": SCORE_KEY}).status_code == 403
    res = httpx.get(url, headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    assert res.status_code == 200
    settings = res.json()["settings"]
    assert settings["api_keys"] == 2 and settings["admin_keys"] == 1
    assert SCORE_KEY not in res.text and ADMIN_KEY not in res.text


def test_private_metrics_need_an_admin_key(server):
    assert httpx.get(f"{server.url}/metrics").status_code == 401
    res = httpx.get(f"{server.url}/metrics", headers={"x-api-key": ADMIN_KEY})
    assert res.status_code == 200 and "threadguard_requests_total" in res.text


def test_openai_client_with_a_key(server):
    openai = pytest.importorskip("openai")
    good = openai.OpenAI(base_url=f"{server.url}/v1", api_key=SCORE_KEY, max_retries=0)
    assert len(good.moderations.create(input=["a", "b"]).results) == 2
    bad = openai.OpenAI(base_url=f"{server.url}/v1", api_key="sk-wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.moderations.create(input="a")


def test_perspective_span_annotations_slice_the_original_text(server):
    body = {
        "comment": {"text": SPAN_TEXT},
        "requestedAttributes": {"TOXICITY": {}, "INSULT": {}, "SLUR": {}},
        "spanAnnotations": True,
        "languages": ["en"],
        "doNotStore": True,
    }
    res = httpx.post(f"{server.url}/v1alpha1/comments:analyze", params={"key": SCORE_KEY}, json=body, timeout=30)
    assert res.status_code == 200, res.text
    native = httpx.post(
        f"{server.url}/v1/score", headers={"x-api-key": SCORE_KEY}, json={"comments": [{"text": SPAN_TEXT}]}, timeout=30
    ).json()["results"][0]
    assert native["spans"], "span thresholds are 0: every word is in a span"
    for span in native["spans"]:
        assert SPAN_TEXT[span["start"] : span["end"]] == span["text"]
    for name, labels in (("TOXICITY", None), ("INSULT", {"insult"}), ("SLUR", {"slur"})):
        spans = res.json()["attributeScores"][name]["spanScores"]
        assert spans
        for s in spans:
            piece = SPAN_TEXT[s["begin"] : s["end"]]
            assert piece and piece == piece.strip()  # spans start and end on visible characters
            assert 0.0 <= s["score"]["value"] <= 1.0
        wanted = merged_spans(native["spans"], frozenset(labels) if labels else frozenset(sp["label"] for sp in native["spans"]))
        assert [(s["begin"], s["end"]) for s in spans] == [(b, e) for b, e, _ in wanted]
    covered = "".join(SPAN_TEXT[s["begin"] : s["end"]] for s in res.json()["attributeScores"]["TOXICITY"]["spanScores"])
    assert "1d1ot" in covered and "👋🏽" in covered


def test_keys_and_text_never_reach_the_log(server):
    marker = "quokka-lantern-4410"
    body = {"comments": [{"id": "secretive", "text": f"{marker} here"}], "thresholds": {"toxic": 0.0}}
    assert httpx.post(f"{server.url}/v1/score", headers={"x-api-key": SCORE_KEY}, json=body).status_code == 200
    persp = {"comment": {"text": marker}, "requestedAttributes": {"TOXICITY": {}}}
    assert httpx.post(f"{server.url}/v1alpha1/comments:analyze?key={OTHER_KEY}", json=persp).status_code == 200
    log = server.log()
    assert "flagged id=secretive" in log and "/v1alpha1/comments:analyze 200" in log
    for secret in (SCORE_KEY, OTHER_KEY, ADMIN_KEY, marker):
        assert secret not in log
