"""The committed behaviour data: reproducible, valid, held out by template, and labelled by the rules."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from service.schema import LABELS, SPAN_LABELS, Record, Span, validate_lines, validate_record
from training.data.behaviour import BEHAVIOURS, DATA_DIR, TEST_RENDERINGS_PER_TEMPLATE, generate_records, load_behaviour
from training.data.behaviour_markup import MarkupError, render
from training.data.behaviour_templates import OBFUSCATORS, ZERO_WIDTH_SPACE, build_templates

REPO = Path(__file__).resolve().parents[1]
BENIGN = ("counter_speech", "negated_hate", "neutral_group_mention", "positive_group_mention", "reclaimed_slur",
          "slur_homonym", "abuse_at_objects")
HATEFUL = ("hate_as_question_or_opinion", "explicit_hate_and_slurs", "obfuscated_slur", "pronoun_reference")
CYRILLIC = re.compile("[\u0400-\u04ff]")


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return load_behaviour()


def by_category(records: list[Record]) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        out[r.meta["behaviour"]].append(r)
    return out


def span_texts(r: Record, label: str) -> list[str]:
    return [r.text[s.start : s.end] for s in r.spans if s.label == label]


def test_files_regenerate_byte_identically(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    subprocess.run([sys.executable, "-m", "training.data.behaviour", "--out", str(tmp_path)], cwd=REPO, env=env,
                   check=True, capture_output=True)
    for split in ("train", "test"):
        assert (tmp_path / f"{split}.jsonl").read_bytes() == (DATA_DIR / f"{split}.jsonl").read_bytes(), split


@pytest.mark.parametrize("split", ["train", "test"])
def test_every_line_validates_and_ids_are_unique(split: str) -> None:
    lines = (DATA_DIR / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines
    assert validate_lines(lines, split) == []
    for line in lines:
        d = json.loads(line)
        assert validate_record(d) == []
        assert d["split"] == split


def test_record_shape(records: list[Record]) -> None:
    numbers: dict[str, set[int]] = defaultdict(set)
    for r in records:
        category = r.meta["behaviour"]
        assert category in BEHAVIOURS
        assert r.source == "behaviour" and r.provenance.annotator == "behaviour"
        assert set(r.labels) == set(LABELS) and set(r.labels.values()) <= {0, 1}
        assert r.span_labels == list(SPAN_LABELS)
        assert r.meta["template"].startswith(category + "/")
        prefix, _, number = r.comment_id.rpartition(":")
        assert prefix == f"behaviour:{category}"
        numbers[category].add(int(number))
        assert validate_record(r.to_dict()) == []
    for category, seen in numbers.items():
        assert seen == set(range(1, len(seen) + 1)), category


def test_every_category_is_in_both_splits_with_enough_test_items(records: list[Record]) -> None:
    counts = Counter((r.meta["behaviour"], r.split) for r in records)
    for category in BEHAVIOURS:
        assert counts[(category, "test")] >= 30, category
        assert counts[(category, "train")] >= 100, category
        assert counts[(category, "train")] + counts[(category, "test")] >= 150, category
    # A quarter of the templates is held out (they are rendered more often than the rest).
    split_of = {r.meta["template"]: r.split for r in records}
    test_share = sum(split == "test" for split in split_of.values()) / len(split_of)
    assert 0.2 <= test_share <= 0.3


def test_no_text_is_in_both_splits_and_texts_are_unique(records: list[Record]) -> None:
    texts = [r.text for r in records]
    assert len(texts) == len(set(texts))
    train = {r.text for r in records if r.split == "train"}
    assert not train & {r.text for r in records if r.split == "test"}


def test_templates_are_disjoint_between_splits(records: list[Record]) -> None:
    splits_of: dict[str, set[str]] = defaultdict(set)
    for r in records:
        splits_of[r.meta["template"]].add(r.split)
    assert all(len(s) == 1 for s in splits_of.values())
    # Whole patterns, not only single hand-written items, are held out in every category.
    for category in BEHAVIOURS:
        held_out = {t for t, s in splits_of.items() if s == {"test"} and t.startswith(category + "/")}
        assert any("/hand" not in t for t in held_out), category


def test_minimal_pairs_are_held_out_together(records: list[Record]) -> None:
    """A frame taught with one sign only teaches the frame: both twins go to the same split,
    and each split holds whole pairs, hateful and harmless."""
    from training.data.behaviour_templates import build_templates

    split_of = {r.meta["template"]: r.split for r in records}
    pairs: dict[str, set[str]] = defaultdict(set)
    signs: dict[str, set[int]] = defaultdict(set)
    for t in build_templates():
        if t.pair:
            key = f"{t.category}/{t.pair}"
            pairs[key].add(split_of[t.id])
            signs[key].add(t.expect.get("hate", 1))
    assert pairs, "no minimal pairs in the data"
    assert all(len(s) == 1 for s in pairs.values()), pairs
    assert all(s == {0, 1} for s in signs.values()), signs
    assert {next(iter(s)) for s in pairs.values()} == {"train", "test"}


def test_benign_categories_have_all_zero_labels_and_no_spans(records: list[Record]) -> None:
    groups = by_category(records)
    for category in BENIGN:
        for r in groups[category]:
            assert set(r.labels.values()) == {0} and r.spans == [], (category, r.text)


def test_counter_speech_quotes_slurs_without_labelling_them(records: list[Record]) -> None:
    quoted = [r for r in by_category(records)["counter_speech"] if re.search(r"'(kikes?|faggots?|Americunts)'", r.text)]
    assert quoted
    assert all(r.labels["slur"] == 0 and not r.spans for r in quoted)


def test_category_label_contracts(records: list[Record]) -> None:
    groups = by_category(records)
    for r in groups["profanity_not_hate"]:
        assert (r.labels["toxic"], r.labels["profanity"], r.labels["hate"], r.labels["slur"]) == (1, 1, 0, 0), r.text
    for r in groups["insult_individual"]:
        assert (r.labels["toxic"], r.labels["insult"], r.labels["hate"]) == (1, 1, 0), r.text
    for category in HATEFUL:
        assert all(r.labels["hate"] == r.labels["toxic"] == 1 for r in groups[category]), category
    threats = groups["threat"]
    assert all(r.labels["threat"] == 1 for r in threats)
    # Both individual and group-targeted threats are present, and only the latter are hate.
    assert {r.labels["hate"] for r in threats} == {0, 1}
    assert all(r.labels["hate"] == 1 for r in threats if any(s.label == "hate" for s in r.spans))


def test_labels_agree_with_spans(records: list[Record]) -> None:
    for r in records:
        has = {label: any(s.label == label for s in r.spans) for label in SPAN_LABELS}
        for label in ("slur", "insult", "profanity", "threat"):
            assert r.labels[label] == int(has[label]), (label, r.text)
        assert r.labels["hate"] == int(has["hate"] or has["slur"]), r.text
        assert r.labels["toxic"] == int(bool(r.spans)), r.text
        offence = {(s.start, s.end) for s in r.spans if s.label != "toxic"}
        assert offence == {(s.start, s.end) for s in r.spans if s.label == "toxic"}, r.text
        for s in r.spans:
            piece = r.text[s.start : s.end]
            assert piece == piece.strip(), (piece, r.text)


def test_obfuscated_spans_cover_the_whole_obfuscated_token(records: list[Record]) -> None:
    obfuscated = by_category(records)["obfuscated_slur"]
    pieces = [piece for r in obfuscated for label in ("slur", "hate") for piece in span_texts(r, label)]
    for r in obfuscated:
        for s in r.spans:
            # The span never stops inside a word: the characters around it are not letters or digits.
            assert s.start == 0 or not r.text[s.start - 1].isalnum(), r.text
            assert s.end == len(r.text) or not r.text[s.end].isalnum(), r.text
    with_zero_width = [p for p in pieces if ZERO_WIDTH_SPACE in p]
    assert with_zero_width
    assert all(not p.startswith(ZERO_WIDTH_SPACE) and not p.endswith(ZERO_WIDTH_SPACE) for p in with_zero_width)
    assert any(CYRILLIC.search(p) for p in pieces)
    assert any(" " in p for p in pieces)  # letter-spaced "k i k e s" is one span
    assert any(re.fullmatch(r"(dirty|filthy|stupid|fucking)\w+", p) for p in pieces)  # glued words
    assert "dirtyjews" in pieces


def test_seed_group_coinages_carry_slur_spans(records: list[Record]) -> None:
    groups = by_category(records)
    seed = groups["nationality_slurs_seed_groups"]
    slur_pieces = {p for r in seed for p in span_texts(r, "slur")}
    for coinage in ("Americunts", "carpetriders", "kebabs", "Turkroaches", "Ruskies", "Amerikkkans", "towelheads",
                    "kikes", "Zionazis", "sand niggers"):
        assert any(p.lower() == coinage.lower() for p in slur_pieces), coinage
    # Wherever a coinage occurs outside quoting categories, a slur span covers exactly that occurrence.
    for r in seed + groups["explicit_hate_and_slurs"]:
        slur_offsets = {(s.start, s.end) for s in r.spans if s.label == "slur"}
        for m in re.finditer(r"\b(Americunts?|carpetriders?|Amerikkkans?|Turkroach(es)?)\b", r.text, re.IGNORECASE):
            assert (m.start(), m.end()) in slur_offsets, r.text
    # The innocent counterparts sit in the same category with every label 0.
    neutral = [r for r in seed if not any(r.labels.values())]
    assert any("kebab" in r.text for r in neutral)
    assert any(re.search(r"\bTurks\b", r.text) for r in neutral)
    assert any(re.search(r"\borcs\b", r.text) for r in neutral)


def test_more_test_renderings_leave_the_training_split_alone(records: list[Record]) -> None:
    """Held-out templates are rendered many times over; that must not move a training text."""
    train = [r for r in records if r.split == "train"]
    assert train == [r for r in generate_records(test_renderings_per_template=0) if r.split == "train"]
    per_template = Counter(r.meta["template"] for r in records if r.split == "test")
    assert max(per_template.values()) == TEST_RENDERINGS_PER_TEMPLATE


def test_later_templates_leave_the_earlier_test_split_alone(records: list[Record]) -> None:
    """Templates added in a later round are held out by a draw of their own and take no text
    from an earlier round's held-out templates: models trained before have never seen those
    texts, and their successors, fine-tuned from their weights, must not see them either."""
    templates = build_templates()
    later = {t.id for t in templates if t.added}
    assert later, "no template names a later round; this test would check nothing"

    def held_out(rs: list[Record]) -> set[tuple[str, str, str]]:
        return {(r.meta["template"], r.text, json.dumps(r.labels, sort_keys=True)) for r in rs
                if r.split == "test" and r.meta["template"] not in later}

    first_round_only = generate_records(templates=[t for t in templates if not t.added])
    assert held_out(records) == held_out(first_round_only)
    # ...and a later round holds out some of its own templates, whole.
    later_test = {r.meta["template"] for r in records if r.split == "test" and r.meta["template"] in later}
    later_train = {r.meta["template"] for r in records if r.split == "train" and r.meta["template"] in later}
    assert later_test and later_train and not later_test & later_train


def test_load_behaviour_filters_by_split(records: list[Record]) -> None:
    train, test = load_behaviour("train"), load_behaviour("test")
    assert {r.split for r in train} == {"train"} and {r.split for r in test} == {"test"}
    assert len(train) + len(test) == len(records)
    with pytest.raises(ValueError):
        load_behaviour("dev")


def test_render_locates_repeated_terms_by_construction() -> None:
    text, spans = render("{w} is fine, but calling them [{w}](slur) is not", {"w": "kebabs"})
    assert text == "kebabs is fine, but calling them kebabs is not"
    assert spans == [Span(33, 39, "slur")]


def test_render_modifiers() -> None:
    text, spans = render("{^@s.one} {!q}", {"s": {"one": "[orc](slur)"}, "q": "[vermin](hate)"})
    assert text == "An orc vermin"
    assert spans == [Span(3, 6, "slur")]


@pytest.mark.parametrize("markup", ["a [b](nonsense)", "stray ] bracket", "{missing}"])
def test_render_rejects_malformed_markup(markup: str) -> None:
    with pytest.raises(MarkupError):
        render(markup, {})


def test_every_obfuscator_changes_the_word() -> None:
    for name, obfuscate in OBFUSCATORS.items():
        assert obfuscate("faggots") != "faggots", name
    assert ZERO_WIDTH_SPACE in OBFUSCATORS["zero_width"]("kikes")
