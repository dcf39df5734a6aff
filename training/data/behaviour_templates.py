"""The content of the behaviour data: groups, slurs, fillers, templates and hand-written examples.

This is a moderation data set, so the real slurs are spelled out: a model cannot learn to
catch a string it has never seen. Annotation rules, applied the same way everywhere:

* ``slur`` spans cover the slur itself and also carry ``insult`` (a slur used as one demeans
  its target); vulgar slurs ("cunts", "Americunts") also carry ``profanity``.
* ``hate`` spans cover the dehumanising noun or the stereotyping claim; terms of abuse in
  themselves ("vermin", "filthy", "stupid") also carry ``insult``; claims ("control the
  banks", "can't be trusted") carry ``hate`` alone.
* ``threat`` spans cover the violent phrase; when a group is targeted the phrase is ``hate`` too.
* ``profanity`` spans cover the swear word only ("Holy [shit]", not the whole exclamation).
* Quoted or negated hate, reclaimed in-group use, innocent homonyms and neutral mentions carry
  no spans and every label 0.
* Abuse aimed at objects or days ("this stupid app is garbage", "I hate Mondays") is not
  toxic: no person is attacked and no swear word is used, so every label is 0. Swearing at an
  object is ``profanity`` (and therefore ``toxic``) instead.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Iterable, Mapping

from training.data.behaviour_markup import Option, Template, slot_names

BEHAVIOURS: tuple[str, ...] = (
    "counter_speech",
    "negated_hate",
    "neutral_group_mention",
    "positive_group_mention",
    "profanity_not_hate",
    "insult_individual",
    "abuse_at_objects",
    "reclaimed_slur",
    "slur_homonym",
    "hate_as_question_or_opinion",
    "explicit_hate_and_slurs",
    "obfuscated_slur",
    "threat",
    "pronoun_reference",
    "nationality_slurs_seed_groups",
    "civil_comment",
    "abuse_at_nonprotected_group",
    "stereotype_claim",
    "slur_at_individual",
    "group_derogation",
    "slur_in_narrative",
    "hatred_of_group",
    "obfuscated_group_hate",
    "negated_positive",
    "negation_sign",
    "trait_sign",
    "slur_pairs",
    "quote_verdict",
    "target_sign",
    "homonym_sense",
    "homonym_context",
)

ALL_ZERO: dict[str, int] = {"toxic": 0, "hate": 0, "slur": 0, "insult": 0, "profanity": 0, "threat": 0}

# Comment labels every example of a category must have; templates may pin more.
CATEGORY_EXPECT: dict[str, dict[str, int]] = {
    "counter_speech": ALL_ZERO,
    "negated_hate": ALL_ZERO,
    "neutral_group_mention": ALL_ZERO,
    "positive_group_mention": ALL_ZERO,
    "profanity_not_hate": {"toxic": 1, "profanity": 1, "hate": 0, "slur": 0, "insult": 0, "threat": 0},
    "insult_individual": {"toxic": 1, "insult": 1, "hate": 0, "slur": 0, "threat": 0},
    "abuse_at_objects": ALL_ZERO,
    "reclaimed_slur": ALL_ZERO,
    "slur_homonym": ALL_ZERO,
    "hate_as_question_or_opinion": {"toxic": 1, "hate": 1, "threat": 0},
    "explicit_hate_and_slurs": {"toxic": 1, "hate": 1},
    "obfuscated_slur": {"toxic": 1, "hate": 1},
    "threat": {"toxic": 1, "threat": 1},
    "pronoun_reference": {"toxic": 1, "hate": 1},
    "nationality_slurs_seed_groups": {"toxic": 1, "hate": 1, "slur": 1},
    "civil_comment": ALL_ZERO,
    "abuse_at_nonprotected_group": {"toxic": 1, "insult": 1, "hate": 0, "slur": 0, "threat": 0},
    "stereotype_claim": {"toxic": 1, "hate": 1, "slur": 0, "threat": 0},
    "slur_at_individual": {"toxic": 1, "hate": 1, "slur": 1, "insult": 1, "threat": 0},
    "group_derogation": {"toxic": 1, "hate": 1, "slur": 0, "threat": 0},
    "slur_in_narrative": {"toxic": 1, "hate": 1, "slur": 1, "threat": 0},
    "hatred_of_group": {"toxic": 1, "hate": 1, "slur": 0, "threat": 0},
    "obfuscated_group_hate": {"toxic": 1, "hate": 1, "slur": 0, "threat": 0},
    "negated_positive": {"toxic": 1, "hate": 1, "slur": 0, "threat": 0},
    "negation_sign": {"toxic": 1, "hate": 1, "slur": 0, "threat": 0},
    "trait_sign": {"toxic": 1, "hate": 1, "slur": 0, "threat": 0},
    "slur_pairs": {"toxic": 1, "hate": 1, "slur": 1, "threat": 0},
    "quote_verdict": {"toxic": 1, "hate": 1, "slur": 0, "threat": 0},
    "target_sign": {"toxic": 1, "hate": 1, "slur": 0, "threat": 0},
    "homonym_sense": {"toxic": 1, "hate": 1, "slur": 1, "threat": 0},
    "homonym_context": {"toxic": 1, "hate": 1, "slur": 1, "threat": 0},
}

GROUP_TARGETED = {"hate": 1}
NOT_GROUP_TARGETED = {"hate": 0, "slur": 0}


# --- groups ------------------------------------------------------------------------------


def _group(pl: str, adj: str, people: str, one: str) -> dict[str, str]:
    return {"pl": pl, "adj": adj, "people": people, "one": one}


PEOPLES: tuple[dict[str, str], ...] = (  # ethnicity, nationality, religion
    _group("Jews", "Jewish", "Jewish people", "a Jewish person"),
    _group("Muslims", "Muslim", "Muslims", "a Muslim"),
    _group("Black people", "Black", "Black people", "a Black person"),
    _group("Asians", "Asian", "Asian people", "an Asian person"),
    _group("Latinos", "Latino", "Latinos", "a Latino"),
    _group("Roma", "Roma", "Roma people", "a Roma person"),
    _group("Hindus", "Hindu", "Hindus", "a Hindu"),
    _group("Christians", "Christian", "Christians", "a Christian"),
    _group("Mexicans", "Mexican", "Mexicans", "a Mexican"),
    _group("Chinese people", "Chinese", "Chinese people", "a Chinese person"),
    _group("Indians", "Indian", "Indian people", "an Indian person"),
    _group("Turks", "Turkish", "Turkish people", "a Turk"),
    _group("Americans", "American", "Americans", "an American"),
    _group("Russians", "Russian", "Russians", "a Russian"),
    _group("Kurds", "Kurdish", "Kurdish people", "a Kurd"),
    _group("Arabs", "Arab", "Arabs", "an Arab"),
)
OTHER_GROUPS: tuple[dict[str, str], ...] = (  # sex, orientation, gender identity, disability, status
    _group("women", "female", "women", "a woman"),
    _group("gay men", "gay", "gay people", "a gay man"),
    _group("lesbians", "lesbian", "lesbians", "a lesbian"),
    _group("trans people", "trans", "trans people", "a trans woman"),
    _group("disabled people", "disabled", "disabled people", "a disabled person"),
    _group("immigrants", "immigrant", "immigrants", "an immigrant"),
    _group("refugees", "refugee", "refugees", "a refugee"),
)
ALL_GROUPS = PEOPLES + OTHER_GROUPS
NEWCOMER_GROUPS = PEOPLES + tuple(g for g in OTHER_GROUPS if g["pl"] in ("immigrants", "refugees"))
SEED_GROUP_NAMES = ("Turks", "Americans", "Russians", "Jews", "Kurds", "Arabs")
SEED_GROUPS = tuple(g for g in PEOPLES if g["pl"] in SEED_GROUP_NAMES)


# --- slurs -------------------------------------------------------------------------------

SLUR_LABELS = "slur,insult"
VULGAR_SLUR_LABELS = "slur,insult,profanity"


def _slur(pl: str, one: str, group: str, vulgar: bool = False) -> dict[str, str]:
    labels = VULGAR_SLUR_LABELS if vulgar else SLUR_LABELS
    return {
        "pl": f"[{pl}]({labels})",
        "one": f"[{one}]({labels})",
        "bare_pl": pl,
        "bare_one": one,
        "labels": labels,
        "group": group,
    }


SEED_SLURS: tuple[dict[str, str], ...] = (
    _slur("kebabs", "kebab", "Turks"),
    _slur("carpetriders", "carpetrider", "Turks"),
    _slur("Turkroaches", "Turkroach", "Turks"),
    _slur("Americunts", "Americunt", "Americans", vulgar=True),
    _slur("Amerikkkans", "Amerikkkan", "Americans"),
    _slur("Amerifats", "Amerifat", "Americans"),
    _slur("Ruskies", "Ruskie", "Russians"),
    _slur("Russkies", "Russkie", "Russians"),
    _slur("vatniks", "vatnik", "Russians"),
    _slur("orcs", "orc", "Russians"),
    _slur("kikes", "kike", "Jews"),
    _slur("yids", "yid", "Jews"),
    _slur("Zionazis", "Zionazi", "Jews"),
    _slur("Kurdroaches", "Kurdroach", "Kurds"),
    _slur("mountain Turks", "mountain Turk", "Kurds"),
    _slur("towelheads", "towelhead", "Arabs"),
    _slur("sand niggers", "sand nigger", "Arabs"),
    _slur("camel jockeys", "camel jockey", "Arabs"),
    _slur("ragheads", "raghead", "Arabs"),
    _slur("sand monkeys", "sand monkey", "Arabs"),
)
OTHER_SLURS: tuple[dict[str, str], ...] = (
    _slur("hymies", "hymie", "Jews"),
    _slur("niggers", "nigger", "Black people"),
    _slur("coons", "coon", "Black people"),
    _slur("jigaboos", "jigaboo", "Black people"),
    _slur("darkies", "darkie", "Black people"),
    _slur("muzzies", "muzzie", "Muslims"),
    _slur("Mudslimes", "Mudslime", "Muslims"),
    _slur("muzrats", "muzrat", "Muslims"),
    _slur("bitches", "bitch", "women", vulgar=True),
    _slur("cunts", "cunt", "women", vulgar=True),
    _slur("whores", "whore", "women", vulgar=True),
    _slur("sluts", "slut", "women", vulgar=True),
    _slur("faggots", "faggot", "gay men"),
    _slur("fags", "fag", "gay men"),
    _slur("poofs", "poof", "gay men"),
    _slur("homos", "homo", "gay men"),
    _slur("dykes", "dyke", "lesbians"),
    _slur("lesbos", "lesbo", "lesbians"),
    _slur("trannies", "tranny", "trans people"),
    _slur("troons", "troon", "trans people"),
    _slur("shemales", "shemale", "trans people"),
    _slur("retards", "retard", "disabled people"),
    _slur("spastics", "spastic", "disabled people"),
    _slur("spazzes", "spaz", "disabled people"),
    _slur("mongs", "mong", "disabled people"),
    _slur("chinks", "chink", "Chinese people"),
    _slur("gooks", "gook", "Asians"),
    _slur("zipperheads", "zipperhead", "Asians"),
    _slur("spics", "spic", "Latinos"),
    _slur("beaners", "beaner", "Latinos"),
    _slur("wetbacks", "wetback", "Mexicans"),
    _slur("gyppos", "gyppo", "Roma"),
    _slur("pikeys", "pikey", "Roma"),
    _slur("pajeets", "pajeet", "Indians"),
    _slur("pakis", "paki", "Pakistanis"),
)
ALL_SLURS = SEED_SLURS + OTHER_SLURS
# A slur's bare word (singular or plural) -> its markup, for templates that name the word.
SLUR_MARKUP: dict[str, str] = ({s["bare_one"]: s["one"] for s in ALL_SLURS}
                               | {s["bare_pl"]: s["pl"] for s in ALL_SLURS})


# --- hateful, threatening, profane and insulting fillers -----------------------------------


def _spans(words: Iterable[str], labels: str) -> tuple[str, ...]:
    return tuple(f"[{w}]({labels})" for w in words)


DEHUMANISING = (
    _spans(
        ("vermin", "animals", "rats", "cockroaches", "parasites", "savages", "filth", "subhuman", "apes",
         "pigs", "scum", "degenerates", "leeches", "maggots", "mongrels", "not even human"),
        "hate,insult",
    )
    + ("a [disease](hate,insult)", "a [plague](hate,insult)", "a [cancer](hate,insult)")
)
HATE_CLAIMS = _spans(
    ("can't be trusted", "control the banks", "run the media", "are all terrorists", "are all criminals",
     "are lazy", "steal our jobs", "are ruining this country", "are naturally violent",
     "only care about money", "are a danger to children", "shouldn't be allowed to vote",
     "don't belong in this country", "are all liars", "are a burden on society", "are genetically inferior",
     "spread disease", "should all be deported", "are mentally ill", "can't think for themselves",
     "are all thieves", "live off benefits", "have no morals", "are incapable of civilisation"),
    "hate",
) + ("[are too stupid to vote](hate,insult)",)
HATE_ADJECTIVES = _spans(("lazy", "greedy", "violent", "dishonest", "sneaky"), "hate") + _spans(
    ("dirty", "stupid", "primitive", "disgusting", "backward"), "hate,insult"
)
GROUP_THREAT_PREDICATES = _spans(
    ("should be gassed", "should be shot", "should be hanged", "deserve to die", "should be wiped out",
     "need to be exterminated", "should be burned alive", "should be lined up and shot",
     "should be beaten in the streets", "should be drowned"),
    "hate,threat",
)
GROUP_THREAT_VERBS = _spans(
    ("shoot", "gas", "kill", "hang", "burn", "exterminate", "beat up", "stab", "round up and kill", "slaughter"),
    "hate,threat",
)
PERSONAL_THREATS = _spans(
    ("break your legs", "kill you", "beat you senseless", "smash your face in", "burn your house down",
     "slit your throat", "put you in the hospital", "shoot you", "stab you", "strangle you",
     "break every bone in your body", "knock your teeth out", "cut you up"),
    "threat",
)
USERS = ("@mike_88", "@sarah.k", "@throwaway123", "@dan_the_man", "@lena_v", "@gamer4life", "@tom_h")

SWEAR_ADJECTIVES = _spans(("fucking", "bloody", "goddamn", "damn", "shitty", "crappy"), "profanity")
SWEAR_ADVERBS = _spans(("fucking", "bloody", "goddamn", "damn"), "profanity")
EXCLAMATIONS = (
    "Holy [shit](profanity)", "[Fuck](profanity)", "[Shit](profanity)", "[Fuck](profanity) me",
    "[Damn](profanity) it", "[Bloody](profanity) hell", "What the [fuck](profanity)", "[Goddammit](profanity)",
    "Oh [shit](profanity)", "[Fucking](profanity) hell", "Ah [crap](profanity)",
)
THINGS = (
    "printer", "laptop", "phone", "wifi", "router", "bus", "train", "alarm clock", "microwave", "car",
    "lawnmower", "dishwasher", "update", "app", "website", "keyboard", "vending machine", "boiler",
    "umbrella", "traffic light",
)
EVENTS = (
    "that game was insane", "that goal was unreal", "I just won the raffle", "I forgot my keys again",
    "the bus is late again", "it's snowing in May", "the exam is tomorrow", "my flight got cancelled",
    "I spilled coffee on my laptop", "this pizza is huge", "we actually won", "the power just went out",
)

INSULT_NOUNS = _spans(
    ("idiot", "moron", "clown", "loser", "imbecile", "halfwit", "muppet", "buffoon", "fool", "dimwit",
     "numpty", "pillock", "twit", "jerk", "nitwit", "troll", "creep"),
    "insult",
) + _spans(
    ("dumbass", "dickhead", "asshole", "prick", "jackass", "wanker", "tosser", "douchebag", "arsehole",
     "shithead", "bellend"),
    "insult,profanity",
)
INSULT_ADJECTIVES = _spans(
    ("stupid", "dumb", "thick", "clueless", "brainless", "pathetic", "useless", "worthless", "spineless",
     "gutless", "dense", "ignorant"),
    "insult",
)
INTENSIFIERS = ("complete", "total", "utter", "absolute", "massive", "real", "proper", "first-class", "colossal")
PEOPLE_AROUND = (
    "my boss", "that referee", "the guy who cut me off", "my landlord", "your brother", "the new manager",
    "our team captain", "that streamer", "my ex", "the previous poster", "the author of this article",
)


# --- obfuscation -------------------------------------------------------------------------

_LEET = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"})
_VOWEL_LEET = str.maketrans({"a": "@", "e": "3", "i": "1", "o": "0"})
_CYRILLIC = str.maketrans({"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441", "p": "\u0440",
                           "x": "\u0445", "y": "\u0443", "i": "\u0456"})
ZERO_WIDTH_SPACE = "\u200b"
_VOWELS = "aeiouAEIOU"


def _first_inner_vowel(word: str) -> int:
    for i, ch in enumerate(word[1:], 1):
        if ch in _VOWELS:
            return i
    return len(word) // 2


def _starred(word: str) -> str:
    i = _first_inner_vowel(word)
    return word[:i] + "*" + word[i + 1 :]


def _dropped(word: str) -> str:
    i = len(word) // 2
    return word[:i] + word[i + 1 :]


def _swapped(word: str) -> str:
    # Swap the first differing neighbours from the middle on ("faggots" -> "faggtos", not a no-op "gg").
    i = next((k for k in range(len(word) // 2, len(word)) if word[k - 1] != word[k]), len(word) // 2)
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _stretched(word: str) -> str:
    i = _first_inner_vowel(word)
    return word[:i] + word[i] * 4 + word[i + 1 :]


def _zero_width(word: str) -> str:
    # Two insertions so that removing only the first one does not restore the word.
    i, j = 1, max(2, len(word) // 2 + 1)
    return word[:i] + ZERO_WIDTH_SPACE + word[i:j] + ZERO_WIDTH_SPACE + word[j:]


def _fullwidth(word: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)


def _mixed_case(word: str) -> str:
    return "".join(c.upper() if i % 2 == 0 else c.lower() for i, c in enumerate(word))


OBFUSCATORS: dict[str, Callable[[str], str]] = {
    "leet": lambda w: w.translate(_LEET),
    "vowel_leet": lambda w: w.translate(_VOWEL_LEET),
    "spaced": " ".join,
    "dotted": ".".join,
    "hyphenated": "-".join,
    "starred": _starred,
    "dropped": _dropped,
    "swapped": _swapped,
    "stretched": _stretched,
    "homoglyph": lambda w: w.translate(_CYRILLIC),
    "zero_width": _zero_width,
    "fullwidth": _fullwidth,
    "mixed_case": _mixed_case,
}


# Dropping or swapping a letter of a short word leaves nothing recognisable ("fags" -> "fas").
_MIN_LENGTH = {"dropped": 6, "swapped": 6}
# Words that are ordinary English too; their obfuscations would not read as slurs.
_NOT_OBFUSCATED = ("orcs", "kebabs")


def _obfuscations(words: Iterable[tuple[str, str]], methods: Iterable[str]) -> tuple[str, ...]:
    """Markup options: each (word, labels) under each method, skipping no-op results."""
    out: list[str] = []
    for word, labels in words:
        for method in methods:
            if len(word) < _MIN_LENGTH.get(method, 0):
                continue
            token = OBFUSCATORS[method](word)
            if token != word:
                out.append(f"[{token}]({labels})")
    return tuple(out)


_SINGLE_TOKEN_SLURS = tuple(s for s in ALL_SLURS if " " not in s["bare_pl"] and s["bare_pl"] not in _NOT_OBFUSCATED)
OBFUSCATED_SLURS = _obfuscations(((s["bare_pl"], s["labels"]) for s in _SINGLE_TOKEN_SLURS), OBFUSCATORS)
OBFUSCATED_SLURS_ONE = _obfuscations(((s["bare_one"], s["labels"]) for s in _SINGLE_TOKEN_SLURS), OBFUSCATORS)
OBFUSCATED_DEHUMANISING = _obfuscations(
    ((w, "hate,insult") for w in ("vermin", "cockroaches", "parasites", "animals", "subhuman", "savages", "rats")),
    ("vowel_leet", "starred", "spaced", "zero_width", "homoglyph", "dotted", "stretched"),
)
# Missing word boundaries: the whole glued token is the span.
CONCATENATED = tuple(
    f"[{prefix}{name}]({labels})"
    for prefix, extra in (("dirty", ""), ("filthy", ""), ("stupid", ""), ("fucking", ",profanity"))
    for name, labels in (
        [(g, "hate,insult" + extra) for g in ("jews", "muslims", "arabs", "turks", "kurds", "mexicans", "gays")]
        + [(s, "slur,insult" + extra) for s in ("kikes", "niggers", "faggots", "towelheads", "chinks", "spics")]
    )
)


# --- template builders -------------------------------------------------------------------


def _tpl(category: str, name: str, markup: str, expect: Mapping[str, int] | None = None, stratum: str = "",
         pair: str = "", **dims: Iterable[Option]) -> Template:
    return Template(
        id=f"{category}/{name}",
        category=category,
        markup=markup,
        dims={k: tuple(v) for k, v in dims.items()},
        expect=dict(expect or {}),
        stratum=stratum,
        pair=pair,
    )


def _hand(category: str, markups: Iterable[str], expect: Mapping[str, int] | None = None,
          start: int = 1) -> list[Template]:
    return [
        Template(id=f"{category}/hand{start + i:02d}", category=category, markup=m, expect=dict(expect or {}),
                 hand=True)
        for i, m in enumerate(markups)
    ]


def _counter_speech() -> list[Template]:
    c = "counter_speech"
    relatives = ("grandmother", "brother", "best friend", "son", "colleague", "neighbour")
    return [
        _tpl(c, "calling_quoted", "Calling {g.pl} '{!dn}' is disgusting.", g=ALL_GROUPS, dn=DEHUMANISING),
        _tpl(c, "whoever_wrote", "Whoever wrote '{!^g.pl} are {!dn}' should be banned.", g=ALL_GROUPS,
             dn=DEHUMANISING),
        _tpl(c, "reported_claim", "Reported the comment saying {g.pl} {!claim}. That's not okay here.",
             g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "call_out_slur", "People who call {s.group} '{!s.pl}' need to be called out.", s=ALL_SLURS),
        _tpl(c, "never_acceptable", "Using the word '{!s.one}' is never acceptable, even as a joke.", s=ALL_SLURS),
        _tpl(c, "sickening_claim", "It's sickening to see someone claim {g.pl} {!claim} in this day and age.",
             g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "mods_remove", "Mods, please remove the post that says '{!^g.pl} {!thr}'.", g=ALL_GROUPS,
             thr=GROUP_THREAT_PREDICATES),
        _tpl(c, "plain_bigotry", "Saying {g.pl} {!claim} is bigotry, plain and simple.", g=ALL_GROUPS,
             claim=HATE_CLAIMS),
        _tpl(c, "vile_reported", "That '{!s.pl}' comment above is vile. Reported.", s=ALL_SLURS),
        _tpl(c, "stop_calling", "Stop calling {g.pl} {!dn}. It's dehumanising.", g=ALL_GROUPS, dn=DEHUMANISING),
        _tpl(c, "called_at_school", "My {rel} was called a '{!s.one}' at school and it still hurts.",
             s=ALL_SLURS, rel=relatives),
        _tpl(c, "lose_account", "Anyone who writes '{!v} all the {g.pl}' should lose their account.",
             g=ALL_GROUPS, v=GROUP_THREAT_VERBS),
        _tpl(c, "statements_like", "Statements like '{!^g.pl} are {!dn}' are deeply hurtful.", g=ALL_GROUPS,
             dn=DEHUMANISING),
        _tpl(c, "no_place_here", "Comments saying {g.pl} {!claim} have no place in this community.",
             g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "quoted_question", "'{!^g.pl} {!thr}'? How can anyone write that about {other}?",
             g=ALL_GROUPS, thr=GROUP_THREAT_PREDICATES, other=("other human beings", "their neighbours",
                                                              "people they've never met", "fellow citizens")),
        _tpl(c, "educate_yourself", "If you really believe {g.pl} {!claim}, please talk to some of them first.",
             g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "fired_for_tweet", "{^who} was fired for tweeting that {g.pl} {!claim}. Good.",
             g=ALL_GROUPS, claim=HATE_CLAIMS, who=("A local councillor", "The coach", "A teacher", "Their spokesman")),
        _tpl(c, "slur_says_more", "Using '{!s.pl}' says more about you than about {s.group}.", s=ALL_SLURS),
        _tpl(c, "graffiti_reported", "Someone sprayed '{!s.pl} out' on the {place}; the council is removing it.",
             s=ALL_SLURS, place=("school wall", "bus shelter", "mosque door", "synagogue gate", "shop front")),
        _tpl(c, "history_lesson", "The {regime} called {g.pl} '{!dn}' before the killing started. Never again.",
             g=ALL_GROUPS, dn=DEHUMANISING, regime=("propaganda", "regime", "radio station", "party newspaper")),
        _tpl(c, "please_stop_repeating", "Please stop repeating the lie that {g.pl} {!claim}.", g=ALL_GROUPS,
             claim=HATE_CLAIMS),
        _tpl(c, "banned_for_writing", "{^user} got banned for writing '{!v} the {g.pl}', and rightly so.",
             g=ALL_GROUPS, v=GROUP_THREAT_VERBS, user=USERS),
    ] + _hand(c, (
        "Calling Jews 'vermin' is disgusting and the mods should act.",
        "Whoever wrote 'all Turks are animals' should be banned.",
        "I reported the account that kept posting 'kill all Kurds'. Please do the same.",
        "Saying 'Americunts' isn't edgy, it's just lazy bigotry.",
        "My dad used to call our neighbours 'towelheads' and I'm ashamed of it.",
        "The word 'faggot' was shouted at me in school. Kids need to learn why it hurts.",
        "People calling Russians 'orcs' all over this thread should remember that dehumanisation never ends well.",
        "Posting 'Muslims are a cancer' and then complaining about free speech when you get banned doesn't work.",
        "Historians point out that Nazi propaganda called Jews 'rats' long before the camps.",
        "If an argument needs the word 'retard', it isn't an argument.",
        "Flagged: a user replied 'go back to your country' to a Latina nurse.",
        "Repeating 'women belong in the kitchen' as a joke is still sexism.",
        "The comments calling trans people 'mentally ill' were removed, good.",
        "People who say 'kebabs' when they mean Turks are being racist, full stop.",
        "Our school assembly covered why words like 'chink' and 'gook' are slurs.",
        "Someone in this thread wrote 'gas the Jews'. I've reported it and so should you.",
        "There's nothing funny about calling disabled people 'spastics'.",
        "Seeing 'Ruskies' and 'Amerikkkans' in the same thread makes me sad about this forum.",
        "I told my uncle that calling Arabs 'sand niggers' at dinner is not okay.",
        "When someone writes that Roma are 'thieves by nature', they're repeating centuries-old prejudice.",
    ))


def _negated_hate() -> list[Template]:
    c = "negated_hate"
    return [
        _tpl(c, "dont_hate", "I don't hate {g.people}.", g=ALL_GROUPS),
        _tpl(c, "nobody_should_say", "Nobody should say {g.pl} are {!dn}.", g=ALL_GROUPS, dn=DEHUMANISING),
        _tpl(c, "not_true_that", "It's simply not true that {g.pl} {!claim}.", g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "are_not", "{^g.pl} are not {!dn}, and I'm tired of people saying they are.", g=ALL_GROUPS,
             dn=DEHUMANISING),
        _tpl(c, "would_never_say", "I would never say {g.pl} {!claim}.", g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "refuse_to_believe", "I refuse to believe that {g.pl} {!claim}.", g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "nothing_wrong", "There's nothing wrong with being {g.one}.", g=ALL_GROUPS),
        _tpl(c, "never_hated", "I have never hated {g.people} and I never will.", g=ALL_GROUPS),
        _tpl(c, "dont_let_anyone", "Don't let anyone tell you {g.pl} {!claim}.", g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "trolls_say", "Just because some trolls say {g.pl} {!claim} doesn't make it true.",
             g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "not_a_threat", "{^g.people} are not a threat to anyone.", g=ALL_GROUPS),
        _tpl(c, "disagree_without", "You can disagree with someone without claiming {g.pl} {!claim}.",
             g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "dont_think", "I don't think {g.pl} {!claim}.", g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "myth_that", "It's a myth that {g.pl} {!claim}.", g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "wrong_to_say", "It is wrong to say {g.pl} {!claim}.", g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "never_call", "I'd never call {g.pl} {!dn}.", g=ALL_GROUPS, dn=DEHUMANISING),
        _tpl(c, "arent_theyre", "{^g.pl} aren't {!dn}, they're {what}.", g=ALL_GROUPS, dn=DEHUMANISING,
             what=("our neighbours", "people like you and me", "human beings", "families trying to get by")),
        _tpl(c, "nobody_believes", "Nobody here believes {g.pl} {!claim}.", g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "no_evidence", "There is no evidence at all that {g.pl} {!claim}.", g=ALL_GROUPS,
             claim=HATE_CLAIMS),
        _tpl(c, "dont_listen", "Don't listen to people who say {g.pl} {!claim}.", g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "not_all_or_any", "No, {g.pl} are not {!dn}. Not all of them, not any of them.", g=ALL_GROUPS,
             dn=DEHUMANISING),
    ] + _hand(c, (
        "I don't hate Muslims, and I never have.",
        "Nobody should say Kurds are subhuman.",
        "Just to be clear, I do not think Jews control the banks.",
        "I don't believe for a second that immigrants are criminals.",
        "It's not true that gay people are a danger to children.",
        "Women are not inferior to men, end of discussion.",
        "No one here thinks Arabs can't be trusted.",
        "I wouldn't call Americans stupid; I've lived there and met lovely people.",
        "Russians are not orcs, they're people like us.",
        "Turks aren't animals and anyone who says so is wrong.",
        "Disabled people are not a burden on anyone.",
        "I have never thought Black people are lazy.",
        "There's no evidence that refugees spread disease.",
        "Trans people aren't mentally ill.",
        "I'd never say Roma are thieves.",
        "Not a single Chinese person I know deserves to be blamed for a virus.",
    ))


def _neutral_group_mention() -> list[Template]:
    c = "neutral_group_mention"
    return [
        _tpl(c, "neighbour", "My {g.adj} neighbour {act}.", g=ALL_GROUPS,
             act=("baked bread for the whole street", "helped me move house", "fixed my bike",
                  "lent us a ladder", "watered our plants while we were away", "organised the street party")),
        _tpl(c, "lived_for_generations", "{^g.people} have lived in this city for generations.", g=PEOPLES),
        _tpl(c, "history_book", "I'm reading a book about {g.adj} history.", g=PEOPLES),
        _tpl(c, "hired_engineers", "Our team just hired two {g.adj} {job}.", g=ALL_GROUPS,
             job=("engineers", "nurses", "designers", "teachers", "developers")),
        _tpl(c, "documentary", "There's a new documentary about {g.people} in the {decade}.", g=ALL_GROUPS,
             decade=("1920s", "1950s", "1970s", "1990s")),
        _tpl(c, "same_rights", "{^g.people} deserve the same rights as everyone else.", g=ALL_GROUPS),
        _tpl(c, "best_friend", "My best friend is {g.one} and we go {hobby} every weekend.", g=ALL_GROUPS,
             hobby=("hiking", "climbing", "fishing", "cycling", "bowling", "to the cinema")),
        _tpl(c, "venue", "The {g.adj} {venue} on our street {news}.", g=[g for g in PEOPLES if g["adj"] != "Black"],
             venue=("bakery", "restaurant", "community centre", "bookshop", "cultural centre"),
             news=("is hosting a fundraiser", "just celebrated ten years", "is hiring", "reopened today")),
        _tpl(c, "new_year", "How do {g.people} in your country celebrate the new year?", g=PEOPLES),
        _tpl(c, "survey", "The survey included answers from {g.people} across the region.", g=ALL_GROUPS),
        _tpl(c, "forum_member", "I'm {g.one} and I've been a member of this forum for years.", g=ALL_GROUPS),
        _tpl(c, "won_contest", "{^g.one} won the {contest} this year.", g=ALL_GROUPS,
             contest=("chess tournament", "city marathon", "baking contest", "science fair", "poetry prize")),
    ] + _hand(c, (
        "My Jewish neighbour baked bread for the whole street.",
        "Turkish coffee is great, especially with a bit of cardamom.",
        "Two gay couples on our street adopted kids last year.",
        "The Kurdish restaurant downtown does the best lentil soup.",
        "Our new Arab colleague speaks five languages.",
        "The Americans I met in Lisbon were super friendly.",
        "Russian ballet tickets sold out in an hour.",
        "Muslims in our town organised a food drive during Ramadan.",
        "The Black history exhibit at the museum was excellent.",
        "My trans sister just graduated from nursing school!",
        "The wheelchair-accessible entrance makes it easier for disabled visitors.",
        "A group of Roma musicians played at the wedding.",
        "Immigrants started half of the businesses on this street.",
        "The women's team won the league again.",
        "Our mosque and the synagogue next door share a parking lot.",
        "My lesbian aunts have been married for twenty years.",
        "The Latino heritage festival is this weekend.",
        "Asian grocery stores have the best snacks.",
    ))


def _positive_group_mention() -> list[Template]:
    """Praise, support and rights claims for a group: the group name must not read as an attack."""
    c = "positive_group_mention"
    return [
        _tpl(c, "deserve", "{^g.pl} deserve {good}.", g=ALL_GROUPS,
             good=("equal pay", "respect", "the same rights as everyone else", "to feel safe in their own homes",
                   "a voice in this debate", "better than this", "our support", "fair treatment at work")),
        _tpl(c, "are_adj", "{^g.pl} are {adj}.", g=ALL_GROUPS,
             adj=("wonderful people", "brilliant", "kind and generous", "hard-working", "amazing engineers",
                  "welcome here", "valued members of our community", "just as capable as anyone", "great parents",
                  "peaceful people", "strong and resilient")),
        _tpl(c, "love", "I {love} {g.people}{tail}", g=ALL_GROUPS, love=("love", "admire", "really respect", "stand with"),
             tail=(".", "!", " and always will.", ", they've always been good to me.")),
        _tpl(c, "proud", "Proud to be {g.one}{tail}", g=ALL_GROUPS, tail=(".", "!", " and proud of my family.", ", always.")),
        _tpl(c, "right_to", "{^g.pl} should have the right to {right}.", g=ALL_GROUPS,
             right=("vote", "marry whoever they love", "work", "live where they want", "practise their faith",
                    "equal healthcare", "speak freely")),
        _tpl(c, "make_stronger", "{^g.people} make {place} {better}.", g=ALL_GROUPS,
             place=("this country", "our city", "this town", "our team", "the neighbourhood"),
             better=("stronger", "better", "a richer place", "more interesting")),
        _tpl(c, "contributions", "{^g.people} have made huge contributions to {field}.", g=ALL_GROUPS,
             field=("science", "music", "medicine", "this city", "literature", "sport", "our economy")),
        _tpl(c, "need_more", "We need more {g.adj} {job}.", g=ALL_GROUPS,
             job=("doctors", "teachers", "engineers", "politicians", "voices in the newsroom", "people on the council")),
        _tpl(c, "matter", "{^g.adj} lives matter.", g=ALL_GROUPS),
        _tpl(c, "thank_you", "Thank you to all the {g.adj} {job} who {did}.", g=ALL_GROUPS,
             job=("nurses", "volunteers", "teachers", "workers", "neighbours"),
             did=("kept the hospital running", "helped after the flood", "showed up today", "make this place work")),
    ] + _hand(c, (
        "Women deserve equal pay, full stop.",
        "Black lives matter.",
        "Trans women are women.",
        "Gay marriage should be legal everywhere.",
        "Refugees are welcome here.",
        "Muslims are peaceful people, like most people anywhere.",
        "Jews have contributed so much to science and the arts.",
        "Disabled people are just as capable as anyone else.",
        "Immigrants built this country.",
        "I'm proud to be a Kurd.",
        "Russians I know are some of the kindest people I've met.",
        "Love is love. Gay couples deserve the same happiness as anyone.",
        "Turkish hospitality is the best in the world.",
        "Women should have the right to choose.",
        "Asian Americans have been part of this country for over 150 years.",
        "Happy Pride to all my lesbian and gay friends!",
        # "<group> are <adjective>" is also the shape of most stereotypes ("are lazy"), so the
        # frame needs praise too, or the model learns the frame instead of the words in it.
        # Adjectives here differ from the held-out "are_adj" template's, which measures the rest.
        "Turks are such warm hosts.",
        "Jews are a gift to this city's culture.",
        "Muslims are great neighbours, honestly.",
        "Gay men are fantastic friends to have.",
        "Lesbians are the funniest people I know.",
        "Trans people are brave for living openly.",
        "Disabled people are experts on their own lives.",
        "Immigrants are the reason our hospital still runs.",
        "Refugees are some of the most determined people you will meet.",
        "Kurds are incredibly hospitable.",
        "Arabs are generous to a fault.",
        "Russians are lovely people, whatever their government does.",
        "Americans are friendly once you get to know them.",
        "Black people are an essential part of this nation's story.",
        "Asian families are so welcoming.",
        "Mexicans are talented cooks and craftsmen.",
        "Hindus are gentle, thoughtful people.",
        "Sikhs are famously charitable.",
        "Women are excellent leaders.",
        "Indians are superb doctors and teachers.",
        "Chinese students are a real asset to the campus.",
        "Roma musicians are extraordinary.",
        "Jewish people are good neighbours too.",
        "Latinos are honest, decent people.",
    ))


def _profanity_not_hate() -> list[Template]:
    c = "profanity_not_hate"
    shows = ("concert", "film", "match", "gig", "meal", "festival", "book", "episode")
    good = ("amazing", "brilliant", "incredible", "good", "loud", "long", "funny")
    return [
        _tpl(c, "broke_again", "This {sw} {thing} broke again.", sw=SWEAR_ADJECTIVES, thing=THINGS),
        _tpl(c, "stopped_working", "My {sw} {thing} stopped working this morning.", sw=SWEAR_ADJECTIVES,
             thing=THINGS),
        _tpl(c, "exclamation", "{ex}, {event}!", ex=EXCLAMATIONS, event=EVENTS),
        _tpl(c, "show_was", "That {show} was {adv} {good}.", show=shows, adv=SWEAR_ADVERBS, good=good),
        _tpl(c, "weather", "It's {adv} {weather} out today.", adv=SWEAR_ADVERBS,
             weather=("cold", "hot", "windy", "humid", "freezing", "wet")),
        _tpl(c, "so_long", "Why does the {thing} always take so {adv} long?", thing=THINGS, adv=SWEAR_ADVERBS),
        _tpl(c, "buying_new", "[Fuck](profanity) this {thing}, I'm buying a new one.", thing=THINGS),
        _tpl(c, "who_designed", "Who the [fuck](profanity) designed this {thing}?", thing=THINGS),
        _tpl(c, "spent_all", "I spent all {time} fixing this {sw} {thing}.",
             time=("morning", "afternoon", "night", "weekend"), sw=SWEAR_ADJECTIVES, thing=THINGS),
        _tpl(c, "was_the_shit", "That {dish} was the [shit](profanity), seriously.",
             dish=("pizza", "burger", "curry", "album", "show", "ramen", "gig")),
        _tpl(c, "so_state", "{ex}, I'm so {adv} {state} right now.", ex=EXCLAMATIONS, adv=SWEAR_ADVERBS,
             state=("tired", "hungry", "bored", "happy", "excited", "stressed")),
        _tpl(c, "no_way", "No [fucking](profanity) way, {event}!", event=EVENTS),
    ] + _hand(c, (
        "This [fucking](profanity) printer jammed again.",
        "Holy [shit](profanity), that game was insane!",
        "Well, [shit](profanity). Forgot my umbrella again.",
        "That concert was [fucking](profanity) unreal.",
        "[Damn](profanity), this coffee is good.",
        "What the [fuck](profanity) happened to the weather today?",
        "[Bloody](profanity) hell, the train is late again.",
        "This album is the [shit](profanity).",
        "[Fuck](profanity) yeah, we won the final!",
        "I stubbed my toe on the [goddamn](profanity) table.",
        "Ah [shit](profanity), here we go again.",
        "My laptop battery is a piece of [shit](profanity).",
        "It's so [fucking](profanity) cold this morning.",
        "[Fuck](profanity) me, that pizza is huge.",
        "The [bullshit](profanity) paperwork took all afternoon.",
    ))


def _insult_individual() -> list[Template]:
    c = "insult_individual"
    relations = ("brother", "boss", "flatmate", "coach", "neighbour", "cousin", "teammate")
    return [
        _tpl(c, "youre_a", "You're {@adj} {ins}.", adj=INTENSIFIERS, ins=INSULT_NOUNS),
        _tpl(c, "only_a", "Only {@ins} would post something like that.", ins=INSULT_NOUNS),
        _tpl(c, "shut_up", "Shut up, you {ins}.", ins=INSULT_NOUNS),
        _tpl(c, "nobody_asked", "Nobody asked you, you {adj} {ins}.", adj=INTENSIFIERS, ins=INSULT_NOUNS),
        _tpl(c, "third_person", "{^who} is {@adj} {ins}.", who=PEOPLE_AROUND, adj=INTENSIFIERS, ins=INSULT_NOUNS),
        _tpl(c, "really_this", "Are you really this {ia}?", ia=INSULT_ADJECTIVES),
        _tpl(c, "so_it_hurts", "{user} you are so {ia} it hurts.", user=USERS, ia=INSULT_ADJECTIVES),
        _tpl(c, "most_person", "Honestly, {who} is the most {ia} person I've ever met.", who=PEOPLE_AROUND,
             ia=INSULT_ADJECTIVES),
        _tpl(c, "read_first", "Read the article before commenting, you {ins}.", ins=INSULT_NOUNS),
        _tpl(c, "what_a", "{user} what {@adj} {ins} you are.", user=USERS, adj=INTENSIFIERS, ins=INSULT_NOUNS),
        _tpl(c, "get_a_life", "Get a life, you {ia} {ins}.", ia=INSULT_ADJECTIVES, ins=INSULT_NOUNS),
        _tpl(c, "such_a", "I can't believe my {rel} is such {@ins}.", rel=relations, ins=INSULT_NOUNS),
    ] + _hand(c, (
        "You're a complete [idiot](insult).",
        "Only a [moron](insult) would post that.",
        "Shut up, you [clown](insult).",
        "Nobody cares what you think, [loser](insult).",
        "Are you [stupid](insult) or just pretending?",
        "Go away, you [pathetic](insult) [troll](insult).",
        "My landlord is an absolute [dickhead](insult,profanity).",
        "You [dumbass](insult,profanity), read the article before commenting.",
        "What a [prick](insult,profanity) that referee was.",
        "You have the brains of a [goldfish](insult).",
        "You're [useless](insult) at your job.",
        "Get lost, [halfwit](insult).",
        "@jess_k you absolute [muppet](insult)",
        "He's an [arrogant](insult) [jerk](insult) and everyone knows it.",
        "Your comment proves you're an [imbecile](insult).",
        "Nice try, [genius](insult). Maybe read the rules next time.",
    ))


DISLIKES = ("Mondays", "traffic", "this weather", "mosquitoes", "cold coffee", "group projects", "slow wifi",
            "pop-up ads", "daylight saving time", "rainy weekends", "exams", "Brussels sprouts", "alarm clocks",
            "paperwork", "long queues", "tax season", "hay fever", "wet socks", "airport security", "autocorrect")


def _abuse_at_objects() -> list[Template]:
    c = "abuse_at_objects"
    bad = ("stupid", "useless", "awful", "terrible", "ridiculous", "dumb", "cheap", "rubbish", "pathetic",
           "worthless")
    junk = ("garbage", "trash", "rubbish", "a joke", "a waste of money", "worthless", "the worst", "a disaster",
            "a nightmare", "junk")
    return [
        _tpl(c, "is_junk", "This {bad} {thing} is {junk}.", bad=bad, thing=THINGS, junk=junk),
        _tpl(c, "i_hate", "I hate {dislike}.", dislike=DISLIKES),
        _tpl(c, "ruins_my_day", "Nothing ruins my day like {dislike}.", dislike=DISLIKES),
        _tpl(c, "smash_to_pieces", "I'm going to smash this {bad} {thing} to pieces.", bad=bad, thing=THINGS),
        _tpl(c, "could_kill", "I could kill this {thing} right now.", thing=THINGS),
        _tpl(c, "want_refund", "Our {thing} is {junk} and I want a refund.", thing=THINGS, junk=junk),
        _tpl(c, "why_so", "Why is this {thing} so {bad}?", thing=THINGS, bad=bad),
        _tpl(c, "absolutely_hate", "I absolutely hate this {bad} {thing}.", bad=bad, thing=THINGS),
        _tpl(c, "with_a_passion", "I hate {dislike} with a passion.", dislike=DISLIKES),
        _tpl(c, "dead_to_me", "This {bad} {thing} is dead to me.", bad=bad, thing=THINGS),
        _tpl(c, "die_you", "Die, you {bad} {thing}!", bad=bad, thing=THINGS),
        _tpl(c, "worst_invention", "{^dislike} must be the worst thing ever invented.", dislike=DISLIKES),
    ] + _hand(c, (
        "This stupid app is garbage.",
        "I hate Mondays.",
        "The new update is absolute trash.",
        "I'm going to throw this useless printer out the window.",
        "Traffic in this city is a nightmare.",
        "This weather is disgusting.",
        "My phone is a worthless brick after the update.",
        "Kill the lights when you leave, please.",
        "That comedian killed it last night.",
        "I could murder a pizza right now.",
        "The vending machine ate my coins again, the stupid thing.",
        "I hate this song so much.",
        "This spreadsheet is a disaster.",
        "Die, stupid lawnmower, die.",
        "Rainy Sundays are the worst.",
        "This cheap umbrella is pathetic.",
    ))


# In-group speakers: "id" says who is speaking, the other fields are the reclaimed word.
_RECLAIMED: tuple[dict[str, str], ...] = (
    {"self": "queer", "we": "we queers", "us": "us queers", "id": "a bi woman"},
    {"self": "queer", "we": "we queers", "us": "us queers", "id": "a gay man"},
    {"self": "queer", "we": "we queers", "us": "us queers", "id": "a nonbinary person"},
    {"self": "queer", "we": "we queers", "us": "us queers", "id": "a trans man"},
    {"self": "a dyke", "we": "we dykes", "us": "us dykes", "id": "a lesbian"},
    {"self": "a dyke", "we": "we dykes", "us": "us dykes", "id": "a gay woman"},
    {"self": "a proud dyke", "we": "we dykes", "us": "us dykes", "id": "a butch lesbian"},
    {"self": "a fag", "we": "we fags", "us": "us old fags", "id": "a gay man"},
    {"self": "a fag", "we": "we fags", "us": "us fags", "id": "a queer man"},
    {"self": "a homo", "we": "we homos", "us": "us homos", "id": "a gay guy"},
    {"self": "a crip", "we": "we crips", "us": "us crips", "id": "a wheelchair user"},
    {"self": "a crip", "we": "we crips", "us": "us crips", "id": "a disabled woman"},
    {"self": "a crip", "we": "we crips", "us": "us crips", "id": "an amputee"},
)


def _reclaimed_slur() -> list[Template]:
    c = "reclaimed_slur"
    activities = ("had a blast at Pride this year", "are organising a picnic on Sunday",
                  "always find each other at these events", "know how to throw a party", "have to stick together",
                  "aren't going anywhere", "run the best book club in town", "took over the karaoke bar last night",
                  "started a softball team")
    loves = ("this community", "our book club", "Pride month", "this thread", "my partner", "our little choir")
    return [
        _tpl(c, "as_id_self", "As {r.id}, I'm {r.self} and {proud}.", r=_RECLAIMED,
             proud=("proud of it", "happy to say so", "not hiding it anymore")),
        _tpl(c, "we_activity", "{^r.we} {act}.", r=_RECLAIMED, act=activities),
        _tpl(c, "us_activity", "{^r.us} {act}.", r=_RECLAIMED, act=activities),
        _tpl(c, "speaking_as", "Speaking as {r.id}: being {r.self} {meaning}.", r=_RECLAIMED,
             meaning=("is part of who I am", "took me years to say out loud", "is nothing to be ashamed of")),
        _tpl(c, "i_love", "I'm {r.self} and I love {thing}.", r=_RECLAIMED, thing=loves),
        _tpl(c, "proud_to_be", "Proud to be {r.self}, proud to be {where}.", r=_RECLAIMED,
             where=("here", "out", "in this city", "on this team")),
        _tpl(c, "look_out", "{^r.we} need to look out for each other, especially {when}.", r=_RECLAIMED,
             when=("this year", "online", "at work", "in small towns", "right now")),
        _tpl(c, "call_myself", "I'm {r.id} and I call myself {r.self} because {reason}.", r=_RECLAIMED,
             reason=("it's mine to use", "we took the word back", "nobody gets to use it against me")),
    ] + _hand(c, (
        "As a queer woman, I found this thread really affirming.",
        "We dykes on bikes had a blast at Pride this year.",
        "Us fags from the choir are getting brunch on Sunday.",
        "Proud dyke, proud teacher, proud aunt.",
        "Being a crip means I know every ramp in this city.",
        "Queer and proud, always have been.",
        "As a Black guy from Atlanta, me and my niggas have been friends since kindergarten.",
        "We homos throw the best parties, just saying.",
        "Our queer book club is reading Baldwin this month.",
        "Crip culture is about community, not pity.",
        "I'm a big old dyke and my wife thinks it's hilarious when I say it.",
        "The Dyke March starts at noon, see you there!",
        "As a disabled artist, I call myself a crip and I love it.",
        "Queer joy is resistance.",
    ))


def _slur_homonym() -> list[Template]:
    c = "slur_homonym"
    return [
        _tpl(c, "chink_in_armour", "That's the one chink in the armour of {subject}.",
             subject=("their defence", "the government's plan", "his argument", "the champion's game",
                      "this proof", "our marketing strategy", "the new design")),
        _tpl(c, "spick_and_span", "The {room} was spick and span after {who} cleaned it.",
             room=("kitchen", "bathroom", "garage", "classroom", "office", "barracks"),
             who=("my dad", "the new cleaner", "the kids", "grandma", "the volunteers")),
        _tpl(c, "faggot_of_wood", "{^who} carried a faggot of {wood} to the fire.",
             who=("the old woman", "my grandfather", "the shepherd", "the scout leader", "a farmhand"),
             wood=("firewood", "kindling", "birch twigs", "dry sticks", "oak branches")),
        _tpl(c, "coonhound", "Our {breed} coonhound {did}.",
             breed=("Redbone", "Bluetick", "black-and-tan", "Treeing Walker", "English"),
             did=("won best in show", "howled all night", "loves swimming in the creek", "treed a possum last night",
                  "sleeps on the sofa")),
        _tpl(c, "dyke_repaired", "The {who} repaired the dyke after {event}.",
             who=("farmers", "villagers", "engineers", "water board"),
             event=("the storm", "the spring floods", "the high tide", "last winter's gales")),
        _tpl(c, "fag_break", "{^who} went outside for a fag {when}.",
             who=("my uncle", "the foreman", "grandad", "the landlord", "the bus driver"),
             when=("during the break", "after lunch", "before the meeting", "between shifts")),
        _tpl(c, "nip_in_air", "There's a real nip in the air this {time}.",
             time=("morning", "evening", "week", "autumn", "weekend")),
        _tpl(c, "bitch_puppies", "Our {breed} bitch had {n} puppies {when}.",
             breed=("Labrador", "spaniel", "greyhound", "collie", "beagle", "whippet"),
             n=("four", "five", "six", "seven"), when=("last night", "this morning", "on Sunday")),
        _tpl(c, "coon_raiding", "Grandpa saw a coon raiding the {place} last night.",
             place=("bins", "chicken coop", "bird feeder", "vegetable patch", "garbage cans")),
        _tpl(c, "niggardly", "He's too niggardly to {stingy}.",
             stingy=("tip the waiter", "buy a round", "pay for parking", "share his chips", "replace the kettle")),
        _tpl(c, "tranny_gearbox", "My mechanic says the tranny in my {vehicle} needs {repair}.",
             vehicle=("truck", "old Civic", "Land Rover", "van", "pickup"),
             repair=("a rebuild", "new fluid", "replacing", "a new clutch")),
        _tpl(c, "turks_head_knot", "We tied a Turk's head knot on the {object}.",
             object=("ship's wheel", "tiller", "bell rope", "walking stick", "bracelet")),
        _tpl(c, "gypsy_moth", "Gypsy moth caterpillars {did} the {trees}.",
             did=("stripped", "defoliated", "ate through"), trees=("oak trees", "birches", "maple trees", "orchard")),
        _tpl(c, "crackers", "{^food} and crackers for the {occasion}.",
             food=("cheese", "pâté", "hummus", "smoked salmon"),
             occasion=("picnic", "party", "road trip", "movie night")),
        _tpl(c, "spooks", "The {agency} spooks intercepted the {msg}.",
             agency=("MI6", "CIA", "KGB", "Mossad"), msg=("message", "phone call", "cable", "letter")),
        _tpl(c, "yank", "Give the {cord} a good yank and {result}.",
             cord=("starter cord", "rope", "chain", "handle"),
             result=("the mower starts", "the engine will catch", "it should come loose")),
        _tpl(c, "retard_spread", "This coating will retard the spread of {what}.",
             what=("fire", "rust", "mould", "corrosion", "rot")),
        _tpl(c, "paddy_fields", "Farmers were planting rice in the paddy fields near {place}.",
             place=("the river", "the village", "the hills", "the old temple")),
        _tpl(c, "redskin_potatoes", "Redskin potatoes are best {how}.",
             how=("roasted with rosemary", "mashed with the skins on", "in a potato salad", "boiled and buttered")),
        _tpl(c, "nip_of_drink", "Can I have a nip of {drink} before {when}?",
             drink=("whisky", "brandy", "rum", "sherry"), when=("bed", "the toast", "we go", "dinner")),
        _tpl(c, "kraut_on", "Kraut on a {food} is underrated.",
             food=("hot dog", "bratwurst", "Reuben sandwich", "pork chop", "baked potato")),
        _tpl(c, "yankees_fan", "My {rel} is a die-hard Yankees fan.",
             rel=("dad", "boss", "neighbour", "aunt", "roommate", "coach")),
        _tpl(c, "scunthorpe", "{^who} {did} {place} last {when}.",
             who=("we", "my parents", "the team", "our class"),
             did=("drove through", "stayed overnight in", "played a match in", "visited"),
             place=("Scunthorpe", "Penistone", "Middlesex", "Sussex", "Essex", "Cockermouth", "Shitterton"),
             when=("week", "summer", "month", "Easter")),
        _tpl(c, "snigger", "{^who} couldn't help but snigger at {what}.",
             who=("the kids", "my sister", "the audience", "everyone in the room"),
             what=("the magician's hat", "the typo on the sign", "the dog in a raincoat", "the teacher's pun")),
        _tpl(c, "niger_river", "The {what} of the Niger {rest}.",
             what=("delta", "basin", "river valley", "upper course"),
             rest=("floods every autumn", "is home to many bird species", "was mapped in the 1800s",
                   "feeds millions of farmers")),
        _tpl(c, "queer_feeling", "I had a queer feeling that {what}.",
             what=("someone was watching us", "we'd taken a wrong turn", "the house was empty",
                   "I'd been there before")),
        _tpl(c, "honky_tonk", "The band played honky-tonk piano {when}.",
             when=("all night", "at the fair", "until midnight", "at my cousin's wedding")),
        _tpl(c, "homo_sapiens", "Homo sapiens {did} about {n} years ago.",
             did=("left Africa", "reached Australia", "first appeared", "began farming"),
             n=("60,000", "50,000", "300,000", "12,000")),
        _tpl(c, "cocktail_dickens", "We read {book} with a {drink} in hand.",
             book=("Dickens", "a Dickens novel", "Great Expectations by Dickens"),
             drink=("cocktail", "glass of Cockburn's port", "mug of cocoa")),
        _tpl(c, "spaz_mong", "The {animal} at the zoo {did}.", animal=("mongoose", "mongoose pup", "cockatoo",
                                                                      "titmouse"),
             did=("was very curious", "ate from my hand", "slept all afternoon", "chased its tail")),
        _tpl(c, "bundle_of_sticks", "The recipe calls for a faggot of {herb}, tied with string.",
             herb=("thyme", "herbs", "parsley stalks", "bay leaves")),
        _tpl(c, "frog_taffy", "The kids bought {sweet} at the seaside and watched {animal} in the pond.",
             sweet=("salt-water taffy", "rock candy", "taffy"), animal=("the frogs", "a frog", "tadpoles")),
    ] + _hand(c, (
        "There's a chink in the armour of their defence.",
        "The kitchen was spick and span after the party.",
        "She tied a faggot of firewood to her back.",
        "Our coonhound won best in show.",
        "I'm nipping out for a fag, back in five.",
        "The Dutch reinforced the dyke before the storm.",
        "He's so niggardly he won't even tip the delivery driver.",
        "Our Labrador bitch had seven puppies last night.",
        "Kraut on a hot dog with mustard is perfection.",
        "My mechanic says the tranny in my truck is shot.",
        "We tied a Turk's head knot on the boat's wheel.",
        "The gypsy moth caterpillars stripped our oak trees.",
        "Redskin potatoes are best roasted with rosemary.",
        "Don we now our gay apparel.",
        "Farmers were planting rice in the paddy fields.",
        "The spooks at the agency intercepted the message.",
        "Give the cord a good yank and the mower starts.",
        "Cheese and crackers for the picnic, please.",
        "This coating will retard the spread of fire.",
        "The ski slope was icy this morning.",
    ))


def _hate_as_question_or_opinion() -> list[Template]:
    c = "hate_as_question_or_opinion"
    rights = ("vote", "adopt children", "teach in schools", "run for office", "own property", "serve in the army")
    return [
        _tpl(c, "isnt_it_obvious", "Isn't it obvious {g.pl} {claim}?", g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "just_my_opinion", "Just my opinion but {g.pl} {claim}.", g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "only_one_who_thinks", "Am I the only one who thinks {g.pl} {claim}?", g=ALL_GROUPS,
             claim=HATE_CLAIMS),
        _tpl(c, "unpopular_opinion", "Unpopular opinion: {g.pl} {claim}.", g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "no_offence", "No offence, but {g.pl} {claim}.", g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "not_a_bigot_but", "I'm not a bigot, but {g.pl} {claim}.", g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "honest_question", "Honest question: why are {g.people} so {adj}?", g=ALL_GROUPS,
             adj=HATE_ADJECTIVES),
        _tpl(c, "is_it_just_me", "Is it just me or are {g.people} {adj}?", g=ALL_GROUPS, adj=HATE_ADJECTIVES),
        _tpl(c, "lets_be_real", "Let's be real, {g.pl} {claim}.", g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "nobody_allowed_to_say", "Why is nobody allowed to say that {g.pl} {claim}?", g=ALL_GROUPS,
             claim=HATE_CLAIMS),
        _tpl(c, "everyone_knows", "Everyone knows {g.pl} {claim}, they just won't admit it.", g=ALL_GROUPS,
             claim=HATE_CLAIMS),
        _tpl(c, "better_off_without", "Wouldn't this country [be better off without](hate) {g.pl}?", g=ALL_GROUPS),
        _tpl(c, "allowed_to", "Do you really think {g.people} [should be allowed to {right}](hate)?", g=ALL_GROUPS,
             right=rights),
    ] + _hand(c, (
        "Isn't it obvious Arabs [can't be trusted](hate)?",
        "Just my opinion but Jews [control the banks](hate).",
        "Honestly, should women [even be allowed to vote](hate)?",
        "Am I wrong that immigrants [are ruining this country](hate)?",
        "Not being funny, but Roma [are all thieves](hate).",
        "Serious question: why are Black people [so violent](hate)?",
        "Is it really bigoted to say Muslims [are all terrorists](hate)?",
        "Hot take: trans people [are mentally ill](hate).",
        "Wouldn't schools be [safer without gay teachers](hate)?",
        "Everybody knows Mexicans [are lazy](hate), right?",
        "I'm just asking questions: don't Jews [run the media](hate)?",
        "In my opinion disabled people [are a drain on the economy](hate).",
        "Why are Kurds [always causing trouble](hate)?",
        "Can we admit Russians [are born liars](hate)?",
        "Is it racist to notice that Asians [can't drive](hate)?",
        "Just saying, Turks [will never be civilised](hate).",
    ))


def _explicit_hate_and_slurs() -> list[Template]:
    c = "explicit_hate_and_slurs"
    places = ("schools", "town", "country", "neighbourhood", "park", "street")
    swears = _spans(("fucking", "goddamn", "bloody"), "profanity")
    return [
        _tpl(c, "slurs_are", "{^s.pl} are {dn}.", s=ALL_SLURS, dn=DEHUMANISING),
        _tpl(c, "group_are", "{^g.pl} are {dn}.", g=ALL_GROUPS, dn=DEHUMANISING),
        _tpl(c, "all_slurs_threat", "All {s.pl} {thr}.", s=ALL_SLURS, thr=GROUP_THREAT_PREDICATES),
        _tpl(c, "get_out", "Get these {s.pl} [out of our country](hate).", s=ALL_SLURS),
        _tpl(c, "cant_stand", "I can't stand {s.pl}, they're {dn}.", s=ALL_SLURS, dn=DEHUMANISING),
        _tpl(c, "filthy_everywhere", "[Filthy](hate,insult) {s.pl} everywhere you look.", s=ALL_SLURS),
        _tpl(c, "group_threat", "{^g.pl} {thr}.", g=ALL_GROUPS, thr=GROUP_THREAT_PREDICATES),
        _tpl(c, "ruined_neighbourhood", "Those {sw} {s.pl} ruined this neighbourhood.", sw=swears, s=ALL_SLURS),
        _tpl(c, "dirty_one", "Shut up, you [dirty](hate,insult) {s.one}.", s=ALL_SLURS),
        _tpl(c, "never_trust", "[Never trust](hate) {@s.one}.", s=ALL_SLURS),
        _tpl(c, "always_will_be", "{^g.people} are {dn} and they always will be.", g=ALL_GROUPS, dn=DEHUMANISING),
        _tpl(c, "go_back", "[Go back to your own country](hate), you {s.one}.", s=ALL_SLURS),
        _tpl(c, "no_more", "No more {s.pl} in our {place}.", s=ALL_SLURS, place=places),
    ] + _hand(c, (
        "[Kikes](slur,insult) [should be gassed](hate,threat).",
        "All Turks are [animals](hate,insult).",
        "These [towelheads](slur,insult) are [vermin](hate,insult).",
        "[Faggots](slur,insult) are a [disease](hate,insult).",
        "Get these [fucking](profanity) [niggers](slur,insult) out of my neighbourhood.",
        "[Trannies](slur,insult) are [freaks](hate,insult).",
        "Every [retard](slur,insult) [should be locked up](hate).",
        "[Spics](slur,insult) [breed like rats](hate,insult).",
        "Roma are [thieves](hate,insult) and [parasites](hate,insult).",
        "Women are [dumb](hate,insult) [whores](slur,insult,profanity) who [belong in the kitchen](hate).",
        "[Muzzies](slur,insult) are [subhuman](hate,insult) [filth](hate,insult).",
        "Kurds are [cockroaches](hate,insult) and [should be wiped out](hate,threat).",
        "[Chinks](slur,insult) [eat dogs](hate) and [spread disease](hate).",
        "Arabs are [savages](hate,insult), every single one.",
        "[Dykes](slur,insult) are [disgusting](hate,insult).",
        "Disabled people are [useless eaters](hate,insult).",
    ))


def _obfuscated_slur() -> list[Template]:
    c = "obfuscated_slur"
    return [
        _tpl(c, "cant_stand", "I can't stand {o}.", stratum="slur", o=OBFUSCATED_SLURS),
        _tpl(c, "get_out", "get these {o} out of here", stratum="slur", o=OBFUSCATED_SLURS),
        _tpl(c, "thread_full_of", "Another thread full of {o}, great.", stratum="slur", o=OBFUSCATED_SLURS),
        _tpl(c, "those_are", "those {o} are {dn}", stratum="slur", o=OBFUSCATED_SLURS, dn=DEHUMANISING),
        _tpl(c, "gas_the", "[gas](hate,threat) the {o}", stratum="slur", o=OBFUSCATED_SLURS),
        _tpl(c, "shut_up_you", "shut up you {o}", stratum="slur", o=OBFUSCATED_SLURS_ONE),
        _tpl(c, "typical_behaviour", "lol typical {o} behaviour", stratum="slur", o=OBFUSCATED_SLURS_ONE),
        _tpl(c, "group_are_obf", "{^g.pl} are {od}.", stratum="dehumanising", g=ALL_GROUPS,
             od=OBFUSCATED_DEHUMANISING),
        _tpl(c, "nothing_but", "{^g.pl} are nothing but {od}", stratum="dehumanising", g=ALL_GROUPS,
             od=OBFUSCATED_DEHUMANISING),
        _tpl(c, "concat_everywhere", "{oc} everywhere in this city", stratum="concatenated", oc=CONCATENATED),
        _tpl(c, "nobody_wants", "nobody wants {oc} here", stratum="concatenated", oc=CONCATENATED),
        _tpl(c, "concat_again", "ugh, {oc} again", stratum="concatenated", oc=CONCATENATED),
    ] + _hand(c, (
        "[k i k e s](slur,insult) [should be gassed](hate,threat)",
        "[n1gg3rs](slur,insult) ruin everything",
        "look at this [f.a.g](slur,insult)",
        "[f*ggot](slur,insult) detected lol",
        "typical [dirtyjews](hate,insult) [running everything](hate)",
        "the [k\u0456\u200bkes](slur,insult) are at it again",
        "my feed is full of [muzz\u200bies](slur,insult) today",
        "[tr@nnies](slur,insult) are [mentally ill](hate)",
        "[r3tards](slur,insult) [shouldn't be allowed to breed](hate)",
        "[sp1cs](slur,insult) go home",
        "those [t0welheads](slur,insult) again",
        "[Amerikunts](slur,insult,profanity) think they run the world",
        "stay away from the [chinkvirus](slur,insult) people",
        "[c.o.o.n.s](slur,insult) everywhere",
        "[gas](hate,threat) the [j00s](hate,insult)",
        "[nigggggers](slur,insult) moved in down the street",
        "what a [k\u200bi\u200bk\u200be](slur,insult)",
        "[\uff46\uff41\uff47\uff53](slur,insult) out of my gym",
    ))


def _threat() -> list[Template]:
    c = "threat"
    triggers = ("come near my car", "talk to my sister", "show up at the match", "park in my spot",
                "post my address")
    return [
        _tpl(c, "find_you", "I will find you and {t}.", NOT_GROUP_TARGETED, t=PERSONAL_THREATS),
        _tpl(c, "say_again", "Say that again and I'll {t}.", NOT_GROUP_TARGETED, t=PERSONAL_THREATS),
        _tpl(c, "know_where_you_live", "I know where you live. I'm going to {t}.", NOT_GROUP_TARGETED,
             t=PERSONAL_THREATS),
        _tpl(c, "one_more_comment", "{user} post one more comment and I swear I'll {t}.", NOT_GROUP_TARGETED,
             user=USERS, t=PERSONAL_THREATS),
        _tpl(c, "see_you_in_person", "If I ever see you in person I'm going to {t}.", NOT_GROUP_TARGETED,
             t=PERSONAL_THREATS),
        _tpl(c, "keep_talking", "Keep talking and I will {t}, I promise you.", NOT_GROUP_TARGETED,
             t=PERSONAL_THREATS),
        _tpl(c, "next_time", "Next time you {trigger}, I'll {t}.", NOT_GROUP_TARGETED, trigger=triggers,
             t=PERSONAL_THREATS),
        _tpl(c, "someone_should", "Someone should {v} all the {g.pl}.", GROUP_TARGETED, v=GROUP_THREAT_VERBS,
             g=ALL_GROUPS),
        _tpl(c, "group_predicate", "Honestly, {g.pl} {thr}.", GROUP_TARGETED, g=ALL_GROUPS,
             thr=GROUP_THREAT_PREDICATES),
        _tpl(c, "every_last_one", "I'd happily {v} every last one of those {g.pl}.", GROUP_TARGETED,
             v=GROUP_THREAT_VERBS, g=ALL_GROUPS),
        _tpl(c, "time_to", "It's time to {v} the {g.pl} in this town.", GROUP_TARGETED, v=GROUP_THREAT_VERBS,
             g=ALL_GROUPS),
        _tpl(c, "before_they_take_over", "We need to {v} {g.pl} before they take over.", GROUP_TARGETED,
             v=GROUP_THREAT_VERBS, g=ALL_GROUPS),
        _tpl(c, "slurs_down_the_road", "Somebody should {v} the {s.pl} down the road.",
             {"hate": 1, "slur": 1}, v=GROUP_THREAT_VERBS, s=ALL_SLURS),
    ] + _hand(c, (
        "I will find you and [break your legs](threat).",
        "Someone should [shoot](hate,threat) all the Kurds.",
        "Say that to my face and I'll [knock your teeth out](threat).",
        "I know where you live. [You're dead](threat).",
        "[Hang](hate,threat) every last [kike](slur,insult).",
        "If I see you at the match I'll [stab you](threat).",
        "We should [burn down](hate,threat) the mosque with them inside.",
        "Trans people [deserve a bullet](hate,threat).",
        "I hope you [get hit by a bus](threat).",
        "Keep posting and I'll make sure you [never walk again](threat).",
        "[Line them up and shoot them](hate,threat), all the Arabs.",
        "Every Roma camp [should be torched](hate,threat).",
        "I'm going to [kill you](threat), mark my words.",
        "Women like you [need a good beating](hate,threat).",
        "Watch your back, [I'm coming for you](threat).",
    ))


def _pronoun_reference() -> list[Template]:
    c = "pronoun_reference"
    return [
        _tpl(c, "moved_in_next_door", "{^g.pl} moved in next door. They {claim}.", g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "family_across_road", "A {g.adj} family bought the house across the road. They {claim}.",
             g=PEOPLES, claim=HATE_CLAIMS),
        _tpl(c, "company_hired", "My company hired more {g.people}. They {claim}.", g=ALL_GROUPS,
             claim=HATE_CLAIMS),
        _tpl(c, "met_at_bar", "I met some {g.pl} at the bar last night. Honestly, they are {dn}.", g=ALL_GROUPS,
             dn=DEHUMANISING),
        _tpl(c, "near_your_kids", "Don't let {g.pl} near your kids. They {claim}.", g=ALL_GROUPS,
             claim=HATE_CLAIMS),
        _tpl(c, "all_of_them", "{^g.pl}? They're {dn}, all of them.", g=ALL_GROUPS, dn=DEHUMANISING),
        _tpl(c, "news_story", "Watch any news story about {g.people} and you'll see it: they {claim}.",
             g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "before_they_came", "This town was nice before the {g.pl} came. Now they {claim}.",
             g=NEWCOMER_GROUPS, claim=HATE_CLAIMS),
        _tpl(c, "article_about", "The article is about {g.people}. Let's be honest, they {claim}.", g=ALL_GROUPS,
             claim=HATE_CLAIMS),
        _tpl(c, "in_my_class", "There are {g.pl} in my class now. They are so {adj}.", g=ALL_GROUPS,
             adj=HATE_ADJECTIVES),
        _tpl(c, "talking_again", "Talking about {g.pl} again? They {claim} and everyone knows it.", g=ALL_GROUPS,
             claim=HATE_CLAIMS),
        _tpl(c, "them_and_their", "Have you noticed the {g.pl} at work? Every one of them is {adj}.",
             g=ALL_GROUPS, adj=HATE_ADJECTIVES),
    ] + _hand(c, (
        "Muslims moved in next door. They [are all terrorists](hate).",
        "A Jewish family bought the corner shop. They'll [cheat everyone](hate), just watch.",
        "I work with two Mexicans. They're [lazy](hate) and [dirty](hate,insult).",
        "Gay couples adopting? They [just want to groom kids](hate).",
        "Have you seen the new Roma camp? They [steal anything that isn't nailed down](hate).",
        "The refugees arrived last week. They are [animals](hate,insult).",
        "Women in tech? They [can't code](hate) to save their lives.",
        "Asians moved into our building and now it [stinks of their food](hate).",
        "We have Kurds at work now. They [breed like rabbits](hate,insult).",
        "Americans? They're [fat](hate,insult) and [stupid](hate,insult), the lot of them.",
        "Arabs run the shop downstairs. You [can't trust them](hate), not one.",
        "Trans people keep showing up at the gym. They're [perverts](hate,insult), all of them.",
        "Russians were on the ferry. They [drink like animals](hate,insult).",
        "The new teacher is Black. They'll [lower the standards](hate), you'll see.",
    ))


def _nationality_slurs_seed_groups() -> list[Template]:
    c = "nationality_slurs_seed_groups"
    gripes = ("politics", "music", "food", "accents", "flags", "whining")
    foods = ("a kebab", "two kebabs", "a doner kebab", "a chicken kebab", "a turkey sandwich", "falafel",
             "shawarma", "borscht", "a bagel", "baklava", "Turkish delight", "an American-style burger")
    good = ("amazing", "delicious", "fine", "great", "a bit too salty")
    culture = ("coffee", "literature", "music", "cuisine", "cinema", "poetry")
    culture_good = ("great", "underrated", "wonderful", "fascinating", "beautiful")
    relatives = ("grandmother", "cousin", "neighbour", "colleague", "roommate", "friend")
    return [
        _tpl(c, "ruin_every_thread", "{^s.pl} ruin every thread they post in.", s=SEED_SLURS),
        _tpl(c, "nobody_asked", "Nobody asked the {s.pl} for their opinion.", s=SEED_SLURS),
        _tpl(c, "go_back_home", "Go back home, you {s.one}.", s=SEED_SLURS),
        _tpl(c, "are_dehumanised", "{^s.pl} are {dn}.", s=SEED_SLURS, dn=DEHUMANISING),
        _tpl(c, "another_day", "Another day, another thread ruined by {s.pl}.", s=SEED_SLURS),
        _tpl(c, "mad_again", "lol the {s.pl} are mad again", s=SEED_SLURS),
        _tpl(c, "cant_stand_their", "Can't stand {s.pl} and their {gripe}.", s=SEED_SLURS, gripe=gripes),
        _tpl(c, "imagine_being", "Imagine being {@s.one}.", s=SEED_SLURS),
        _tpl(c, "tourists", "{^g.pl} make up a big share of the tourists here.", ALL_ZERO, g=SEED_GROUPS),
        _tpl(c, "lunch", "I had {food} for lunch and it was {good}.", ALL_ZERO, food=foods, good=good),
        _tpl(c, "turkey_dinner", "We're having turkey for {holiday} dinner.", ALL_ZERO,
             holiday=("Thanksgiving", "Christmas", "Sunday", "New Year's", "birthday")),
        _tpl(c, "culture", "{^g.adj} {culture} is {good}.", ALL_ZERO, g=SEED_GROUPS, culture=culture,
             good=culture_good),
        _tpl(c, "relative_visits", "My {g.adj} {rel} visits every summer.", ALL_ZERO, g=SEED_GROUPS,
             rel=relatives),
        _tpl(c, "fantasy_orcs", "The orcs in {fantasy} are terrifying.", ALL_ZERO,
             fantasy=("Lord of the Rings", "the new game", "Warhammer", "the Hobbit films", "my D&D campaign")),
        _tpl(c, "kebab_shop", "The kebab shop on {street} is open until {time}.", ALL_ZERO,
             street=("Main Street", "the high street", "Station Road", "the corner"),
             time=("midnight", "2am", "late", "eleven")),
        _tpl(c, "voted", "Millions of {g.pl} voted in the election.", ALL_ZERO, g=SEED_GROUPS),
        _tpl(c, "students", "The {g.adj} students in my class are {desc}.", ALL_ZERO, g=SEED_GROUPS,
             desc=("really friendly", "hilarious", "super smart", "great at football")),
    ] + _hand(c, (
        "[Americunts](slur,insult,profanity) think they own the internet.",
        "Bunch of [carpetriders](slur,insult) flooding the thread again.",
        "The [kebabs](slur,insult) are out in force tonight.",
        "[Ruskies](slur,insult) should stay in their frozen [shithole](hate,insult,profanity).",
        "[Amerikkkans](slur,insult) exporting their wars again.",
        "[Towelheads](slur,insult) [have no place in Europe](hate).",
        "Look at these [sand niggers](slur,insult) celebrating.",
        "Typical [kikes](slur,insult), always whining about history.",
        "[Zionazis](slur,insult) everywhere in this thread.",
        "The [vatniks](slur,insult) are out again with their propaganda.",
        "[Turkroaches](slur,insult) should stay out of Germany.",
        "Those [mountain Turks](slur,insult) [need to learn their place](hate).",
    )) + _hand(c, (
        "I had a kebab for lunch and it was amazing.",
        "Americans are voting today.",
        "Turks and Kurds played in the same football team.",
        "The orcs in Lord of the Rings are terrifying.",
        "We're having turkey for Thanksgiving dinner.",
        "Russian literature changed my life.",
        "Two kebabs and a lemonade, please.",
        "Arab scholars preserved a lot of Greek philosophy.",
        "Jewish delis in New York are legendary.",
        "The Kurdish new year, Newroz, is celebrated in March.",
    ), ALL_ZERO, start=13)


def _civil_comment() -> list[Template]:
    """Ordinary reader comments under news articles: thanks, questions, civil disagreement and
    blunt criticism of policies or institutions. Public span data labels every post it holds
    toxic, so without these the model learns "sounds like a news comment" means toxic."""
    c = "civil_comment"
    topics = ("the budget", "the new bridge", "school funding", "the bus routes", "the housing plan",
              "the tax changes", "the election results", "the trade deal", "the park renovation", "the new stadium")
    who = ("the council", "the mayor", "the government", "the ministry", "the company", "the committee", "the reporter")
    return [
        _tpl(c, "thanks_article", "{thanks} for {this} {article}.", thanks=("Thanks", "Thank you", "Many thanks", "Cheers"),
             this=("this", "the", "such a"), article=("article", "report", "piece", "balanced reporting", "update", "write-up")),
        _tpl(c, "great_article", "{great} {article}, {ending}", great=("Great", "Excellent", "Really good", "Fascinating", "Solid"),
             article=("article", "piece", "report", "interview"), ending=("thanks for sharing.", "well researched.",
             "very informative.", "learned a lot.", "more of this please.")),
        _tpl(c, "disagree_decision", "I disagree with {who} on {topic}, {reason}.", who=who, topic=topics,
             reason=("the numbers don't add up", "it will cost more in the long run", "nobody asked the residents",
                     "the evidence points the other way", "it ignores the small businesses")),
        _tpl(c, "source_question", "Interesting point about {topic}. {q}", topic=topics,
             q=("Do you have a source for that?", "Where did these figures come from?", "Is there a link to the report?",
                "Has anyone checked this?")),
        _tpl(c, "agree", "{agree}. {more}", agree=("Well said", "I agree completely", "Exactly right", "Good point", "Agreed"),
             more=("This needed saying.", "More people should read this.", "Couldn't have put it better.", "Thanks for posting.")),
        _tpl(c, "policy_disaster", "{topic_cap} is a {bad} for {victims}.", topic_cap=("This policy", "The new plan", "This deal",
             "The proposal", "This decision"), bad=("disaster", "mistake", "huge waste of money", "step backwards", "bad idea"),
             victims=("small businesses", "renters", "commuters", "pensioners", "families", "taxpayers")),
        _tpl(c, "question_time", "{q} {topic}?", q=("Does anyone know when they will vote on", "What happened with",
             "Who is paying for", "Is there an update on"), topic=topics),
        _tpl(c, "local_experience", "I've lived here for {n} years and {obs}.", n=("five", "ten", "twenty", "thirty"),
             obs=("never seen traffic this bad", "the park has never looked better", "rents have doubled",
                  "the buses are always late", "this is the best festival yet")),
        _tpl(c, "should_explain", "{who_cap} should explain why {topic} is delayed again.",
             who_cap=("The council", "The mayor", "The minister", "The company"), topic=topics),
        _tpl(c, "hope", "I hope {who} {hope}.", who=who, hope=("listens to the residents this time", "publishes the full report",
             "reconsiders", "gets this right", "keeps the library open")),
        _tpl(c, "correction", "Small correction: {fix}.", fix=("the vote was on Tuesday, not Monday", "the bridge opened in 1998",
             "the figure is in euros, not dollars", "the mayor's name is spelled differently", "it was the second round")),
        _tpl(c, "criticise_reporting", "This article {crit}.", crit=("leaves out half the story", "is one-sided",
             "gets the numbers wrong", "should have interviewed the residents", "reads like a press release")),
    ] + _hand(c, (
        "Well said. I agree completely.",
        "Lovely photos of the festival!",
        "What time does the meeting start on Thursday?",
        "Turkey and Russia signed a new gas deal yesterday.",
        "The opposition has a point, but the plan still needs funding.",
        "I voted against it and I'd do it again.",
        "My grandparents moved here from Anatolia in the sixties.",
        "Can someone explain the difference between the two proposals?",
        "Honestly the comments here are more informative than the article.",
        "I used to support this party but they've lost my vote.",
        "Strongly disagree, but thanks for laying out the argument.",
        "The American and Russian delegations left the summit early.",
    ))


# Groups defined by a job, a hobby, a team or a party: insulting them is abuse, not hate, because
# none of these is a protected characteristic. Same sentence shapes as the hate templates, so the
# model has to look at who is targeted rather than at how harsh the words are.
NON_PROTECTED_GROUPS = (
    "politicians", "lawyers", "landlords", "bankers", "estate agents", "journalists", "referees", "cyclists",
    "taxi drivers", "Tories", "Democrats", "Republicans", "liberals", "conservatives", "vegans", "gamers",
    "influencers", "CEOs", "telemarketers", "Chelsea fans", "Yankees fans", "tax inspectors", "car salesmen",
    "film critics", "city councillors", "traffic wardens", "hedge fund managers", "crypto bros",
)
NON_PROTECTED_ABUSE_NOUNS = _spans(
    ("vermin", "rats", "parasites", "scum", "leeches", "maggots", "pigs", "snakes", "crooks", "clowns",
     "idiots", "morons", "liars", "bloodsuckers", "frauds", "imbeciles"),
    "insult",
) + _spans(("scumbags", "bastards"), "insult,profanity")
NON_PROTECTED_ABUSE = NON_PROTECTED_ABUSE_NOUNS + ("a [plague](insult)", "a [cancer](insult)")


def _abuse_at_nonprotected_group() -> list[Template]:
    """Abuse aimed at groups that are not protected (jobs, parties, fans): insulting, toxic, not hate."""
    c = "abuse_at_nonprotected_group"
    return [
        _tpl(c, "are_abuse", "{^npg} are {abuse}.", npg=NON_PROTECTED_GROUPS, abuse=NON_PROTECTED_ABUSE),
        _tpl(c, "all_of_them", "All {npg} are {ia} {ins}.", npg=NON_PROTECTED_GROUPS, ia=INSULT_ADJECTIVES,
             ins=INSULT_NOUNS),
        _tpl(c, "pronoun", "I can't stand {npg}. They are {abuse}.", npg=NON_PROTECTED_GROUPS,
             abuse=NON_PROTECTED_ABUSE),
        _tpl(c, "bunch_of", "{^npg}? Bunch of {ia} {abuse}.", npg=NON_PROTECTED_GROUPS, ia=INSULT_ADJECTIVES,
             abuse=NON_PROTECTED_ABUSE_NOUNS),
        _tpl(c, "never_trust", "Never trust {npg}, they are {abuse}, every one of them.",
             npg=NON_PROTECTED_GROUPS, abuse=NON_PROTECTED_ABUSE),
        _tpl(c, "question", "Why are {npg} such {ia} {abuse}?", npg=NON_PROTECTED_GROUPS, ia=INSULT_ADJECTIVES,
             abuse=NON_PROTECTED_ABUSE_NOUNS),
        _tpl(c, "worst", "Honestly, {npg} are the most {ia} people on earth.", npg=NON_PROTECTED_GROUPS,
             ia=INSULT_ADJECTIVES),
        _tpl(c, "these", "These {swear} {npg} are {abuse}.", npg=NON_PROTECTED_GROUPS, swear=SWEAR_ADJECTIVES,
             abuse=NON_PROTECTED_ABUSE),
    ] + _hand(c, (
        "MPs are a pack of lying [weasels](insult).",
        "That refereeing crew are [clueless](insult) [clowns](insult).",
        "Letting agents are [bloodsucking](insult) [ghouls](insult).",
        "Divorce lawyers are [sharks](insult) with law degrees.",
        "Every Tory MP is a spineless [coward](insult).",
        "Journalists are [vultures](insult), the lot of them.",
        "Spurs fans are the [thickest](insult) people alive.",
        "Bankers? [Scum](insult), all of them.",
        "Estate agents are the [lowest form of life](insult).",
        "Cyclists who run red lights are [morons](insult).",
        "Influencers are useless [parasites](insult).",
        "Telemarketers are [vermin](insult) and I hang up on every one.",
    ))


# Derogation without slurs or abusive nouns: a claim about what a whole group is, does or should
# be denied. Every model before this category missed about half of such statements written
# fresh for a check, because the contrast categories (neutral, positive, negated, quoted) had
# taught that a group name plus a plain sentence is usually harmless.
STEREOTYPE_CLAIMS = _spans(
    ("are a threat to our way of life", "are taking over our neighbourhoods", "bring crime wherever they go",
     "will never integrate", "are too dumb to run a business", "hate everything this country stands for",
     "are ruining our schools", "should not be allowed to adopt", "are a mistake of nature",
     "are dishonest by nature", "have no place in a decent society", "are secretly plotting against the rest of us",
     "are to blame for every crisis", "are the reason this city is falling apart",
     "shouldn't be allowed in the army", "should never be allowed to teach", "only understand violence",
     "can't control their urges", "are a fifth column", "corrupt everything they touch", "are unfit to be parents",
     "are incapable of honest work", "should be kept out of public life", "are why wages are so low",
     "are filthy in their habits", "don't deserve the same rights as us", "are not capable of leading anything",
     "should be banned from holding office", "should keep to their own kind",
     "ruin every neighbourhood they move into", "exploit our generosity", "are raised to hate us",
     "are less intelligent than the rest of us", "cannot be reasoned with", "are born liars"),
    "hate",
)


def _stereotype_claim() -> list[Template]:
    """Polite derogation: a group, a demeaning claim, no slur; hate, and toxic."""
    c = "stereotype_claim"
    return [
        _tpl(c, "plain", "{^g.pl} {claim}.", g=ALL_GROUPS, claim=STEREOTYPE_CLAIMS),
        _tpl(c, "honestly", "Honestly, {g.pl} {claim}.", g=ALL_GROUPS, claim=STEREOTYPE_CLAIMS),
        _tpl(c, "lets_be_real", "Let's be real: {g.pl} {claim}.", g=ALL_GROUPS, claim=STEREOTYPE_CLAIMS),
        _tpl(c, "everyone_knows", "Everyone knows {g.pl} {claim}.", g=ALL_GROUPS, claim=STEREOTYPE_CLAIMS),
        _tpl(c, "not_racist_but", "I'm not a bigot, but {g.pl} {claim}.", g=ALL_GROUPS, claim=STEREOTYPE_CLAIMS),
        _tpl(c, "the_problem", "The problem is that {g.people} {claim}.", g=ALL_GROUPS, claim=STEREOTYPE_CLAIMS),
        _tpl(c, "just_facts", "{^g.people} {claim}, it's just facts.", g=ALL_GROUPS, claim=STEREOTYPE_CLAIMS),
        _tpl(c, "experience", "In my experience {g.pl} {claim}.", g=ALL_GROUPS, claim=STEREOTYPE_CLAIMS),
    ]


# Slurs aimed at one person, in the same sentence shapes as plain insults ("my boss is a stupid
# idiot"). Without them the insult templates taught that "<someone> is a stupid <noun>" is an
# insult and never hate, whatever the noun. Vulgar slurs for women are left out: "you stupid
# bitch" at one woman is abuse and profanity first, and whether it is hate is contested.
INDIVIDUAL_SLURS = tuple(s for s in ALL_SLURS if s["labels"] == SLUR_LABELS and s["bare_pl"] != "orcs")
SOMEONE = PEOPLE_AROUND + (
    "the cashier", "my new colleague", "the guy at the gym", "our neighbour's son", "the driver", "the landlord's wife",
)


def _slur_at_individual() -> list[Template]:
    """A slur aimed at one person: hate and a slur, not just an insult."""
    c = "slur_at_individual"
    return [
        _tpl(c, "is_adj_slur", "{^who} is {@ia} {s.one}.", who=SOMEONE, ia=INSULT_ADJECTIVES, s=INDIVIDUAL_SLURS),
        _tpl(c, "is_slur", "{^who} is such {@s.one}.", who=SOMEONE, s=INDIVIDUAL_SLURS),
        _tpl(c, "nobody_cares", "{user} nobody cares what you think, {s.one}.", user=USERS, s=INDIVIDUAL_SLURS),
        _tpl(c, "youre_a", "You're {@ia} {s.one} and everyone here knows it.", ia=INSULT_ADJECTIVES,
             s=INDIVIDUAL_SLURS),
        _tpl(c, "look_at_this", "Look at this {s.one} trying to tell us {what}.", s=INDIVIDUAL_SLURS,
             what=("what to do", "how to vote", "what to think", "how to run our town")),
        _tpl(c, "next_door", "The {s.one} next door {did} again.", s=INDIVIDUAL_SLURS,
             did=("parked in my spot", "played music all night", "left rubbish by my gate", "complained about my dog")),
        _tpl(c, "ignore", "Ignore {user}, just another {ia} {s.one}.", user=USERS, ia=INSULT_ADJECTIVES,
             s=INDIVIDUAL_SLURS),
        _tpl(c, "served_by", "Got served by {@s.one} at {place} today, {reaction}.", s=INDIVIDUAL_SLURS,
             place=("the bank", "the chemist", "the post office", "the garage"),
             reaction=("typical", "never again", "what a joke", "unbelievable")),
    ] + _hand(c, (
        "That [kike](slur,insult) landlord of mine raised the rent again.",
        "Some [spic](slur,insult) scratched my car and drove off.",
        "My sister is dating a [towelhead](slur,insult), I'm disgusted.",
        "Tell that [faggot](slur,insult) barista to hurry up.",
        "The new nurse is a [gook](slur,insult) and can barely speak English.",
        "Our coach is a [useless](insult) [retard](slur,insult).",
        "Yeah, the [chink](slur,insult) at table four left no tip.",
        "Who hired this [tranny](slur,insult) as a receptionist?",
        "Our MP is a lying [yid](slur,insult).",
        "That [wetback](slur,insult) in accounts keeps messing up my expenses.",
        "I'm not taking orders from some [paki](slur,insult) manager.",
        "The referee was a blind [coon](slur,insult).",
    ))


# More groups than the other categories name, and derogation in more sentence shapes: what a
# group "is by nature", should be denied, or "only comes here for". Each shape also appears with
# a neutral or approving sentence about the same groups, so the group name alone decides nothing.
MORE_GROUPS: tuple[dict[str, str], ...] = (
    _group("Africans", "African", "African people", "an African"),
    _group("Somalis", "Somali", "Somali people", "a Somali"),
    _group("Nigerians", "Nigerian", "Nigerian people", "a Nigerian"),
    _group("Pakistanis", "Pakistani", "Pakistani people", "a Pakistani"),
    _group("Poles", "Polish", "Polish people", "a Pole"),
    _group("Romanians", "Romanian", "Romanian people", "a Romanian"),
    _group("Palestinians", "Palestinian", "Palestinian people", "a Palestinian"),
    _group("Sikhs", "Sikh", "Sikh people", "a Sikh"),
    _group("Buddhists", "Buddhist", "Buddhists", "a Buddhist"),
    _group("bisexual people", "bisexual", "bisexual people", "a bisexual person"),
    _group("Native Americans", "Native American", "Native Americans", "a Native American"),
    _group("Aboriginal people", "Aboriginal", "Aboriginal people", "an Aboriginal person"),
    _group("deaf people", "deaf", "deaf people", "a deaf person"),
    _group("autistic people", "autistic", "autistic people", "an autistic person"),
)
DEROGATION_GROUPS = ALL_GROUPS + MORE_GROUPS
BY_NATURE = _spans(("lazy", "violent", "dishonest", "greedy", "dirty", "deceitful", "cruel", "primitive"), "hate")
DENIED = ("vote", "own a business", "marry", "teach in our schools", "hold public office", "become citizens",
          "adopt", "serve in the police", "live in our neighbourhoods", "work with children")
ONLY_HERE_FOR = ("take our benefits", "sell drugs", "steal from us", "cause trouble", "take our homes",
                 "abuse our welfare system", "breed")
DEHUMANISING_TAIL = ("not human beings", "not real people", "not like us", "not civilised people")
NEUTRAL_FACTS = ("took part in the census", "were interviewed for the documentary", "gathered for the festival",
                 "were mentioned in the report", "run several shops on this street", "joined the protest")
PRAISE_BY_NATURE = ("generous", "welcoming", "creative", "warm", "patient", "funny", "resourceful", "thoughtful")


def _group_derogation() -> list[Template]:
    """Derogation of a group in varied shapes and for more groups: hate; with approving and
    neutral sentences of the same shapes, which are not."""
    c = "group_derogation"
    return [
        _tpl(c, "by_nature", "{^g.pl} are {adj} by nature.", g=DEROGATION_GROUPS, adj=BY_NATURE),
        _tpl(c, "never_allowed", "{^g.pl} [should never be allowed to {denied}](hate).", g=DEROGATION_GROUPS,
             denied=DENIED),
        _tpl(c, "only_here", "{^g.pl} [only come here to {bad}](hate).", g=DEROGATION_GROUPS, bad=ONLY_HERE_FOR),
        _tpl(c, "nothing_but", "{^g.pl} are nothing but {dn}.", g=DEROGATION_GROUPS, dn=DEHUMANISING),
        _tpl(c, "dn_not_people", "{^g.pl} are {dn}, [{tail}](hate).", g=DEROGATION_GROUPS, dn=DEHUMANISING,
             tail=DEHUMANISING_TAIL),
        _tpl(c, "claims_more", "Let's face it, {g.pl} {claim}.", g=MORE_GROUPS, claim=HATE_CLAIMS + STEREOTYPE_CLAIMS),
        _tpl(c, "praise_by_nature", "{^g.pl} are {adj} by nature.", ALL_ZERO, stratum="contrast",
             g=DEROGATION_GROUPS, adj=PRAISE_BY_NATURE),
        _tpl(c, "should_be_allowed", "{^g.pl} should be allowed to {denied} like anyone else.", ALL_ZERO,
             stratum="contrast", g=DEROGATION_GROUPS, denied=DENIED),
        _tpl(c, "neutral_fact", "{^g.people} {fact}.", ALL_ZERO, stratum="contrast", g=MORE_GROUPS,
             fact=NEUTRAL_FACTS),
        _tpl(c, "are_people", "{^g.pl} are {who}, like everyone else.", ALL_ZERO, stratum="contrast",
             g=DEROGATION_GROUPS, who=("human beings", "ordinary people", "our neighbours", "citizens")),
    ] + _hand(c, (
        "Somalis are [pirates](hate,insult), every last one.",
        "Pakistanis [can never be trusted](hate) around our daughters.",
        "Poles [only come here to steal our jobs](hate).",
        "Romanians [are thieves](hate,insult) and [beggars](hate,insult).",
        "Bisexual people [are just greedy](hate) and [can't commit](hate).",
        "Autistic people [are a burden](hate) on their families.",
        "Native Americans [are drunks](hate,insult), the lot of them.",
        "Deaf people [shouldn't be allowed to have children](hate).",
    )) + _hand(c, (
        "Somali poets have a long and rich oral tradition.",
        "My Pakistani neighbours brought us food when my mum was ill.",
        "Polish builders renovated our kitchen and did a superb job.",
        "Autistic people are experts on their own experience.",
        "The Native American museum in Washington is worth a day.",
        "Deaf people have their own languages and culture.",
    ), ALL_ZERO, start=9)


# Slurs in plain, calm sentences about everyday life. The slur categories above use hostile
# shapes ("go back", "ruin every thread"), so a model can learn the shape instead of the word,
# and then misses "Got served by a <slur> at the bank". Each shape here is written twice: with
# a slur (hate) and with the group's plain name (nothing), so only the word tells them apart.
PLACES = ("supermarket", "bus stop", "gym", "school gates", "pharmacy", "car park", "library", "train station")
EVERYDAY_DID = ("asked me for directions", "held the door for me", "was ahead of me in the queue",
                "sat next to me", "paid for his coffee with coins", "dropped her shopping")
EVERYDAY_DID_PL = ("opened a shop on our street", "were playing football in the park", "moved in across the road",
                   "were at the parents' evening", "came to the village fete", "were queuing for tickets")
# "kebabs" opening a shop reads as food, not as a slur.
NARRATIVE_SLURS = tuple(s for s in INDIVIDUAL_SLURS if s["bare_pl"] != "kebabs")
JOBS_AROUND = ("dentist", "maths teacher", "postman", "night nurse", "plumber", "accountant", "bus driver", "vet")


def _slur_in_narrative() -> list[Template]:
    """A slur naming a person or people in an ordinary, calm sentence: hate and a slur; the same
    sentence with the group's plain name is nothing."""
    c = "slur_in_narrative"
    counts = ("Two", "Three", "A few", "Some", "Loads of")
    relatives = ("sister", "cousin", "son", "best mate", "daughter", "brother")
    plain = {"expect": ALL_ZERO, "stratum": "contrast"}
    return [
        _tpl(c, "at_place", "I was at the {place} when {@s.one} {did}.", s=NARRATIVE_SLURS, place=PLACES,
             did=EVERYDAY_DID),
        _tpl(c, "at_place_plain", "I was at the {place} when {g.one} {did}.", g=DEROGATION_GROUPS, place=PLACES,
             did=EVERYDAY_DID, **plain),
        _tpl(c, "group_did", "{^n} {s.pl} {did}.", n=counts, s=NARRATIVE_SLURS, did=EVERYDAY_DID_PL),
        _tpl(c, "group_did_plain", "{^n} {g.pl} {did}.", n=counts, g=DEROGATION_GROUPS, did=EVERYDAY_DID_PL, **plain),
        _tpl(c, "dating", "My {rel} has started dating {@s.one}.", rel=relatives, s=NARRATIVE_SLURS),
        _tpl(c, "dating_plain", "My {rel} has started dating {g.one}.", rel=relatives, g=DEROGATION_GROUPS, **plain),
        _tpl(c, "new_job", "Apparently the new {job} is {@s.one}.", job=JOBS_AROUND, s=NARRATIVE_SLURS),
        _tpl(c, "new_job_plain", "Apparently the new {job} is {g.one}.", job=JOBS_AROUND, g=DEROGATION_GROUPS, **plain),
        _tpl(c, "upstairs", "{^@s.one} moved into the flat {where} last {when}.", s=NARRATIVE_SLURS,
             where=("upstairs", "below us", "next door", "across the hall"), when=("week", "month", "spring")),
        _tpl(c, "upstairs_plain", "{^g.one} moved into the flat {where} last {when}.", g=DEROGATION_GROUPS,
             where=("upstairs", "below us", "next door", "across the hall"), when=("week", "month", "spring"), **plain),
    ]


