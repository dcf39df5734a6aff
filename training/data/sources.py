"""One adapter per public data set: its files in, ``service.schema.Record``s out.

Each adapter takes a *location* (the source's folder, or a Hub id mirroring that folder; see
``tables.py``) and an optional ``limit`` on rows read per file, and returns every split.
Labels a source does not state are left out of ``Record.labels`` (masked in the loss), so
each mapping below sets only what its annotation scheme actually says. Texts are kept exactly
as published because span offsets point into them; rows with an empty text are skipped.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable

import numpy as np

from service.schema import Provenance, Record, Span
from training.data.tables import SourceLocation, hash_split, read_table, require_columns, text_key

Adapter = Callable[..., list[Record]]


@dataclass(frozen=True)
class SourceSpec:
    folder: str  # relative to the data dir
    adapter: Adapter


def _provenance() -> Provenance:
    return Provenance(annotator="dataset", time=datetime.now(timezone.utc).isoformat(timespec="seconds"))


class _RecordMaker:
    """Builds one source's records with ids that stay unique even where the source repeats an id."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.provenance = _provenance()
        self._seen: dict[str, int] = defaultdict(int)

    def __call__(
        self,
        original_id: str,
        split: str,
        text: str,
        labels: dict[str, int],
        *,
        spans: Iterable[Span] = (),
        span_labels: Iterable[str] = (),
        meta: dict | None = None,
    ) -> Record:
        self._seen[original_id] += 1
        suffix = "" if self._seen[original_id] == 1 else f"#{self._seen[original_id]}"
        return Record(
            source=self.source,
            split=split,
            comment_id=f"{self.source}:{original_id}{suffix}",
            text=text,
            labels=dict(labels),
            spans=sorted(spans),
            span_labels=list(span_labels),
            provenance=Provenance(self.provenance.annotator, self.provenance.time),
            meta=dict(meta or {}),
        )


def _has_text(text: str) -> bool:
    return bool(text and text.strip())


def offsets_to_spans(offsets: Iterable[int], text: str, label: str) -> list[Span]:
    """Contiguous character offsets as spans, each trimmed of whitespace at its edges.

    Runs separated by a space stay separate spans: the gold offsets are kept exactly, only
    edge whitespace (which no tokenizer can label) is dropped. Out-of-range offsets are ignored.
    """
    spans: list[Span] = []
    run_start = previous = None
    for offset in sorted({o for o in offsets if 0 <= o < len(text)}):
        if previous is not None and offset == previous + 1:
            previous = offset
            continue
        if run_start is not None:
            spans.extend(_trimmed(run_start, previous + 1, text, label))
        run_start = previous = offset
    if run_start is not None:
        spans.extend(_trimmed(run_start, previous + 1, text, label))
    return spans


def _trimmed(start: int, end: int, text: str, label: str) -> list[Span]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [Span(start, end, label)] if start < end else []


# --- SemEval-2021 toxic spans -------------------------------------------------------------


def load_tsd(location: SourceLocation, limit: int | None = None) -> list[Record]:
    """tsd_train.csv -> train with a fixed 10% dev; tsd_trial.csv -> test. Gold spans are "toxic".

    No comment labels: every post was picked because Civil Comments raters had called it toxic,
    so "toxic=1 for all" would teach the model that anything written like a news comment is
    toxic (measured: 6 of 10 plain civil comments flagged). The spans carry the signal.
    """
    make = _RecordMaker("tsd")
    records = []
    for filename, file_split in (("tsd_train.csv", "train"), ("tsd_trial.csv", "test")):
        rows = read_table(location, filename, limit=limit)
        require_columns(rows, ("spans", "text"), filename)
        for index, row in enumerate(rows):
            text = row["text"]
            if not _has_text(text):
                continue
            split = hash_split(text, dev=0.1) if file_split == "train" else "test"
            offsets = ast.literal_eval(row["spans"]) if row["spans"].strip() else []
            records.append(
                make(
                    f"{filename.split('_')[1].split('.')[0]}-{index}",
                    split,
                    text,
                    {},
                    spans=offsets_to_spans(offsets, text, "toxic"),
                    span_labels=["toxic"],
                )
            )
    return records


# --- Toxic spans, per-annotator release -----------------------------------------------------

