"""Evaluation report → plain-text / Markdown tables (printed by ``threadguard eval``, pasted in the model card)."""

from __future__ import annotations

from typing import Any

# Published hate-class figures for the same data, as the papers report them (see MODEL_CARD.md).
BASELINES: dict[str, str] = {
    "davidson": "Davidson et al. 2017, logistic regression: hate P 0.44 / R 0.61",
    "stormfront": "de Gibert et al. 2018, LSTM on the balanced test split: accuracy 0.78",
    "tsd": "SemEval-2021 Task 5 best system (test set, not trial): char F1 0.708",
}


def _fmt(x: Any) -> str:
    return "–" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)


def render_table(report: dict[str, Any]) -> str:
    lines = ["| source/split | n | label | pos | AUC | P | R | F1 |", "|---|---|---|---|---|---|---|---|"]
    for key, entry in report["sources"].items():
        for label, m in entry["labels"].items():
            if m["positives"] == 0:  # nothing to find: precision/recall say nothing
                continue
            lines.append(
                f"| {key} | {m['n']} | {label} | {m['positives']} | {_fmt(m['auc'])} | {_fmt(m['precision'])} | {_fmt(m['recall'])} | {_fmt(m['f1'])} |"
            )
    spans = [(k, e["span_char_f1"]) for k, e in report["sources"].items() if "span_char_f1" in e]
    if spans:
        lines += ["", "| source/split | SemEval char F1 (toxic spans) |", "|---|---|"]
        lines += [f"| {k} | {v:.3f} |" for k, v in spans]
    for key, entry in report["sources"].items():
        if "behaviours" in entry:
            lines += ["", f"| behaviour ({key}) | n | accuracy |", "|---|---|---|"]
            lines += [f"| {b} | {m['n']} | {m['accuracy']:.3f} |" for b, m in entry["behaviours"].items()]
    cited = [f"- {k}: {v}" for k, v in BASELINES.items() if any(s.startswith(k + "/") for s in report["sources"])]
    if cited:
        lines += ["", "Published baselines:"] + cited
    return "\n".join(lines)


BEGIN, END = "<!-- eval:begin -->", "<!-- eval:end -->"


def update_model_card(card_text: str, report: dict[str, Any]) -> str:
    """Replace the table between the eval markers (appending the markers when absent)."""
    block = f"{BEGIN}\n{render_table(report)}\n{END}"
    if BEGIN in card_text and END in card_text:
        head, rest = card_text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        return head + block + tail
    return card_text.rstrip() + "\n\n## Evaluation\n\n" + block + "\n"
