"""Public-data adapters, deduplication, weak lexicon spans and the stats table.

Two layers: tiny samples the tests write themselves (same file layout as ../shared/data, so a
fresh clone passes), and checks on the real files when ../shared/data is present (subsets via
``limit`` where the check allows, so the file stays well under a minute).
"""

from __future__ import annotations

import ast
import csv
import json
from pathlib import Path

import pytest

from service.schema import Record, Span, validate_record
from training.data import catalog, sources
from training.data.catalog import (
    SOURCE_NAMES,
    WEAK_SPAN_WEIGHT,
    add_lexicon_spans,
    deduplicate,
    load_source,
    load_sources,
    stats_table,
)
from training.data.lexicon import load_lexicon_terms
from training.data.tables import hash_split, is_hub_id, text_key

REAL_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
needs_real_data = pytest.mark.skipif(not (REAL_DATA / "README.md").is_file(), reason="../shared/data not present")


def _valid(records: list[Record]) -> None:
    for record in records:
        assert validate_record(record.to_dict()) == [], record.comment_id
    assert len({r.comment_id for r in records}) == len(records), "comment ids must be unique per source"


# --- a tiny data dir in the real layout ------------------------------------------------------

TSD_TRAIN_TEXT = "You are an idiot and a moron."
SHARED_TEST_TEXT = "This exact text is in the trial file."
TSD_FULL_TEXT = "You idiot, I will hurt you."
TSD_FULL_TIE_TEXT = "Get lost, loser."


def _write_csv(path: Path, header: list[str], rows: list[list[object]], sep: str = ",") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=sep)
        writer.writerow(header)
        writer.writerows(rows)


def _offsets(text: str, piece: str, with_trailing_space: bool = False) -> list[int]:
    start = text.index(piece)
    end = start + len(piece) + (1 if with_trailing_space else 0)
    return list(range(start, end))


def _span_row(annotation: int, kind: str, text: str, piece: str) -> list[object]:
    start = text.index(piece)
    return [annotation, kind, start, start + len(piece)]


