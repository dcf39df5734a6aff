"""Human labels through a real server: ``/v1/labels``, Perspective's ``comments:suggestscore``,
the review queue and page assets; plus the Perspective-to-labels mapping and key settings."""

from __future__ import annotations

import json

import httpx
import pytest

from api_server import Server, start_server
from service.api.compat import SuggestionConflict, labels_from_perspective
from service.api.settings import load_settings
from service.labels.formats import text_comment_id
from service.labels.store import LabelStore
from service.schema import validate_record

ADMIN, ALICE, BOB, SCORER = "admin-key-1", "alice-key-1", "bob-key-1", "scoring-key-1"


@pytest.fixture(scope="module")
def world(tiny_model_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("labels_api")
    db = f"sqlite:///{root / 'labels.db'}"
    env = {
        "THREADGUARD_LABELS_DB": db,
        "THREADGUARD_ADMIN_KEYS": ADMIN,
        "THREADGUARD_ANNOTATOR_KEYS": f"alice:{ALICE},bob:{BOB}",
        "THREADGUARD_API_KEYS": SCORER,
    }
    srv = start_server(tiny_model_dir, root, env)
    yield srv, db
    srv.stop()


def post(server: Server, path: str, body, key: str | None = None, **kw) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.post(f"{server.url}{path}", json=body, headers=headers, timeout=30, **kw)


def get(server: Server, path: str, key: str | None = None, **kw) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.get(f"{server.url}{path}", headers=headers, timeout=30, **kw)


def stored(db: str, comment_id: str, annotator: str):
    with LabelStore(db) as store:
        return store.get(comment_id, annotator)


def test_a_posted_label_is_stored_under_the_keys_annotator(world):
    srv, db = world
    text = "those zorblats ruin every meeting"
    res = post(srv, "/v1/labels", {"comment_id": "one", "text": text, "labels": {"toxic": 1, "slur": 1},
                                   "spans": [{"start": 6, "end": 14, "label": "slur"}]}, ALICE)
    assert res.status_code == 200, res.text
    assert res.json()["labels"][0]["annotator"] == "alice" and res.json()["created"] == 1
    label = stored(db, "one", "alice")
    assert label is not None and label.labels == {"toxic": 1, "slur": 1}
    assert [(s.start, s.end, s.label) for s in label.spans] == [(6, 14, "slur")] and text[6:14] == "zorblats"
    # The same label again writes nothing new.
    again = post(srv, "/v1/labels", {"comment_id": "one", "text": text, "labels": {"toxic": 1, "slur": 1},
                                     "spans": [{"start": 6, "end": 14, "label": "slur"}]}, ALICE)
    assert again.json()["unchanged"] == 1


def test_the_payload_may_name_the_annotator_and_the_key_is_remembered(world):
    srv, db = world
    res = post(srv, "/v1/labels", {"comment_id": "two", "text": "fine by me", "annotator": "carol", "labels": {"toxic": 0}}, BOB)
    assert res.status_code == 200
    label = stored(db, "two", "carol")
    assert label is not None and label.meta == {"submitted_by": "bob"}
    admin = post(srv, "/v1/labels", {"comment_id": "two", "text": "fine by me", "labels": {"toxic": 0}}, ADMIN)
    assert admin.json()["labels"][0]["annotator"] == "admin"


def test_many_labels_in_one_transaction_or_none(world):
    srv, db = world
    with LabelStore(db) as store:
        before = store.count(include_history=True)
    good = [{"comment_id": f"many{i}", "text": f"comment number {i}", "labels": {"insult": 0}} for i in range(3)]
    assert post(srv, "/v1/labels", good, ALICE).json()["created"] == 3
    wrapped = {"labels": [{"comment_id": "many9", "text": "ok"}, {"comment_id": "many10", "text": "short", "spans": [{"start": 2, "end": 40, "label": "slur"}]}]}
    res = post(srv, "/v1/labels", wrapped, ALICE)
    assert res.status_code == 422
    error = res.json()["error"]
    assert error["field"] == "labels.1.spans[0]" and "outside the text" in error["message"]
    assert error["details"][0]["index"] == 1
    bad_list = post(srv, "/v1/labels", [{"comment_id": "x", "text": "t", "labels": {"toxic": 2}}], ALICE)
    assert bad_list.status_code == 422 and bad_list.json()["error"]["field"] == "0.labels.toxic"
    single = post(srv, "/v1/labels", {"text": "no id"}, ALICE)
    assert single.status_code == 422 and single.json()["error"]["field"] == "comment_id"
    malformed = httpx.post(f"{srv.url}/v1/labels", content=b"{not json", headers={"Authorization": f"Bearer {ALICE}"})
    assert malformed.status_code == 422 and malformed.json()["error"]["field"] == "body"
    with LabelStore(db) as store:
        assert store.count(include_history=True) == before + 3  # nothing of the refused requests


def test_label_routes_need_an_annotator_or_admin_key(world):
    srv, _ = world
    body = {"comment_id": "auth", "text": "hello"}
    assert post(srv, "/v1/labels", body).status_code == 401
    assert post(srv, "/v1/labels", body, "not-a-key").status_code == 401
    assert post(srv, "/v1/labels", body, SCORER).status_code == 403
    assert get(srv, "/v1/labels").status_code == 401
    assert get(srv, "/v1/labels", SCORER).status_code == 403
    # Annotator keys may score (the review page scores what it shows).
    assert post(srv, "/v1/score", {"comments": [{"text": "hello"}]}, ALICE).status_code == 200


def test_export_pages_through_every_current_label_as_records(world):
    srv, _ = world
    for i in range(5):
        post(srv, "/v1/labels", {"comment_id": f"page{i}", "text": f"page comment {i}", "labels": {"threat": 0}}, BOB)
    seen, after, pages = [], 0, 0
    while True:
        res = get(srv, f"/v1/labels?limit=2&after_id={after}", ADMIN).json()
        pages += 1
        seen += res["labels"]
        if res["next_after_id"] is None:
            break
        after = res["next_after_id"]
    ids = [r["comment_id"] for r in seen]
    assert {f"page{i}" for i in range(5)} <= set(ids) and len(ids) == len(set(zip(ids, (r["provenance"]["annotator"] for r in seen))))
    assert pages >= 3
    assert [r["revision_id"] for r in seen] == sorted(r["revision_id"] for r in seen)
    for record in seen:
        assert validate_record(record) == []
    assert get(srv, "/v1/labels?since=2999-01-01T00:00:00Z", ALICE).json()["labels"] == []
    bad = get(srv, "/v1/labels?since=yesterday", ALICE)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "since"


def test_suggestscore_stores_the_correction_as_labels(world):
    srv, db = world
    text = "you zorblat, go home"
    body = {
        "comment": {"text": text},
        "attributeScores": {
            "TOXICITY": {"summaryScore": {"value": 0.95}},
            "IDENTITY_ATTACK": {"summaryScore": {"value": 0.9}},
            "SLUR": {"summaryScore": {"value": 0.8}, "spanScores": [{"begin": 4, "end": 11, "score": {"value": 1.0}}]},
            "THREAT": {"summaryScore": {"value": 0.1}},
        },
        "clientToken": "tok-1",
        "languages": ["en"],
    }
    res = httpx.post(f"{srv.url}/v1alpha1/comments:suggestscore?key={BOB}", json=body, timeout=30)
    assert res.status_code == 200, res.text
    assert res.json()["clientToken"] == "tok-1"
    label = stored(db, text_comment_id(text), "bob")
    assert label is not None and label.source == "perspective"
    assert label.labels == {"toxic": 1, "slur": 1, "threat": 0}  # IDENTITY_ATTACK's yes is met by SLUR; hate stays unsaid
    assert [(s.start, s.end, s.label) for s in label.spans] == [(4, 11, "slur")] and text[4:11] == "zorblat"
    assert list(label.span_labels) == ["slur"]


def test_suggestscore_refusals_name_the_field(world):
    srv, _ = world
    url = f"{srv.url}/v1alpha1/comments:suggestscore?key={ALICE}"
    conflict = httpx.post(url, json={"comment": {"text": "x y z"}, "attributeScores": {"HATE": {"summaryScore": {"value": 1}}, "IDENTITY_ATTACK": {"summaryScore": {"value": 0}}}})
    assert conflict.status_code == 400 and conflict.json()["error"]["field"].endswith(".summaryScore.value")
    span = httpx.post(url, json={"comment": {"text": "short"}, "attributeScores": {"INSULT": {"summaryScore": {"value": 1}, "spanScores": [{"begin": 3, "end": 99, "score": {"value": 1}}]}}})
    assert span.status_code == 400 and span.json()["error"]["field"] == "attributeScores.INSULT.spanScores.0"
    unknown = httpx.post(url, json={"comment": {"text": "hi"}, "attributeScores": {"FLIRTATION": {"summaryScore": {"value": 1}}}})
    assert unknown.status_code == 400 and unknown.json()["error"]["field"] == "attributeScores.FLIRTATION"
    value = httpx.post(url, json={"comment": {"text": "hi"}, "attributeScores": {"INSULT": {"summaryScore": {"value": 7}}}})
    assert value.status_code == 400 and value.json()["error"]["field"] == "attributeScores.INSULT.summaryScore.value"
    no_key = httpx.post(f"{srv.url}/v1alpha1/comments:suggestscore", json={"comment": {"text": "hi"}, "attributeScores": {"INSULT": {"summaryScore": {"value": 1}}}})
    assert no_key.status_code == 401


def test_review_queue_serves_the_most_uncertain_unlabelled_comments_first(world):
    srv, _ = world
    thresholds = httpx.get(f"{srv.url}/v1/models", headers={"Authorization": f"Bearer {SCORER}"}).json()["data"][0]["thresholds"]
    # Every score as far from its threshold as it can be, so a margin is at least 0.5...
    far = {name: 0.0 if t >= 0.5 else 1.0 for name, t in thresholds.items()}
    # ...except one score sitting on its threshold: margin 0, the most uncertain possible.
    near = {**far, "insult": thresholds["insult"]}
    rows = [
        {"comment_id": "rq-far", "text": "a calm remark", "scores": far},
        {"comment_id": "rq-near", "text": "a borderline remark", "scores": near, "thread_id": 7, "author": "zed", "flags": {}},
        {"comment_id": "rq-model", "text": "scored by the server"},
    ]
    res = post(srv, "/v1/review/queue", {"comments": rows}, ALICE)
    assert res.status_code == 200, res.text
    assert res.json()["queued"] == 3 and res.json()["already_queued"] == 0
    assert post(srv, "/v1/review/queue", {"comments": rows[:1]}, BOB).json() == {"queued": 0, "already_queued": 1, "pending": 3}
    queue = get(srv, "/v1/review/queue", ALICE).json()
    ids = [c["comment_id"] for c in queue["comments"]]
    assert set(ids) == {"rq-far", "rq-near", "rq-model"} and ids[0] == "rq-near" and queue["comments"][0]["margin"] == 0.0
    assert [c["margin"] for c in queue["comments"] if c["comment_id"] == "rq-far"] == [pytest.approx(min(abs(far[n] - t) for n, t in thresholds.items()))]
    margins = [c["margin"] for c in queue["comments"]]
    assert margins == sorted(margins)
    near_item = queue["comments"][0]
    assert near_item["thread_id"] == "7" and near_item["author"] == "zed"
    # Labelled by anyone: gone from everyone's queue.
    post(srv, "/v1/labels", {"comment_id": "rq-near", "text": "a borderline remark", "labels": {"insult": 0}}, BOB)
    after = get(srv, "/v1/review/queue", ALICE).json()
    assert "rq-near" not in [c["comment_id"] for c in after["comments"]] and after["pending"] == 2
    assert get(srv, "/v1/review/queue", SCORER).status_code == 403
    too_long = post(srv, "/v1/review/queue", {"comments": [{"comment_id": "x" * 600, "text": "t"}]}, ALICE)
    assert too_long.status_code == 422 and too_long.json()["error"]["field"] == "comments.0.comment_id"


def test_review_page_and_assets_are_served_locked_down(world):
    srv, _ = world
    page = httpx.get(f"{srv.url}/review")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"] and '<script src="/review/review.js">' in page.text
    script = httpx.get(f"{srv.url}/review/review.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    # Comment text must only ever become text nodes.
    assert "innerHTML" not in script.text and "insertAdjacentHTML" not in script.text and "document.write" not in script.text
    assert httpx.get(f"{srv.url}/review/review.css").status_code == 200
    assert httpx.get(f"{srv.url}/review/secrets.txt").status_code == 404


# ---------------------------------------------------------------------------- in-process


def test_perspective_suggestions_map_back_onto_labels():
    assert labels_from_perspective({"TOXICITY": 0.2}) == {"toxic": 0}
    assert labels_from_perspective({"INSULT": 0.7}) == {"toxic": 1, "insult": 1}
    assert labels_from_perspective({"IDENTITY_ATTACK": 0.1}) == {"hate": 0, "slur": 0}
    # A yes shared by two labels decides one only when the other is ruled out.
    assert labels_from_perspective({"IDENTITY_ATTACK": 0.9, "SLUR": 0.0}) == {"toxic": 1, "hate": 1, "slur": 0}
    assert labels_from_perspective({"IDENTITY_ATTACK": 0.9}) == {"toxic": 1}
    assert labels_from_perspective({"SEVERE_TOXICITY": 0.3, "PROFANITY": 0.5}) == {"toxic": 1, "hate": 0, "slur": 0, "profanity": 1, "threat": 0}
    with pytest.raises(SuggestionConflict) as conflict:
        labels_from_perspective({"TOXICITY": 0.1, "THREAT": 0.9})
    assert conflict.value.attribute == "TOXICITY"
    with pytest.raises(SuggestionConflict):
        labels_from_perspective({"IDENTITY_ATTACK": 0.9, "HATE": 0.1, "SLUR": 0.2})


def test_annotator_keys_and_label_store_settings(monkeypatch):
    monkeypatch.setenv("THREADGUARD_ANNOTATOR_KEYS", "alice:k1, bob:k2")
    monkeypatch.setenv("THREADGUARD_LABELS_DB", "postgresql://tg:hunter2@db.internal/labels")
    monkeypatch.setenv("THREADGUARD_RELOAD_POLL_SECONDS", "2.5")
    settings = load_settings()
    assert {name: key.get_secret_value() for name, key in settings.annotator_keys.items()} == {"alice": "k1", "bob": "k2"}
    assert settings.reload_poll_seconds == 2.5
    view = json.dumps(settings.public_view())
    assert "k1" not in view and "hunter2" not in view and '"alice"' in view
    monkeypatch.setenv("THREADGUARD_ANNOTATOR_KEYS", '{"carol": "k3"}')
    assert list(load_settings().annotator_keys) == ["carol"]
    monkeypatch.setenv("THREADGUARD_ANNOTATOR_KEYS", "no-name-here")
    with pytest.raises(ValueError, match="name:key"):
        load_settings()
    monkeypatch.delenv("THREADGUARD_ANNOTATOR_KEYS")
    monkeypatch.delenv("THREADGUARD_LABELS_DB")
    assert load_settings().labels_db == "sqlite:///labels.db"


def test_an_unreachable_label_store_is_a_503_not_a_crash(tmp_path):
    import asyncio

    from service.api.errors import ApiError
    from service.api.labelling import LazyLabelStore

    holder = LazyLabelStore("mysql://nobody@nowhere/labels")  # not a backend the store speaks
    with pytest.raises(ApiError) as refused:
        asyncio.run(holder.call(lambda store: store.count()))
    assert refused.value.status == 503 and "unavailable" in refused.value.message
    # A database file nobody can create: the store cannot open it.
    blocked = tmp_path / "file"
    blocked.write_text("")
    holder = LazyLabelStore(f"sqlite:///{blocked / 'labels.db'}")
    with pytest.raises(ApiError) as unopenable:
        asyncio.run(holder.call(lambda store: store.count()))
    assert unopenable.value.status == 503
    holder.close()
