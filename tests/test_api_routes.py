"""Every route of a real ``threadguard serve`` process on loopback, auth off."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from api_server import Server, metric_value, start_server
from service.api.compat import OPENAI_CATEGORIES, PERSPECTIVE_ATTRIBUTES
from service.runtime.scorer import Scorer
from service.schema import LABELS

COMMENTS = [
    "You people are vermin and should go back where you came from.",
    "Thanks for writing this, it was a good read.",
    "I will find you and make you pay, idiot.",
]


@pytest.fixture(scope="module")
def server(model_dir, tmp_path_factory) -> Server:
    # A long batch wait makes the concurrency test's batching certain rather than likely.
    srv = start_server(model_dir, tmp_path_factory.mktemp("logs"), {"THREADGUARD_MAX_WAIT_MS": "25", "THREADGUARD_LOG_LEVEL": "debug"})
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def scorer(model_dir) -> Scorer:
    return Scorer(model_dir, threads=1)


def post(server: Server, path: str, body, **kw) -> httpx.Response:
    return httpx.post(f"{server.url}{path}", json=body, timeout=30, **kw)


def test_health_and_readiness(server):
    assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{server.url}/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_score_matches_the_cli_contract_and_the_scorer(server, scorer):
    res = post(server, "/v1/score", {"comments": [{"id": "a", "text": COMMENTS[0]}, {"text": COMMENTS[1]}]})
    assert res.status_code == 200
    results = res.json()["results"]
    expected = scorer.score(COMMENTS[:2])
    assert [r["id"] for r in results] == ["a", 2]
    for got, want in zip(results, expected):
        assert set(got) == {"id", "scores", "flags", "flagged", "spans", "model"}
        assert {k: got[k] for k in want} == want


def test_threshold_override_and_no_spans(server, scorer):
    res = post(server, "/v1/score", {"comments": [{"id": 1, "text": COMMENTS[1]}], "thresholds": {"toxic": 0.0}, "spans": False})
    result = res.json()["results"][0]
    assert result["flags"]["toxic"] is True and result["flagged"] is True
    assert result["spans"] == []
    assert result["scores"] == scorer.score([COMMENTS[1]])[0]["scores"]


def test_same_comment_scores_the_same_on_every_route(server, scorer):
    text = COMMENTS[2]
    want = scorer.score([text])[0]
    native = post(server, "/v1/score", {"comments": [{"text": text}]}).json()["results"][0]
    assert native["scores"] == want["scores"] and native["flags"] == want["flags"]

    attrs = {name: {} for name in PERSPECTIVE_ATTRIBUTES}
    persp = post(server, "/v1alpha1/comments:analyze", {"comment": {"text": text}, "requestedAttributes": attrs}).json()
    for name, spec in PERSPECTIVE_ATTRIBUTES.items():
        assert persp["attributeScores"][name]["summaryScore"]["value"] == spec.derived.score(want["scores"])
    assert persp["attributeScores"]["TOXICITY"]["summaryScore"]["value"] == want["scores"]["toxic"]
    assert persp["attributeScores"]["IDENTITY_ATTACK"]["summaryScore"]["value"] == max(want["scores"]["hate"], want["scores"]["slur"])
    assert persp["languages"] == ["en"]

    moderation = post(server, "/v1/moderations", {"input": text}).json()["results"][0]
    for label in LABELS:
        assert moderation["category_scores"][f"threadguard/{label}"] == want["scores"][label]
        assert moderation["categories"][f"threadguard/{label}"] == want["flags"][label]
    assert moderation["category_scores"]["hate"] == max(want["scores"]["hate"], want["scores"]["slur"])
    assert moderation["flagged"] == want["flagged"]


def test_openai_client_against_the_server(server, scorer):
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="not-needed", max_retries=0)
    response = client.moderations.create(input=COMMENTS, model="omni-moderation-latest")
    assert response.id.startswith("modr-")
    assert len(response.results) == len(COMMENTS)
    # One request is one batch; the scorer over the same list is the reference.
    expected = scorer.score(COMMENTS)
    for result, want in zip(response.results, expected):
        assert result.flagged == want["flagged"]
        assert isinstance(result.categories.hate, bool)
        assert result.category_scores.violence == want["scores"]["threat"]
        assert result.category_scores.harassment == max(want["scores"]["insult"], want["scores"]["threat"])
        # Our own labels ride along under their own names.
        assert result.category_scores.model_dump(by_alias=True)["threadguard/slur"] == pytest.approx(want["scores"]["slur"], abs=2e-4)
    one = client.moderations.create(input="hello there")
    assert len(one.results) == 1


def test_openai_typed_text_inputs(server):
    res = post(server, "/v1/moderations", {"input": [{"type": "text", "text": "hi"}, {"type": "text", "text": "you fool"}]})
    assert res.status_code == 200 and len(res.json()["results"]) == 2
    assert set(res.json()["results"][0]["categories"]) == set(OPENAI_CATEGORIES)


def test_perspective_score_threshold_hides_low_attributes(server):
    body = {"comment": {"text": COMMENTS[1]}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": 1.0}, "INSULT": {}}, "clientToken": "t-1"}
    res = post(server, "/v1alpha1/comments:analyze", body).json()
    assert "TOXICITY" not in res["attributeScores"] and "INSULT" in res["attributeScores"]
    assert res["clientToken"] == "t-1"


def test_models_lists_the_manifest(server, scorer):
    data = httpx.get(f"{server.url}/v1/models").json()["data"][0]
    assert data["version"] == scorer.version
    assert data["manifest"]["files"] == scorer.manifest.raw["files"]
    assert data["thresholds"] == scorer.manifest.thresholds
    from service.runtime.int8 import exact_model

    _, widened = exact_model(scorer.model_dir / "model.onnx")
    assert data["int8_kernel"] == ("u8u8" if widened else "u8s8")


def test_thread_as_json_with_summary(server, scorer):
    comments = [
        {"text": COMMENTS[0], "author": "ann"},
        {"id": "x", "text": COMMENTS[1], "author": "bob"},
        {"text": COMMENTS[2], "author": "ann"},
    ]
    res = post(server, "/v1/threads/moderate", {"thread_id": "t9", "comments": comments, "thresholds": {"threat": 0.0}})
    assert res.status_code == 200
    body = res.json()
    assert [c["id"] for c in body["comments"]] == ["t9:c1", "x", "t9:c3"]
    assert [c["author"] for c in body["comments"]] == ["ann", "bob", "ann"]
    summary = body["summary"]
    assert summary["comments"] == 3
    assert summary["label_counts"]["threat"] == 3  # threshold 0 flags every comment for threat
    assert summary["flagged_ids"] == ["t9:c1", "x", "t9:c3"]
    assert summary["authors"] == {"ann": {"comments": 2, "flagged": 2}, "bob": {"comments": 1, "flagged": 1}}
    want = scorer.score(COMMENTS, thresholds={"threat": 0.0})
    assert [c["scores"] for c in body["comments"]] == [w["scores"] for w in want]


SCRAPED = """Council approves new bus lanes
The council voted on Tuesday to approve a network of new bus lanes across the city centre, after a long consultation.