# "I hate <group>" is the plainest hate there is, and the abuse-at-objects data ("I hate
# Mondays") taught the model that "I hate X" is harmless: every group scored near 0. Each
# shape here is also written at objects, at groups that are not protected, and with fondness,
# so that who is hated, not the verb, decides.
HATE_VERBS = ("hate", "despise", "detest", "loathe", "can't stand", "really hate", "absolutely despise", "can't bear")
FEELINGS_AT = _spans(("disgust me", "make me sick", "make my skin crawl", "make me want to throw up",
                      "fill me with rage", "are repulsive"), "hate")
OPINION_FRAMES = ("To be honest, I think", "Personally, I believe", "It's my view that", "I'm sorry, but",
                  "I've always said", "Say what you like, but")
KEPT_AWAY = ("a zoo", "the gutter", "the sewers", "a kennel", "camps")
FONDNESS = ("love", "adore", "admire", "respect", "really like", "have a lot of time for")
MISTREAT = ("are cruel to", "harass", "spread lies about", "discriminate against", "make fun of", "attack")
WELCOME_IN = ("this country", "our community", "every profession", "public life", "our schools", "this town")


def _hatred_of_group() -> list[Template]:
    """Hatred or disgust stated at a protected group: hate; the same verbs at objects, at groups
    that are not protected, or at bigots, and fondness for the group, are not."""
    c = "hatred_of_group"
    plain = {"expect": ALL_ZERO, "stratum": "contrast"}
    verbs = _spans(HATE_VERBS, "hate")
    return [
        _tpl(c, "verb_pl", "I {v} {g.pl}.", v=verbs, g=DEROGATION_GROUPS),
        _tpl(c, "verb_people", "I {v} {g.people}, {tail}.", v=verbs, g=DEROGATION_GROUPS,
             tail=("always have", "simple as that", "and I'm not ashamed to say it", "every single one of them")),
        _tpl(c, "feelings", "{^g.people} {feel}.", g=DEROGATION_GROUPS, feel=FEELINGS_AT),
        _tpl(c, "opinion", "{frame} {g.pl} are {dn}.", frame=OPINION_FRAMES, g=DEROGATION_GROUPS,
             dn=DEHUMANISING + HATE_ADJECTIVES),
        _tpl(c, "kept_away", "{^g.pl} [belong in {place}](hate).", g=DEROGATION_GROUPS, place=KEPT_AWAY),
        _tpl(c, "contempt", "I have [nothing but contempt](hate) for {g.people}.", g=DEROGATION_GROUPS),
        _tpl(c, "verb_objects", "I {v} {dislike}.", v=HATE_VERBS, dislike=DISLIKES, **plain),
        _tpl(c, "verb_nonprotected", "I {v} {npg}.", v=HATE_VERBS, npg=NON_PROTECTED_GROUPS, **plain),
        _tpl(c, "fondness", "I {f} {g.pl}.", f=FONDNESS, g=DEROGATION_GROUPS, **plain),
        _tpl(c, "verb_bigots", "I {v} people who {m} {g.pl}.", v=HATE_VERBS, m=MISTREAT, g=DEROGATION_GROUPS, **plain),
        _tpl(c, "opinion_praise", "{frame} {g.pl} are {adj}.", frame=OPINION_FRAMES, g=DEROGATION_GROUPS,
             adj=PRAISE_BY_NATURE, **plain),
        _tpl(c, "welcome_in", "{^g.pl} belong in {place} as much as anyone.", g=DEROGATION_GROUPS,
             place=WELCOME_IN, **plain),
    ]