TSD_FULL_TYPES = {
    "Identity based Attack": "hate",
    "Insult": "insult",
    "Profane/Obscene": "profanity",
    "Threat": "threat",
    "Other Toxicity": "toxic",
}
TSD_FULL_SPAN_LABELS = ["hate", "insult", "profanity", "threat", "toxic"]
# One quiz post was shown to hundreds of candidate annotators; it is not a normal annotation.
TSD_FULL_MAX_ANNOTATORS = 20


def _span_type(raw: str) -> str | None:
    """The label for a span's type; a few types are truncated in the release ("Insu"), a few are empty."""
    raw = raw.strip()
    if not raw:
        return None
    matches = [label for name, label in TSD_FULL_TYPES.items() if name.startswith(raw)]
    return matches[0] if len(matches) == 1 else None


def _is_true(value: str) -> bool:
    return value.strip().lower() == "true"


def load_tsd_full(location: SourceLocation, limit: int | None = None) -> list[Record]:
    """Typed toxic spans merged over annotators by majority per character; fixed 10% dev, rest train.

    Annotator votes. The interface had two tick-boxes for a rater who highlighted nothing: "not
    toxic" and "all toxic" (the whole post would have to be marked). In this release both columns
    are True on 20,358 annotations, and 20,354 of those have no span: the export collapsed the
    two choices, so such a row says "nothing highlighted, reason lost". "not toxic" alone never
    occurs without spans either, so the release holds no clean "not toxic" vote. We count a rater
    with no span and "all toxic" ticked as marking every character toxic: with that reading the
    per-character majority reproduces the SemEval gold of 5,737 of 8,042 shared posts exactly,
    against 3,713 when such raters count as marking nothing, so it is how the organisers read
    these rows; and every post had already been rated toxic by most Civil Comments raters.

    Spans. Typed labels (hate, insult, profanity, threat): a character belongs to a type's span
    when more than half of the post's annotators marked it with that type. "toxic" spans use the
    SemEval ground-truth rule: more than half marked the character with *any* type (or the whole
    post), so that "toxic" spans mean the same here as in the ``tsd`` source; "Other Toxicity" and
    untyped spans feed only this union.

    Comment labels. toxic=1 when more than half the annotators highlighted something or ticked
    "all toxic"; otherwise absent (no clean negative exists, see above). A typed label is 1 when
    more than half the annotators marked that type somewhere in the post; 0 when it could not
    reach a majority even if every rater who highlighted nothing had meant that type; absent in
    between (the untyped whole-post votes decide it and we cannot read them).
    """
    make = _RecordMaker("tsd_full")
    comments = read_table(location, "full/comments.csv", limit=limit)
    annotations = read_table(location, "full/annotations.csv")
    span_rows = read_table(location, "full/spans.csv")
    require_columns(comments, ("comment_id", "comment_text"), "full/comments.csv")
    require_columns(annotations, ("annotation", "comment_id", "all toxic"), "full/annotations.csv")
    require_columns(span_rows, ("annotation", "type", "start", "end"), "full/spans.csv")

    annotations_by_post: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in annotations:
        annotations_by_post[row["comment_id"]].append(row)
    spans_by_annotation: dict[str, list[tuple[int, int, str | None]]] = defaultdict(list)
    for row in span_rows:
        try:
            start, end = int(float(row["start"])), int(float(row["end"]))
        except ValueError:
            continue  # empty offsets
        spans_by_annotation[row["annotation"]].append((start, end, _span_type(row["type"])))

    typed_labels = [label for label in TSD_FULL_SPAN_LABELS if label != "toxic"]
    records = []
    for row in comments:
        text, post_id = row["comment_text"], row["comment_id"]
        post_annotations = annotations_by_post.get(post_id, [])
        if not _has_text(text) or not post_annotations or len(post_annotations) > TSD_FULL_MAX_ANNOTATORS:
            continue
        n = len(post_annotations)
        length = len(text)
        char_votes = {label: np.zeros(length, dtype=np.int32) for label in TSD_FULL_SPAN_LABELS}
        post_votes = {label: 0 for label in typed_labels}
        whole_post_votes = 0
        for annotation in post_annotations:
            marks = {label: np.zeros(length, dtype=bool) for label in TSD_FULL_SPAN_LABELS}
            highlighted = False
            for start, end, label in spans_by_annotation.get(annotation["annotation"], []):
                if not 0 <= start < end <= length:
                    continue  # empty or out-of-range span in the release
                highlighted = True
                marks["toxic"][start:end] = True
                if label is not None and label != "toxic":
                    marks[label][start:end] = True
            if not highlighted and _is_true(annotation.get("all toxic", "")):
                marks["toxic"][:] = True
                whole_post_votes += 1
            for label in TSD_FULL_SPAN_LABELS:
                char_votes[label] += marks[label]
            for label in typed_labels:
                post_votes[label] += bool(marks[label].any())

        majority = n / 2
        spans: list[Span] = []
        for label in TSD_FULL_SPAN_LABELS:
            spans.extend(offsets_to_spans(np.flatnonzero(char_votes[label] > majority).tolist(), text, label))
        labels: dict[str, int] = {}
        for label in typed_labels:
            if post_votes[label] > majority:
                labels[label] = 1
            elif post_votes[label] + whole_post_votes <= majority:
                labels[label] = 0
        # The posts were all pre-selected as toxic, so the toxic vote is no contrast (see load_tsd);
        # a typed label still implies toxic.
        if any(labels.get(label) == 1 for label in typed_labels):
            labels["toxic"] = 1
        records.append(
            make(
                post_id,
                hash_split(text, dev=0.1),
                text,
                labels,
                spans=spans,
                span_labels=TSD_FULL_SPAN_LABELS,
                meta={"annotators": n},
            )
        )
    return records