@pytest.fixture()
def sample_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import datasets

    # keep the arrow files datasets builds for these throwaway csvs out of the user's cache
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))
    root = tmp_path / "data"

    spans = _offsets(TSD_TRAIN_TEXT, "idiot", with_trailing_space=True) + _offsets(TSD_TRAIN_TEXT, "moron")
    _write_csv(
        root / "toxic_spans" / "tsd_train.csv",
        ["spans", "text"],
        [[str(spans), TSD_TRAIN_TEXT], ["[]", "Frick, what a mess."], ["[]", "   "]],
    )
    _write_csv(root / "toxic_spans" / "tsd_trial.csv", ["spans", "text"], [["[]", SHARED_TEST_TEXT]])

    full = root / "toxic_spans" / "full"
    _write_csv(
        full / "comments.csv",
        ["comment_id", "comment_text"],
        [[101, TSD_FULL_TEXT], [102, "A quiz post everyone saw."], [103, SHARED_TEST_TEXT.upper()], [104, TSD_FULL_TIE_TEXT]],
    )
    annotations = [[1, 101, 7, "USA", "False", "False"], [2, 101, 8, "USA", "False", "False"], [3, 101, 9, "VEN", "True", "True"]]
    annotations += [[100 + i, 102, 200 + i, "USA", "False", "False"] for i in range(25)]
    annotations += [[200, 103, 7, "USA", "False", "False"]]
    annotations += [[300 + i, 104, 7 + i, "USA", "False", "False"] for i in range(4)]
    _write_csv(full / "annotations.csv", ["annotation", "comment_id", "worker", "country", "all toxic", "not toxic"], annotations)
    _write_csv(
        full / "spans.csv",
        ["annotation", "type", "start", "end"],
        [
            _span_row(1, "Insult", TSD_FULL_TEXT, "idiot"),
            _span_row(1, "Threat", TSD_FULL_TEXT, "I will hurt you"),
            _span_row(2, "Insu", TSD_FULL_TEXT, "idiot"),  # truncated type as in the release
            [2, "Insult", 5, 500],  # out of range: skipped
            *[[100 + i, "Insult", 2, 6] for i in range(25)],
            [200, "Insult", 0, 4],
            _span_row(300, "Insult", TSD_FULL_TIE_TEXT, "loser"),
            _span_row(301, "Insult", TSD_FULL_TIE_TEXT, "loser"),
        ],
    )

    _write_csv(
        root / "davidson2017" / "labeled_data.csv",
        ["", "count", "hate_speech", "offensive_language", "neither", "class", "tweet"],
        [
            [10, 3, 3, 0, 0, 0, "those blorf people should leave"],
            [11, 3, 0, 3, 0, 1, "frick off you btch"],
            [12, 3, 0, 0, 3, 2, "nice weather, blorf"],
            [13, 3, 0, 0, 3, 2, ""],
            [14, 3, 0, 3, 0, 1, SHARED_TEST_TEXT],  # leaks the tsd test text: dropped by deduplicate
        ],
    )
    _write_csv(
        root / "mlma" / "en_dataset_with_stop_words.csv",
        ["HITId", "tweet", "sentiment", "directness", "annotator_sentiment", "target", "group"],
        [
            [0, "a normal tweet", "normal", "indirect", "indifference", "origin", "other"],
            [1, "an offensive tweet", "offensive", "indirect", "anger", "disability", "special_needs"],
            [2, "a hateful tweet about migrants", "hateful_offensive", "direct", "anger", "origin", "immigrants"],
            [3, "a hateful tweet about a person", "hateful", "direct", "anger", "other", "individual"],
            [4, "a fearful tweet", "fearful", "indirect", "fear", "origin", "refugees"],
        ],
    )
    _write_csv(
        root / "stormfront" / "stormfront.csv",
        ["file_id", "user_id", "subforum_id", "num_contexts", "label", "split", "text"],
        [
            ["1_1", 1, 1, 0, "hate", "test", "a hateful sentence ."],
            ["1_2", 1, 1, 0, "noHate", "train", "a harmless sentence ."],
            ["1_3", 1, 1, 0, "noHate", "", "an unsampled sentence ."],
            ["1_4", 1, 1, 0, "relation", "", "hateful only with context ."],
            ["1_5", 1, 1, 0, "idk/skip", "", "unsure ."],
            ["1_6", 1, 1, 0, "hate", "", "A hateful sentence ."],  # same text as the test row
        ],
    )
    ih = root / "implicit_hate"
    _write_csv(
        ih / "implicit_hate_v1_stg1_posts.tsv",
        ["post", "class"],
        [["coded hate here", "implicit_hate"], ["open hate here", "explicit_hate"], ["just news", "not_hate"]],
        sep="\t",
    )
    _write_csv(
        ih / "implicit_hate_v1_stg1.tsv",
        ["ID", "class"],
        [["9001", "implicit_hate"], ["9002", "explicit_hate"], ["SAP_3", "not_hate"]],
        sep="\t",
    )
    _write_csv(
        root / "toxigen_prompts" / "statements.csv",
        ["group", "label", "text", "in_prompts", "in_demonstrations"],
        [
            ["lgbtq", "hate", "a stereotype about a group", 1, 1],
            ["bisexual", "hate", "a stereotype about a group", 1, 0],
            ["asian", "neutral", "a neutral fact about a group", 1, 1],
        ],
    )
    cs = root / "counterspeech_reddit"
    _write_csv(
        cs / "validation_set.csv",
        ["id", "subreddit", "parent", "reply", "label", "target"],
        [
            ["c1", "sub", "parent one", "you are all vermin", 1, "newcomer"],
            ["c1", "sub", "you are all vermin", "that is a hateful thing to say", 2, "reply_to_newcomer"],
            ["c2", "sub", "parent two", "ok", 0, "newcomer"],
        ],
    )
    _write_csv(
        cs / "gpt_4o_labels.csv",
        ["id", "subreddit", "parent", "reply", "label"],
        [
            ["g1", "sub", "parent", "silver hate", 1],
            ["g2", "sub", "parent", "silver counter", 2],
            ["c1", "sub", "parent", "also in the human file", 0],
            ["g3", "sub", "parent", "", 0],
            ["g1", "sub", "parent", "a second reply under a repeated id", 0],
        ],
    )

    lex = root / "lexicon_dsojevic_profanity_list"
    lex.mkdir(parents=True)
    (lex / "en.json").write_text(
        json.dumps(
            [
                {"id": "blorf", "match": "blorf|blorfs", "tags": ["racial"], "severity": 3},
                {"id": "zubzub", "match": "zub zub", "tags": ["lgbtq"], "severity": 3},
                {"id": "grimbo", "match": "gr*i*mbo", "tags": ["racial"], "severity": 3},
                {"id": "frick", "match": "fr*ick|fricking", "tags": ["general"], "severity": 2},
                {"id": "dang", "match": "dang", "tags": ["religious"], "severity": 1},
                {"id": "snerk", "match": "snerk", "tags": ["religious"], "severity": 3},
                {"id": "jesus", "match": "je*su*s", "tags": ["religious"], "severity": 1},
                {"id": "fk", "match": "fk", "tags": ["general"], "severity": 2},
            ]
        ),
        encoding="utf-8",
    )
    surge_header = ["text", "canonical_form_1", "canonical_form_2", "canonical_form_3", "category_1", "category_2",
                    "category_3", "severity_rating", "severity_description"]
    _write_csv(
        root / "lexicon_surge_ai_profanity" / "profanity_en.csv",
        surge_header,
        [
            ["glorp", "glorp", "", "", "racial / ethnic slurs", "", "", 3, "Severe"],
            ["glorpfrick", "frick", "glorp", "", "sexual anatomy / sexual acts", "racial / ethnic slurs", "", 3, "Severe"],
            ["btch", "bitch", "", "", "sexual orientation / gender", "", "", 1.4, "Mild"],
            ["bstrd", "bastard", "retard", "", "other / general insult", "", "", 1.2, "Mild"],
            ["sex", "sex", "", "", "sexual anatomy / sexual acts", "", "", 1, "Mild"],
            ["@sshat", "ass", "", "", "sexual anatomy / sexual acts", "", "", 1.2, "Mild"],
            ["zz", "zz", "", "", "sexual anatomy / sexual acts", "", "", 1, "Mild"],
            ["covid slur", "covid slur", "", "", "political", "", "", 2, "Strong"],
        ],
    )
    return root


