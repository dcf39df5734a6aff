"""Weak slur/profanity spans from two public lexicons, for records whose source has no span gold for them.

A lexicon hit is not a gold span: context decides whether "coon" is a slur or a raccoon, whether
"fag" is a slur or a British cigarette. So the spans added here are marked weak
(``record.meta["weak_span_labels"]``) and training weighs them by ``WEAK_SPAN_WEIGHT``.

Lexicons (folders under the data dir):
- ``lexicon_dsojevic_profanity_list/en.json``: entries with ``match`` alternatives (``|``; ``*``
  repeats the previous character) and ``tags``. racial and lgbtq -> slur. religious -> slur only
  at severity >= 3: that is "raghead"; the rest of the tag is "damn", "hell", "jesus christ",
  "goddamn", i.e. blasphemous swearing, which is profanity. Everything else -> profanity.
- ``lexicon_surge_ai_profanity/profanity_en.csv``: ``text`` with canonical forms and up to three
  categories. See ``_surge_label`` for the mapping and why it reads canonical forms.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from service.schema import Record, Span

# Loss weight for a weak (lexicon) span relative to a gold span. Low, because a hit is right about
# the word but often wrong about its use (quoted, reclaimed, the innocent sense); high enough that
# the many slur-bearing texts without span gold still teach the span head where slurs sit.
WEAK_SPAN_WEIGHT = 0.3
WEAK_LABELS: tuple[str, ...] = ("slur", "profanity")

DSOJEVIC_FILE = Path("lexicon_dsojevic_profanity_list") / "en.json"
SURGE_FILE = Path("lexicon_surge_ai_profanity") / "profanity_en.csv"

# Terms shorter than this are mostly fragments or initialisms ("69", "bj") that fire on noise.
MIN_TERM_LENGTH = 3

# Terms that are offensive only in some contexts, so a match says little. Each group says why.
STOPLIST: frozenset[str] = frozenset(
    # Everyday words and names whose innocent sense dominates in comments.
    "suck finger forked sheet sack peter bates bater dong wang weiner coot knob nip muff booty puss crotch hooters "
    "ramrod diddle dix fick caca snatch swine crow crows spook spooks buttermilk knickers nuggets mongrel jigger "
    "jiggs jigga jiggas nicker slit bender flamer tart tramp hustler poof skeet santorum shrimping snowballing "
    "scissoring collared collaring domination fingering fingered fisted humping grope playboy viagra cialis abbie "
    "greaser bloody hell jesus christ cooties bastinado scut sheister shiester panties bbc".split()
    # Clinical, legal or descriptive words that name a topic without being vulgar or a slur.
    + "sex nude nudity topless breasts anus anal vagina vulva penis rectum semen sperm genitals nipple nipples pubes "
    "intercourse orgasm orgasms orgasmic ejaculate ejaculation ejaculating ejaculated incest rape raping rapist "
    "pedophile paedophile pedophilia paedophilia molester bestiality beastiality beestiality sodomy sodomize "
    "sodomise sodomist homoerotic lovemaking bondage bdsm threesome pornography pornographic masturbation "
    "masturbating transvestite nambla porn porno pornos futanari xxx".split()
    # Ambiguous between a group name or honorific and a slur: "negro" (Negro Leagues, United Negro
    # College Fund), "haji" (someone who made the hajj).
    + "negro negroes negroid haji hajji hadji bicon".split()
    # Names of hate groups, symbols and slogans: hateful context, but not slurs or swearing.
    + "kkk klan swastika svastika suastika neonazi whitepower".split()
    # In-group or self-identification terms that are not derogatory.
    + "cishet enby transbian gaysian twink tgirl gymbunny".split()
    # Phrases whose literal reading is harmless ("a wet back", "is she male?", "jelly donut"), or that
    # name a hate group or slogan rather than being a slur or swearing ("white power", "jim crow").
    + [
        "wet back", "jelly donut", "hickory switch", "pleasure chest", "girl on top", "dirty pillows", "wet dream",
        "missionary position", "booty call", "boston george", "hot carl", "hot richard", "wrapping men",
        "leather restraint", "violet wand", "impact play", "wax play", "edge play", "gay sex", "group sex",
        "date rape", "switch hitter", "gym bunny", "neo nazi", "neo-nazi", "white power", "white-power",
        "jim crow", "ku kluxer", "go to hell", "jesus christ", "strip club", "only fans", "camel toe", "clover clamp",
        "clover clamps", "bullet vibe", "bullet vibrator", "menage a trois", "t-girl", "she male",
    ]
)
# Clinical names of paraphilias ("necrophilia", "dendrophile"): descriptive, not vulgar.
_PARAPHILIA = re.compile(r"phil(e|ia|iac)s?$")

_SLUR_DSOJEVIC_TAGS = {"racial", "lgbtq"}

# Surge categories whose *primary* members are slurs for protected groups.
_SURGE_SLUR_CATEGORIES = {"racial / ethnic slurs", "sexual orientation / gender", "mental disability", "physical disability"}
# Canonical forms found in those categories that are not slurs: gendered insults and swear words
# ("bitch", "whore", "twat" sit under "sexual orientation / gender"), insults to intelligence
# ("dolt", "dumbass" under "mental disability"), and words that merely co-occur ("ape" in "apeshit").
_SURGE_NOT_SLUR_CANONICAL = {
    "bitch", "whore", "slut", "hoe", "skank", "slag", "tart", "tramp", "loose", "punta", "twat", "cunt", "fuck",
    "ass", "arse", "butt", "bum", "cock", "dick", "penis", "pussy", "knob", "bang", "damn", "shit", "bastard",
    "motherfucker", "dolt", "bellend", "dipstick", "crow", "garbage bag", "nymph", "pedophile", "slit", "trash",
    "hag", "ape", "hell",
}
# Surge's "political" category ("china virus") is xenophobic but neither a slur nor swearing: skipped.
_SURGE_SKIPPED_CATEGORIES = {"political"}


def _plain(term: str) -> str:
    return " ".join(term.replace("*", "").lower().split())


def _usable(term: str) -> bool:
    plain = _plain(term)
    return len(plain) >= MIN_TERM_LENGTH and plain not in STOPLIST and not _PARAPHILIA.search(plain)


def _atoms(term: str, star_repeats: bool) -> tuple[str, ...]:
    """A term as regex atoms: one per character, ``c+`` where dsojevic's ``*`` repeats it, ``\\s+`` per space."""
    atoms: list[str] = []
    for char in term.lower().strip():
        if char == "*" and star_repeats and atoms and not atoms[-1].endswith("+"):
            atoms[-1] += "+"
        elif char.isspace():
            if atoms[-1:] != [r"\s+"]:
                atoms.append(r"\s+")
        else:
            atoms.append(re.escape(char))
    return tuple(atoms)