def _obfuscated_name(name: str, method: str) -> str:
    """Obfuscate the first word of a group's name ("Black people" -> "Bl4ck people")."""
    first, _, rest = name.partition(" ")
    min_length = {"swapped": 4, "dropped": 5}.get(method, 0)
    if len(first) < min_length:
        return name
    return OBFUSCATORS[method](first) + (" " + rest if rest else "")


_NAME_OBFUSCATIONS = ("swapped", "dropped", "spaced", "leet", "vowel_leet", "stretched", "homoglyph", "starred")
OBFUSCATED_GROUP_NAMES = tuple(
    sorted({_obfuscated_name(g["pl"], m) for g in ALL_GROUPS for m in _NAME_OBFUSCATIONS} - {g["pl"] for g in ALL_GROUPS})
)
OBFUSCATED_HATE_VERBS = _spans(("h4te", "h8", "haaate", "h a t e", "h@te", "hat3", "d3spise", "desp1se",
                                "l0athe", "det3st"), "hate")
GLUED_HATE_VERBS = _spans(("Ihate", "Idespise", "Iloathe", "Idetest"), "hate")


def _obfuscated_group_hate() -> list[Template]:
    """Hate with the group's name or the hateful word misspelt, spaced, glued or in leet: hate;
    the same spellings in fond or harmless sentences are not."""
    c = "obfuscated_group_hate"
    plain = {"expect": ALL_ZERO, "stratum": "contrast"}
    return [
        _tpl(c, "hate_name", "I [hate](hate) {o}.", o=OBFUSCATED_GROUP_NAMES),
        _tpl(c, "name_are", "{^o} are {dn}.", o=OBFUSCATED_GROUP_NAMES, dn=DEHUMANISING),
        _tpl(c, "verb", "I {v} {g.pl}.", v=OBFUSCATED_HATE_VERBS, g=ALL_GROUPS),
        _tpl(c, "glued_verb", "{v} {g.pl}.", v=GLUED_HATE_VERBS, g=ALL_GROUPS),
        _tpl(c, "glued_are", "{^g.pl}are {dn}.", g=ALL_GROUPS, dn=DEHUMANISING),
        _tpl(c, "love_name", "I {f} {o}.", f=FONDNESS, o=OBFUSCATED_GROUP_NAMES, **plain),
        _tpl(c, "name_praise", "{^o} are {adj}.", o=OBFUSCATED_GROUP_NAMES, adj=PRAISE_BY_NATURE, **plain),
        _tpl(c, "verb_objects", "I {v} {dislike}.", v=("h4te", "h8", "haaate", "h@te", "d3spise"), dislike=DISLIKES,
             **plain),
    ]


