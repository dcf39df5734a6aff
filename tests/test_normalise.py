"""Evasion normalisation: exact examples per transformation, and property tests of the offset map."""

from __future__ import annotations

import time
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.runtime.normalise import (
    _HOMOGLYPHS,
    _LATIN_LOOKALIKES,
    NORMALISER_VERSION,
    _clean_char,
    _is_invisible,
    _normalise,
    normalise,
)

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def mapped_back(text: str, piece: str) -> str:
    """Original substring behind the first occurrence of ``piece`` in the normalised text."""
    n = normalise(text)
    start = n.text.index(piece)
    ostart, oend = n.to_original(start, start + len(piece))
    return text[ostart:oend]


def test_version_is_a_string():
    assert NORMALISER_VERSION == "1"


# --- examples, one group per transformation ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "piece", "original_piece"),
    [
        ("you n\u200bi\u200bgger", "you nigger", "nigger", "n\u200bi\u200bgger"),
        ("fa\u00adg", "fag", "fag", "fa\u00adg"),
        ("\ufeffslut\u2060", "slut", "slut", "slut"),  # invisible chars at the edges stay outside
        ("ki\u200dke\ufe0f", "kike", "kike", "ki\u200dke"),
        ("a\u2800b", "a b", "b", "b"),  # Braille blank renders as a space
    ],
)
def test_invisible_characters_are_removed(text, expected, piece, original_piece):
    assert normalise(text).text == expected
    assert mapped_back(text, piece) == original_piece


@pytest.mark.parametrize(
    ("text", "expected", "piece", "original_piece"),
    [
        ("ｆａｇｇｏｔ", "faggot", "faggot", "ｆａｇｇｏｔ"),
        ("\ufb01ne", "fine", "i", "\ufb01"),  # the ligature's two letters both map to it
        ("ⓒⓤⓝⓣ", "cunt", "cunt", "ⓒⓤⓝⓣ"),
        ("𝐛𝐢𝐭𝐜𝐡", "bitch", "bitch", "𝐛𝐢𝐭𝐜𝐡"),
        ("ꜰᴜᴄᴋ off", "fuck off", "fuck", "ꜰᴜᴄᴋ"),
        ("🅽🅸🅶", "NIG", "NIG", "🅽🅸🅶"),
    ],
)
def test_nfkc_and_latin_lookalikes(text, expected, piece, original_piece):
    assert normalise(text).text == expected
    assert mapped_back(text, piece) == original_piece


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ѕlut", "slut"),  # Cyrillic dze
        ("nіggеr", "nigger"),  # Cyrillic i and ie
        ("Κike", "Kike"),  # Greek capital kappa
        ("Путин", "Путин"),  # genuine Russian: no Latin letter in the word
        ("καλημέρα", "καλημέρα"),
        ("Путин is a slut", "Путин is a slut"),  # the Latin is in other words
    ],
)
def test_homoglyphs_only_in_words_with_latin(text, expected):
    assert normalise(text).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ѕ1ut", "slut"),
        ("n1gg3r", "nigger"),
        ("sh!t", "shit"),
        ("a$$hole", "asshole"),
        ("ret@rd", "retard"),
        ("wh1te p0wer", "white power"),
        ("b1ack", "black"),
        ("d1e", "die"),
        ("1diot", "idiot"),
        ("5hit", "shit"),
        ("f4gg0t", "faggot"),
        ("k1k3", "kike"),
        ("fu||y", "fully"),
        ("h€ll0", "hello"),
        ("а0а", "а0а"),  # Cyrillic a: no Latin letter, so no leet either
        # left alone: numbers, units, versions, mentions, addresses, punctuation
        ("2nd", "2nd"),
        ("covid19", "covid19"),
        ("$50", "$50"),
        ("H2O", "H2O"),
        ("10am", "10am"),
        ("5mph", "5mph"),
        ("mp3", "mp3"),
        ("4ever", "4ever"),
        ("me@example.com", "me@example.com"),
        ("see http://examp1e.com/sh1t", "see http://examp1e.com/sh1t"),
        ("@john hello!!!", "@john hello!!!"),
        ("wow!", "wow!"),
        ("Home | About", "Home | About"),
        ("€5 or 5€", "€5 or 5€"),
        ("1990s", "1990s"),
    ],
)
def test_leet(text, expected):
    assert normalise(text).text == expected


def test_leet_keeps_one_to_one_offsets():
    text = "you are a n1gg3r"
    assert mapped_back(text, "nigger") == "n1gg3r"


