"""Text normalisation against evasion, with an offset map back to the original text.

Training and serving both tokenise ``normalise(text).text``, so the model never has to learn
every spelling trick ("n\u200bigger", "ｆａｇ", "ѕ1ut", "k i k e", "fuuuuck") one by one. Because
the same function runs in both places, a false normalisation (say "4chan" -> "achan") costs
only a consistently odd token, while a missed one lets an evasion through; the rules below
still try hard to leave ordinary text, numbers, URLs and other scripts alone.

Transformations, in the order they run (why each exists is in its section):

1. Invisible characters (format characters, variation selectors, ...) are removed and
   blank-looking fillers become a space.
2. NFKC per character, plus a few Latin lookalikes NFKC leaves alone (small capitals,
   negative circled letters).
3. Spaced letters: runs of >= 3 single letters split by one space, dot, dash, underscore or
   asterisk are joined ("n i g g e r" -> "nigger").
4. Per word: Cyrillic/Greek homoglyphs become Latin inside words that contain Latin letters,
   then leet digits and symbols become letters ("n1gg3r" -> "nigger").
5. Runs of 3+ identical letters shrink to 2 ("fuuuuck" -> "fuuck").
Case is kept (the tokenizer lower-cases) and every other character is kept as it is.

Offsets: normalised character ``i`` came from ``original[starts[i]:ends[i]]``. Deleted
characters (zero-width characters, separators, collapsed repeats) are never given a range of
their own: a span maps to ``original[starts[first]:ends[last]]``, which contains every deleted
character between its first and last character, so "n\u200bi\u200bgger" comes back whole
while a zero-width character just outside a word stays outside the span.

Speed: the stages search a one-character-per-character class string with regexes, so Python
only visits the places that match. Text that no stage could change (checked by cheap trigger
regexes) is returned with an identity map and no per-character work; see ``normalise``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

NORMALISER_VERSION: str = "1"


@dataclass(frozen=True)
class Normalised:
    """A normalised text and the map from its characters back to ``original``."""

    original: str
    text: str
    # Original range [_starts[i], _ends[i]) of normalised character i; both are non-decreasing.
    # None means the identity map (text is original), which the fast path returns.
    # Left out of ==/hash: they follow from original, and lists are not hashable.
    _starts: list[int] | None = field(default=None, repr=False, compare=False)
    _ends: list[int] | None = field(default=None, repr=False, compare=False)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised-text span [start, end) to the smallest original span [ostart, oend) covering it."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"[{start}, {end}) is not a non-empty span of a text of length {len(self.text)}")
        if self._starts is None or self._ends is None:
            return start, end
        return self._starts[start], self._ends[end - 1]


# --- 1 + 2: per-character cleanup -------------------------------------------------------------
# Category Cf (zero-width space/joiners, bidi controls, soft hyphen, word joiner, BOM, tags) has
# no glyph: inserted between letters it splits a word for the tokenizer but not for the reader.
# Variation selectors, the combining grapheme joiner, Mongolian free variation selectors and the
# Khmer inherent vowels are invisible too but not Cf.
_INVISIBLE_NON_CF = frozenset(
    [0x034F, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F]
    + list(range(0xFE00, 0xFE10))
    + list(range(0xE0100, 0xE01F0))
)
# These render as an empty box-sized gap (Braille blank, Hangul fillers): used as "spaces" that
# the tokenizer does not split on, so they become a real space.
_BLANK_LOOKALIKES = frozenset("\u2800\u3164\u115f\u1160\uffa0")

# Latin lookalikes that NFKC leaves alone and that are never ordinary text in a comment:
# small capitals (stylised "ꜰᴜᴄᴋ"), IPA letters shaped like a/g/i/j, negative circled and
# negative squared capitals (🅽🅸🅶). Mapped everywhere, as they are Latin already.
_LATIN_LOOKALIKES: dict[str, str] = {
    **dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnopqrstuvwyz")),
    "ɑ": "a", "ɡ": "g", "ı": "i", "ȷ": "j", "ɩ": "i",
    **{chr(0x1F150 + k): chr(ord("A") + k) for k in range(26)},
    **{chr(0x1F170 + k): chr(ord("A") + k) for k in range(26)},
}


def _is_invisible(c: str) -> bool:
    return unicodedata.category(c) == "Cf" or ord(c) in _INVISIBLE_NON_CF


def _clean_char(c: str) -> str:
    """Steps 1 and 2 for one character: '' when invisible, else its NFKC form with lookalikes mapped.

    NFKC runs per character, not per string, so each output character comes from exactly one
    original character (a composed string would merge "e" + U+0301 into one character with two
    sources). Per-character NFKC is idempotent for every code point (checked in the tests).
    """
    if c in _BLANK_LOOKALIKES:
        return " "
    if _is_invisible(c):
        return ""
    out = []
    for d in unicodedata.normalize("NFKC", c):
        if d in _BLANK_LOOKALIKES:
            out.append(" ")
        elif not _is_invisible(d):
            out.append(_LATIN_LOOKALIKES.get(d, d))
    return "".join(out)


class _CleanTable(dict):
    """str.translate table that computes and caches ``_clean_char`` on first sight of a character."""

    _LIMIT = 1 << 16  # caps memory if someone sends the whole of Unicode

    def __missing__(self, code: int) -> str:
        value = _clean_char(chr(code))
        if len(self) < self._LIMIT:
            self[code] = value
        return value


_CLEAN_TABLE = _CleanTable()

# --- 4: homoglyphs (only in words with Latin letters) and leet ---------------------------------
# Cyrillic, Greek and Armenian letters drawn like Latin ones. Only applied inside a word that
# also has a Latin letter: "ѕlut" is an evasion, "Путин" or "αγάπη" is just Russian or Greek.
_HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "к": "k",
    "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l",
    "ү": "y", "ѵ": "v", "ѡ": "w",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ԛ": "Q",
    "Ԝ": "W", "Ү": "Y", "Ѵ": "V", "Ӏ": "I", "Һ": "H",
    # Greek
    "α": "a", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϳ": "j",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Armenian
    "օ": "o", "ս": "u", "հ": "h", "ո": "n",
}

# "1" is missing on purpose: it stands for "i" or "l" and is decided from its neighbours.
_LEET: dict[str, str] = {
    "0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s", "!": "i", "|": "l", "€": "e",
}
_LEET_CHARS = frozenset(_LEET) | {"1"}
_LEET_DIGITS = frozenset("01345789")
# At the edge of a word these are punctuation ("wow!"), a separator ("a|b"), a mention
# ("@john") or a currency ("€5"), so they only count as leet between other word characters.
_EDGE_PUNCTUATION = frozenset("!|@€")
_VOWELS = frozenset("aeiouy")
# Consonants that start an English cluster with "l" (bl, cl, fl, gl, kl, pl, sl): a "1" between
# one of them and a vowel reads as "l" ("s1ut", "b1ack"), elsewhere mostly as "i" ("d1e", "k1ke").
_L_CLUSTER_CONSONANTS = frozenset("bcfgkps")
# A number then one of these is a quantity or an ordinal ("5mph", "4ths"), not leet. Shorter
# suffixes ("1st", "10am") never convert anyway, as edge-only leet needs three letters.
_UNIT_SUFFIXES = frozenset(
    "mph kph fps ghz mhz khz kwh mah lbs hrs yrs min mins sec secs day days ths rds nds sts".split()
)

# --- character classes -----------------------------------------------------------------------
# Steps 3-5 look for patterns with regexes over a class string: one ASCII character per text
# character, so positions line up. Regexes do the scanning in C; Python only touches the few
# places that match. Classes:
#   a Latin letter   o other letter   h homoglyph letter   1 leet digit (01345789)   2 other digit or number
#   m combining mark   $ dollar   ! one of "!|@€"   separators " ._-*" as themselves
#   p protected (inside a URL or e-mail address)   # anything else
_SEPARATORS = frozenset(" ._-*")


def _is_mark(c: str) -> bool:
    return c > "\x7f" and unicodedata.category(c)[0] == "M"


_LATIN_CACHE: dict[str, bool] = {}


def _is_latin_letter(c: str) -> bool:
    if c.isascii():
        return c.isalpha()
    known = _LATIN_CACHE.get(c)
    if known is None:
        known = c.isalpha() and unicodedata.name(c, "").startswith("LATIN")
        if len(_LATIN_CACHE) < 1 << 16:
            _LATIN_CACHE[c] = known
    return known


def _char_class(c: str) -> str:
    if c in _HOMOGLYPHS:
        return "h"
    if c in _LEET_DIGITS:
        return "1"
    if c.isalpha():
        return "a" if _is_latin_letter(c) else "o"
    if c.isalnum():
        return "2"
    if c in _SEPARATORS or c == "$":
        return c
    if c in _EDGE_PUNCTUATION:
        return "!"
    if _is_mark(c):
        return "m"
    return "#"


_ASCII_CLASSES = bytes(ord(_char_class(chr(code))) for code in range(128)) + b"#" * 128


class _ClassTable(dict):
    """str.translate table from any character to its class, computed on first sight."""

    _LIMIT = 1 << 16

    def __missing__(self, code: int) -> str:
        value = _char_class(chr(code))
        if len(self) < self._LIMIT:
            self[code] = value
        return value


_CLASS_TABLE = _ClassTable()


def _classes(text: str) -> str:
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_CLASSES).decode("ascii")
    return text.translate(_CLASS_TABLE)


# URLs and e-mail addresses are left exactly as they are: "www" is not a repeat, "examp1e.com"
# is an address, and "me@example.com" is not "meaexample". The look-behinds make each match
# start at the beginning of its run, which keeps the search linear on long words.
_PROTECTED_RE = re.compile(
    r"(?i)(?:(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*://|www\.)\S+"
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)

# Step 3: a run of 3+ single pieces (a letter or leet digit, plus marks) joined by one repeated
# separator, with no word character on either side.
_SPACED_RUN_RE = re.compile(r"(?<![ao12hmp])[ao1h]m*([ ._*-])[ao1h]m*(?:\1[ao1h]m*)+(?![ao12hmp])")
# Step 4: a word (run of letters, digits, marks and leet symbols) with a homoglyph or leet character.
_WORD_TO_FIX_RE = re.compile(r"(?<![ao12hm$!p])[ao12hm$!p]*[h1$!][ao12hm$!p]*")
# A word (as above) with a homoglyph letter: it changes only if it also has a Latin letter.
_WORD_WITH_HOMOGLYPH_RE = re.compile(r"(?<![ao12hm$!])[ao12hm$!]*h[ao12hm$!]*")
# Step 5: three letters that are the same ignoring case.
_REPEAT_RE = re.compile(r"(?i)([^\W\d_])\1\1")

# Fast-path triggers, read on texts without marks (those always take the full path) and
# before URLs are protected. Each over-approximates its stage, so no match means no change; the
# tests compare the fast and the forced full pipeline to keep it so. Each regex starts with a
# character rarer than a letter and runs only when that character occurs at all, so plain text
# costs a few substring tests.
#  - spaced letters: a single piece, a separator, a single piece, the same separator, a piece;
#  - leet: a leet digit or "$" next to a letter, or "!|@€" between word characters.
_SPACED_TRIGGERS = tuple(
    (sep, re.compile(rf"{s}(?<=[ao1h]{s})(?<![ao12h][ao12h]{s})[ao1h]{s}[ao1h]"))
    for sep, s in ((sep, re.escape(sep)) for sep in sorted(_SEPARATORS))
)
_LEET_DIGIT_TRIGGER_RE = re.compile(r"[1$](?:(?<=[ao][1$])|[ao])")
_LEET_SYMBOL_TRIGGER_RE = re.compile(r"!(?<=[ao12$!]!)[ao12$]")
_ASCII_REPEAT_RE = re.compile(r"([a-z])\1\1")  # on lower-cased ASCII text: faster than (?i)


def _needs_word_stages(text: str, classes: str) -> bool:
    if "m" in classes:
        return True
    if "h" in classes and any("a" in word.group() for word in _WORD_WITH_HOMOGLYPH_RE.finditer(classes)):
        return True
    if ("1" in classes or "$" in classes) and _LEET_DIGIT_TRIGGER_RE.search(classes):
        return True
    if "!" in classes and _LEET_SYMBOL_TRIGGER_RE.search(classes):
        return True
    if any(sep in classes and pattern.search(classes) for sep, pattern in _SPACED_TRIGGERS):
        return True
    if text.isascii():
        return _ASCII_REPEAT_RE.search(text.lower()) is not None
    return _REPEAT_RE.search(text) is not None


def normalise(text: str) -> Normalised:
    """Normalise ``text`` against evasion and keep the map back to it (see the module docstring).

    Fast path: when no stage can change the text, it is returned as is with an identity map
    (plain ASCII costs a bytes.translate, a few substring tests and two or three short regex
    scans, no per-character Python).
    """
    return _normalise(text, force_word_stages=False)


def _normalise(text: str, force_word_stages: bool) -> Normalised:
    cleaned = text if text.isascii() else text.translate(_CLEAN_TABLE)
    classes = _classes(cleaned)
    if cleaned == text:
        if not force_word_stages and not _needs_word_stages(text, classes):
            return Normalised(text, text)
        size = len(text)
        return _word_stages(text, list(text), list(range(size)), list(range(1, size + 1)), classes, True)

    replacements = [_CLEAN_TABLE[code] for code in map(ord, text)]
    if len(cleaned) == len(text) and "" not in replacements:
        # Every character became exactly one character (fullwidth letters, small capitals, ...):
        # the offsets are still the identity.
        if not force_word_stages and not _needs_word_stages(cleaned, classes):
            return Normalised(text, cleaned)
        size = len(text)
        return _word_stages(text, list(cleaned), list(range(size)), list(range(1, size + 1)), classes, True)
    starts = [i for i, replacement in enumerate(replacements) for _ in replacement]
    ends = [i + 1 for i in starts]
    if not force_word_stages and not _needs_word_stages(cleaned, classes):
        return Normalised(text, cleaned, starts, ends)
    return _word_stages(text, list(cleaned), starts, ends, classes, False)


def _word_stages(
    original: str, chars: list[str], starts: list[int], ends: list[int], classes: str, identity: bool
) -> Normalised:
    """Steps 3-5 on the cleaned characters; ``identity`` says the offsets are still the identity."""
    text = "".join(chars)
    if "@" in text or "://" in text or "www." in text.lower():
        for match in _PROTECTED_RE.finditer(text):
            start, end = match.span()
            classes = classes[:start] + "p" * (end - start) + classes[end:]
    size = len(chars)
    chars, starts, ends, classes = _join_spaced_letters(chars, starts, ends, classes)
    _fix_words(chars, classes)
    chars, starts, ends = _collapse_repeats(chars, starts, ends, classes)
    if identity and len(chars) == size:
        return Normalised(original, "".join(chars))  # one-for-one replacements only: offsets unchanged
    return Normalised(original, "".join(chars), starts, ends)


# --- 3: spaced letters ------------------------------------------------------------------------
# "n i g g e r", "k.i.k.e", "f-a-g" are read as one word but tokenised as letters. A piece is one
# letter or leet digit (plus any combining marks) with no word character on either side, so a
# run never swallows a real word; all separators of a run must be the same character.


def _run_is_joinable(chars: list[str], pieces: list[tuple[int, int]]) -> bool:
    """A run joins when it has 3+ pieces, 2+ letters, a Latin letter, and its digits read as leet."""
    if len(pieces) < 3:
        return False
    joined = [chars[k] for s, e in pieces for k in range(s, e)]
    letters = [c for c in joined if c.isalpha()]
    if len(letters) < 2 or not any(_is_latin_letter(c) for c in letters):
        return False
    if not any(c in _LEET_DIGITS for c in joined):
        return True
    _map_homoglyphs(joined, 0, len(joined))
    return _leet_replacements(joined, 0, len(joined)) is not None


def _join_spaced_letters(
    chars: list[str], starts: list[int], ends: list[int], classes: str
) -> tuple[list[str], list[int], list[int], str]:
    drop: list[int] = []
    for match in _SPACED_RUN_RE.finditer(classes):
        separator = match.group(1)
        pieces: list[tuple[int, int]] = []
        piece_start = match.start()
        for k in range(match.start(), match.end()):
            if classes[k] == separator:
                pieces.append((piece_start, k))
                piece_start = k + 1
        pieces.append((piece_start, match.end()))
        if not _run_is_joinable(chars, pieces):
            # Leet digits at the ends may be real numbers ("1 3 a b c"): retry without them.
            trimmed = list(pieces)
            while trimmed and not chars[trimmed[0][0]].isalpha():
                trimmed.pop(0)
            while trimmed and not chars[trimmed[-1][0]].isalpha():
                trimmed.pop()
            if trimmed == pieces or not _run_is_joinable(chars, trimmed):
                continue
            pieces = trimmed
        for (_, gap_start), (gap_end, _) in zip(pieces, pieces[1:]):
            drop.extend(range(gap_start, gap_end))
    if not drop:
        return chars, starts, ends, classes
    dropped = set(drop)
    keep = [k for k in range(len(chars)) if k not in dropped]
    return (
        [chars[k] for k in keep],
        [starts[k] for k in keep],
        [ends[k] for k in keep],
        "".join(classes[k] for k in keep),
    )


# --- 4: homoglyphs and leet, word by word -----------------------------------------------------


def _map_homoglyphs(chars: list[str], lo: int, hi: int) -> None:
    word = chars[lo:hi]
    if any(c in _HOMOGLYPHS for c in word) and any(_is_latin_letter(c) for c in word):
        for k in range(lo, hi):
            chars[k] = _HOMOGLYPHS.get(chars[k], chars[k])


def _one_as_letter(prev: str | None, nxt: str | None) -> str:
    """Read a lone "1" as "l" or "i" from its (already de-leeted, lower-cased) neighbours."""
    if nxt is not None and nxt in _VOWELS:
        if prev is None or prev in _VOWELS or prev in _L_CLUSTER_CONSONANTS:
            return "l"  # s1ut, 1ame, ho1e
        return "i"  # d1e, r1ot
    return "l" if prev == "i" else "i"  # ki1l; n1gger, sh1t, 1diot


def _leet_replacements(chars: list[str], lo: int, hi: int) -> list[tuple[int, str]] | None:
    """Letters for the leet characters of the word chars[lo:hi], or None when it is not leet.

    Leet needs 2+ letters and every other character (combining marks aside) must be a leet
    character, so "2nd", "H2O" and "$50" stay. Runs of leet characters are judged as wholes:
    3+ digits is a number ("covid2019"), and a run at the edge of the word with a digit and
    more than one character is a number suffix or prefix ("covid19", "10am", so "ki11" stays
    too). A word whose leet is only at its edges needs 3+ letters ("mp3", "ps4" stay), must
    not be a quantity ("5mph") and must not start with "4", nearly always "for" ("4ever").
    """
    positions = [p for p in range(lo, hi) if not _is_mark(chars[p])]
    letters = 0
    runs: list[list[int]] = []
    current: list[int] = []
    for p in positions:
        c = chars[p]
        if c.isalpha():
            letters += 1
            if current:
                runs.append(current)
                current = []
        elif c in _LEET_CHARS:
            current.append(p)
        else:
            return None
    if current:
        runs.append(current)
    if letters < 2 or not runs:
        return None
    first, last = positions[0], positions[-1]
    has_interior = False
    for run in runs:
        digits = sum(chars[p].isdigit() for p in run)
        interior = run[0] != first and run[-1] != last
        if digits >= 3 or (not interior and digits and len(run) >= 2):
            return None
        has_interior = has_interior or interior
    if not has_interior:
        if letters < 3:
            return None
        if runs[0][0] == first:
            if chars[first] == "4":
                return None
            if runs[-1][-1] != last:
                suffix = "".join(chars[p] for p in positions if chars[p].isalpha()).lower()
                if suffix in _UNIT_SUFFIXES:
                    return None

    mapped = {p: _LEET[chars[p]] for run in runs for p in run if chars[p] != "1"}
    index_of = {p: k for k, p in enumerate(positions)}

    def neighbour(k: int) -> str | None:
        if not 0 <= k < len(positions):
            return None
        p = positions[k]
        return mapped.get(p, chars[p]).lower()

    for run in runs:
        k = 0
        while k < len(run):
            if chars[run[k]] != "1":
                k += 1
                continue
            group_end = k
            while group_end + 1 < len(run) and chars[run[group_end + 1]] == "1":
                group_end += 1
            if group_end > k:
                letter = "l"  # "11" is "ll" (she11), "ii" hardly occurs
            else:
                letter = _one_as_letter(neighbour(index_of[run[k]] - 1), neighbour(index_of[run[k]] + 1))
            for g in range(k, group_end + 1):
                mapped[run[g]] = letter
            k = group_end + 1
    return sorted(mapped.items())


def _fix_words(chars: list[str], classes: str) -> None:
    """Step 4 in place: homoglyphs then leet in every word that has a candidate character."""
    for match in _WORD_TO_FIX_RE.finditer(classes):
        if "p" in match.group():
            continue  # part of a URL or e-mail address
        lo, hi = match.span()
        _map_homoglyphs(chars, lo, hi)
        while lo < hi and chars[lo] in _EDGE_PUNCTUATION:
            lo += 1
        while hi > lo and chars[hi - 1] in _EDGE_PUNCTUATION:
            hi -= 1
        # Leet letters are Latin: a word with no Latin letter ("как0й") is not English leet,
        # and converting it would leave a mixed word for the homoglyph rule to remap later.
        if hi - lo >= 3 and any(_is_latin_letter(c) for c in chars[lo:hi]):
            for p, letter in _leet_replacements(chars, lo, hi) or ():
                chars[p] = letter


# --- 5: repeated letters ----------------------------------------------------------------------
# "fuuuuuck" and "fuuck" should look alike to the model; two are kept because doubled letters
# are ordinary spelling ("good", "cool"). The second kept letter's range grows to the end of
# the run, so the dropped letters stay inside any span that contains it.


def _collapse_repeats(
    chars: list[str], starts: list[int], ends: list[int], classes: str
) -> tuple[list[str], list[int], list[int]]:
    text = "".join(chars)
    match = _REPEAT_RE.search(text)
    if match is None:
        return chars, starts, ends
    n = len(chars)
    out_chars: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    copied = 0  # chars[:copied] are already in the output
    while match is not None:
        i = match.start()
        letter = chars[i].casefold()
        j = i
        while j < n and classes[j] != "p" and chars[j].casefold() == letter:
            j += 1
        if j - i < 3:
            match = _REPEAT_RE.search(text, i + 1)
            continue
        out_chars += chars[copied : i + 2]
        out_starts += starts[copied : i + 2]
        out_ends += ends[copied : i + 1]
        out_ends.append(ends[j - 1])
        copied = j
        match = _REPEAT_RE.search(text, j)
    if copied == 0:
        return chars, starts, ends
    out_chars += chars[copied:]
    out_starts += starts[copied:]
    out_ends += ends[copied:]
    return out_chars, out_starts, out_ends