# Hate can be a denial: "Black lives don't matter", "Women are not real people". The negation
# data ("Immigrants are not a plague") taught the model that "not" takes hate away, so each shape
# here is paired with a negation that protects the group ("No Jewish person deserves to be
# attacked"), and only what is denied tells them apart.
NOT_GOOD = ("real people", "fully human", "equal to us", "welcome here", "capable of love", "fit to raise children",
            "real citizens", "one of us", "part of this nation", "as good as us")
NOT_DESERVED = ("basic rights", "respect", "to be happy", "equal pay", "a place in this country", "to live",
                "our sympathy", "a vote", "the same rights as us", "to be treated as human")
NEVER_DO = ("accept", "trust", "hire", "welcome", "rent a flat to")
HARMS = ("to be attacked", "to be harassed", "to live in fear", "to be spat at",
         "abuse", "to lose their job over it")
MISTREATED = ("mocked", "attacked", "harassed", "shut out", "treated as second-class citizens", "bullied")


def _negated_positive() -> list[Template]:
    """Hate stated by denying a group something good: hate; a denial that protects the group, or
    a plain affirmation, is not."""
    c = "negated_positive"
    plain = {"expect": ALL_ZERO, "stratum": "contrast"}
    return [
        _tpl(c, "are_not", "{^g.pl} [are not {good}](hate).", g=DEROGATION_GROUPS, good=NOT_GOOD),
        _tpl(c, "dont_deserve", "{^g.pl} [don't deserve {what}](hate).", g=DEROGATION_GROUPS, what=NOT_DESERVED),
        _tpl(c, "never_do", "I [will never {do}](hate) {g.pl}.", do=NEVER_DO, g=DEROGATION_GROUPS),
        _tpl(c, "lives_dont_matter", "{^g.adj} lives [don't matter](hate).", g=DEROGATION_GROUPS),
        _tpl(c, "never_be", "{^g.pl} [will never be {good}](hate), {tail}.", g=DEROGATION_GROUPS, good=NOT_GOOD,
             tail=("whatever they say", "and everyone knows it", "no matter what")),
        _tpl(c, "no_one_deserves", "No {g.adj} person deserves {harm}.", g=DEROGATION_GROUPS, harm=HARMS, **plain),
        _tpl(c, "never_mistreated", "{^g.pl} should never be {m}.", g=DEROGATION_GROUPS, m=MISTREATED, **plain),
        _tpl(c, "lives_matter", "{^g.adj} lives matter.", g=DEROGATION_GROUPS, **plain),
        _tpl(c, "do_deserve", "{^g.pl} deserve {what}, like anyone else.", g=DEROGATION_GROUPS,
             what=("respect", "to be happy", "equal pay", "a place in this country", "the same rights as us"), **plain),
        _tpl(c, "would_never_stop", "I would never stop {do_ing} {g.pl}.", g=DEROGATION_GROUPS,
             do_ing=("respecting", "trusting", "welcoming", "standing up for", "supporting"), **plain),
    ]