def _by_text(records: list[Record]) -> dict[str, Record]:
    return {r.text: r for r in records}


# --- split helpers ----------------------------------------------------------------------------


def test_hash_split_is_fixed_and_roughly_proportional() -> None:
    texts = [f"comment number {i}" for i in range(4000)]
    splits = [hash_split(t, dev=0.1, test=0.1) for t in texts]
    assert splits == [hash_split(t, dev=0.1, test=0.1) for t in texts]
    assert 300 < splits.count("test") < 500 and 300 < splits.count("dev") < 500
    assert hash_split("Some  TEXT") == hash_split("some text"), "copies differing in case/spacing share a split"
    assert {hash_split(t, dev=0.0) for t in texts} == {"train"}
    with pytest.raises(ValueError):
        hash_split("x", dev=0.8, test=0.3)


def test_hub_ids_are_told_apart_from_folders(tmp_path: Path) -> None:
    assert is_hub_id("someone/some-dataset")
    assert not is_hub_id("../shared/data")
    assert not is_hub_id(tmp_path)
    assert not is_hub_id(str(tmp_path))


def test_a_hub_id_goes_to_load_dataset_with_the_same_file(monkeypatch: pytest.MonkeyPatch) -> None:
    import datasets

    calls = []

    def fake_load_dataset(path, **kwargs):
        calls.append((path, kwargs))
        table = {"": ["0"], "count": ["3"], "hate_speech": ["3"], "offensive_language": ["0"], "neither": ["0"],
                 "class": ["0"], "tweet": ["from the hub"]}
        return datasets.DatasetDict({"train": datasets.Dataset.from_dict(table)})

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    records = load_source("davidson", "someone/davidson-mirror")
    assert calls[0][0] == "someone/davidson-mirror" and calls[0][1]["data_files"] == "labeled_data.csv"
    assert [(r.text, r.labels) for r in records] == [("from the hub", {"toxic": 1, "hate": 1})]


# --- adapters on the tiny sample ------------------------------------------------------------


def test_tsd_sample_spans_and_splits(sample_dir: Path) -> None:
    records = load_source("tsd", sample_dir)
    _valid(records)
    by_text = _by_text(records)
    assert "   " not in by_text, "rows with an empty text are skipped"
    record = by_text[TSD_TRAIN_TEXT]
    assert [TSD_TRAIN_TEXT[s.start:s.end] for s in record.spans] == ["idiot", "moron"], "edge whitespace is trimmed"
    assert record.span_labels == ["toxic"] and record.labels == {}, "pre-selected as toxic: no comment label, spans only"
    assert record.split == hash_split(TSD_TRAIN_TEXT, dev=0.1)
    assert by_text[SHARED_TEST_TEXT].split == "test"
    assert by_text["Frick, what a mess."].spans == []


