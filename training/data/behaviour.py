"""Threadguard's behaviour data: labelled examples aimed at the places hate models fail.

Counter-speech, negation, neutral group mentions, reclaimed slurs and innocent homonyms must
score 0; profanity and individual insults must not be mistaken for hate; hate phrased as a
question, hidden behind a pronoun, obfuscated or built from coinages ("Americunts") must be
caught. The content lives in ``behaviour_templates``; this module renders it into records,
holds out whole templates for the test split and reads the committed files back.

Regenerate the committed files with ``python -m training.data.behaviour``; the output is
byte-identical on every run (seeded RNG, fixed provenance time), which a test checks.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
from collections import Counter
from pathlib import Path
from typing import AbstractSet, Iterator, Sequence

from service.schema import LABELS, SPAN_LABELS, Provenance, Record, Span, read_records, write_records
from training.data.behaviour_markup import MarkupError, Template, render, slot_names
from training.data.behaviour_templates import BEHAVIOURS, CATEGORY_EXPECT, build_templates
from training.data.tables import text_key

__all__ = ["BEHAVIOURS", "DATA_DIR", "generate_records", "load_behaviour", "write_behaviour", "counts_table"]

DATA_DIR = Path(__file__).parent / "behaviour"
BEHAVIOUR_SPLITS: tuple[str, ...] = ("train", "test")
SEED = 0
# Fixed so that regenerating the files changes nothing unless the content changes.
GENERATED_AT = "2025-01-01T00:00:00+00:00"
CATEGORY_TARGET = 260
TEST_SHARE = 0.25
MIN_PER_CATEGORY = 150
MIN_TEST_PER_CATEGORY = 30
# A held-out template is rendered up to this many times (all its combinations when it has
# fewer), so that a category's test accuracy measures its held-out templates, not one small
# draw of their renderings: with one draw of about 60 per category, redrawing moved a
# category's accuracy by up to 0.13 for the same model.
TEST_RENDERINGS_PER_TEMPLATE = 150
# Every fourth hand-written example of a category is held out.
HAND_TEST_EVERY = 4


def generate_records(
    test_renderings_per_template: int = TEST_RENDERINGS_PER_TEMPLATE, templates: Sequence[Template] | None = None
) -> list[Record]:
    """Render every category (of ``templates``, default all) into records; raises if a category
    is too small or mislabelled."""
    from training.probes import PROBES

    templates = build_templates() if templates is None else list(templates)
    test_ids = _choose_test_templates(templates)
    seen: set[str] = set()
    # The probes test what no data has shown the model: no rendering may repeat one.
    reserved = {text_key(t) for _, texts in PROBES.values() for t in texts}
    records: list[Record] = []
    for category in BEHAVIOURS:
        members = [t for t in templates if t.category == category]
        patterns_left = sum(not t.hand for t in members)
        # Templates with few combinations leave a shortfall that the later ones make up.
        wanted = CATEGORY_TARGET - (len(members) - patterns_left)
        number = 0
        for template in members:
            split = "test" if template.id in test_ids else "train"
            quota = 1 if template.hand else math.ceil(wanted / patterns_left)
            for text, spans in _renderings(template, quota, _rendering_rng(template), seen, reserved):
                number += 1
                records.append(_record(template, split, number, text, spans))
                if not template.hand:
                    wanted -= 1
            patterns_left -= not template.hand
        # The extra test renderings come after the category's quotas are met and after every
        # rendering of the templates before them, so they change nothing in the training split
        # (except by taking a text first, which a test checks does not happen).
        taken = Counter(r.meta["template"] for r in records if r.meta["behaviour"] == category)
        for template in members:
            if template.id not in test_ids or template.hand:
                continue
            extra = test_renderings_per_template - taken[template.id]
            for text, spans in _renderings(template, extra, _rendering_rng(template), seen, reserved):
                number += 1
                records.append(_record(template, "test", number, text, spans))
    _check_coverage(records)
    return records


def write_behaviour(out_dir: str | Path = DATA_DIR) -> Counter[tuple[str, str]]:
    """Write ``train.jsonl`` and ``test.jsonl`` into ``out_dir``; returns counts per (category, split)."""
    records = generate_records()
    out_dir = Path(out_dir)
    for split in BEHAVIOUR_SPLITS:
        write_records(out_dir / f"{split}.jsonl", [r for r in records if r.split == split])
    return Counter((r.meta["behaviour"], r.split) for r in records)


def load_behaviour(split: str | None = None, *, data_dir: str | Path = DATA_DIR) -> list[Record]:
    """The committed behaviour records of one split ("train" or "test"), or of both when None."""
    if split is not None and split not in BEHAVIOUR_SPLITS:
        raise ValueError(f"split {split!r} is not one of {', '.join(BEHAVIOUR_SPLITS)}")
    splits = BEHAVIOUR_SPLITS if split is None else (split,)
    return [r for s in splits for r in read_records(Path(data_dir) / f"{s}.jsonl")]


def counts_table(counts: Counter[tuple[str, str]]) -> str:
    rows = [f"{'behaviour':<32}{'train':>7}{'test':>7}{'total':>7}"]
    for category in BEHAVIOURS:
        train, test = counts[(category, "train")], counts[(category, "test")]
        rows.append(f"{category:<32}{train:>7}{test:>7}{train + test:>7}")
    train = sum(v for (_, s), v in counts.items() if s == "train")
    test = sum(v for (_, s), v in counts.items() if s == "test")
    rows.append(f"{'all':<32}{train:>7}{test:>7}{train + test:>7}")
    return "\n".join(rows)


def _choose_test_templates(templates: Sequence[Template]) -> set[str]:
    """Hold out whole templates: each data release's templates (``Template.added``) by a draw of
    their own, so a later release leaves every earlier template in the split it was in."""
    test: set[str] = set()
    for added in sorted({t.added for t in templates}):
        rng = random.Random(SEED if not added else f"{SEED}:{added}")
        test |= _draw_test_templates([t for t in templates if t.added == added], rng)
    return test


def _draw_test_templates(templates: Sequence[Template], rng: random.Random) -> set[str]:
    """Hold out whole templates, per category and per label pattern within it.

    Stratifying by a template's pinned labels and stratum keeps both halves of mixed
    categories in each split (group and individual threats; slurs and their neutral
    counterparts; glued and letter-level obfuscations). Templates that share a ``pair`` (a
    hateful template and its harmless twin) are drawn as whole pairs.
    """
    test: set[str] = set()
    for category in BEHAVIOURS:
        strata: dict[tuple[str, tuple[tuple[str, int], ...]], list[str]] = {}
        pairs: dict[str, list[str]] = {}
        hand_index = 0
        for t in templates:
            if t.category != category:
                continue
            if t.pair:
                pairs.setdefault(t.pair, []).append(t.id)
            elif t.hand:
                if hand_index % HAND_TEST_EVERY == HAND_TEST_EVERY - 1:
                    test.add(t.id)
                hand_index += 1
            else:
                strata.setdefault((t.stratum, tuple(sorted(t.expect.items()))), []).append(t.id)
        for ids in strata.values():
            if len(ids) >= 2:
                test.update(rng.sample(ids, max(1, round(len(ids) * TEST_SHARE))))
        if len(pairs) >= 2:
            for pair in rng.sample(sorted(pairs), max(1, round(len(pairs) * TEST_SHARE))):
                test.update(pairs[pair])
    return test


def _rendering_rng(template: Template) -> random.Random:
    """A generator of its own per template, so that adding or removing a template (or a whole
    category) redraws no other template's renderings."""
    return random.Random(f"{SEED}:{template.id}")


