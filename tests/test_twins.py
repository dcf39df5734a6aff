"""Twin margins: minimal pairs from the behaviour data, and the loss on their logit gap."""

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from service.schema import LABELS  # noqa: E402
from training.data.behaviour import load_behaviour  # noqa: E402
from training.data.behaviour_templates import build_templates  # noqa: E402
from training.train import TrainConfig, collate, loss_fn, train, twin_loss, twin_pairs, with_twins, word_set  # noqa: E402

DATA_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
HATE, TOXIC = LABELS.index("hate"), LABELS.index("toxic")


@pytest.fixture(scope="module")
def pairs():
    return twin_pairs(load_behaviour())


def test_twin_pairs_are_a_hateful_rendering_and_its_closest_harmless_twin(pairs):
    pair_of = {t.id: t.pair for t in build_templates() if t.pair}
    train_split = [r for r in load_behaviour("train")]
    assert len(pairs) > 300
    for hateful, harmless in pairs:
        assert hateful.split == harmless.split == "train"  # never a held-out template
        assert (hateful.labels["hate"], harmless.labels["hate"]) == (1, 0)
        assert pair_of[hateful.meta["template"]] == pair_of[harmless.meta["template"]]
        assert hateful.meta["template"] != harmless.meta["template"]
    # The twin chosen shares at least as many words (by Jaccard) as any other rendering of its side.
    for hateful, harmless in pairs[::37]:
        pair = pair_of[hateful.meta["template"]]
        words = word_set(hateful.text)
        others = [r for r in train_split if pair_of.get(r.meta["template"]) == pair and r.labels["hate"] == 0]

        def overlap(r):
            w = word_set(r.text)
            return len(words & w) / len(words | w)

        assert overlap(harmless) == max(overlap(r) for r in others)


def test_twin_loss_falls_as_the_gap_opens_and_ignores_labels_the_twins_share():
    target = torch.zeros(2, len(LABELS))
    target[0, HATE] = target[0, TOXIC] = 1.0

    def loss(hate_gap: float, toxic_gap: float, other_gap: float = 0.0) -> float:
        logits = torch.zeros(2, len(LABELS))
        logits[0, HATE], logits[0, TOXIC] = hate_gap, toxic_gap
        logits[0, LABELS.index("insult")] = other_gap
        batch = {"twins": torch.tensor([[0, 1]]), "comment_target": target, "twin_margin": 4.0}
        return float(twin_loss(logits, batch))

    assert loss(8.0, 8.0) < 0.05 < 4.0 < loss(-2.0, -2.0)
    assert loss(-2.0, 8.0) > loss(8.0, 8.0)  # each label counts
    assert loss(8.0, 8.0, other_gap=-20.0) == loss(8.0, 8.0)  # insult is 0 in both twins
    target[0, TOXIC] = 0.0  # where the twins agree on toxic, only hate's gap is scored
    assert loss(8.0, -20.0) == pytest.approx(float(torch.nn.functional.softplus(torch.tensor(-4.0))))


def tiny_config(out_dir: Path, twin_weight: float) -> TrainConfig:
    return TrainConfig(
        data_dir=str(DATA_DIR),
        mix={"tsd": 1.0, "behaviour": 1.0},
        limit_per_source=40,
        out_dir=str(out_dir),
        max_steps=2,
        batch_size=8,
        eval_every=2,
        eval_max=20,
        threads=1,
        twin_weight=twin_weight,
        twins_per_step=8,
    )


def test_twins_add_only_the_margin_term_to_a_batch(pairs):
    """Twin rows carry zero BCE weight: the mix's own loss is the same with or without them."""
    from service.runtime.windows import load_tokenizer
    from training.features import build_examples
    from training.model import build_model, tokenizer_file

    tokenizer = load_tokenizer(tokenizer_file("all-MiniLM-L6-v2"))
    torch.manual_seed(0)
    model = build_model("all-MiniLM-L6-v2", len(LABELS), 6).eval()
    step = build_examples([r for r in load_behaviour("test")[:6]], tokenizer, 128, 96, 0.3)
    flat = build_examples([r for p in pairs[:4] for r in p], tokenizer, 128, 96, 0.3)
    twins = list(zip(flat[0::2], flat[1::2]))
    cfg = TrainConfig(twin_weight=0.0)
    with torch.no_grad():
        alone, _ = loss_fn(model, collate(step), cfg)
        together, parts = loss_fn(model, with_twins(step, twins, 4.0), cfg)
    assert float(together) == pytest.approx(float(alone), abs=1e-5)
    assert parts["twin"] > 0


def test_twin_margin_opens_the_gap_between_twins(tmp_path, pairs):
    """The same short, aggressive run with the margin on separates the twins' hate logits more."""
    from training.evaluate import torch_engine
    from training.export import load_checkpoint
    from training.model import tokenizer_file
    from service.runtime.windows import load_tokenizer

    start = tmp_path / "start"
    train(tiny_config(start, 0.0), resume=False)

    def run(name: str, twin_weight: float) -> Path:
        cfg = tiny_config(tmp_path / name, twin_weight)
        cfg.init_checkpoint, cfg.lr, cfg.head_lr, cfg.max_steps, cfg.eval_every = str(start / "final.pt"), 3e-4, 3e-3, 6, 6
        train(cfg, resume=False)
        return Path(cfg.out_dir) / "final.pt"

    tokenizer = load_tokenizer(tokenizer_file("all-MiniLM-L6-v2"))
    sample = pairs[::7][:60]

    def mean_gap(checkpoint: Path) -> float:
        engine = torch_engine(load_checkpoint(checkpoint)[0], tokenizer, 128, 96)
        hateful = engine.predict([a.text for a, _ in sample])
        harmless = engine.predict([b.text for _, b in sample])
        logit = lambda p: np.log(p / (1 - p))  # noqa: E731
        return float(np.mean([logit(a.comment_probs[HATE]) - logit(b.comment_probs[HATE]) for a, b in zip(hateful, harmless)]))

    assert mean_gap(run("with_twins", 5.0)) > mean_gap(run("without", 0.0)) + 0.2