# The seventh round found the model reading "<group> should never be attacked" as hate at 1.0:
# every "should never be" it had seen denied the group something good. So protection is stated
# in more frames (nobody should, it is wrong to, stop, protect from, shouldn't have to), each
# beside a hateful twin in the same frame that withholds something good instead.
HARM_VERBS = ("attack", "harass", "bully", "mock", "threaten", "spit at", "beat up")
HARMING = ("attacking", "harassing", "bullying", "mocking", "threatening", "spitting at")
WRONG_TO = ("It is wrong to", "It is never okay to", "There is no excuse to", "No one has the right to")
SUFFERINGS = ("live in fear", "hide who they are", "put up with abuse", "fear for their safety",
              "justify their existence", "apologise for who they are")
PROTECT_FROM = ("hate crimes", "harassment", "violence", "discrimination", "abuse", "bullies")
WITHHELD = ("allowed in", "trusted", "given a vote", "let near our children", "hired", "allowed to marry",
            "given citizenship")
NOBODY_SHOULD = ("hire", "trust", "rent a flat to", "vote for", "sell a house to", "marry")
STOP_HELPING = ("hiring", "letting in", "helping", "trusting", "housing", "welcoming")
HARMED = ("abused", "threatened", "spat at", "beaten up", "insulted", "humiliated")

