"""A tiny markup for behaviour templates that yields text and exact span offsets together.

Offsets are computed while the string is built, never by searching the finished text, so a
term that occurs twice (a quoted slur next to the same word used innocently) cannot be
mislocated.

Syntax:

* ``[words](hate,insult)`` marks ``words`` as one span per listed label. ``words`` may hold slots.
* ``{name}`` inserts the chosen option of dimension ``name`` (a string, itself markup);
  ``{name.attr}`` inserts one field of a dict option, e.g. ``{g.pl}`` for a group's plural.
* Slot modifiers, written before the name: ``^`` capitalises the first character, ``!`` drops
  every span inside (quoted hate in counter-speech carries no spans), ``@`` prefixes "a"/"an".

Everything else is literal text; a stray ``[ ] { }`` in literal text is an error, which
catches template typos instead of silently producing unlabelled text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping, Union

from service.schema import SPAN_LABELS, Span

# A dimension option: plain markup, or named fields of markup (a group's plural, adjective, ...).
Option = Union[str, Mapping[str, str]]

_TOKEN = re.compile(
    r"\[(?P<inner>[^\[\]]*)\]\((?P<labels>[a-z]+(?:,[a-z]+)*)\)"
    r"|\{(?P<mods>[!^@]*)(?P<name>[a-z][a-z0-9_]*)(?:\.(?P<attr>[a-z][a-z0-9_]*))?\}"
)
_STRAY = re.compile(r"[\[\]{}]")

# Words whose spelling misleads the vowel rule for "a"/"an".
_CONSONANT_SOUND_VOWEL_STARTS = ("uni", "use", "usu", "eu", "one", "ur")
_VOWEL_SOUND_CONSONANT_STARTS = ("hour", "honest", "heir")


class MarkupError(ValueError):
    """A template or option is malformed (unknown slot, stray bracket, unknown span label)."""


@dataclass
class Template:
    """One sentence pattern of a behaviour category.

    ``dims`` maps each slot name to its options; a rendering picks one option per name, so
    a name used twice in ``markup`` gets the same value both times. ``expect`` pins comment
    labels every rendering must have (on top of the category's defaults). ``hand`` marks a
    hand-written example (no slots), which is held out on its own rather than as a pattern.
    ``stratum`` names a filler family that must appear in both splits (test templates are
    drawn per category, pinned labels and stratum). ``pair`` names a minimal pair: a hateful
    template and its harmless twin in the same words. Twins are held out together, so that
    neither split teaches a frame with one sign only. ``added`` names the data release a
    template arrived in ("" for the first): a later release's templates are held out by a draw
    of their own, so adding them moves no earlier template between the splits. A model trained
    on the earlier data has never seen its test templates, and its successors, fine-tuned from
    its weights, must not see them either.
    """

    id: str
    category: str
    markup: str
    dims: dict[str, tuple[Option, ...]] = field(default_factory=dict)
    expect: dict[str, int] = field(default_factory=dict)
    hand: bool = False
    stratum: str = ""
    pair: str = ""
    added: str = ""


def indefinite_article(word: str) -> str:
    lowered = word.lower()
    if lowered.startswith(_VOWEL_SOUND_CONSONANT_STARTS):
        return "an"
    if lowered.startswith(_CONSONANT_SOUND_VOWEL_STARTS):
        return "a"
    return "an" if lowered[:1] in ("a", "e", "i", "o", "u") else "a"


def render(markup: str, choice: Mapping[str, Option], strip: bool = False) -> tuple[str, list[Span]]:
    """Render ``markup`` with one option chosen per dimension; returns (text, spans)."""
    parts: list[str] = []
    spans: list[Span] = []
    length = 0

    def append(text: str, inner_spans: list[Span]) -> None:
        nonlocal length
        spans.extend(Span(s.start + length, s.end + length, s.label) for s in inner_spans)
        parts.append(text)
        length += len(text)

    pos = 0
    for match in _TOKEN.finditer(markup):
        append(_literal(markup[pos : match.start()], markup), [])
        if match["labels"] is not None:
            text, inner = render(match["inner"], choice, strip)
            start = length
            append(text, inner)
            if not strip:
                for label in match["labels"].split(","):
                    if label not in SPAN_LABELS:
                        raise MarkupError(f"unknown span label {label!r} in {markup!r}")
                    if not text.strip() or text != text.strip():
                        raise MarkupError(f"span {text!r} is empty or has outer whitespace in {markup!r}")
                    spans.append(Span(start, length, label))
        else:
            mods = match["mods"]
            value = _lookup(choice, match["name"], match["attr"], markup)
            text, inner = render(value, choice, strip or "!" in mods)
            if "@" in mods:  # before "^", so that a sentence-initial article is the capitalised word
                prefix = indefinite_article(text) + " "
                text = prefix + text
                inner = [Span(s.start + len(prefix), s.end + len(prefix), s.label) for s in inner]
            if "^" in mods:
                text = text[:1].upper() + text[1:]
            append(text, inner)
        pos = match.end()
    append(_literal(markup[pos:], markup), [])
    return "".join(parts), spans


def slot_names(markup: str) -> set[str]:
    """Dimension names a markup string refers to, inside spans too (not through its options)."""
    names: set[str] = set()
    for match in _TOKEN.finditer(markup):
        if match["name"] is not None:
            names.add(match["name"])
        else:
            names |= slot_names(match["inner"])
    return names


def _literal(text: str, markup: str) -> str:
    if _STRAY.search(text):
        raise MarkupError(f"stray bracket in literal text {text!r} of {markup!r}")
    return text


def _lookup(choice: Mapping[str, Option], name: str, attr: str | None, markup: str) -> str:
    if name not in choice:
        raise MarkupError(f"slot {name!r} has no dimension in {markup!r}")
    option = choice[name]
    if attr is None:
        if not isinstance(option, str):
            raise MarkupError(f"slot {name!r} needs a field (e.g. {{{name}.pl}}) in {markup!r}")
        return option
    if isinstance(option, str) or attr not in option:
        raise MarkupError(f"option of {name!r} has no field {attr!r} in {markup!r}")
    return option[attr]