@pytest.mark.parametrize(
    ("text", "expected", "piece", "original_piece"),
    [
        ("k i k e", "kike", "kike", "k i k e"),
        ("you n i g g e r", "you nigger", "nigger", "n i g g e r"),
        ("k.i.k.e", "kike", "kike", "k.i.k.e"),
        ("f-a-g", "fag", "fag", "f-a-g"),
        ("s_l_u_t", "slut", "slut", "s_l_u_t"),
        ("c*u*n*t", "cunt", "cunt", "c*u*n*t"),
        ("n i g g 3 r", "nigger", "nigger", "n i g g 3 r"),  # joined, then de-leeted
        ("n\u200b i g", "nig", "nig", "n\u200b i g"),
        ("n\u00a0i\u00a0g", "nig", "nig", "n\u00a0i\u00a0g"),  # no-break spaces are spaces after NFKC
    ],
)
def test_spaced_letters_are_joined(text, expected, piece, original_piece):
    assert normalise(text).text == expected
    assert mapped_back(text, piece) == original_piece


@pytest.mark.parametrize(
    "text",
    [
        "f*ggot",  # censor asterisks inside a word stay
        "n***a",
        "a b",  # two pieces only
        "it is a b-movie",
        "1 2 3",  # numbers, no letters
        "v1.2.3",
        "e.g. this",
        "you k i ke",  # "ke" is not a single letter: no run of three
        "n  i  g",  # double spaces are not a single separator
        "n.i-g",  # separators must agree
        "я и ты",  # single Cyrillic words: no Latin letter
    ],
)
def test_spaced_letters_left_alone(text):
    assert normalise(text).text == text


@pytest.mark.parametrize(
    ("text", "expected", "piece", "original_piece"),
    [
        ("fuuuuck", "fuuck", "fuuck", "fuuuuck"),
        ("FUUUUCK", "FUUCK", "U", "U"),
        ("shiiiit!!!", "shiit!!!", "shiit", "shiiiit"),
        ("good cool", "good cool", "good", "good"),
        ("nooooo way", "noo way", "oo", "ooooo"),  # the second kept letter covers the dropped ones
    ],
)
def test_repeated_letters_collapse_to_two(text, expected, piece, original_piece):
    assert normalise(text).text == expected
    assert mapped_back(text, piece) == original_piece


def test_repeats_inside_urls_are_kept():
    assert normalise("visit www.example.com").text == "visit www.example.com"


def test_plain_text_is_returned_unchanged_with_identity_offsets():
    text = "I think the article makes a fair point, but the second half doesn't follow from it."
    n = normalise(text)
    assert n.text == text
    assert n.to_original(8, 15) == (8, 15)


def test_other_characters_and_case_are_kept():
    text = "Ça va? 😀 “Quoted” — 100% of 2,000 ¿sí? ALL CAPS"
    assert normalise(text).text == text


def test_to_original_rejects_empty_and_out_of_range_spans():
    n = normalise("abc")
    for start, end in [(1, 1), (2, 1), (-1, 2), (0, 4)]:
        with pytest.raises(ValueError):
            n.to_original(start, end)


# --- tables ------------------------------------------------------------------------------------


def test_per_character_nfkc_is_idempotent_for_every_code_point():
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        once = _clean_char(chr(code))
        assert "".join(_clean_char(c) for c in once) == once, hex(code)


def test_repeat_trigger_agrees_with_collapse_for_every_cased_letter():
    # The fast path finds repeats with a case-insensitive regex, the collapse compares casefold():
    # both must see the same runs, or fast and full results (and idempotence) would differ.
    for code in range(0x110000):
        c = chr(code)
        if not c.isalpha() or c.lower() == c.upper():
            continue
        for text in (c * 3, c + c.lower() * 2, c.upper() + c * 2, "x" + c + c.swapcase() + c + "y"):
            fast = normalise(text).text
            assert fast == _normalise(text, force_word_stages=True).text, hex(code)
            assert normalise(fast).text == fast, hex(code)


def test_long_adversarial_input_stays_linear():
    started = time.perf_counter()
    for text in ("n1" * 10_000, " ".join("nigger" * 2_000), "\u200b".join("a" * 10_000), "a@" * 10_000 + ".com"):
        normalise(text)
    assert time.perf_counter() - started < 3.0  # about 0.05 s; quadratic behaviour would take minutes


def test_mapping_tables_hold_nfkc_stable_visible_letters():
    for table in (_HOMOGLYPHS, _LATIN_LOOKALIKES):
        for key, value in table.items():
            assert unicodedata.normalize("NFKC", key) == key and not _is_invisible(key), repr(key)
            assert value.isascii() and value.isalpha()


# --- properties --------------------------------------------------------------------------------

