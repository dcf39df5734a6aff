"""Every span the runtime returns slices the original text exactly, whatever the text.

The backend here is random logits, so the decoder sees every pattern of flagged tokens,
over Unicode text with evasions, long comments (several windows) and empty strings.
"""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.runtime.engine import Engine
from service.runtime.windows import load_tokenizer, window_starts
from service.schema import SPAN_LABELS
from training.model import tokenizer_file

TOKENIZER = load_tokenizer(tokenizer_file("all-MiniLM-L6-v2"))


def random_engine(seed: int, max_length: int = 16, stride: int = 10) -> Engine:
    rng = np.random.default_rng(seed)

    def forward(ids, mask):
        return rng.normal(size=(ids.shape[0], 6)), rng.normal(size=(ids.shape[0], ids.shape[1], 6)) * 3

    return Engine(TOKENIZER, forward, SPAN_LABELS, max_length=max_length, stride=stride)


evasive = st.lists(
    st.one_of(
        st.text(min_size=0, max_size=30),
        st.sampled_from(["k i k e", "n\u200bi\u200bgger", "ѕ1ut", "fuuuuck", "Ｆｕｌｌ", "f.a.g", "  ", "\n\n", "🙂", "e\u0301"]),
        st.from_regex(r"[A-Za-z0-9 .*@$]{1,20}", fullmatch=True),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(evasive, min_size=1, max_size=4), seed=st.integers(0, 2**32 - 1), threshold=st.floats(0.0, 1.0))
def test_spans_slice_the_original_text(texts, seed, threshold):
    engine = random_engine(seed)
    preds = engine.predict(texts)
    assert len(preds) == len(texts)
    for text, pred in zip(texts, preds):
        assert pred.token_probs.shape == (len(pred.encoded.offsets), len(SPAN_LABELS))
        assert np.all((pred.comment_probs >= 0) & (pred.comment_probs <= 1))
        for hit in engine.decode_spans(pred, [threshold] * len(SPAN_LABELS)):
            assert 0 <= hit.start < hit.end <= len(text)
            assert text[hit.start : hit.end] == hit.text
            assert hit.text == hit.text.strip()


def test_every_token_is_seen_by_some_window():
    for n in range(0, 60):
        starts = window_starts(n, body=14, stride=10)
        covered = set()
        for s in starts:
            covered.update(range(s, min(n, s + 14)))
        assert covered == set(range(n))
        assert starts == sorted(set(starts))


def test_long_comment_windows_and_max_over_windows():
    engine = random_engine(0)
    text = " ".join(f"word{i}" for i in range(80))
    (pred,) = engine.predict([text])
    assert len(pred.encoded.windows) > 3
    assert not np.isinf(pred.token_probs).any()  # every token got a score from some window


def test_all_flagged_tokens_make_one_whole_word_span_per_label():
    def forward(ids, mask):
        return np.zeros((ids.shape[0], 6)), np.full((ids.shape[0], ids.shape[1], 6), 5.0)

    engine = Engine(TOKENIZER, forward, SPAN_LABELS)
    (pred,) = engine.predict(["  you absolute   muppet!  "])
    hits = engine.decode_spans(pred, [0.5] * 6)
    assert {h.text for h in hits} == {"you absolute   muppet!"}
    assert len(hits) == len(SPAN_LABELS)