# --- Davidson et al. 2017 -----------------------------------------------------------------

_NOTHING_OFFENSIVE = {"toxic": 0, "hate": 0, "slur": 0, "insult": 0, "profanity": 0, "threat": 0}
DAVIDSON_CLASSES = {
    "0": {"toxic": 1, "hate": 1},  # hate speech
    "1": {"toxic": 1, "hate": 0},  # offensive but not hate
    "2": _NOTHING_OFFENSIVE,  # neither: not offensive in any way, so no slur, insult, swearing or threat either
}


def load_davidson(location: SourceLocation, limit: int | None = None) -> list[Record]:
    """Majority class per tweet; fixed hash 10% dev and 10% test. Annotator counts kept in meta."""
    make = _RecordMaker("davidson")
    rows = read_table(location, "labeled_data.csv", limit=limit)
    require_columns(rows, ("class", "tweet", "hate_speech", "offensive_language", "neither"), "labeled_data.csv")
    records = []
    for index, row in enumerate(rows):
        text = row["tweet"]
        labels = DAVIDSON_CLASSES.get(row["class"].strip())
        if not _has_text(text) or labels is None:
            continue
        votes = {k: int(row[k]) for k in ("hate_speech", "offensive_language", "neither")}
        records.append(
            make(row.get("row_id") or str(index), hash_split(text, dev=0.1, test=0.1), text, labels, meta={"votes": votes})
        )
    return records


# --- MLMA ----------------------------------------------------------------------------------

MLMA_HOSTILE = {"offensive", "abusive", "hateful", "disrespectful"}
# MLMA's target attributes; "other" covers individuals, left-wing people and unnamed groups,
# which are not protected characteristics under our definition of hate.
MLMA_PROTECTED_TARGETS = {"origin", "gender", "sexual_orientation", "religion", "disability"}


def mlma_labels(sentiment: str, target: str) -> dict[str, int]:
    """Labels from MLMA's ``_``-joined hostility tags (a tag is kept when two annotators agreed).

    - exactly "normal": toxic 0 and hate 0 (the authors' own binary reading);
    - any of offensive/abusive/hateful/disrespectful: toxic 1 (again the authors' reading);
    - "hateful" aimed at a protected attribute: hate 1. Without "hateful" we leave hate absent
      rather than 0: a missing tag only means fewer than two annotators chose it, and the
      corpus is keyword-seeded with slurs, so many "offensive"-only tweets (slurs against
      disabled people, migrants) are hate under our definition;
    - "fearful" alone says nothing about rudeness or hate: no labels.
    """
    tags = {t for t in sentiment.strip().split("_") if t}
    if tags == {"normal"}:
        return {"toxic": 0, "hate": 0}
    labels: dict[str, int] = {}
    if tags & MLMA_HOSTILE:
        labels["toxic"] = 1
    if "hateful" in tags and target.strip() in MLMA_PROTECTED_TARGETS:
        labels["hate"] = 1
    return labels