def _trie_pattern(terms: Iterable[tuple[str, ...]]) -> str:
    """One regex over all terms, factored by common prefixes so matching costs about one branch per character."""
    end = ""
    trie: dict = {}
    for atoms in terms:
        node = trie
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[end] = {}

    def emit(node: dict) -> str:
        branches = [atom + emit(child) for atom, child in sorted(node.items()) if atom != end]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy optional continuation: the longest term wins ("bitches" over "bitch").
        return f"(?:{body})?" if end in node else body

    return emit(trie)


def _surge_label(row: dict[str, str], slur_canonical: set[str]) -> str | None:
    """slur when the entry is filed under a slur category *and* one of its canonical forms is a slur.

    Both are needed: "spicfuck" is filed under sexual acts and racial slurs with forms fuck + spic
    (a slur); "bastard" carries the form "retard" as a data slip but sits only under general insult.
    """
    categories = {row.get(f"category_{i}", "").strip() for i in (1, 2, 3)} - {""}
    if categories & _SURGE_SKIPPED_CATEGORIES:
        return None
    canonical = {row.get(f"canonical_form_{i}", "").strip().lower() for i in (1, 2, 3)} - {""}
    return "slur" if canonical & slur_canonical and categories & _SURGE_SLUR_CATEGORIES else "profanity"


