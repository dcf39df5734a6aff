"""The probe set: kept apart from every text the model trains on, and scored per category."""

from __future__ import annotations

from pathlib import Path

from service.runtime.scorer import Scorer
from training.data.behaviour import load_behaviour
from training.data.tables import text_key
from training.probes import PROBES, run_probes


def test_probes_share_no_text_with_the_behaviour_data() -> None:
    behaviour = {text_key(r.text) for r in load_behaviour()}
    probes = [text_key(t) for _, texts in PROBES.values() for t in texts]
    assert len(probes) == len(set(probes)), "a probe is listed twice"
    assert not behaviour & set(probes)


def test_run_probes_scores_every_probe_against_its_expected_flag(model_dir: Path) -> None:
    scorer = Scorer(model_dir)
    results = run_probes(scorer)
    assert [r.category for r in results] == list(PROBES)
    for r in results:
        expected, texts = PROBES[r.category]
        assert r.expected == expected and r.total == len(texts)
        assert r.correct == r.total - len(r.wrong)
        # The texts named wrong are exactly those whose flag differs, scored as one batch as
        # run_probes does (int8 activation scales depend on the batch, see the model card).
        flags = [x["flags"]["hate"] for x in scorer.score(list(texts), spans=False)]
        assert r.wrong == tuple(t for t, f in zip(texts, flags) if int(f) != expected)


def test_a_model_that_flags_everything_gets_exactly_the_hateful_probes_right(model_dir: Path) -> None:
    scorer = Scorer(model_dir)
    scorer.manifest.thresholds["hate"] = 0.0  # every comment now flags hate
    results = run_probes(scorer)
    for r in results:
        assert r.correct == (r.total if r.expected == 1 else 0)