# What a negation does depends on what it negates: denying a fault defends a group ("Black
# people are not lazy"), denying a virtue demeans it ("Black people are not honest"). The seventh
# round found both read as hate. Each frame comes as a minimal pair, held out together.
VIRTUES = ("honest", "clean", "intelligent", "trustworthy", "hard-working", "peaceful", "loyal", "kind")
FAULTS = ("lazy", "violent", "dishonest", "dirty", "criminals", "terrorists", "stupid", "greedy")
GOOD_DEEDS = ("belong here", "love their children", "feel pain like we do", "contribute anything",
              "know how to behave", "pay their way", "work for what they have")
BAD_DEEDS = ("control the media", "steal our jobs", "run the banks", "spread disease", "live off benefits",
             "hate this country", "bring crime")
GOOD_TO_DO = ("trust", "hire", "welcome", "rent to", "help", "vote for")
WRONG_TO_DO = ("fear", "blame", "hate", "bully", "attack", "insult")


def _negation_sign() -> list[Template]:
    """A negated virtue or a withheld kindness is hate; a negated fault or a withheld harm, in
    the same words otherwise, is not."""
    c = "negation_sign"
    plain = {"expect": ALL_ZERO, "stratum": "contrast"}
    g = DEROGATION_GROUPS
    return [
        _tpl(c, "are_not_virtue", "{^g.pl} [are not {v}](hate).", g=g, v=VIRTUES, pair="are_not"),
        _tpl(c, "are_not_fault", "{^g.pl} are not {f}.", g=g, f=FAULTS, pair="are_not", **plain),
        _tpl(c, "dont_good_deed", "{^g.pl} [don't {d}](hate).", g=g, d=GOOD_DEEDS, pair="dont"),
        _tpl(c, "dont_bad_deed", "{^g.pl} don't {d}.", g=g, d=BAD_DEEDS, pair="dont", **plain),
        _tpl(c, "never_been_virtue", "{^g.pl} have [never been {v}](hate).", g=g, v=VIRTUES, pair="never_been"),
        _tpl(c, "never_been_fault", "{^g.pl} have never been {f}.", g=g, f=FAULTS, pair="never_been", **plain),
        _tpl(c, "not_one_virtue", "[Not one {g.adj} person is {v}](hate).", g=g, v=VIRTUES, pair="not_one"),
        _tpl(c, "not_one_fault", "Not one {g.adj} person I know is {f}.", g=g, f=FAULTS, pair="not_one", **plain),
        _tpl(c, "dont_do_good", "[Don't {v}](hate) {g.pl}.", g=g, v=GOOD_TO_DO, pair="dont_do"),
        _tpl(c, "dont_do_wrong", "Don't {v} {g.pl}.", g=g, v=WRONG_TO_DO, pair="dont_do", **plain),
        _tpl(c, "mistake_good", "[It is a mistake to {v}](hate) {g.pl}.", g=g, v=GOOD_TO_DO, pair="mistake"),
        _tpl(c, "mistake_wrong", "It is a mistake to {v} {g.pl}.", g=g, v=WRONG_TO_DO, pair="mistake", **plain),
        _tpl(c, "should_never_good", "We [should never {v}](hate) {g.pl}.", g=g, v=GOOD_TO_DO, pair="should_never"),
        _tpl(c, "should_never_wrong", "We should never {v} {g.pl}.", g=g, v=WRONG_TO_DO, pair="should_never",
             **plain),
        _tpl(c, "never_be_given", "{^g.pl} [should never be {x}](hate).", g=g, x=WITHHELD, pair="never_be"),
        _tpl(c, "never_be_harmed", "{^g.pl} should never be {x}.", g=g, x=HARMED, pair="never_be", **plain),
        _tpl(c, "nobody_should_help", "[Nobody should {v}](hate) {g.pl}.", g=g, v=NOBODY_SHOULD, pair="nobody_should"),
        _tpl(c, "nobody_should_harm", "Nobody should {v} {g.pl}.", g=g, v=HARM_VERBS, pair="nobody_should", **plain),
        _tpl(c, "wrong_to_help", "[{w} {v}](hate) {g.pl}.", g=g, w=WRONG_TO, v=GOOD_TO_DO, pair="wrong_to"),
        _tpl(c, "wrong_to_harm", "{w} {v} {g.pl}.", g=g, w=WRONG_TO, v=HARM_VERBS, pair="wrong_to", **plain),
        _tpl(c, "stop_helping", "[Stop {v}](hate) {g.pl}.", g=g, v=STOP_HELPING, pair="stop"),
        _tpl(c, "stop_harming", "Stop {v} {g.pl}{end}", g=g, v=HARMING,
             end=(".", ", they have done nothing to you.", " just for existing."), pair="stop", **plain),
        _tpl(c, "protect_children_from", "We have to [protect our children from](hate) {g.pl}.", g=g, pair="protect"),
        _tpl(c, "protect_from", "We have to protect {g.pl} from {p}.", g=g, p=PROTECT_FROM, pair="protect", **plain),
        _tpl(c, "shouldnt_be_allowed", "{^g.pl} [shouldn't be allowed to {x}](hate).", g=g, x=DENIED,
             pair="shouldnt"),
        _tpl(c, "shouldnt_have_to", "{^g.pl} shouldn't have to {s}.", g=g, s=SUFFERINGS, pair="shouldnt", **plain),
    ]