def load_lexicon_terms(data_dir: str | Path) -> dict[str, dict[tuple[str, ...], str]]:
    """label -> {term atoms: original term}, from whichever of the two lexicons exist under ``data_dir``.

    A term both lexicons list under different labels is a slur: the more specific reading.
    """
    data_dir = Path(data_dir)
    labelled: dict[tuple[str, ...], tuple[str, str]] = {}

    def add(atoms: tuple[str, ...], label: str, term: str) -> None:
        if atoms and (atoms not in labelled or label == "slur"):
            labelled[atoms] = (label, term)

    surge = data_dir / SURGE_FILE
    surge_rows: list[dict[str, str]] = []
    if surge.is_file():
        with open(surge, encoding="utf-8", newline="") as f:
            surge_rows = list(csv.DictReader(f))
    slur_canonical = {
        row.get(f"canonical_form_{i}", "").strip().lower()
        for row in surge_rows
        if row.get("category_1", "").strip() in _SURGE_SLUR_CATEGORIES
        for i in (1, 2, 3)
    } - _SURGE_NOT_SLUR_CANONICAL - {""}

    dsojevic = data_dir / DSOJEVIC_FILE
    if dsojevic.is_file():
        for entry in json.loads(dsojevic.read_text(encoding="utf-8")):
            tags = set(entry.get("tags", []))
            is_slur = bool(tags & _SLUR_DSOJEVIC_TAGS) or ("religious" in tags and entry.get("severity", 0) >= 3)
            for term in entry["match"].split("|"):
                if _usable(term):
                    # dsojevic files "retarded" under general; Surge's canonical forms know it as a slur.
                    label = "slur" if is_slur or _plain(term) in slur_canonical else "profanity"
                    add(_atoms(term, star_repeats=True), label, term)

    for row in surge_rows:
        term, label = row["text"], _surge_label(row, slur_canonical)
        if label and _usable(term):
            add(_atoms(term, star_repeats=False), label, term)

    # The same word spelt with different repeat marks ("ba*sta*rd" and "bastard") must not be both.
    slur_words = {_plain(term) for label, term in labelled.values() if label == "slur"}
    out: dict[str, dict[tuple[str, ...], str]] = {label: {} for label in WEAK_LABELS}
    for atoms, (label, term) in labelled.items():
        if label == "slur" or _plain(term) not in slur_words:
            out[label][atoms] = term
    return out


class LexiconMatcher:
    """Case-insensitive whole-word matching of every term of one label, by one compiled regex each."""

    def __init__(self, terms: dict[str, dict[tuple[str, ...], str]]) -> None:
        self.patterns: dict[str, re.Pattern[str]] = {}
        for label, by_atoms in terms.items():
            if by_atoms:
                # (?<!\w)/(?!\w) rather than \b: terms may start or end with "@", "!" or "." ("@ss", "s.o.b.").
                self.patterns[label] = re.compile(r"(?<!\w)" + _trie_pattern(by_atoms) + r"(?!\w)", re.IGNORECASE)

    def find(self, text: str, label: str) -> list[Span]:
        pattern = self.patterns.get(label)
        if pattern is None:
            return []
        return [Span(m.start(), m.end(), label) for m in pattern.finditer(text) if m.end() > m.start()]


@lru_cache(maxsize=4)
def _matcher_for(data_dir: str) -> LexiconMatcher | None:
    terms = load_lexicon_terms(data_dir)
    if not any(terms.values()):
        return None
    return LexiconMatcher(terms)


def add_lexicon_spans(records: list[Record], data_dir: str | Path = "../shared/data") -> list[Record]:
    """Add weak slur/profanity spans to records whose source gives no span gold for that label.

    For each of slur and profanity not in ``record.span_labels``: the label goes into
    ``record.meta["weak_span_labels"]`` and every lexicon hit becomes a span of that label.
    Where the source's comment label is 0 for it (e.g. a Davidson "neither" tweet: no slur) the
    gold says there is no such span, so no hit is added, but the label is still listed as weak.
    Records are changed in place and returned.
    """
    matcher = _matcher_for(str(Path(data_dir).resolve()))
    if matcher is None:
        print(f"threadguard: no lexicon under {data_dir}; no weak spans added", file=sys.stderr)
        return records
    for record in records:
        weak = [label for label in WEAK_LABELS if label not in record.span_labels]
        if not weak:
            continue
        already = set(record.meta.get("weak_span_labels", []))
        record.meta["weak_span_labels"] = sorted(already | set(weak), key=WEAK_LABELS.index)
        existing = set(record.spans)
        for label in weak:
            if label in already or record.labels.get(label) == 0:
                continue
            record.spans.extend(s for s in matcher.find(record.text, label) if s not in existing)
        record.spans.sort()
    return records