def load_mlma(location: SourceLocation, limit: int | None = None) -> list[Record]:
    """en_dataset_with_stop_words.csv (the fuller text); fixed hash 10% dev and 10% test."""
    make = _RecordMaker("mlma")
    rows = read_table(location, "en_dataset_with_stop_words.csv", limit=limit)
    require_columns(rows, ("HITId", "tweet", "sentiment", "target", "group"), "en_dataset_with_stop_words.csv")
    records = []
    for index, row in enumerate(rows):
        text = row["tweet"]
        if not _has_text(text):
            continue
        labels = mlma_labels(row["sentiment"], row["target"])
        meta = {k: row[k] for k in ("sentiment", "directness", "target", "group") if k in row}
        records.append(make(row["HITId"] or str(index), hash_split(text, dev=0.1, test=0.1), text, labels, meta=meta))
    return records


# --- Stormfront ----------------------------------------------------------------------------


def load_stormfront(location: SourceLocation, limit: int | None = None) -> list[Record]:
    """hate -> hate 1, toxic 1; noHate -> hate 0 (a forum sentence can be rude without hate, so toxic stays absent).

    "relation" (hateful only with its neighbours) and "idk/skip" are dropped. The authors'
    balanced test sample is our test; their train sample and the rows outside their sample
    are train, minus a fixed hash 10% dev and minus any text that is also in their test.
    """
    make = _RecordMaker("stormfront")
    rows = read_table(location, "stormfront.csv", limit=limit)
    require_columns(rows, ("file_id", "label", "split", "text"), "stormfront.csv")
    label_map = {"hate": {"hate": 1, "toxic": 1}, "noHate": {"hate": 0}}
    test_keys = {text_key(r["text"]) for r in rows if r["split"].strip() == "test" and r["label"] in label_map}
    records = []
    for index, row in enumerate(rows):
        text, labels, authors_split = row["text"], label_map.get(row["label"].strip()), row["split"].strip()
        if not _has_text(text) or labels is None:
            continue
        if authors_split == "test":
            split = "test"
        elif text_key(text) in test_keys:
            continue
        else:
            split = hash_split(text, dev=0.1)
        meta = {"authors_split": authors_split or None, "num_contexts": row.get("num_contexts", "")}
        records.append(make(row["file_id"] or str(index), split, text, labels, meta=meta))
    return records


# --- Implicit Hate Corpus --------------------------------------------------------------------

IMPLICIT_HATE_CLASSES = {
    "explicit_hate": {"hate": 1, "toxic": 1},
    "implicit_hate": {"hate": 1, "toxic": 1},
    "not_hate": {"hate": 0},  # tweets from extremist accounts: not hate, but not necessarily civil
}


def load_implicit_hate(location: SourceLocation, limit: int | None = None) -> list[Record]:
    """Stage-1 posts; fixed hash 10% dev and 10% test; the class kept in meta["class"].

    Ids come from implicit_hate_v1_stg1.tsv, which lists the same rows in the same order; the
    row number stands in when that file is absent.
    """
    make = _RecordMaker("implicit_hate")
    rows = read_table(location, "implicit_hate_v1_stg1_posts.tsv", sep="\t", limit=limit)
    require_columns(rows, ("post", "class"), "implicit_hate_v1_stg1_posts.tsv")
    try:
        id_rows = read_table(location, "implicit_hate_v1_stg1.tsv", sep="\t", limit=limit)
    except FileNotFoundError:
        id_rows = []
    if id_rows:
        if len(id_rows) != len(rows) or any(a["class"] != b["class"] for a, b in zip(rows, id_rows)):
            raise ValueError("implicit_hate_v1_stg1.tsv does not line up with implicit_hate_v1_stg1_posts.tsv")
    records = []
    for index, row in enumerate(rows):
        text, cls = row["post"], row["class"].strip()
        if not _has_text(text) or cls not in IMPLICIT_HATE_CLASSES:
            continue
        original_id = id_rows[index]["ID"] if id_rows else str(index)
        records.append(
            make(original_id, hash_split(text, dev=0.1, test=0.1), text, IMPLICIT_HATE_CLASSES[cls], meta={"class": cls})
        )
    return records


# --- ToxiGen seed statements ------------------------------------------------------------------

TOXIGEN_LABELS = {
    "hate": {"hate": 1, "toxic": 1},
    # benign statements about a group: no hate, nothing rude, and no slur (they name groups neutrally)
    "neutral": {"hate": 0, "toxic": 0, "slur": 0},
}