3 Comments

Jane Doe
March 3, 2021
You people are vermin.
Reply

Mark R.
March 4, 2021
Good news for cyclists too.
Reply
"""


def test_thread_as_raw_scraped_dump(server):
    res = httpx.post(
        f"{server.url}/v1/threads/moderate",
        params={"format": "scraped", "thread_id": "p1"},
        content=SCRAPED.encode("utf-8"),
        headers={"content-type": "text/plain; charset=utf-8"},
        timeout=30,
    )
    assert res.status_code == 200, res.text
    body = res.json()
    texts = [SCRAPED[c["offset"] : c["offset"] + len("You people are vermin.")] for c in body["comments"][:1]]
    assert texts == ["You people are vermin."]
    assert [c["author"] for c in body["comments"]] == ["Jane Doe", "Mark R."]
    assert body["summary"]["comments"] == 2


def test_thread_as_raw_jsonl_dump(server):
    dump = '{"id": "a", "text": "first one", "author": "zed"}\n\n{"text": "line with \\"quotes\\""}\n'
    res = httpx.post(f"{server.url}/v1/threads/moderate?format=jsonl&thread_id=j", content=dump, timeout=30)
    assert res.status_code == 200, res.text
    comments = res.json()["comments"]
    assert [c["id"] for c in comments] == ["a", "j:c2"]
    assert dump[comments[0]["offset"] : comments[0]["offset"] + 9] == "first one"
    assert "offset" not in comments[1]  # escaped in the dump: no verbatim position to give
    bad = httpx.post(f"{server.url}/v1/threads/moderate?format=jsonl", content='{"text": "ok"}\n{oops\n', timeout=30)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "line 2"


def test_concurrent_requests_share_batches(server):
    batches_before = metric_value(httpx.get(f"{server.url}/metrics").text, "threadguard_batch_size_count")
    comments_before = metric_value(httpx.get(f"{server.url}/metrics").text, "threadguard_comments_scored_total")
    n = 16

    async def fire() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            return await asyncio.gather(
                *(client.post("/v1/score", json={"comments": [{"id": f"q{i}", "text": f"comment number {i} " * (1 + i % 4)}]}) for i in range(n))
            )

    responses = asyncio.run(fire())
    assert [r.json()["results"][0]["id"] for r in responses] == [f"q{i}" for i in range(n)]
    text = httpx.get(f"{server.url}/metrics").text
    batches = metric_value(text, "threadguard_batch_size_count") - batches_before
    assert metric_value(text, "threadguard_comments_scored_total") - comments_before == n
    assert 1 <= batches < n, f"{n} concurrent comments took {batches} model calls"


def test_metrics_exposition(server):
    post(server, "/v1/score", {"comments": [{"text": "x"}], "thresholds": {"profanity": 0.0}})
    text = httpx.get(f"{server.url}/metrics").text
    assert metric_value(text, "threadguard_requests_total", route="/v1/score", method="POST", status="200") >= 1
    assert metric_value(text, "threadguard_request_duration_seconds_count", route="/v1/score", status="200") >= 1
    assert metric_value(text, "threadguard_flags_total", label="profanity") >= 1
    assert metric_value(text, "threadguard_ready") == 1
    assert "threadguard_queue_depth 0" in text
    assert "# TYPE threadguard_batch_size histogram" in text


def test_openapi_documents_the_routes(server):
    spec = httpx.get(f"{server.url}/openapi.json").json()
    for path in ("/v1/score", "/v1/threads/moderate", "/v1alpha1/comments:analyze", "/v1/moderations", "/v1/models", "/readyz", "/metrics"):
        assert path in spec["paths"]
    assert httpx.get(f"{server.url}/docs").status_code == 200
    refs: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            refs.extend(v for k, v in node.items() if k == "$ref")
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    schemas = spec["components"]["schemas"]
    assert "#/components/schemas/ThreadRequest" in refs
    assert all(ref.rsplit("/", 1)[1] in schemas for ref in refs)
    assert "ErrorEnvelope" in spec["paths"]["/v1/score"]["post"]["responses"]["413"]["content"]["application/json"]["schema"]["$ref"]


def test_thread_json_errors_name_the_field(server):
    res = post(server, "/v1/threads/moderate", {"comments": [{"text": ["not", "text"]}]})
    assert res.status_code == 422 and res.json()["error"]["field"] == "comments.0.text"
    res = httpx.post(f"{server.url}/v1/threads/moderate", content=b"{", headers={"content-type": "application/json"})
    assert res.status_code == 422 and res.json()["error"]["field"] == "body"
    res = httpx.post(f"{server.url}/v1/threads/moderate", content=b"some dump", headers={"content-type": "text/plain"})
    assert res.status_code == 415 and res.json()["error"]["field"] == "format"


# ----------------------------------------------------------------------------- errors


def test_comment_too_long_is_413(server):
    res = post(server, "/v1/score", {"comments": [{"text": "ok"}, {"text": "a" * 20_001}]})
    assert res.status_code == 413
    assert res.json()["error"]["field"] == "comments.1.text"
    assert post(server, "/v1/score", {"comments": [{"text": "a" * 20_000}]}).status_code == 200


def test_too_many_comments_is_413(server):
    res = post(server, "/v1/score", {"comments": [{"text": "x"}] * 257})
    assert res.status_code == 413 and res.json()["error"]["field"] == "comments"


def test_malformed_json_is_422(server):
    res = httpx.post(f"{server.url}/v1/score", content=b'{"comments": [', headers={"content-type": "application/json"})
    assert res.status_code == 422
    err = res.json()["error"]
    assert err["field"] == "body" and "malformed JSON" in err["message"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"comments": [{"text": 5}]}, "comments.0.text"),
        ({"comments": [{"id": "a"}]}, "comments.0.text"),
        ({"comments": []}, "comments"),
        ({"comments": [{"text": "x"}], "spans": "many"}, "spans"),
        ({"comments": [{"text": "x"}], "extra": 1}, "extra"),
    ],
)
def test_wrong_types_are_422_with_the_field(server, body, field):
    res = post(server, "/v1/score", body)
    assert res.status_code == 422
    assert res.json()["error"]["field"] == field


def test_unknown_threshold_label_is_422(server):
    res = post(server, "/v1/score", {"comments": [{"text": "x"}], "thresholds": {"rudeness": 0.5}})
    assert res.status_code == 422 and res.json()["error"]["field"] == "thresholds.rudeness"


def test_non_utf8_body_is_400(server):
    res = httpx.post(f"{server.url}/v1/score", content=b'{"comments": [{"text": "caf\xe9"}]}', headers={"content-type": "application/json"})
    assert res.status_code == 400
    assert "not UTF-8" in res.json()["error"]["message"]
    dump = httpx.post(f"{server.url}/v1/threads/moderate?format=scraped", content=b"Title\n\xff\xfe")
    assert dump.status_code == 400


def test_form_body_is_415(server):
    res = httpx.post(f"{server.url}/v1/score", content=b'{"comments": []}', headers={"content-type": "application/x-www-form-urlencoded"})
    assert res.status_code == 415


def test_unknown_route_is_json_404(server):
    res = httpx.get(f"{server.url}/v1/nothing")
    assert res.status_code == 404 and res.json()["error"]["status"] == "NOT_FOUND"


def test_perspective_errors_are_google_style(server):
    unknown = post(server, "/v1alpha1/comments:analyze", {"comment": {"text": "hi"}, "requestedAttributes": {"FLIRTATION": {}}})
    assert unknown.status_code == 400
    err = unknown.json()["error"]
    assert err["status"] == "INVALID_ARGUMENT" and err["code"] == 400 and "FLIRTATION" in err["message"]

    german = post(server, "/v1alpha1/comments:analyze", {"comment": {"text": "Hallo"}, "requestedAttributes": {"TOXICITY": {}}, "languages": ["de"]})
    assert german.status_code == 400
    detail = german.json()["error"]["details"][0]
    assert detail["errorType"] == "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE"
    assert "does not support request languages: de" in german.json()["error"]["message"]

    english = post(server, "/v1alpha1/comments:analyze", {"comment": {"text": "Hi"}, "requestedAttributes": {"TOXICITY": {}}, "languages": ["en-GB"]})
    assert english.status_code == 200 and english.json()["languages"] == ["en-GB"]

    wrong_type = post(server, "/v1alpha1/comments:analyze", {"comment": {"text": 3}, "requestedAttributes": {"TOXICITY": {}}})
    assert wrong_type.status_code == 400 and wrong_type.json()["error"]["field"] == "comment.text"

    too_long = post(server, "/v1alpha1/comments:analyze", {"comment": {"text": "b" * 20_001}, "requestedAttributes": {"TOXICITY": {}}})
    assert too_long.status_code == 413 and too_long.json()["error"]["field"] == "comment.text"


def test_openai_errors_carry_type_and_param(server):
    res = post(server, "/v1/moderations", {"input": [1, 2]})
    assert res.status_code == 422
    err = res.json()["error"]
    assert err["type"] == "invalid_request_error" and err["param"] == "input"
    image = post(server, "/v1/moderations", {"input": [{"type": "image_url", "image_url": {"url": "x"}}]})
    assert image.status_code == 422 and "only text inputs" in image.json()["error"]["message"]
    assert post(server, "/v1/moderations", {"input": []}).status_code == 422
    too_long = post(server, "/v1/moderations", {"input": ["ok", "c" * 20_001]})
    assert too_long.status_code == 413 and too_long.json()["error"]["param"] == "input.1"


def test_admin_routes_are_refused_without_admin_keys(server):
    res = httpx.get(f"{server.url}/v1/admin/config")
    assert res.status_code == 403 and "no admin keys" in res.json()["error"]["message"]


def test_access_log_carries_no_comment_text(server):
    marker = "zebra-crossing-7731"
    post(server, "/v1/score", {"comments": [{"id": "logged", "text": f"{marker} is here"}], "thresholds": {"toxic": 0.0}})
    log = server.log()
    assert "flagged id=logged" in log  # debug logging is on, so the comment was logged...
    assert marker not in log  # ...without its text
    assert "POST /v1/score 200" in log


def test_ids_keep_their_json_type(server):
    res = post(server, "/v1/score", {"comments": [{"id": 7, "text": "a"}, {"id": "7", "text": "b"}]})
    assert [r["id"] for r in res.json()["results"]] == [7, "7"]
    assert json.loads(res.text)["results"][0]["model"]
