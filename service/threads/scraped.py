"""Reader for plain-text page scrapes: an article, then possibly a reader comment thread.

A scrape is one block per line. The article comes first (title on the first non-empty
line); a thread, when there is one, follows a marker: the wpDiscuz widget ("Notify of",
"Newest Most Voted", "Inline Feedbacks", "View all comments") or a heading such as
"12 Comments", "Leave a Reply" or "Discussion". Inside the thread a comment starts at a
header (a name line and a date line, optionally "Reply to Name") or, for comments scraped
without one, at the first text after widget noise; it runs until the next header, widget
noise ("Reply", vote counts, "Last edited ...") or the page footer.

Precision matters more than recall here: article text scored as a reader comment would
be a false accusation against the publisher, so a heading-style marker only opens a
thread when at least one comment header follows it and some article prose precedes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from service.threads.model import Article, Comment, Thread, comment_id

__all__ = ["parse_scraped_page"]


# ---------------------------------------------------------------------------- line patterns
# All patterns are matched in full against a line's key: casefolded, whitespace collapsed,
# decorative arrows and bullets trimmed from both ends.

_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?"
_TIME = r"(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?)"
_CALENDAR_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # March 3, 2021
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}"  # 3 March 2021
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"  # 03/03/2021
    r"|\d{4}/\d{1,2}/\d{1,2}"  # 2021/03/03
    r"|\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2})?(?:z|[+-]\d{2}:?\d{2})?)?)"  # 2021-03-03
)
_ABSOLUTE_DATE = (
    rf"(?:{_WEEKDAY}\s+)?{_CALENDAR_DATE}(?:,?\s*(?:at|@|[-–—·|])?\s*{_TIME})?"
    rf"|{_TIME}\s*(?:on\s+)?(?:{_WEEKDAY}\s+)?{_CALENDAR_DATE}"
)
_AGE = r"(?:\d+|an?|one)\s+(?:sec(?:ond)?|min(?:ute)?|hour|hr|day|week|wk|month|mo|year|yr)s?"
_RELATIVE_DATE = (
    rf"(?:(?:about|over|almost|nearly)\s+)?{_AGE}(?:,?\s+(?:and\s+)?{_AGE})?\s+ago"
    r"|just now|(?:yesterday|today)(?:\s+at\s+" + _TIME + r")?"
    r"|\d+\s?(?:s|m|min|h|hr|d|w|wk|mo|y|yr)s?(?:\s+ago)?"
)
_DATE_LINE = re.compile(
    rf"(?:posted\s+)?(?:on\s+)?(?:{_ABSOLUTE_DATE}|{_RELATIVE_DATE})"
    r"(?:\s*\(?edited\)?)?(?:\s*[|·•-]?\s*permalink)?"
)

# "Reply to  Name" (wpDiscuz) or "In reply to Name." (WordPress themes).
_REPLY_TO = re.compile(r"(?:in\s+)?reply\s+to\s+(?P<name>\S.{0,60}?)\.?", re.IGNORECASE)

# The wpDiscuz widget. Any of these marks the widget; "notify of" and "inline feedbacks"
# are specific enough on their own, the others need a second widget line to count.
_WPDISCUZ_MARKERS = {
    "notify of",
    "inline feedbacks",
    "view all comments",
    "newest most voted",
    "oldest newest most voted",
    "newest oldest most voted",
    "most voted",
}
_WPDISCUZ_DECISIVE = {"notify of", "inline feedbacks"}
_WPDISCUZ_WIDGET = re.compile(
    r"newest|oldest|most voted|newest most voted|oldest newest most voted|newest oldest most voted"
    r"|notify of|inline feedbacks|view all comments|subscribe|login|log ?in|connect with|guest|label|\{\}|\[\+\]"
    r"|new follow-up comments|new replies to my comments|name\s*\*?|email\s*\*?|e-mail\s*\*?|website"
    r"|join the discussion|\d+ comments?|\d+ (?:comment )?threads?|\d+ thread replies|\d+ followers?"
    r"|most reacted comment|hottest comment thread|recent comment authors|please login to comment"
    r"|i allow to create an account|when you login first time using a social login button.*"
    r"|\(\)|x|×"
)

# Headings that introduce a generic comment thread.
_THREAD_HEADING = re.compile(
    r"(?:\d+|no|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
    r"(?:comments?|responses?|replies|reactions?|reader comments|thoughts? on\s+.+)"
    r"|(?:comments?|responses?|reader comments|reader responses|discussion|join the discussion"
    r"|leave a (?:reply|comment)|add a comment|post a comment|what do you think\??|have your say)"
    r"(?:\s*\(\d+\))?:?"
)

# Widget and comment-form lines inside a thread: never comment text, and they end the comment above.
_NOISE = re.compile(
    r"reply|replies|log ?in to reply|sign in to reply|reply to this comment|cancel reply"
    r"|report|report comment|flag|share|like|unlike|likes?|quote|edit|delete|permalink|link"
    r"|hide replies|show replies|view replies|view \d+ (?:more )?repl(?:y|ies)|\d+ repl(?:y|ies)"
    r"|load more comments|load more replies|show more replies|show more|read more|collapse|expand"
    r"|loading\.{0,3}|upvote|downvote|votes?|[+\-−–]?\d+(?:\s*(?:votes?|likes?|points?))?"
    r"|(?:likes?|upvotes?|votes?|points?)\s*\(?\d+\)?|\(\d+\)|\(\)|x|×|[-–—|·•]"
    r"|\(?edited\)?|last edited\b.*"
    r"|would love your thoughts,? please comment\.?x?"
    r"|your email address will not be published\.?.*|required fields are marked.*"
    r"|(?:comment|name|email|e-mail|website|url)\s*\*?|post comment|submit comment|submit"
    r"|save my name, email,? and website.*|notify me of (?:follow-up comments|new posts).*"
    r"|start the discussion|be the first to comment\.?|no comments yet\.?"
    r"|vote up|vote down|thumbs up|thumbs down|#\d+|comments powered by disqus\.?|advertisement"
    r"|(?:[+\-−–]?\d+\s*)?reply(?:\s*[+\-−–]?\d+)?"
)

# Page footer after the thread: everything from here on is not a comment.
_FOOTER = re.compile(
    r"comments? (?:for this (?:post|article|story|entry) )?(?:are|is) (?:now )?closed\.?"
    r"|related(?: posts?| articles?| stories| content| reading| news)?:?"
    r"|(?:you may|you might|we think you'?ll) (?:also )?(?:like|enjoy).{0,40}"
    r"|more (?:from|stories from) .{0,40}|more stories|recent (?:posts|comments|articles)"
    r"|popular (?:posts|articles|stories)|most (?:popular|read)"
    r"|(?:©|\(c\)\s*\d{4}|copyright\s*(?:©|\(c\))?\s*\d{4}).*|.{0,80}all rights reserved\.?.{0,40}"
    r"|(?:this (?:web)?site|we) uses? cookies.*|(?:accept|allow) (?:all )?cookies|cookie (?:policy|settings|preferences|notice|consent).*"
    r"|by continuing to (?:use|browse).*cookies.*"
    r"|subscribe(?: to (?:our|the) newsletter.*| now| today)?!?|sign up (?:for|to) (?:our|the) newsletter.*|newsletter"
    r"|share this(?: article| post| story)?:?|(?:previous|next) (?:post|article|story)\b.{0,80}"
    r"|(?:tags|filed under|categories|posted in)\s*:.*"
    r"|privacy policy|terms (?:of (?:use|service)|and conditions)|back to top|powered by .{0,60}"
    r"|this site uses akismet.*|about us|contact us"
    r"|latest (?:news|stories|posts|articles)|top stories|trending(?: now| stories)?|read next|most viewed"
    r"|recommended(?: for you| stories| articles| reading)?|editor'?s picks|don'?t miss|also read|see also|more news"
    r"|sponsored(?: content| stories| links)?|follow us(?: on .{0,40})?"
)

# A role badge some widgets print between the name and the date ("Guest", "Author").
_ROLE_BADGE = re.compile(
    r"guest|member|admin|administrator|author|editor|moderator|staff|subscriber|contributor|verified|op"
)

_EDGE_DECORATION = "↓↑→←»«›‹▼▲▾▴⌄•·| \t"
_SENTENCE_END = re.compile(r"[.?!,;]$")
_INITIAL_END = re.compile(r"(?:^|\s)\w{1,2}\.$")  # "Mike R." or "Jr." may end a name
_SAYS = re.compile(r"\s+(?:says|said|wrote)\s*:?$", re.IGNORECASE)
_VOTE = re.compile(r"[+\-−–]?\d+")
# Name and date on one line need an explicit joint, else prose such as
# "I moved here on March 3, 2021" would read as a header.
_INLINE_JOINT = re.compile(r"\s+(?:says|said|wrote)\s*:\s*|\s*[|·•—–]\s*", re.IGNORECASE)
_TRAILING_VERB = re.compile(r"\s+(?:says|said|wrote)\s*:$", re.IGNORECASE)


@dataclass(frozen=True)
class _Line:
    start: int  # offset of the first non-space character in the dump
    end: int  # offset just after the last non-space character
    text: str  # the line without surrounding whitespace
    key: str  # normalised form that the patterns are matched against


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip(_EDGE_DECORATION)


def _split_lines(dump: str) -> list[_Line]:
    lines = []
    for m in re.finditer(r"[^\r\n]*(?:\r\n|\r|\n)?", dump):
        if m.start() == m.end():
            continue
        raw = m.group().rstrip("\r\n")
        stripped = raw.strip()
        start = m.start() + (len(raw) - len(raw.lstrip()))
        lines.append(_Line(start, start + len(stripped), stripped, _key(stripped)))
    return lines


def _is_date(line: _Line) -> bool:
    return bool(_DATE_LINE.fullmatch(line.key))


def _is_footer(line: _Line) -> bool:
    return bool(_FOOTER.fullmatch(line.key))


def _is_noise(line: _Line) -> bool:
    return bool(
        _NOISE.fullmatch(line.key)
        or _THREAD_HEADING.fullmatch(line.key)
        or line.key in _WPDISCUZ_MARKERS
        or _WPDISCUZ_WIDGET.fullmatch(line.key)
    )


def _reply_to_name(line: _Line) -> str | None:
    m = _REPLY_TO.fullmatch(line.text)
    if not m or line.key in ("reply to this comment",):
        return None
    name = m.group("name").strip()
    return name if _looks_like_name(name) else None


def _looks_like_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 6 or len(text) > 60 or not re.search(r"[^\W\d_]", text):
        return False
    if ":" in text or (_SENTENCE_END.search(text) and not _INITIAL_END.search(text)):
        return False
    return True


def _author_name(line: _Line) -> str | None:
    """The commenter's name if this line can be a header's name line."""
    if line.key == "" or _is_date(line) or _is_noise(line) or _is_footer(line) or _reply_to_name(line):
        return None
    name = _SAYS.sub("", line.text).strip()
    return name if _looks_like_name(name) else None


def _inline_header(text: str) -> tuple[str, str] | None:
    """(name, date) from "Jane Doe | March 3, 2021", "Jane says: 2 days ago" or "Jane on May 1, 2021 said:"."""
    verb = _TRAILING_VERB.search(text)
    core = text[: verb.start()] if verb else text
    joint = _INLINE_JOINT.search(core)
    if joint:
        splits = [(core[: joint.start()], core[joint.end() :])]
    elif verb:
        words = core.split()
        splits = [(" ".join(words[:k]), " ".join(words[k:])) for k in range(1, min(len(words), 7))]
    else:
        return None
    for name, date in splits:
        name, date = name.strip(), date.strip()
        if _looks_like_name(name) and _DATE_LINE.fullmatch(_key(date)):
            return name, re.sub(r"^on\s+", "", date, flags=re.IGNORECASE)
    return None


def _is_prose(line: _Line) -> bool:
    return len(line.text.split()) >= 12 or len(line.text) >= 80


# ---------------------------------------------------------------------------- thread scanning


@dataclass
class _Header:
    author: str | None
    date: str
    reply_to: str | None
    role: str | None
    next_index: int  # first line after the header


@dataclass
class _Draft:
    header: _Header | None
    body: list[int] = field(default_factory=list)
    closed: bool = False  # widget noise seen after the body: further text is a new comment
    votes: list[int] = field(default_factory=list)
    edited: str | None = None


def _next_nonblank(lines: list[_Line], i: int) -> int | None:
    while i < len(lines):
        if lines[i].key:
            return i
        i += 1
    return None


def _match_header(lines: list[_Line], i: int) -> _Header | None:
    """A comment header starting at line ``i``: [name] [Reply to X] date [Reply to X]."""
    inline = _inline_header(lines[i].text)
    if inline is not None:
        k = _next_nonblank(lines, i + 1)
        reply_to = _reply_to_name(lines[k]) if k is not None else None
        after = k + 1 if reply_to is not None and k is not None else i + 1
        return _Header(inline[0], inline[1], reply_to, None, after)
    author = _author_name(lines[i])
    j: int | None = _next_nonblank(lines, i + 1) if author is not None else i
    reply_to = role = None
    while j is not None:
        if (name := _reply_to_name(lines[j])) is not None:
            reply_to = name
        elif author is not None and role is None and _ROLE_BADGE.fullmatch(lines[j].key):
            role = lines[j].text
        else:
            break
        j = _next_nonblank(lines, j + 1)
    if j is None or not _is_date(lines[j]):
        return None
    date = lines[j].text
    after = j + 1
    k = _next_nonblank(lines, after)
    if k is not None and (name := _reply_to_name(lines[k])) is not None:
        reply_to, after = name, k + 1
    return _Header(author, date, reply_to, role, after)


def _scan_thread(lines: list[_Line], start: int) -> list[_Draft]:
    drafts: list[_Draft] = []
    current: _Draft | None = None
    i = start
    while i < len(lines):
        line = lines[i]
        if not line.key:
            i += 1
            continue
        if _is_footer(line):
            break
        header = _match_header(lines, i)
        if header is not None:
            current = _Draft(header)
            drafts.append(current)
            i = header.next_index
            continue
        if _is_noise(line):
            # Noise between a header and its body (a "Reply" link beside the name) must not
            # end a comment that has no text yet.
            if current is not None:
                current.closed = current.closed or bool(current.body)
                if _VOTE.fullmatch(line.key):
                    current.votes.append(int(line.key.replace("−", "-").replace("–", "-")))
                elif line.key.startswith("last edited"):
                    current.edited = line.text
            i += 1
            continue
        if current is None or current.closed:
            current = _Draft(None)
            drafts.append(current)
        current.body.append(i)
        i += 1
    return drafts


# ---------------------------------------------------------------------------- thread location


@dataclass(frozen=True)
class _ThreadLocation:
    article_end: int  # index of the first line that is no longer article
    drafts: list[_Draft]


def _after_widget(lines: list[_Line], start: int) -> int:
    """Where comments begin: past the last widget marker before the first comment header.

    Login and subscription forms differ between wpDiscuz versions, so the widget is not
    always one unbroken run of known lines; its sort bar ("Most Voted", "View all comments")
    still always comes before the first comment.
    """
    i = start
    while i < len(lines) and not _is_footer(lines[i]) and _match_header(lines, i) is None:
        if lines[i].key in _WPDISCUZ_MARKERS:
            start = i + 1
        i += 1
    return start


def _wpdiscuz_thread(lines: list[_Line]) -> _ThreadLocation | None:
    def is_widget(idx: int) -> bool:
        return not lines[idx].key or bool(_WPDISCUZ_WIDGET.fullmatch(lines[idx].key))

    i = 0
    while i < len(lines):
        if lines[i].key not in _WPDISCUZ_MARKERS:
            i += 1
            continue
        first, last = i, i
        while first > 0 and is_widget(first - 1):
            first -= 1
        while last + 1 < len(lines) and is_widget(last + 1):
            last += 1
        markers = {lines[k].key for k in range(first, last + 1)} & _WPDISCUZ_MARKERS
        if markers & _WPDISCUZ_DECISIVE or len(markers) >= 2:
            return _ThreadLocation(first, _scan_thread(lines, _after_widget(lines, last + 1)))
        i = last + 1
    return None


def _heading_thread(lines: list[_Line], title_index: int) -> _ThreadLocation | None:
    """The last heading that has article prose before it and a comment header after it.

    The last one wins because a comment count often also appears as a link under the
    title, and a "Leave a Reply" form may sit below the comments (it has no header after it).
    """
    found: _ThreadLocation | None = None
    prose_seen = False
    for i in range(title_index + 1, len(lines)):
        line = lines[i]
        if _THREAD_HEADING.fullmatch(line.key) and prose_seen:
            drafts = _scan_thread(lines, i + 1)
            if any(d.header is not None and d.body for d in drafts):
                found = _ThreadLocation(i, drafts)
        prose_seen = prose_seen or _is_prose(line)
    return found


def _article(dump: str, lines: list[_Line], title_index: int | None, end_index: int) -> Article | None:
    if title_index is None:
        return None
    body_lines = [ln for ln in lines[title_index + 1 : end_index] if ln.key]
    body = dump[body_lines[0].start : body_lines[-1].end] if body_lines else ""
    return Article(title=lines[title_index].text, body=body)


# ---------------------------------------------------------------------------- public entry point


def parse_scraped_page(text: str, thread_id: str) -> Thread:
    """Split a plain-text page scrape into its article and its reader comments.

    Every comment's ``text`` is ``text[offset:offset + len(comment.text)]`` of the input, with
    surrounding whitespace and widget noise left out and internal newlines kept. A page
    without a thread marker, or whose thread holds no comment ("Comments are closed."),
    gives no comments.
    """
    lines = _split_lines(text)
    title_index = _next_nonblank(lines, 0)
    location = _wpdiscuz_thread(lines)
    if location is None and title_index is not None:
        location = _heading_thread(lines, title_index)

    if location is None:
        footer = next((i for i in range(len(lines)) if i != title_index and _is_footer(lines[i])), len(lines))
        return Thread(thread_id, _article(text, lines, title_index, footer), ())

    article = _article(text, lines, title_index, location.article_end)
    comments: list[Comment] = []
    latest_by_author: dict[str, str] = {}
    for draft in location.drafts:
        if not draft.body:
            continue
        start, end = lines[draft.body[0]].start, lines[draft.body[-1]].end
        header = draft.header
        author = header.author if header else None
        meta: dict[str, Any] = {}
        parent_id = None
        if header is not None:
            meta["date"] = header.date
            if header.role:
                meta["role"] = header.role
            if header.reply_to:
                meta["reply_to"] = header.reply_to
                parent_id = latest_by_author.get(header.reply_to.casefold())
        if draft.votes:
            meta["votes"] = list(draft.votes)
        if draft.edited:
            meta["edited"] = draft.edited
        cid = comment_id(thread_id, len(comments) + 1)
        comments.append(Comment(cid, thread_id, text[start:end], start, author, parent_id, meta))
        if author:
            latest_by_author[author.casefold()] = cid
    return Thread(thread_id, article, tuple(comments))