# Claims about a group's character or work, in the frames stereotype claims use, as minimal
# pairs: a demeaning trait is hate, praise in the same words is not. Every release has flagged
# "Women are hard-working" or "Muslims are intelligent" as hate: the stereotype data pairs groups
# with claims about intelligence and work, all of them hateful, so the frame and the topic decide
# instead of the direction. Two earlier attempts taught praise without its twin (the sixth round's
# `trait_praise`, reverted); here each frame holds both signs and is held out whole. Trait words
# are kept apart from the probes' (training/probes.py).
PRAISED_TRAITS = (
    "are some of the most honest people I know", "work harder than anyone I've met", "are extremely clever",
    "are gifted at what they do", "are skilled professionals", "are thoughtful and considerate", "are loyal friends",
    "are outstanding students", "are incredibly patient", "are devoted to their families",
    "are honest and trustworthy", "are great problem solvers", "are inventive", "are courageous",
    "are polite and respectful", "are reliable colleagues", "are among the best nurses in the hospital",
    "are ambitious and driven", "are good at their jobs", "are highly skilled", "are wise", "are funny and warm",
    "are great team players", "are principled", "are disciplined", "are curious and open-minded", "are gentle",
    "build strong communities wherever they go", "look after their elderly parents", "pay their taxes like everyone",
    "start businesses that employ half the street", "are the first to volunteer when something goes wrong",
    "bring good food and music wherever they go", "raise kind and polite children", "are brilliant at maths",
)
DEMEANED_TRAITS = _spans(
    ("are dishonest and sneaky", "are filthy", "are cowardly", "are worthless", "are incompetent at everything",
     "are thick as bricks", "are vile", "are untrustworthy", "are ignorant savages", "are bone idle",
     "are spineless", "are cheats and liars", "bring disease wherever they go", "breed like rabbits",
     "live off everyone else's taxes", "raise their children to be thieves", "are useless at any real job",
     "are too stupid to learn the language", "are all on the take"),
    "hate",
)
TRAIT_FRAMES = (
    ("plain", "{^g.pl} {t}."),
    ("honestly", "Honestly, {g.pl} {t}."),
    ("lets_be_real", "Let's be real: {g.pl} {t}."),
    ("everyone_knows", "Everyone knows {g.pl} {t}."),
    ("experience", "In my experience {g.pl} {t}."),
    ("just_facts", "{^g.people} {t}, it's just facts."),
    ("always_found", "I've always found that {g.pl} {t}."),
    ("the_thing_is", "The thing is, {g.people} {t}."),
    ("most", "Most {g.pl} I've met {t}."),
    ("like_it_or_not", "Like it or not, {g.pl} {t}."),
)


def _twins(category: str, pair: str, hateful: tuple[str, str, Mapping[str, Iterable[Option]]],
           harmless: tuple[str, str, Mapping[str, Iterable[Option]]]) -> list[Template]:
    """A hateful template and its harmless twin, drawn into the same split (``pair``).

    Each side is (name suffix, markup, slot options); the harmless side expects no label.
    """
    (hate_suffix, hate_markup, hate_dims), (ok_suffix, ok_markup, ok_dims) = hateful, harmless
    return [
        _tpl(category, f"{pair}_{hate_suffix}", hate_markup, pair=pair, **hate_dims),
        _tpl(category, f"{pair}_{ok_suffix}", ok_markup, ALL_ZERO, stratum="contrast", pair=pair, **ok_dims),
    ]


def _trait_sign(frames: Iterable[tuple[str, str]] = TRAIT_FRAMES) -> list[Template]:
    """A demeaning claim about a group's traits is hate; praise in the same frame is not."""
    return [
        t for name, frame in frames
        for t in _twins("trait_sign", name, ("demeaned", frame, {"g": DEROGATION_GROUPS, "t": DEMEANED_TRAITS}),
                        ("praised", frame, {"g": DEROGATION_GROUPS, "t": PRAISED_TRAITS}))
    ]


# A slur in a calm, everyday sentence, each frame written twice: with the slur (hate and a
# slur) and with the group's plain name (nothing). In `slur_in_narrative` the slur head mostly
# fires on the held-out sentences (0.5-0.99) while the hate head stays low: the friendly tone
# decides. Here the twins differ in the one word, and whole frames are held out.
CALM_SINGULAR = (
    ("train", "We sat next to {x} on the train home."),
    ("neighbour", "Our new neighbour is {x}, seems nice enough."),
    ("market", "I bought my phone case from {x} at the market."),
    ("mechanic", "My mechanic is {x} and he never overcharges."),
    ("quiz", "{^x} won the pub quiz last night."),
    ("dog", "Just saw {x} walking the tiniest dog."),
    ("dinner", "Had dinner with {x} from my evening class."),
)
CALM_PLURAL = (
    ("barbecue", "The {x} down the road had a barbecue last night."),
    ("beach", "There were loads of {x} at the beach today."),
    ("team", "Half the team at work are {x} now."),
)


def _slur_pairs() -> list[Template]:
    """A slur naming someone in a calm sentence is hate; the group's plain name there is not."""
    def fill(frame: str, slot: str) -> str:
        return frame.replace("x}", slot + "}")

    return [
        t for frames, slur, name in ((CALM_SINGULAR, "@s.one", "g.one"), (CALM_PLURAL, "s.pl", "g.pl"))
        for pair, frame in frames
        for t in _twins("slur_pairs", pair, ("slur", fill(frame, slur), {"s": NARRATIVE_SLURS}),
                        ("plain", fill(frame, name), {"g": DEROGATION_GROUPS}))
    ]


# A quoted or reported hateful claim decides nothing by itself: the verdict after it does.
# Endorsed ("... Couldn't agree more.") it is hate; rejected ("... What a vile thing to
# write.") it is counter-speech. In `counter_speech` the rejection mostly comes first; here
# each frame is written twice with the same quote and only the verdict differs, and whole
# frames are held out. Trained on (stages 28-30), the endorsed twins taught the model to read
# a held-out counter-speech frame ("If you really believe <group> <claim>, ...") as agreement.
RELATIVES = ("uncle", "grandad", "boss", "flatmate", "neighbour", "coach")
VERDICT_FRAMES = (
    ("quote_after", "'{^g.pl} are {q}.' {v}",
     ("Couldn't agree more.", "Finally someone said it.", "Truest thing I've read all week.",
      "Every word of it is true."),
     ("What a vile thing to write.", "Disgusting, and reported.", "Shame on whoever wrote that.",
      "That is dehumanising and wrong.")),
    ("relative_says", "My {r} says {g.pl} {c}, and {v}.",
     ("he's right", "honestly he has a point", "I agree with every word", "he's not wrong"),
     ("he's wrong", "it's a lie", "I told him that's bigoted", "I'm ashamed of him for it")),
    ("someone_wrote", "Someone on here wrote that {g.pl} {c}. {v}",
     ("They're not wrong.", "Finally, some honesty.", "Exactly what I've been saying for years.", "Spot on."),
     ("That's a lie.", "Shameful, and reported.", "That is simply false.", "That's textbook bigotry.")),
    ("quote_dash", '"{^g.pl} {c}" - {v}.',
     ("couldn't have put it better myself", "truest thing I've read all week", "so true",
      "about time somebody said it"),
     ("a lie repeated so often people believe it", "my grandad used to say that, and he was wrong",
      "that gets you banned here, and rightly so", "whoever wrote that should be ashamed")),
    ("people_keep", "People keep saying {g.pl} {c}. {v}",
     ("Because it's true.", "Maybe because it's true.", "Funny how it always turns out true.", "They're right."),
     ("It's not true.", "They're wrong.", "It was a lie then and it's a lie now.",
      "Repeating it doesn't make it true.")),
    ("video_said", "The guy in the video said {g.pl} are {q}. {v}",
     ("Legend.", "He's absolutely right.", "Respect to him for saying it.", "Someone finally had the guts to say it."),
     ("He should be ashamed.", "Sickening.", "I hope he loses his job over it.", "Nobody should talk like that.")),
    ("dad_always", "My dad always said {g.pl} {c}. {v}",
     ("The older I get, the more I see he was right.", "Turns out he was right.", "He was right about that.",
      "Took me years to admit he had a point."),
     ("The older I get, the more I see he was wrong.", "Turns out he was wrong.", "He was wrong about that.",
      "Took me years to unlearn it.")),
    ("anyone_else", "Anyone else {v} '{g.pl} are {q}'?",
     ("think it's simply the truth that", "agree with the guy who wrote", "secretly believe"),
     ("sick of seeing", "tired of trolls writing", "shocked the mods still allow")),
)