def _renderings(
    template: Template, quota: int, rng: random.Random, seen: set[str], reserved: AbstractSet[str] = frozenset()
) -> Iterator[tuple[str, list[Span]]]:
    """Up to ``quota`` renderings not seen before and not ``reserved`` (by ``text_key``), in a
    seeded random order of all combinations."""
    unused = set(template.dims) - slot_names(template.markup)
    if unused:
        raise MarkupError(f"{template.id}: dimensions {sorted(unused)} are never used")
    names = sorted(template.dims)
    combos = list(itertools.product(*(range(len(template.dims[n])) for n in names)))
    rng.shuffle(combos)
    taken = 0
    for combo in combos:
        if taken >= quota:
            return
        text, spans = render(template.markup, {n: template.dims[n][i] for n, i in zip(names, combo)})
        if text in seen or text_key(text) in reserved:  # ``seen`` also keeps any text out of both splits
            continue
        seen.add(text)
        taken += 1
        yield text, spans


def _record(template: Template, split: str, number: int, text: str, spans: list[Span]) -> Record:
    # toxic is the umbrella label, so its spans are the union of every other offence span.
    spans = sorted(set(spans) | {Span(s.start, s.end, "toxic") for s in spans})
    labels = {name: 0 for name in LABELS}
    for span in spans:
        labels[span.label] = 1
        if span.label == "slur":
            labels["hate"] = 1
    expected = {**CATEGORY_EXPECT[template.category], **template.expect}
    wrong = {name: labels[name] for name, value in expected.items() if labels[name] != value}
    if wrong:
        raise ValueError(f"{template.id}: {text!r} has {wrong}, expected {expected}")
    return Record(
        source="behaviour",
        split=split,
        comment_id=f"behaviour:{template.category}:{number}",
        text=text,
        labels=labels,
        spans=spans,
        span_labels=list(SPAN_LABELS),
        author=None,
        provenance=Provenance(annotator="behaviour", time=GENERATED_AT),
        meta={"behaviour": template.category, "template": template.id},
    )


def _check_coverage(records: Sequence[Record]) -> None:
    counts = Counter((r.meta["behaviour"], r.split) for r in records)
    for category in BEHAVIOURS:
        total = counts[(category, "train")] + counts[(category, "test")]
        if total < MIN_PER_CATEGORY or counts[(category, "test")] < MIN_TEST_PER_CATEGORY:
            raise ValueError(
                f"{category}: {total} examples, {counts[(category, 'test')]} in test "
                f"(need {MIN_PER_CATEGORY} and {MIN_TEST_PER_CATEGORY})"
            )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Regenerate Threadguard's behaviour data files.")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="folder for train.jsonl and test.jsonl")
    args = parser.parse_args(argv)
    print(counts_table(write_behaviour(args.out)))


if __name__ == "__main__":
    main()