INTERESTING_CHARS = (
    "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2064\ufeff\u00ad\u061c\u202e\ufe0f\ufe00\U000e0041\U000e0100"
    "\u0301\u0338\u0308\u20dd\u0903"  # combining marks
    "ａｂｇｋＮ０１\ufb01\ufb00ⓐ𝐚𝕟\u2460²½™"  # NFKC changes these
    "аеорсухіјѕԁАВЕКМНОРСТХαεικνορτυχΑΒΕΗΚΝΟΡΤ"  # homoglyphs
    "ПутинябвгдλπΩ"  # other Cyrillic/Greek
    "ᴀʙᴄᴋɪɡı🅐🅰\u2800\u3164"
    "0123456789@$!|€ ._-*\n\t:/,"
    "aeiouyAEIOU" "bcdfgkntsrlBCDFGKN"
    "😀👍🏽👨\u200d👩\u200d👧é中文"
)

broad_text = st.text(
    alphabet=st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from(INTERESTING_CHARS)),
    max_size=60,
)

EVASION_FRAGMENTS = [
    "you", "are", "a", "I", "the", "good", "cool", "nigger", "n1gg3r", "ѕ1ut", "sh!t", "a$$", "a$$hole",
    "f*ggot", "n***a", "k i k e", "k.i.k.e", "f-a-g", "s_l_u_t", "n i g g 3 r", "fuuuuuck", "shiiiit!!!",
    "n\u200bi\u200bgger", "ｆａｇ", "ꜰᴜᴄᴋ", "nіggеr", "Путин", "covid19", "2nd", "$50", "H2O", "10am",
    "me@example.com", "www.example.com", "http://examp1e.com/x", "@john", "4ever", "1 2 3", "ki11", "1990s",
    "d1e", "b1ack", "U.S.A.", "wh1te", "p0wer", "😀", "\u0301", "11", "@", "$", "!", "|", "€", "1",
]


@st.composite
def evasive_text(draw: st.DrawFn) -> str:
    """Evasion patterns and look-alike legitimate tokens, glued with separators and noise."""
    parts = draw(
        st.lists(
            st.one_of(st.sampled_from(EVASION_FRAGMENTS), st.text(alphabet=INTERESTING_CHARS, max_size=4)),
            max_size=8,
        )
    )
    glue = draw(st.lists(st.sampled_from(["", " ", ".", "-", "*", "_", "\u200b", "  ", ", "]), min_size=len(parts), max_size=len(parts)))
    return "".join(part + sep for part, sep in zip(parts, glue))


any_text = st.one_of(broad_text, evasive_text())


def check_offsets(text: str, spans: list[tuple[int, int]]) -> None:
    n = normalise(text)
    size = len(n.text)
    singles = [n.to_original(i, i + 1) for i in range(size)]
    for (s1, e1), (s2, e2) in zip(singles, singles[1:]):
        assert s1 <= s2 and e1 <= e2, (text, singles)
    for ostart, oend in singles:
        assert 0 <= ostart < oend <= len(text)
    for start, end in spans:
        start, end = sorted((start % (size + 1), end % (size + 1)))
        if start == end:
            continue
        ostart, oend = n.to_original(start, end)
        assert 0 <= ostart < oend <= len(text)
        # the span is exactly the hull of its characters' sources: smallest and covering
        assert (ostart, oend) == (singles[start][0], singles[end - 1][1])
    # nothing is lost: an original character outside every range was invisible or a separator
    # (possibly after NFKC, like a no-break space or a fullwidth full stop)
    covered = [False] * len(text)
    for ostart, oend in singles:
        covered[ostart:oend] = [True] * (oend - ostart)
    for k, c in enumerate(text):
        if not covered[k]:
            assert _clean_char(c) in ("", " ", ".", "_", "-", "*"), (text, k, c)


@PROPERTY_SETTINGS
@given(any_text, st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), max_size=5))
def test_offset_map_invariants(text, spans):
    check_offsets(text, spans)


@PROPERTY_SETTINGS
@given(any_text)
def test_normalise_is_idempotent(text):
    once = normalise(text).text
    assert normalise(once).text == once


@PROPERTY_SETTINGS
@given(any_text)
def test_fast_path_agrees_with_full_pipeline(text):
    fast = normalise(text)
    full = _normalise(text, force_word_stages=True)
    assert fast.text == full.text
    for i in range(len(fast.text)):
        assert fast.to_original(i, i + 1) == full.to_original(i, i + 1)


@PROPERTY_SETTINGS
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789 .,!?'\"-_*@$|:/()", max_size=80))
def test_fast_path_agrees_on_ascii(text):
    assert normalise(text).text == _normalise(text, force_word_stages=True).text
