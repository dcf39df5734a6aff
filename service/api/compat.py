"""How Perspective attributes and OpenAI moderation categories are read off Threadguard's labels.

Every foreign name is an AND over groups of an OR over our labels: its score is the
minimum over groups of the maximum score within each group, and it is flagged when every
group has a flagged label. A single group is a plain OR ("hate or slur"). Flags use each of
our labels' own thresholds, so a derived flag never disagrees with the flags it is built from.

Perspective (``/v1alpha1/comments:analyze``)

=================  ==========================  =================================
attribute          score from                  span scores from span labels
=================  ==========================  =================================
TOXICITY           toxic                       all six (toxic is the umbrella)
SEVERE_TOXICITY    max(hate, slur, threat)     hate, slur, threat
IDENTITY_ATTACK    max(hate, slur)             hate, slur
INSULT             insult                      insult
PROFANITY          profanity                   profanity
THREAT             threat                      threat
HATE (ours)        hate                        hate
SLUR (ours)        slur                        slur
=================  ==========================  =================================

OpenAI (``/v1/moderations``)

=======================  ===============================  ==========================
category                 score                            flagged when
=======================  ===============================  ==========================
hate                     max(hate, slur)                  hate or slur
hate/threatening         min(max(hate, slur), threat)     (hate or slur) and threat
harassment               max(insult, threat)              insult or threat
harassment/threatening   threat                           threat
violence                 threat                           threat
threadguard/<label>      <label> (each of our six)        <label>
=======================  ===============================  ==========================

Categories we do not model (sexual, self-harm, illicit, violence/graphic) are left out
rather than reported as a confident "no".

Suggested scores (``/v1alpha1/comments:suggestscore``) are read back through the same table:
a value of at least 0.5 is a "yes". A "no" to an attribute is a "no" to every label it is
built from (IDENTITY_ATTACK < 0.5: hate=0 and slur=0); a "yes" sets its label when it has
one, and otherwise the one label of its group that nothing else has ruled out (a "yes" that
leaves several open sets none of them, only the umbrella ``toxic``). Any "yes" implies
toxic=1. Contradictions (HATE=1 with IDENTITY_ATTACK=0) are refused, naming the attribute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from service.schema import LABELS, SPAN_LABELS


@dataclass(frozen=True)
class Derived:
    groups: tuple[tuple[str, ...], ...]  # AND over groups, OR within a group

    def score(self, scores: Mapping[str, float]) -> float:
        return min(max(scores[label] for label in group) for group in self.groups)

    def flag(self, flags: Mapping[str, bool]) -> bool:
        return all(any(flags[label] for label in group) for group in self.groups)


def _one(label: str) -> Derived:
    return Derived(((label,),))


@dataclass(frozen=True)
class PerspectiveAttribute:
    derived: Derived
    span_labels: frozenset[str]


PERSPECTIVE_ATTRIBUTES: dict[str, PerspectiveAttribute] = {
    "TOXICITY": PerspectiveAttribute(_one("toxic"), frozenset(SPAN_LABELS)),
    "SEVERE_TOXICITY": PerspectiveAttribute(Derived((("hate", "slur", "threat"),)), frozenset({"hate", "slur", "threat"})),
    "IDENTITY_ATTACK": PerspectiveAttribute(Derived((("hate", "slur"),)), frozenset({"hate", "slur"})),
    "INSULT": PerspectiveAttribute(_one("insult"), frozenset({"insult"})),
    "PROFANITY": PerspectiveAttribute(_one("profanity"), frozenset({"profanity"})),
    "THREAT": PerspectiveAttribute(_one("threat"), frozenset({"threat"})),
    "HATE": PerspectiveAttribute(_one("hate"), frozenset({"hate"})),
    "SLUR": PerspectiveAttribute(_one("slur"), frozenset({"slur"})),
}

OPENAI_CATEGORIES: dict[str, Derived] = {
    "hate": Derived((("hate", "slur"),)),
    "hate/threatening": Derived((("hate", "slur"), ("threat",))),
    "harassment": Derived((("insult", "threat"),)),
    "harassment/threatening": _one("threat"),
    "violence": _one("threat"),
    **{f"threadguard/{label}": _one(label) for label in LABELS},
}


def merged_spans(spans: list[dict[str, Any]], labels: frozenset[str]) -> list[tuple[int, int, float]]:
    """(begin, end, score) of the spans with one of ``labels``; overlapping spans become one, at the higher score."""
    picked = sorted((s["start"], s["end"], s["score"]) for s in spans if s["label"] in labels)
    merged: list[list[Any]] = []
    for start, end, score in picked:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] = max(merged[-1][2], score)
        else:
            merged.append([start, end, score])
    return [(s, e, p) for s, e, p in merged]


def perspective_attribute_scores(result: Mapping[str, Any], attribute: str, with_spans: bool) -> dict[str, Any]:
    spec = PERSPECTIVE_ATTRIBUTES[attribute]
    value = spec.derived.score(result["scores"])
    out: dict[str, Any] = {"summaryScore": {"value": value, "type": "PROBABILITY"}}
    if with_spans:
        out["spanScores"] = [
            {"begin": s, "end": e, "score": {"value": p, "type": "PROBABILITY"}} for s, e, p in merged_spans(result["spans"], spec.span_labels)
        ]
    return out


def openai_result(result: Mapping[str, Any]) -> dict[str, Any]:
    categories = {name: d.flag(result["flags"]) for name, d in OPENAI_CATEGORIES.items()}
    return {
        "flagged": any(categories.values()),
        "categories": categories,
        "category_scores": {name: d.score(result["scores"]) for name, d in OPENAI_CATEGORIES.items()},
        "category_applied_input_types": {name: ["text"] for name in OPENAI_CATEGORIES},
    }


POSITIVE = 0.5  # a suggested score at or above this is a "yes"


class SuggestionConflict(ValueError):
    """Suggested attribute scores that no set of our labels satisfies; ``attribute`` is to blame."""

    def __init__(self, attribute: str, message: str) -> None:
        super().__init__(message)
        self.attribute = attribute


def attribute_labels(attribute: str) -> tuple[str, ...]:
    return tuple(label for group in PERSPECTIVE_ATTRIBUTES[attribute].derived.groups for label in group)


def labels_from_perspective(values: Mapping[str, float]) -> dict[str, int]:
    """Our comment labels implied by suggested Perspective summary scores (see the module docstring)."""
    labels: dict[str, int] = {}
    said_by: dict[str, str] = {}

    def assign(label: str, value: int, attribute: str) -> None:
        if labels.get(label, value) != value:
            raise SuggestionConflict(attribute, f"{attribute} implies {label}={value}, but {said_by[label]} implies {label}={labels[label]}")
        labels[label] = value
        said_by.setdefault(label, attribute)

    undecided: list[tuple[str, tuple[str, ...]]] = []
    for attribute, value in values.items():
        members = attribute_labels(attribute)
        if value < POSITIVE:
            for label in members:
                assign(label, 0, attribute)
        elif len(members) == 1:
            assign(members[0], 1, attribute)
        else:
            undecided.append((attribute, members))
    for attribute, members in undecided:
        if any(labels.get(label) == 1 for label in members):
            continue
        open_labels = [label for label in members if label not in labels]
        if not open_labels:
            raise SuggestionConflict(attribute, f"{attribute} implies one of {', '.join(members)}, but every one of them is 0")
        if len(open_labels) == 1:
            assign(open_labels[0], 1, attribute)
    offensive = bool(undecided) or any(labels.get(label) == 1 for label in LABELS if label != "toxic")
    if offensive:
        if labels.get("toxic") == 0:
            raise SuggestionConflict(said_by["toxic"], "toxic is the umbrella label: a yes to any other attribute implies TOXICITY >= 0.5")
        labels["toxic"] = 1
    return {label: labels[label] for label in LABELS if label in labels}


def span_label_for(attribute: str, labels: Mapping[str, int]) -> str:
    """The span label of a suggested span of ``attribute``, given the comment's labels."""
    if attribute == "TOXICITY":
        return "toxic"
    members = attribute_labels(attribute)
    if len(members) == 1:
        return members[0]
    for label in members:
        if labels.get(label) == 1:
            return label
    raise SuggestionConflict(attribute, f"cannot tell which of {', '.join(members)} a {attribute} span is; suggest HATE or SLUR spans instead")


def checked_span_labels(attribute: str) -> tuple[str, ...]:
    """The span labels a suggestion's ``spanScores`` list (even an empty one) covers."""
    return ("toxic",) if attribute == "TOXICITY" else attribute_labels(attribute)
