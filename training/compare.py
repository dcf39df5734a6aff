"""Whether a candidate model may replace the current one: the model card's release rules, as code.

    threadguard compare CURRENT CANDIDATE [--reference DIR] [--data-dir DIR] [--out report.json]

The rules are the ones written into the model card before the tenth round's candidates were
scored, checked in this order:

1. **gate**: the retraining gate's dev half (``training.retrain.dev_drops``) on every public dev
   split: no AUC or span F1 falls by more than the tolerance *and* ``noise_z`` paired standard
   errors; with a reference model, the candidate is held to it by the same rule, so drops that
   each sit inside the noise cannot pile up over many releases;
2. **categories**: no held-out behaviour category falls by more than ``max_category_drop``
   (with ``category_noise_z`` > 0, also by more than that many paired standard errors);
3. **breadth**: more behaviour categories at or above ``bar``, or as many with a mean accuracy
   at least ``mean_gain`` higher;
4. **probes**: at most ``max_probe_loss`` fewer hand-written probes (``training.probes``) right;
5. **spans**: SemEval character F1 on ``tsd_trial`` at most ``max_span_drop`` lower.

Every rule is reported, passed or not, so a failed candidate's report says all that is wrong
with it. The candidate passes only if all five hold.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from service.runtime.engine import Prediction
from service.runtime.scorer import Scorer
from service.schema import LABELS, Record
from training.evaluate import behaviour_correct, predict_records, span_f1
from training.probes import run_probes
from training.retrain import dev_drops, dev_metrics, paired_standard_errors

__all__ = [
    "ReleaseRules", "Figures", "Verdict", "measure", "category_falls", "breadth", "probe_loss", "span_drop",
    "compare", "load_comparison_data", "render_report", "write_report",
]

# The SemEval trial set, which the project uses as the span test set.
SPAN_TEST_SOURCE = ("tsd", "test")
# Limits are inclusive, but 1.00 − 0.95 is 0.0500000000000000044 in floating point.
_EPS = 1e-9


@dataclass
class ReleaseRules:
    tolerance: float = 0.01  # rule 1: the gate's tolerance
    noise_z: float = 2.0  # rule 1: and this many paired standard errors
    rounds: int = 200  # bootstrap rounds for the gate's standard errors
    seed: int = 0
    max_category_drop: float = 0.05  # rule 2
    # Rule 2 on a category of ~50 comments moves by more than 0.05 between seeds of one recipe;
    # > 0 asks a fall to exceed this many paired standard errors too. 0: the drop alone decides.
    category_noise_z: float = 0.0
    bar: float = 0.90  # rule 3
    mean_gain: float = 0.01  # rule 3
    max_probe_loss: int = 3  # rule 4
    max_span_drop: float = 0.01  # rule 5


@dataclass
class Figures:
    """What the rules look at, for one model."""

    version: str
    dev: dict[str, float]
    categories: dict[str, np.ndarray]  # per category: 1 per held-out example the model gets right
    probes: int
    probe_total: int
    span_f1: float | None

    def accuracy(self) -> dict[str, float]:
        return {c: float(v.mean()) for c, v in self.categories.items()}


@dataclass
class Verdict:
    rule: str
    passed: bool
    reasons: list[str] = field(default_factory=list)


def measure(scorer: Scorer, dev: Sequence[Record], behaviour: Sequence[Record],
            span_records: Sequence[Record]) -> tuple[Figures, list[Prediction]]:
    """The figures of one model, and its dev predictions (the gate's standard errors pair them)."""
    dev_preds = predict_records(scorer.engine, dev)
    thresholds = [scorer.manifest.thresholds[n] for n in LABELS]
    categories = behaviour_correct(behaviour, predict_records(scorer.engine, behaviour), thresholds)
    probes = run_probes(scorer)
    span = None
    if span_records:
        span = span_f1(scorer.engine, span_records, predict_records(scorer.engine, span_records),
                       scorer.manifest.span_thresholds["toxic"])
    figures = Figures(
        version=scorer.version,
        dev=dev_metrics(scorer, dev, dev_preds) if dev else {},
        categories=categories,
        probes=sum(p.correct for p in probes),
        probe_total=sum(p.total for p in probes),
        span_f1=span,
    )
    return figures, dev_preds


def category_falls(before: dict[str, np.ndarray], after: dict[str, np.ndarray], max_drop: float,
                   noise_z: float = 0.0) -> Verdict:
    """Rule 2: no category's accuracy falls by more than ``max_drop`` (and ``noise_z`` paired SEs).

    The two arrays of a category hold the same examples in the same order, so the standard
    error is that of the mean per-example difference.
    """
    reasons: list[str] = []
    passed = True
    for category in sorted(before):
        if category not in after:
            passed = False
            reasons.append(f"{category}: missing from the candidate's evaluation")
            continue
        a, b = before[category], after[category]
        if len(a) != len(b):
            raise ValueError(f"{category}: {len(a)} examples against {len(b)}; both models must see the same data")
        fall = float(a.mean() - b.mean())
        if fall <= max_drop + _EPS:
            continue
        line = f"{category} fell {a.mean():.3f} → {b.mean():.3f} (−{fall:.3f}; limit {max_drop:g}"
        se = float(np.std(b - a, ddof=1) / math.sqrt(len(a))) if len(a) > 1 else 0.0
        if noise_z > 0 and fall <= noise_z * se:
            reasons.append(line + f"; within noise: {noise_z:g} × paired standard error {se:.3f} = {noise_z * se:.3f})")
            continue
        passed = False
        reasons.append(line + (f"; paired standard error {se:.3f})" if noise_z > 0 else ")"))
    if passed:
        reasons.append(f"no category fell by more than {max_drop:g}" + (" and the noise" if noise_z > 0 else ""))
    return Verdict("categories", passed, reasons)


def breadth(before: dict[str, float], after: dict[str, float], bar: float, mean_gain: float) -> Verdict:
    """Rule 3: more categories at or above ``bar``, or as many with a mean ``mean_gain`` higher."""
    n_before = sum(v >= bar for v in before.values())
    n_after = sum(after.get(c, 0.0) >= bar for c in before)
    mean_before = sum(before.values()) / len(before)
    mean_after = sum(after.get(c, 0.0) for c in before) / len(before)
    passed = n_after > n_before or (n_after == n_before and mean_after >= mean_before + mean_gain - _EPS)
    reason = (f"{n_after} of {len(before)} categories at ≥ {bar:g} (current {n_before}), "
              f"mean {mean_after:.3f} (current {mean_before:.3f}")
    if n_after == n_before:
        reason += f"; as many, so at least {mean_before + mean_gain:.3f} needed"
    return Verdict("breadth", passed, [reason + ")"])


def probe_loss(before: int, after: int, total: int, max_loss: int) -> Verdict:
    """Rule 4: at most ``max_loss`` probes fewer right."""
    return Verdict("probes", after >= before - max_loss,
                   [f"{after} of {total} probes right (current {before}; at least {before - max_loss} needed)"])


def span_drop(before: float | None, after: float | None, max_drop: float) -> Verdict:
    """Rule 5: span F1 on the SemEval trial set at most ``max_drop`` lower."""
    if before is None or after is None:
        return Verdict("spans", False, ["no tsd_trial span F1: the SemEval data is missing from the data folder"])
    return Verdict("spans", after >= before - max_drop - _EPS,
                   [f"tsd_trial span F1 {after:.4f} (current {before:.4f}; at least {before - max_drop:.4f} needed)"])


def _gate(name: str, current: Scorer, candidate: Scorer, dev: Sequence[Record], fig_a: Figures, fig_b: Figures,
          preds_a: Sequence[Prediction], preds_b: Sequence[Prediction], rules: ReleaseRules) -> Verdict:
    if not dev:
        return Verdict(name, False, ["no public dev split found: the gate cannot be checked"])
    errors = paired_standard_errors(current, candidate, dev, preds_a, preds_b, rounds=rules.rounds, seed=rules.seed)
    passed, reasons = dev_drops(fig_a.dev, fig_b.dev, rules.tolerance, errors, rules.noise_z)
    return Verdict(name, passed, reasons)


def compare(current_dir: str | Path, candidate_dir: str | Path, *, dev: Sequence[Record],
            behaviour: Sequence[Record], span_records: Sequence[Record], rules: ReleaseRules | None = None,
            reference_dir: str | Path | None = None) -> dict[str, Any]:
    """Score both models (and the reference) on the same data and apply the rules; a JSON-ready report."""
    rules = rules or ReleaseRules()
    current, candidate = Scorer(current_dir), Scorer(candidate_dir)
    fig_a, preds_a = measure(current, dev, behaviour, span_records)
    fig_b, preds_b = measure(candidate, dev, behaviour, span_records)
    verdicts = [_gate("gate", current, candidate, dev, fig_a, fig_b, preds_a, preds_b, rules)]
    reference = Scorer(reference_dir) if reference_dir else None
    if reference is not None:
        preds_r = predict_records(reference.engine, dev)
        fig_r = Figures(reference.version, dev_metrics(reference, dev, preds_r) if dev else {}, {}, 0, 0, None)
        verdicts.append(_gate(f"gate against reference {reference.version}", reference, candidate, dev, fig_r, fig_b,
                              preds_r, preds_b, rules))
    verdicts += [
        category_falls(fig_a.categories, fig_b.categories, rules.max_category_drop, rules.category_noise_z),
        breadth(fig_a.accuracy(), fig_b.accuracy(), rules.bar, rules.mean_gain),
        probe_loss(fig_a.probes, fig_b.probes, fig_b.probe_total, rules.max_probe_loss),
        span_drop(fig_a.span_f1, fig_b.span_f1, rules.max_span_drop),
    ]
    accuracy_a, accuracy_b = fig_a.accuracy(), fig_b.accuracy()
    return {
        "current": fig_a.version,
        "candidate": fig_b.version,
        "reference": reference.version if reference is not None else None,
        "passed": all(v.passed for v in verdicts),
        "rules": [asdict(v) for v in verdicts],
        "rule_settings": asdict(rules),
        "categories": {c: {"current": round(accuracy_a[c], 4),
                           "candidate": round(accuracy_b[c], 4) if c in accuracy_b else None,  # rule 2 fails it
                           "n": len(fig_a.categories[c])} for c in sorted(accuracy_a)},
        "probes": {"current": fig_a.probes, "candidate": fig_b.probes, "total": fig_b.probe_total},
        "tsd_trial_span_f1": {"current": fig_a.span_f1, "candidate": fig_b.span_f1},
    }


def load_comparison_data(data_dir: str | Path) -> tuple[list[Record], list[Record], list[Record]]:
    """The public dev splits, the behaviour test split and the SemEval trial set, as ``compare`` takes them."""
    from training.data.behaviour import load_behaviour
    from training.data.catalog import SOURCE_NAMES, source_available
    from training.train import TrainConfig, load_records

    public = [s for s in SOURCE_NAMES if source_available(s, data_dir)]
    if not public:
        raise ValueError(f"{data_dir}: no public data set found (the gate and the span rule need them)")
    records = load_records(TrainConfig(data_dir=str(data_dir), mix={s: 1.0 for s in public}))
    dev = [r for r in records if r.split == "dev"]
    spans = [r for r in records if (r.source, r.split) == SPAN_TEST_SOURCE]
    return dev, load_behaviour("test"), spans


def render_report(report: dict[str, Any]) -> str:
    lines = [f"candidate {report['candidate']} against current {report['current']}"
             + (f" (reference {report['reference']})" if report["reference"] else "")]
    for v in report["rules"]:
        lines.append(f"  {'pass' if v['passed'] else 'FAIL'}  {v['rule']}")
        lines += [f"        {r}" for r in v["reasons"]]
    moved = {c: m for c, m in report["categories"].items()
             if m["candidate"] is not None and abs(m["candidate"] - m["current"]) >= 0.03}
    if moved:
        lines.append("  categories that moved by 0.03 or more:")
        lines += [f"        {c}: {m['current']:.3f} → {m['candidate']:.3f} (n={m['n']})" for c, m in moved.items()]
    lines.append("PASSED: the candidate may replace the current model" if report["passed"]
                 else "NOT PASSED: keep the current model")
    return "\n".join(lines)


def write_report(path: str | Path, report: dict[str, Any]) -> None:
    from service.io import atomic_write_text

    atomic_write_text(path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
