"""The release rules as code (training/compare.py): each rule on made-up figures at its edges, then
whole comparisons of real models: the shipped model against itself (no rule but "better" can
fail) and against a three-step model (which must fail the behaviour rules)."""

from dataclasses import replace

import numpy as np
import pytest

from training.compare import ReleaseRules, breadth, category_falls, compare, probe_loss, span_drop
from training.data.behaviour import load_behaviour


def ones(n: int, wrong: int = 0) -> np.ndarray:
    return np.array([0] * wrong + [1] * (n - wrong), dtype=np.int8)


def test_a_category_may_fall_by_the_limit_but_not_more():
    before = {"a": ones(100), "b": ones(100)}
    assert category_falls(before, {"a": ones(100, 5), "b": ones(100)}, 0.05).passed
    verdict = category_falls(before, {"a": ones(100, 6), "b": ones(100)}, 0.05)
    assert not verdict.passed and verdict.reasons == ["a fell 1.000 → 0.940 (−0.060; limit 0.05)"]


def test_a_fall_within_noise_passes_only_when_noise_is_asked_for():
    # 50 examples, 6 turned wrong and 2 turned right: a fall of 0.08 with a paired SE of about 0.05.
    a = np.array([1] * 6 + [0] * 2 + [1] * 42, dtype=np.int8)
    b = np.array([0] * 6 + [1] * 2 + [1] * 42, dtype=np.int8)
    assert not category_falls({"c": a}, {"c": b}, 0.05).passed
    verdict = category_falls({"c": a}, {"c": b}, 0.05, noise_z=2.0)
    assert verdict.passed and "within noise" in verdict.reasons[0]
    # The same fall on ten times the examples is beyond the noise.
    assert not category_falls({"c": np.tile(a, 10)}, {"c": np.tile(b, 10)}, 0.05, noise_z=2.0).passed


def test_categories_must_be_scored_on_the_same_examples():
    assert not category_falls({"a": ones(10)}, {}, 0.05).passed
    with pytest.raises(ValueError, match="same data"):
        category_falls({"a": ones(10)}, {"a": ones(9)}, 0.05)


def test_breadth_needs_more_categories_or_the_same_number_and_a_higher_mean():
    current = {"a": 0.95, "b": 0.80, "c": 0.60}
    assert breadth(current, {"a": 0.95, "b": 0.91, "c": 0.40}, 0.90, 0.01).passed  # 2 against 1
    assert breadth(current, {"a": 0.92, "b": 0.85, "c": 0.62}, 0.90, 0.01).passed  # mean +0.013
    verdict = breadth(current, {"a": 0.93, "b": 0.82, "c": 0.61}, 0.90, 0.01)  # mean +0.003
    assert not verdict.passed and "at least 0.793 needed" in verdict.reasons[0]
    assert not breadth(current, {"a": 0.89, "b": 0.89, "c": 0.89}, 0.90, 0.01).passed  # higher mean, fewer
    # No margin ("not worse"): an equal mean passes, a lower one does not.
    assert breadth(current, dict(current), 0.90, 0.0).passed
    assert breadth(current, {"a": 0.95, "b": 0.81, "c": 0.59}, 0.90, 0.0).passed
    assert not breadth(current, {"a": 0.95, "b": 0.80, "c": 0.59}, 0.90, 0.0).passed


def test_probe_and_span_rules_at_their_edges():
    assert probe_loss(320, 317, 359, 3).passed and not probe_loss(320, 316, 359, 3).passed
    assert span_drop(0.644, 0.634, 0.01).passed and not span_drop(0.644, 0.6339, 0.01).passed
    assert not span_drop(None, 0.65, 0.01).passed


@pytest.fixture(scope="module")
def small_data():
    """Behaviour comments standing in for the public dev and span sets (no public data in tests)."""
    train = load_behaviour("train")
    dev = [replace(r, source="stand_in", split="dev") for r in train[::12]]
    spans = [replace(r, source="tsd", split="test") for r in train[1::12] if "toxic" in r.span_labels]
    behaviour = load_behaviour("test")[::15]
    return dev, behaviour, spans


def test_a_model_against_itself_fails_only_for_not_being_better(model_dir, small_data):
    dev, behaviour, spans = small_data
    report = compare(model_dir, model_dir, dev=dev, behaviour=behaviour, span_records=spans,
                     rules=ReleaseRules(rounds=20), reference_dir=model_dir)
    outcome = {r["rule"].split(" against")[0] + (" ref" if "against" in r["rule"] else ""): r["passed"]
               for r in report["rules"]}
    assert outcome == {"gate": True, "gate ref": True, "categories": True, "breadth": False, "probes": True,
                       "spans": True}
    assert report["passed"] is False
    assert report["probes"]["current"] == report["probes"]["candidate"] > 0
    assert set(report["categories"]) == {r.meta["behaviour"] for r in behaviour}


def test_a_barely_trained_model_fails_the_behaviour_rules(model_dir, tiny_model_dir, small_data):
    dev, behaviour, spans = small_data
    report = compare(model_dir, tiny_model_dir, dev=dev, behaviour=behaviour, span_records=spans,
                     rules=ReleaseRules(rounds=20))
    failed = {r["rule"] for r in report["rules"] if not r["passed"]}
    assert {"gate", "categories", "breadth", "probes"} <= failed
    assert report["passed"] is False


def test_the_cli_refuses_a_folder_that_is_not_a_model_and_missing_data(model_dir, tmp_path):
    import typer
    from typer.testing import CliRunner

    from training.cli import register

    app, data_app = typer.Typer(), typer.Typer()
    app.add_typer(data_app, name="data")
    register(app, data_app)
    res = CliRunner().invoke(app, ["compare", str(model_dir), str(tmp_path)])
    assert res.exit_code == 2 and "manifest" in res.output
    res = CliRunner().invoke(app, ["compare", str(model_dir), str(model_dir), "--data-dir", str(tmp_path)])
    assert res.exit_code == 2 and "no public data set found" in res.output
