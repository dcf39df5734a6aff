"""--dataset takes a JSONL record file or a data set id for datasets.load_dataset (a hub id, or
here a local folder, which goes through the same call)."""

import json

from service.schema import Record, Span, write_records
from training.data.extra import load_extra, load_seed_labels
from training.model import resolve_base_model


def records() -> list[Record]:
    return [
        Record("mine", "train", "1", "those kebabs again", {"hate": 1, "slur": 1}, [Span(6, 12, "slur")], ["slur"]),
        Record("mine", "train", "2", "nice weather", {"toxic": 0}),
    ]


def test_jsonl_file(tmp_path):
    path = tmp_path / "extra.jsonl"
    write_records(path, records())
    got = load_extra(str(path))
    assert [r.to_dict() for r in got] == [r.to_dict() for r in records()]


def test_dataset_folder_through_load_dataset(tmp_path):
    folder = tmp_path / "hub_like"
    folder.mkdir()
    (folder / "train.jsonl").write_text("".join(json.dumps(r.to_dict()) + "\n" for r in records()))
    got = load_extra(str(folder))
    assert [r.text for r in got] == ["those kebabs again", "nice weather"]
    # Arrow fills absent labels with null; they must stay absent, not become 0.
    assert got[1].labels == {"toxic": 0}
    assert got[0].text[got[0].spans[0].start : got[0].spans[0].end] == "kebabs"


def test_missing_seed_labels_give_no_records(tmp_path):
    assert load_seed_labels(tmp_path / "labels.jsonl") == []


def test_base_model_resolution(tmp_path):
    assert resolve_base_model(str(tmp_path)) == str(tmp_path)
    assert resolve_base_model("all-MiniLM-L6-v2").endswith("model")
    assert resolve_base_model("bert-base-uncased") == "bert-base-uncased"  # a hub id passes through


def test_seed_labels_get_their_mix_weight(tmp_path, monkeypatch):
    """Seed labels are weighed by the mix's "seeds" entry, whatever source name their file uses."""
    import random

    import training.data.extra as extra
    from training.train import TrainConfig, load_records, training_mix

    path = tmp_path / "labels.jsonl"
    write_records(path, [Record("seed", "train", "000_x:c1", "those kebabs again", {"hate": 1}, meta={"thread_id": "000_x"})])
    monkeypatch.setattr(extra, "load_seed_labels", lambda: load_seed_labels(path))
    cfg = TrainConfig(mix={"seeds": 5.0})
    got = load_records(cfg)
    assert [r.source for r in got] == ["seeds"]
    assert len(training_mix(got, cfg, random.Random(0))) == 5


def test_a_behaviour_category_can_be_weighed_apart_from_the_rest():
    """``behaviour/<category>`` in the mix weighs that category alone; 0 leaves it out of training."""
    import random
    from collections import Counter

    from training.train import TrainConfig, load_records, training_mix

    cfg = TrainConfig(mix={"behaviour": 2.0, "behaviour/quote_verdict": 0.0, "behaviour/homonym_sense": 0.5})
    records = load_records(cfg)  # the category keys are not read as public data sets
    train = Counter(r.meta["behaviour"] for r in records if r.split == "train")
    chosen = Counter(r.meta["behaviour"] for r in training_mix(records, cfg, random.Random(0)))
    assert "quote_verdict" not in chosen and train["quote_verdict"] > 0
    assert chosen["homonym_sense"] == round(train["homonym_sense"] * 0.5)
    assert all(chosen[c] == 2 * n for c, n in train.items() if c not in ("quote_verdict", "homonym_sense"))