def test_tsd_full_sample_majority_per_character(sample_dir: Path) -> None:
    records = load_source("tsd_full", sample_dir)
    _valid(records)
    by_text = _by_text(records)
    assert "A quiz post everyone saw." not in by_text, "the post with hundreds of annotators is skipped"
    record = by_text[TSD_FULL_TEXT]
    spans = {(s.label, TSD_FULL_TEXT[s.start:s.end]) for s in record.spans}
    # insult: 2 of 3 on "idiot"; threat: 1 of 3; toxic: 3 votes on "idiot", 2 (incl. the "all toxic" rater) on the threat
    assert spans == {("insult", "idiot"), ("toxic", "idiot"), ("toxic", "I will hurt you")}
    # threat: 1 marked + 1 whole-post vote could reach 2 of 3, so unknown; hate and profanity cannot reach a majority
    assert record.labels == {"toxic": 1, "insult": 1, "hate": 0, "profanity": 0}
    assert record.span_labels == ["hate", "insult", "profanity", "threat", "toxic"]
    assert record.meta["annotators"] == 3

    tie = by_text[TSD_FULL_TIE_TEXT]
    assert tie.spans == [], "2 of 4 raters is not more than half"
    assert tie.labels == {"insult": 0, "hate": 0, "profanity": 0, "threat": 0}, "no toxic majority either: left unsaid"


def test_davidson_mlma_stormfront_sample_labels(sample_dir: Path) -> None:
    davidson = load_source("davidson", sample_dir)
    _valid(davidson)
    labels = {r.comment_id: r.labels for r in davidson}
    assert labels["davidson:10"] == {"toxic": 1, "hate": 1}
    assert labels["davidson:11"] == {"toxic": 1, "hate": 0}
    assert labels["davidson:12"] == {"toxic": 0, "hate": 0, "slur": 0, "insult": 0, "profanity": 0, "threat": 0}
    assert "davidson:13" not in labels

    mlma = _by_text(load_source("mlma", sample_dir))
    assert mlma["a normal tweet"].labels == {"toxic": 0, "hate": 0}
    assert mlma["an offensive tweet"].labels == {"toxic": 1}
    assert mlma["a hateful tweet about migrants"].labels == {"toxic": 1, "hate": 1}
    assert mlma["a hateful tweet about a person"].labels == {"toxic": 1}, "not a protected characteristic"
    assert mlma["a fearful tweet"].labels == {}

    stormfront = _by_text(load_source("stormfront", sample_dir))
    assert stormfront["a hateful sentence ."].split == "test"
    assert stormfront["a hateful sentence ."].labels == {"hate": 1, "toxic": 1}
    assert stormfront["a harmless sentence ."].labels == {"hate": 0}
    assert stormfront["a harmless sentence ."].split in ("train", "dev")
    assert stormfront["an unsampled sentence ."].split in ("train", "dev")
    assert "A hateful sentence ." not in stormfront, "an unsampled copy of a test text stays out of train"
    assert not {"hateful only with context .", "unsure ."} & set(stormfront)


def test_implicit_hate_toxigen_counterspeech_sample(sample_dir: Path) -> None:
    implicit = load_source("implicit_hate", sample_dir)
    _valid(implicit)
    assert [(r.comment_id, r.labels, r.meta["class"]) for r in implicit] == [
        ("implicit_hate:9001", {"hate": 1, "toxic": 1}, "implicit_hate"),
        ("implicit_hate:9002", {"hate": 1, "toxic": 1}, "explicit_hate"),
        ("implicit_hate:SAP_3", {"hate": 0}, "not_hate"),
    ]

    toxigen = _by_text(load_source("toxigen", sample_dir))
    assert len(toxigen) == 2
    assert toxigen["a stereotype about a group"].meta == {"group": "lgbtq", "groups": ["lgbtq", "bisexual"]}
    assert toxigen["a stereotype about a group"].labels == {"hate": 1, "toxic": 1}
    assert toxigen["a neutral fact about a group"].labels == {"hate": 0, "toxic": 0, "slur": 0}

    counter = load_source("counterspeech", sample_dir)
    _valid(counter)
    by_text = _by_text(counter)
    assert by_text["you are all vermin"].labels == {"hate": 1, "toxic": 1}
    assert by_text["you are all vermin"].split == "test"
    reply = by_text["that is a hateful thing to say"]
    assert reply.labels == {"hate": 0} and reply.meta["counterspeech"] is True
    assert reply.meta["parent"] == "you are all vermin"
    assert by_text["silver counter"].split in ("train", "dev") and by_text["silver counter"].meta["labelled_by"] == "gpt-4o"
    assert "also in the human file" not in by_text, "silver rows of human-labelled ids are dropped"
    assert by_text["a second reply under a repeated id"].comment_id == "counterspeech:g1#2"