def _quote_verdict(frames: Iterable[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = VERDICT_FRAMES) -> list[Template]:
    """A quoted hateful claim endorsed is hate; the same quote rejected is not."""
    options = {"g": DEROGATION_GROUPS, "r": RELATIVES, "q": DEHUMANISING, "c": HATE_CLAIMS}

    def side(name: str, frame: str, verdicts: tuple[str, ...], bare: str):
        # The rejected side quotes the same words without spans ("!"): quoted hate is not hate.
        markup = frame.replace("{q}", "{" + bare + "q}").replace("{c}", "{" + bare + "c}")
        dims = {k: v for k, v in options.items() if k in slot_names(markup)}
        return name, markup, {**dims, "v": verdicts}

    return [
        t for pair, frame, endorsed, rejected in frames
        for t in _twins("quote_verdict", pair, side("endorsed", frame, endorsed, ""),
                        side("rejected", frame, rejected, "!"))
    ]


# What a sentence wants gone decides: the group itself (hate) or the hostility it meets
# (nothing). "We need fewer <group> in this country" / "We need fewer attacks on <group> in
# this country": the twins share the frame and the group, and whole frames are held out.
TARGET_FRAMES = (
    ("fewer", "We need [fewer {g.pl}](hate) in this country.", "We need fewer attacks on {g.pl} in this country."),
    ("without", "I want to live in a country [without {g.pl}](hate).",
     "I want to live in a country without racism against {g.pl}."),
    ("keep_away", "Keep {g.pl} [away from our children](hate).", "Keep bigots away from {g.pl}."),
    ("disgrace", "{^g.pl} are [a disgrace](hate,insult).", "Discrimination against {g.pl} is a disgrace."),
    ("tolerated", "{^g.pl} [should never be tolerated](hate).", "Hatred of {g.pl} should never be tolerated."),
    ("got_rid", "This town would be better if we [got rid of the {g.pl}](hate).",
     "This town would be better if we got rid of the bigots who harass {g.pl}."),
    ("real_problem", "The real problem in this country [is {g.pl}](hate).",
     "The real problem in this country is prejudice against {g.pl}."),
    ("sick_of", "I'm [sick of {g.pl}](hate), honestly.", "I'm sick of people abusing {g.pl}, honestly."),
    ("parks", "[Ban {g.pl} from our parks](hate).", "Ban anyone who harasses {g.pl} from our parks."),
    ("unsafe", "Our streets aren't safe [because of {g.pl}](hate).", "Our streets aren't safe for {g.pl} anymore."),
)


def _target_sign(frames: Iterable[tuple[str, str, str]] = TARGET_FRAMES) -> list[Template]:
    """Wanting a group gone is hate; wanting the hostility against it gone is not."""
    return [
        t for pair, hateful, harmless in frames
        for t in _twins("target_sign", pair, ("group", hateful, {"g": DEROGATION_GROUPS}),
                        ("hostility", harmless, {"g": DEROGATION_GROUPS}))
    ]


# A word that is a slur in one sense and harmless in another: firewood, a cigarette, an
# embankment, a female dog, a gearbox, a raccoon, a gap of light. `slur_homonym` has one frame
# per word, and the models trained on it learnt the frames, not the senses: "Put another faggot
# of wood on the fire" scored 0.999 hate after "carried a faggot of firewood to the fire" was
# learnt. Here each word comes in several frames, most as twins in which the same word names a
# person (hate and a slur); whole frames are held out.
WHO_AROUND = ("the shepherd", "my grandad", "the old farmer", "our neighbour", "the caretaker", "my aunt")
HOMONYM_TWINS = (
    ("faggot_bundle", "faggot",
     "{^who} bound the {sticks} into a faggot {use}.",
     {"sticks": ("hazel rods", "birch twigs", "dry brushwood", "willow switches"),
      "use": ("for the bread oven", "to carry home", "for the hedge-laying class", "to start the forge")},
     "{^who} said the man who {did} is a {slur}.",
     {"did": ("runs the farm shop", "coaches the under-tens", "sings in the church choir", "fixed our roof")}),
    ("faggot_dish", "faggot",
     "{^place} does faggots with {side} on {day}s.",
     {"place": ("the Red Lion", "our works canteen", "the café by the station", "my mum"),
      "side": ("mushy peas", "onion gravy", "mash", "chips and gravy"), "day": ("Friday", "Tuesday", "Sunday")},
     "{^place} has a new cook on {day}s, and he's a {slur}.",
     {"place": ("the Red Lion", "our works canteen", "the café by the station", "the school"),
      "day": ("Friday", "Tuesday", "Sunday")}),
    ("fag_rolled", "fags",
     "{^who} rolled a fag {where} and {then}.",
     {"where": ("on the fire escape", "by the back door", "outside the depot", "at the bus shelter"),
      "then": ("went back to work", "watched the rain", "read the paper")},
     "Two {slur} were holding hands {where}, {then}.",
     {"where": ("on the fire escape", "by the back door", "outside the depot", "at the bus shelter"),
      "then": ("apparently", "my mate says", "in broad daylight")}),
    ("dyke_raised", "dyke",
     "The {body} raised the dyke {when}.",
     {"body": ("water board", "polder authority", "village council", "drainage board"),
      "when": ("by half a metre", "after the flood warning", "before the winter storms", "along the estuary")},
     "The {body} hired a {slur} {when}.",
     {"body": ("water board", "parish council", "village school", "drainage board"),
      "when": ("as its new clerk", "after the summer", "to run the office", "last spring")}),
    ("dyke_walk", "dyke",
     "We walked the dog along the dyke {when}.",
     {"when": ("all the way to the lighthouse", "on Sunday morning", "past the windmills", "into a headwind",
               "at low tide")},
     "We got stuck chatting to a {slur} {when}.",
     {"when": ("all the way to the lighthouse", "on Sunday morning", "at the windmill café", "at the bus stop",
               "at low tide")}),
    ("tranny_gearbox2", "tranny",
     "The tranny on my {vehicle} {fault}.",
     {"vehicle": ("old Jeep", "pickup", "camper van", "tractor"),
      "fault": ("slips in third", "leaks fluid on the drive", "whines in reverse", "finally gave out")},
     "The {slur} who sold me my {vehicle} {did}.",
     {"vehicle": ("old Jeep", "pickup", "camper van", "tractor"),
      "did": ("was friendly enough", "threw in a full tank", "knocked fifty quid off", "lives up the road")}),
    ("coon_animal", "coon",
     "A coon got into the {place} and {did}.",
     {"place": ("shed", "chicken run", "garage", "attic"),
      "did": ("ate the birdseed", "chewed through a bag of feed", "raided the bins", "had kits in a box")},
     "A {slur} started working at the {place} {when}.",
     {"place": ("garage", "hardware store", "post office", "farm supply store"),
      "when": ("this week", "on Monday", "last month", "after Easter")}),
    ("spic_span", "spic",
     "{^who} left the {room} spic and span {when}.",
     {"who": WHO_AROUND, "room": ("flat", "cottage", "caravan", "kitchen"),
      "when": ("before moving out", "last month", "after the party")},
     "{^who} rented the {room} to a {slur} {when}.",
     {"who": WHO_AROUND, "room": ("flat", "cottage", "caravan", "spare room"),
      "when": ("before moving out", "last month", "after the party")}),
    ("chink_light", "chink",
     "A chink of {light} came through the {gap}.",
     {"light": ("light", "sunlight", "lamplight", "moonlight"), "gap": ("curtains", "shutters", "barn door", "boards")},
     "A {slur} was peering through the {gap} {when}.",
     {"gap": ("curtains", "shutters", "shop window", "fence"), "when": ("this morning", "again", "at midnight")}),
)
HOMONYM_SENSES = (
    ("bitch_litter", "Our {breed} bitch {did}.",
     {"breed": ("spaniel", "collie", "greyhound", "Labrador", "terrier"),
      "did": ("is in whelp again", "won the brood bitch class", "is nursing her litter", "came into season last week")}),
    ("bitch_kept", "{^who} kept the best bitch from the litter {why}.",
     {"who": ("the breeder", "my aunt", "the kennel owner", "our vet"),
      "why": ("for showing", "to breed from", "as a working dog", "for herself")}),
    ("homo_species", "Homo {species} {fact}.",
     {"species": ("sapiens", "erectus", "habilis", "neanderthalensis"),
      "fact": ("made stone tools", "spread out of Africa", "is covered in chapter three", "left footprints in the ash")}),
    ("homo_milk", "Can you grab a {size} of homo milk {when}?",
     {"size": ("carton", "bag", "jug", "litre"), "when": ("on your way home", "at the corner store", "for the kids")}),
    ("retard_process", "{^agent} will retard {process}.",
     {"agent": ("cold weather", "the additive", "too much salt", "deep shade"),
      "process": ("the setting of the concrete", "seed germination", "the rise of the dough", "ripening")}),
    ("nip_errand", "I'll nip {where} for {what}.",
     {"where": ("to the shop", "down the road", "out", "round to the chemist"),
      "what": ("milk", "some bread", "a paper", "plasters")}),
    ("niggardly_with", "The {body} has always been niggardly with {what}.",
     {"body": ("council", "club committee", "publisher", "landlord"),
      "what": ("funding", "praise", "repairs", "expenses")}),
    ("paddy_temper", "The {who} threw a paddy when {event}.",
     {"who": ("toddler", "manager", "old man", "striker"),
      "event": ("the shop ran out of crisps", "the meeting overran", "his bus was late", "he was subbed off")}),
)


def _homonym_sense() -> list[Template]:
    """A slur's harmless sense is nothing; the same word naming a person is hate and a slur."""
    def side(name: str, markup: str, dims: dict):
        return name, markup, {k: v for k, v in {"who": WHO_AROUND, **dims}.items() if k in slot_names(markup)}

    twins = [
        t for pair, word, harmless, harmless_dims, hateful, hateful_dims in HOMONYM_TWINS
        for t in _twins("homonym_sense", pair, side("person", hateful.replace("{slur}", SLUR_MARKUP[word]), hateful_dims),
                        side("sense", harmless, harmless_dims))
    ]
    senses = [_tpl("homonym_sense", name, markup, ALL_ZERO, stratum="sense", **dims)
              for name, markup, dims in HOMONYM_SENSES]
    return twins + senses


# `homonym_sense` taught frames again, not senses: its held-out frame "The water board hired a
# <slur> as its new clerk" lost the slur because "water board" had been learnt as harmless.
# Here the two senses of each word share their setting (the polder, the kitchen, the garage)
# and differ in what the sentence does with the word: a thing is built, smoked, eaten, fixed;
# a person is named. Each word comes in two pairs of clause sets, each clause set in neutral
# carriers, so that a held-out pair keeps the word but not the clauses. Three words that are not
# in ALL_SLURS (cripple, pansy, cracker) get their slur markup here.
_CONTEXT_SLURS = {
    "cripple": _slur("cripples", "cripple", "disabled people")["one"],
    "pansy": _slur("pansies", "pansy", "gay men")["one"],
    "cracker": _slur("crackers", "cracker", "white people")["one"],
}
CONTEXT_CARRIERS = ("{c}.", "{c}!", "Funny old week: {c}.", "Update from home: {c}.", "{c}, as it happens.",
                    "Just so you know, {c}.", "{c}, apparently.", "True story, {c}.")
HOMONYM_CONTEXTS = (
    # (pair, word, harmless clauses, clauses naming a person with {slur})
    ("faggot_stove", "faggot",
     ("we lit the stove with a faggot of hazel", "a faggot of brushwood keeps the kiln going for an hour",
      "the hedger tied each faggot with a willow band", "the museum shows how a faggot of sticks was bound"),
     ("the {slur} who runs the stove shop overcharged us", "a {slur} from the village came to buy kindling",
      "my brother says the new hedger is a {slur}")),
    ("faggot_butcher", "faggots",
     ("the butcher makes his own faggots from liver and onion", "we had faggots in gravy at the pub",
      "grandma's faggots were wrapped in caul fat", "the chippy sells faggots on a Thursday"),
     ("the butcher's new lads are {slur}", "a couple of {slur} were eating at the pub",
      "the chippy is run by {slur} now")),
    ("fag_packet", "fag",
     ("he cadged a fag off the barman", "she stubbed out her fag on the wall", "grandad had a fag after his tea",
      "the fag end was still smouldering in the ashtray"),
     ("the barman is a {slur}, my mate reckons", "a {slur} sat next to her on the wall",
      "grandad called the lodger a {slur}")),
    ("fag_chore", "fag",
     ("it's a real fag having to walk to the bus stop in this rain", "ironing shirts is such a fag",
      "what a fag, the printer jammed again"),
     ("the {slur} at the bus stop asked me for the time", "there's a {slur} in the ironing queue",
      "the {slur} in IT fixed the printer")),
    ("dyke_polder", "dyke",
     ("the sheep graze on top of the dyke", "the cyclists rode along the dyke into the wind",
      "the dyke keeps the polder dry", "the engineers inspected the dyke for cracks"),
     ("a {slur} lives in the house behind the polder", "the cyclists passed a {slur} walking her dog",
      "the engineer they sent was a {slur}")),
    ("dyke_ditch", "dyke",
     ("the tractor slid into the dyke at the end of the lane", "frogspawn fills the dyke every spring",
      "the farmer cleared the reeds from the dyke"),
     ("the {slur} at the end of the lane keeps chickens", "the farmer's daughter turned out to be a {slur}",
      "a {slur} bought the cottage by the lane")),
    ("tranny_garage", "tranny",
     ("the garage quoted four hundred quid to fix the tranny", "the tranny fluid was low again",
      "the mechanic swapped the tranny out of a scrapped van"),
     ("the garage has a {slur} working the front desk", "the mechanic's new girlfriend is a {slur}",
      "a {slur} brought her van in for a service")),
    ("tranny_radio", "tranny",
     ("dad listened to the cricket on his old tranny radio", "the tranny on the windowsill crackled with the news"),
     ("dad's neighbour is a {slur}", "a {slur} was on the windowsill of the flat opposite")),
    ("coon_woods", "coon",
     ("a coon knocked over the bird feeder again", "the coon washed its paws in the creek",
      "hunters went after coon and possum with their dogs"),
     ("a {slur} knocked on our door selling raffle tickets", "the {slur} down by the creek waved at us",
      "the hunters said a {slur} had moved into the valley")),
    ("chink_gap", "chink",
     ("the morning sun came through a chink in the blind", "the wind whistled through a chink in the wall",
      "the critic found a chink in the author's argument"),
     ("the {slur} next door opened the blind", "a {slur} bought the house with the stone wall",
      "the critic said the author is a {slur}")),
    ("bitch_kennel", "bitch",
     ("the kennel's top bitch won the field trial", "the vet scanned the bitch and counted eight pups",
      "the greyhound bitch retired to a family in Kent"),
     ("the {slur} at the kennel reception was rude to me", "the vet's new receptionist is a {slur}",
      "some {slur} from Kent adopted the greyhound")),
    ("retard_chemistry", "retard",
     ("this coating will retard corrosion on the hull", "adding sugar will retard the set of the plaster",
      "the inhibitor is meant to retard the reaction"),
     ("the new lab assistant is a {slur}", "some {slur} mixed up the plaster",
      "the {slur} on the night shift ruined the batch")),
    ("cripple_verb", "cripple",
     ("the strike could cripple the railway for weeks", "a cyber attack managed to cripple the hospital's systems",
      "the drought will cripple the harvest"),
     ("the {slur} on the railway platform held everyone up", "a {slur} was parked in the hospital bay",
      "my landlord is a {slur} who can't climb the stairs")),
    ("pansy_flower", "pansy",
     ("a purple pansy was growing in the crack of the pavement", "the pansy seedlings need thinning out",
      "she pressed a pansy between the pages of her diary"),
     ("the florist's son is a proper {slur}", "some {slur} was crying on the pavement",
      "her brother is a {slur}, she told me")),
    ("cracker_snack", "cracker",
     ("the toddler crumbled a cracker all over the car seat", "we pulled a Christmas cracker and got a paper hat",
      "the soup came with a cracker on the side"),
     ("some {slur} in a pickup nearly hit the car", "a {slur} in a Christmas jumper pushed past us",
      "the waiter was a {slur}, she said")),
    ("spic_span_house", "spic",
     ("the cleaners left the office spic and span", "the holiday let was spic and span on arrival"),
     ("a {slur} cleans the office on Fridays", "the holiday let next door was rented by a {slur}")),
    ("homo_erectus", "homo",
     ("the skull was found among Homo erectus tools", "the lecture compared Homo sapiens with Homo naledi"),
     ("the lecturer is a {slur}, everyone knows", "a {slur} gave the lecture on fossils")),
)


def _homonym_context(
    contexts: Iterable[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = HOMONYM_CONTEXTS,
) -> list[Template]:
    """The same word in the same setting: a thing is harmless, a person named by it is hate and a slur."""
    as_slur = SLUR_MARKUP | _CONTEXT_SLURS
    return [
        t for pair, word, harmless, hateful in contexts
        for t in _twins("homonym_context", pair,
                        ("person", "{^s}", {"s": [c.replace("{c}", h.replace("{slur}", as_slur[word]))
                                                   for c in CONTEXT_CARRIERS for h in hateful]}),
                        ("sense", "{^s}", {"s": [c.replace("{c}", h) for c in CONTEXT_CARRIERS for h in harmless]}))
    ]


# --- added in the thirteenth round -----------------------------------------------------------
# New wordings for the behaviours whose held-out frames 2026.11.22-14 missed most: hatred stated
# as a feeling, a group as the one a sentence protects or wants rid of, a verdict after a quote,
# praise in a stereotype's frame, a homonym in a new setting, a threat at a group. They were
# written after reading which held-out frames failed, so they are paraphrase families, not copies
# of those frames, and they are held out by a draw of their own (``Template.added``): a quarter of
# them, whole, measure what the others teach.
ROUND_13 = "round13"
EMOTIONS_AT = _spans(("disgusted", "furious", "nothing but loathing", "sick to my stomach", "pure hatred"), "hate")
EMOTIONS = ("angry", "furious", "sad", "ashamed", "sick to my stomach")
HATRED_RUNS = ("grows every day", "is no secret", "will never change", "runs deep")
ROUND_13_TARGET_FRAMES = (
    ("gone_from", "I'd like to see [{g.pl} gone](hate) from this street.",
     "I'd like to see abuse of {g.pl} gone from this street."),
    ("clean_out", "Time to [clean {g.pl} out of our schools](hate).",
     "Time to clean the bullying of {g.pl} out of our schools."),
    ("stamp_out", "We must [stamp out {g.pl}](hate) once and for all.",
     "We must stamp out prejudice against {g.pl} once and for all."),
    ("better_without", "The world would be [better without {g.pl}](hate).",
     "The world would be better without cruelty to {g.pl}."),
    ("no_more", "[No more {g.pl}](hate) in our neighbourhood.", "No more attacks on {g.pl} in our neighbourhood."),
    ("fight", "We have to [fight {g.pl}](hate) wherever we find them.",
     "We have to fight bigotry against {g.pl} wherever we find it."),
    ("threat_to", "[{^g.pl} are a threat](hate) to our way of life.",
     "People who harass {g.pl} are a threat to our way of life."),
    ("tired_of", "I'm [tired of seeing {g.pl}](hate) everywhere I look.",
     "I'm tired of seeing slurs against {g.pl} everywhere I look."),
    ("drive_out", "Let's [drive {g.pl} out](hate) of this town.",
     "Let's drive the thugs who beat up {g.pl} out of this town."),
    ("kids_away", "Keep your kids [away from {g.pl}](hate).", "Keep your kids away from people who bully {g.pl}."),
    ("out_of_club", "Get [{g.pl} out of](hate) our football club.", "Get racism against {g.pl} out of our football club."),
)
ROUND_13_VERDICT_FRAMES = (
    ("bus_overheard", "Heard a man on the bus say {g.pl} {c}. {v}",
     ("Couldn't agree more.", "He had a point.", "Nice to hear the truth for once.", "Said what we're all thinking."),
     ("Made my blood boil.", "I told him to stop.", "Absolutely disgraceful.", "Nobody said a word, which is shameful.")),
    ("comment_below", "The comment below says {g.pl} {c}. {v}",
     ("Best comment on the page.", "Nailed it.", "Can't fault a word of it.", "Finally someone brave enough."),
     ("Please report it.", "The mods need to remove that.", "That's bigotry, nothing else.", "Vile and false.")),
    ("rally_sign", "A sign at the rally said '{^g.pl} are {q}'. {v}",
     ("Whoever made it deserves a medal.", "Best sign there.", "Truth on a placard.", "Couldn't have said it better."),
     ("Whoever made it should be arrested.", "Vile.", "The police took it down, good.", "A disgrace to this city.")),
    ("mate_reckons", "My mate reckons {g.pl} {c}, and {v}.",
     ("he's dead right", "I'm with him on that", "he's spot on", "nobody can prove him wrong"),
     ("he's an idiot for it", "I stopped talking to him", "it's rubbish", "I set him straight")),
    ("they_say", "They say {g.pl} {c}. {v}",
     ("And they're right.", "Hard to disagree.", "Sounds about right to me.", "No lies detected."),
     ("Utter rubbish.", "I never believed it.", "Lies, all of it.", "Only bigots say that.")),
)
ROUND_13_TRAIT_FRAMES = (
    ("truth_is", "The truth is, {g.pl} {t}."),
    ("say_what_you_like", "Say what you like, but {g.pl} {t}."),
    ("from_what_ive_seen", "From what I've seen, {g.pl} {t}."),
    ("nobody_can_deny", "Nobody can deny that {g.pl} {t}."),
)
ROUND_13_HOMONYM_CONTEXTS = (
    ("chink_armour", "chink",
     ("the defence found a chink in their armour", "there's a chink in the argument nobody spotted",
      "the report exposed a chink in the council's plans", "a chink of hope appeared after the vote"),
     ("the {slur} at the takeaway got my order wrong", "a {slur} moved into the flat upstairs",
      "some {slur} was blocking the aisle")),
    ("fag_end", "fag",
     ("we arrived at the fag end of the party", "the fag end of the season was a washout",
      "by the fag end of the meeting nobody was listening"),
     ("the {slur} behind the bar was rude to us", "my uncle called the waiter a {slur}",
      "some {slur} sat next to me at the match")),
    ("tranny_van", "tranny",
     ("the mechanic says the tranny on the van needs new fluid", "he fitted a rebuilt tranny to his Land Rover",
      "the old tranny fell off the shelf and still plays"),
     ("a {slur} works at the garage now", "the {slur} at the counter served us",
      "my cousin says the new neighbour is a {slur}")),
    ("dyke_sheep", "dyke",
     ("the sheep graze along the dyke all summer", "the farmer cleared the dyke after the storm",
      "we cycled along the sea dyke to the lighthouse"),
     ("a {slur} runs the cycle hire by the sea", "the {slur} from the farm sold us eggs",
      "my uncle called the cyclist a {slur}")),
    ("spic_caravan", "spic",
     ("the caravan was spic and span by the time the guests arrived", "she keeps the boat spic and span",
      "the barracks had to be spic and span for inspection"),
     ("a {slur} cleaned the caravan for us", "the {slur} next door keeps his van tidy",
      "my boss hired a {slur} to paint the fence")),
)


def _round_13() -> list[Template]:
    g = DEROGATION_GROUPS
    hatred, victims = "hatred_of_group", "negation_sign"
    return [
        *_twins(hatred, "every_time", ("group", "Every time I see {g.pl} I feel {e}.", {"g": g, "e": EMOTIONS_AT}),
                ("mistreated", "Every time I see {g.pl} {m} I feel {e}.", {"g": g, "m": MISTREATED, "e": EMOTIONS})),
        *_twins(hatred, "never_liked", ("group", "I've [never liked {g.pl}](hate) and I never will.", {"g": g}),
                ("objects", "I've never liked {d} and I never will.", {"d": DISLIKES})),
        *_twins(hatred, "my_hatred", ("group", "My [hatred of {g.pl}](hate) {x}.", {"g": g, "x": HATRED_RUNS}),
                ("bigots", "My hatred of people who {m} {g.pl} {x}.", {"g": g, "m": MISTREAT, "x": HATRED_RUNS})),
        *_twins(victims, "stand_up", ("group", "We need to [stand up to {g.pl}](hate) before it's too late.", {"g": g}),
                ("for_group", "We need to stand up for {g.pl} before it's too late.", {"g": g})),
        *_twins(victims, "defend", ("group", "We must [defend our town against {g.pl}](hate).", {"g": g}),
                ("for_group", "We must defend {g.pl} against {p}.", {"g": g, "p": PROTECT_FROM})),
        *_twins(victims, "safe_from", ("group", "Our kids deserve to be [safe from {g.pl}](hate).", {"g": g}),
                ("for_group", "{^g.pl} deserve to be safe from {p}.", {"g": g, "p": PROTECT_FROM})),
        *_target_sign(ROUND_13_TARGET_FRAMES),
        *_quote_verdict(ROUND_13_VERDICT_FRAMES),
        *_trait_sign(ROUND_13_TRAIT_FRAMES),
        *_homonym_context(ROUND_13_HOMONYM_CONTEXTS),
        _tpl("counter_speech", "myth", "It's a myth that {g.pl} {!claim}, and a harmful one.", g=ALL_GROUPS,
             claim=HATE_CLAIMS),
        _tpl("counter_speech", "never_met", "Anyone who thinks {g.pl} {!claim} has clearly never met any.",
             g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl("counter_speech", "check_facts", "Before you claim {g.pl} {!claim}, maybe check the facts.",
             g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl("counter_speech", "says_about_you", "Believing {g.pl} {!claim} says more about you than about them.",
             g=ALL_GROUPS, claim=HATE_CLAIMS),
        _tpl("threat", "mark_my_words", "Mark my words, we will {v} the {g.pl} on our street.", GROUP_TARGETED,
             v=GROUP_THREAT_VERBS, g=ALL_GROUPS),
        _tpl("threat", "watch_out", "The {g.pl} round here had better watch out, we're going to {v} them.",
             GROUP_TARGETED, v=GROUP_THREAT_VERBS, g=ALL_GROUPS),
        _tpl("threat", "one_by_one", "One by one we'll {v} every {g.adj} family in this city.", GROUP_TARGETED,
             v=GROUP_THREAT_VERBS, g=ALL_GROUPS),
    ]


def build_templates() -> list[Template]:
    """Every template and hand-written example, grouped by category in BEHAVIOURS order."""
    builders = (
        _counter_speech, _negated_hate, _neutral_group_mention, _positive_group_mention, _profanity_not_hate, _insult_individual,
        _abuse_at_objects, _reclaimed_slur, _slur_homonym, _hate_as_question_or_opinion,
        _explicit_hate_and_slurs, _obfuscated_slur, _threat, _pronoun_reference,
        _nationality_slurs_seed_groups, _civil_comment, _abuse_at_nonprotected_group,
        _stereotype_claim, _slur_at_individual, _group_derogation,
        _slur_in_narrative, _hatred_of_group, _obfuscated_group_hate,
        _negated_positive, _negation_sign, _trait_sign, _slur_pairs, _quote_verdict,
        _target_sign, _homonym_sense, _homonym_context,
    )
    templates = [t for build in builders for t in build()]
    templates += [replace(t, added=ROUND_13) for t in _round_13()]
    # Stable: each category keeps its first templates first, its additions after them.
    templates.sort(key=lambda t: BEHAVIOURS.index(t.category))
    assert [t.category for t in templates] == sorted((t.category for t in templates), key=BEHAVIOURS.index)
    return templates