def load_toxigen(location: SourceLocation, limit: int | None = None) -> list[Record]:
    """statements.csv, one record per distinct text; fixed hash 15% test and 10% dev.

    54 texts are listed under more than one group: they become one record with every group in
    meta["groups"] (the first in meta["group"]). Labels are by construction, not annotation.
    """
    make = _RecordMaker("toxigen")
    rows = read_table(location, "statements.csv", limit=limit)
    require_columns(rows, ("group", "label", "text"), "statements.csv")
    first_row: dict[str, int] = {}
    groups: dict[str, list[str]] = defaultdict(list)
    for index, row in enumerate(rows):
        if _has_text(row["text"]) and row["label"].strip() in TOXIGEN_LABELS:
            first_row.setdefault(row["text"], index)
            if row["group"] not in groups[row["text"]]:
                groups[row["text"]].append(row["group"])
    records = []
    for text, index in first_row.items():
        label = rows[index]["label"].strip()
        meta = {"group": groups[text][0], "groups": groups[text]}
        records.append(make(str(index), hash_split(text, dev=0.1, test=0.15), text, TOXIGEN_LABELS[label], meta=meta))
    return records


# --- Reddit counter-speech ---------------------------------------------------------------------

COUNTERSPEECH_LABELS = {
    "0": {"hate": 0},  # other speech: not hate, may still be rude
    "1": {"hate": 1, "toxic": 1},
    # counter-speech argues against hate; it is not hateful even when it quotes the parent's hate
    "2": {"hate": 0},
}


def load_counterspeech(location: SourceLocation, limit: int | None = None) -> list[Record]:
    """text = ``reply`` (labelled in the context of ``parent``, kept in meta["parent"]).

    The human-labelled validation_set.csv is our test split. gpt_4o_labels.csv (silver labels)
    is train with a fixed 10% dev, minus the ids that also appear in the human file.
    """
    make = _RecordMaker("counterspeech")
    human = read_table(location, "validation_set.csv", limit=limit)
    silver = read_table(location, "gpt_4o_labels.csv", limit=limit)
    require_columns(human, ("id", "parent", "reply", "label", "target"), "validation_set.csv")
    require_columns(silver, ("id", "parent", "reply", "label"), "gpt_4o_labels.csv")
    human_ids = {row["id"] for row in human}
    records = []
    for rows, labelled_by in ((human, "human"), (silver, "gpt-4o")):
        for index, row in enumerate(rows):
            text, labels = row["reply"], COUNTERSPEECH_LABELS.get(row["label"].strip())
            if not _has_text(text) or labels is None:
                continue
            if labelled_by == "human":
                split, original_id = "test", f"{row['id']}/{row['target'] or index}"
            elif row["id"] in human_ids:
                continue
            else:
                split, original_id = hash_split(text, dev=0.1), row["id"] or str(index)
            meta = {"parent": row["parent"], "subreddit": row.get("subreddit", ""), "labelled_by": labelled_by}
            if row["label"].strip() == "2":
                meta["counterspeech"] = True
            records.append(make(original_id, split, text, labels, meta=meta))
    return records


SOURCES: dict[str, SourceSpec] = {
    "tsd": SourceSpec("toxic_spans", load_tsd),
    "tsd_full": SourceSpec("toxic_spans", load_tsd_full),
    "davidson": SourceSpec("davidson2017", load_davidson),
    "mlma": SourceSpec("mlma", load_mlma),
    "stormfront": SourceSpec("stormfront", load_stormfront),
    "implicit_hate": SourceSpec("implicit_hate", load_implicit_hate),
    "toxigen": SourceSpec("toxigen_prompts", load_toxigen),
    "counterspeech": SourceSpec("counterspeech_reddit", load_counterspeech),
}

# The files each source needs, relative to its folder: a folder without them counts as absent.
REQUIRED_FILES: dict[str, tuple[str, ...]] = {
    "tsd": ("tsd_train.csv", "tsd_trial.csv"),
    "tsd_full": ("full/comments.csv", "full/annotations.csv", "full/spans.csv"),
    "davidson": ("labeled_data.csv",),
    "mlma": ("en_dataset_with_stop_words.csv",),
    "stormfront": ("stormfront.csv",),
    "implicit_hate": ("implicit_hate_v1_stg1_posts.tsv",),
    "toxigen": ("statements.csv",),
    "counterspeech": ("validation_set.csv", "gpt_4o_labels.csv"),
}