# --- deduplicate --------------------------------------------------------------------------------


def _record(source: str, split: str, cid: str, text: str) -> Record:
    return Record(source=source, split=split, comment_id=cid, text=text, labels={"toxic": 1})


def test_deduplicate_keeps_test_texts_out_of_training(capsys: pytest.CaptureFixture[str]) -> None:
    records = [
        _record("a", "train", "a:1", "Leaky   text"),
        _record("a", "train", "a:2", "only in train"),
        _record("a", "dev", "a:3", "dev text"),
        _record("b", "train", "b:1", "Dev  TEXT"),
        _record("b", "test", "b:2", "leaky text"),
        _record("b", "train", "b:3", "ONLY in train"),
        _record("c", "test", "c:1", "LEAKY TEXT"),
    ]
    kept = deduplicate(records)
    assert [r.comment_id for r in kept] == ["a:2", "a:3", "b:2"]
    line = capsys.readouterr().err
    assert "kept 3 of 7" in line and "a/train 1" in line and "b/train 1" in line


# --- lexicon ---------------------------------------------------------------------------------------


def test_lexicon_terms_follow_the_mapping(sample_dir: Path) -> None:
    terms = load_lexicon_terms(sample_dir)
    slur = set(terms["slur"].values())
    profanity = set(terms["profanity"].values())
    assert {"blorf", "zub zub", "gr*i*mbo", "snerk", "glorp", "glorpfrick"} <= slur
    assert {"fr*ick", "dang", "btch", "bstrd", "@sshat"} <= profanity
    assert not {"je*su*s", "fk", "zz", "sex", "covid slur"} & (slur | profanity), "stoplisted, too short or skipped category"


def test_weak_spans_land_on_the_terms(sample_dir: Path) -> None:
    text = "BLORF! zub   zub, griiimbo and Frick. blorfish glorpfrick @sshat dang Snerk"
    weak = Record("x", "train", "x:1", text)
    gold = Record("x", "train", "x:2", "blorf frick", spans=[Span(0, 5, "slur")], span_labels=["slur"])
    negative = Record("x", "train", "x:3", "blorf frick", labels={"slur": 0})
    add_lexicon_spans([weak, gold, negative], sample_dir)

    found = [(s.label, text[s.start:s.end]) for s in weak.spans]
    assert sorted(found) == sorted(
        [("slur", "BLORF"), ("slur", "zub   zub"), ("slur", "griiimbo"), ("profanity", "Frick"),
         ("slur", "glorpfrick"), ("profanity", "@sshat"), ("profanity", "dang"), ("slur", "Snerk")]
    ), "case-insensitive, whole words only ('blorfish' does not match), repeats and multi-word terms"
    assert weak.meta["weak_span_labels"] == ["slur", "profanity"]
    assert validate_record(weak.to_dict()) == []

    assert gold.spans == [Span(0, 5, "slur"), Span(6, 11, "profanity")], "gold slur spans left alone"
    assert gold.meta["weak_span_labels"] == ["profanity"]
    assert [s.label for s in negative.spans] == ["profanity"], "no weak slur span where the source says slur=0"
    assert negative.meta["weak_span_labels"] == ["slur", "profanity"]

    add_lexicon_spans([weak], sample_dir)
    assert len(weak.spans) == len(found), "adding twice does not duplicate spans"
    assert 0 < WEAK_SPAN_WEIGHT < 1


@needs_real_data
def test_real_lexicon_labels_common_words_sensibly() -> None:
    text = "What the hell, Jesus, that retarded bastard is a bitch and a fine fellow."
    record = Record("x", "train", "x:1", text)
    add_lexicon_spans([record], REAL_DATA)
    found = {(s.label, text[s.start:s.end]) for s in record.spans}
    assert found == {("slur", "retarded"), ("profanity", "bastard"), ("profanity", "bitch")}


# --- load_sources, stats_table and the CLI on the sample ---------------------------------------


def test_load_sources_sample_end_to_end(sample_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = load_sources(None, sample_dir)
    for record in records:
        assert validate_record(record.to_dict()) == []
    assert len({(r.source, r.comment_id) for r in records}) == len(records)
    keys = [text_key(r.text) for r in records]
    assert len(keys) == len(set(keys)), "one record per text"
    shared = [r for r in records if text_key(r.text) == text_key(SHARED_TEST_TEXT)]
    assert [(r.source, r.split) for r in shared] == [("tsd", "test")], "the test copy wins over davidson and tsd_full"
    davidson_hate = next(r for r in records if r.comment_id == "davidson:10")
    assert [(s.label, davidson_hate.text[s.start:s.end]) for s in davidson_hate.spans] == [("slur", "blorf")]
    neither = next(r for r in records if r.comment_id == "davidson:12")
    assert neither.spans == [], "slur=0 from the source: no weak slur span"
    assert "kept" in capsys.readouterr().err

    lines = stats_table(records).splitlines()
    header = lines[0].split()
    assert header[:9] == ["source", "split", "comments", "toxic", "hate", "slur", "insult", "profanity", "threat"]
    assert {"gold:toxic", "gold:insult", "weak:slur", "weak:profanity"} <= set(header)
    rows = [line.split() for line in lines[2:]]
    davidson_rows = [row for row in rows if row[0] == "davidson"]
    assert sum(int(row[2]) for row in davidson_rows) == 3
    hate, weak_slur = header.index("hate"), header.index("weak:slur")
    assert sum(int(row[hate].split("/")[0]) for row in davidson_rows) == 1
    assert sum(int(row[hate].split("/")[1]) for row in davidson_rows) == 3
    everything = next(row for row in rows if row[:2] == ["ALL", "all"])
    assert everything[2] == str(len(records))
    assert int(everything[weak_slur]) == sum(
        1 for r in records for s in r.spans if s.label == "slur" and "slur" in r.meta.get("weak_span_labels", [])
    )
    mlma_rows = [row for row in rows if row[0] == "mlma"]
    assert all(row[header.index("insult")] == "-" for row in mlma_rows), "a label no record states shows as -"


def test_missing_sources_are_skipped_with_a_warning(sample_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    shutil.rmtree(sample_dir / "mlma")
    records = load_sources(["mlma", "toxigen"], sample_dir)
    assert {r.source for r in records} == {"toxigen"}
    assert "mlma: files not found" in capsys.readouterr().err
    with pytest.raises(ValueError):
        load_sources(["no_such_source"], sample_dir)


def test_data_stats_command(sample_dir: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from training.cli import register

    app, data_app = typer.Typer(), typer.Typer()
    app.add_typer(data_app, name="data")
    register(app, data_app)
    result = CliRunner().invoke(app, ["data", "stats", "--data-dir", str(sample_dir), "--source", "davidson"])
    assert result.exit_code == 0, result.output
    assert "davidson" in result.output and "comments" in result.output


# --- the real files ------------------------------------------------------------------------------


@needs_real_data
def test_real_tsd_spans_equal_gold_offsets() -> None:
    records = sources.load_tsd(REAL_DATA / "toxic_spans", limit=400)
    _valid(records)
    with open(REAL_DATA / "toxic_spans" / "tsd_train.csv", encoding="utf-8", newline="") as f:
        gold = {row["text"]: set(ast.literal_eval(row["spans"])) for _, row in zip(range(400), csv.DictReader(f))}
    checked = 0
    for record in records:
        if not record.comment_id.startswith("tsd:train-"):
            continue
        chars = {i for s in record.spans for i in range(s.start, s.end)}
        expected = gold[record.text]
        # the runs are the gold offsets, less whitespace at the edges of a run
        assert chars <= expected
        assert all(record.text[i].isspace() for i in expected - chars)
        checked += 1
    assert checked == 400
    assert {r.split for r in records} == {"train", "dev", "test"}
    assert all(r.labels == {} for r in records)


@needs_real_data
def test_real_tsd_full_majority_merge_by_hand() -> None:
    records = {r.comment_id: r for r in sources.load_tsd_full(REAL_DATA / "toxic_spans", limit=10)}
    _valid(list(records.values()))
    # 240461: all three raters marked "idiot" as Insult; "can't stand" and "donutholes" had one rater each.
    idiot = records["tsd_full:240461"]
    assert {(s.label, idiot.text[s.start:s.end]) for s in idiot.spans} == {("insult", "idiot"), ("toxic", "idiot")}
    assert idiot.labels == {"insult": 1, "hate": 0, "profanity": 0, "threat": 0, "toxic": 1}
    # 244362: Profane/Obscene on "vagina" and "your vagina", Identity based Attack on the whole post.
    post = records["tsd_full:244362"]
    assert {(s.label, post.text[s.start:s.end]) for s in post.spans} == {("profanity", "vagina"), ("toxic", "your vagina")}
    assert post.labels["profanity"] == 1 and post.labels["hate"] == 0


@needs_real_data
def test_real_tsd_full_skips_the_quiz_post() -> None:
    records = sources.load_tsd_full(REAL_DATA / "toxic_spans")
    ids = {r.comment_id for r in records}
    assert "tsd_full:6209917" not in ids
    assert len(records) > 13_000
    assert max(r.meta["annotators"] for r in records) <= sources.TSD_FULL_MAX_ANNOTATORS


@needs_real_data
def test_real_davidson_mlma_labels() -> None:
    davidson = sources.load_davidson(REAL_DATA / "davidson2017", limit=600)
    _valid(davidson)
    with open(REAL_DATA / "davidson2017" / "labeled_data.csv", encoding="utf-8", newline="") as f:
        classes = {row[""]: row["class"] for _, row in zip(range(600), csv.DictReader(f))}
    for record in davidson:
        assert record.labels == sources.DAVIDSON_CLASSES[classes[record.comment_id.split(":")[1]]]
    assert sum(r.labels["hate"] for r in davidson) > 0
    assert {r.split for r in davidson} == {"train", "dev", "test"}

    mlma = sources.load_mlma(REAL_DATA / "mlma", limit=600)
    _valid(mlma)
    assert sum(r.labels.get("hate", 0) for r in mlma) > 0
    assert all(r.labels == {"toxic": 0, "hate": 0} for r in mlma if r.meta["sentiment"] == "normal")
    assert all(r.labels.get("toxic") == 1 for r in mlma if r.meta["sentiment"] == "offensive")


@needs_real_data
def test_real_stormfront_implicit_toxigen_counterspeech() -> None:
    stormfront = sources.load_stormfront(REAL_DATA / "stormfront")
    _valid(stormfront)
    test = [r for r in stormfront if r.split == "test"]
    assert len(test) == 478 and sum(r.labels["hate"] for r in test) == 239
    assert not {text_key(r.text) for r in test} & {text_key(r.text) for r in stormfront if r.split != "test"}

    implicit = sources.load_implicit_hate(REAL_DATA / "implicit_hate", limit=500)
    _valid(implicit)
    assert all(r.labels["hate"] == (r.meta["class"] != "not_hate") for r in implicit)
    assert sum(r.meta["class"] == "implicit_hate" for r in implicit) > 0

    toxigen = sources.load_toxigen(REAL_DATA / "toxigen_prompts")
    _valid(toxigen)
    assert sum(r.labels["hate"] for r in toxigen) > 300 and sum(1 - r.labels["hate"] for r in toxigen) > 200

    counter = sources.load_counterspeech(REAL_DATA / "counterspeech_reddit")
    _valid(counter)
    human = [r for r in counter if r.split == "test"]
    assert len(human) == 672 and all(r.meta["labelled_by"] == "human" for r in human)
    assert sum(r.meta.get("counterspeech", False) for r in human) == 58
    assert all(r.labels["hate"] == 0 for r in counter if r.meta.get("counterspeech"))


@needs_real_data
def test_real_catalogue_lists_every_source() -> None:
    assert SOURCE_NAMES == tuple(sources.SOURCES)
    for name in SOURCE_NAMES:
        assert catalog.source_available(name, REAL_DATA), name
