"""The plain-text page-scrape reader: which lines become comments, and exactly where they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.threads import Comment, Thread, comment_id, parse_scraped_page

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "threads"
SEEDS = REPO / "seeds"

WPDISCUZ = "wpdiscuz_bike_lane.txt"
GENERIC = "generic_community_kitchen.txt"
CLOSED = "comments_closed_parade.txt"
ARTICLE_ONLY = "article_only_library_hours.txt"
ARTICLE_WITH_REPLY_LINES = "article_with_reply_lines_permit.txt"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def parse(name: str) -> tuple[str, Thread]:
    dump = read(name)
    return dump, parse_scraped_page(dump, Path(name).stem)


def article_paragraphs(dump: str, thread: Thread) -> list[str]:
    assert thread.article is not None
    return [p.strip() for p in thread.article.body.split("\n") if len(p.split()) >= 6]


def assert_offsets_exact(dump: str, thread: Thread) -> None:
    for c in thread.comments:
        assert c.text, c.id
        assert dump[c.offset : c.offset + len(c.text)] == c.text, c.id
        assert c.text == c.text.strip(), c.id


# ---------------------------------------------------------------------------- counts and invariants

EXPECTED_COUNTS = {WPDISCUZ: 9, GENERIC: 5, CLOSED: 0, ARTICLE_ONLY: 0, ARTICLE_WITH_REPLY_LINES: 0}


@pytest.mark.parametrize("name", sorted(EXPECTED_COUNTS))
def test_comment_count_per_fixture(name: str) -> None:
    _, thread = parse(name)
    assert len(thread.comments) == EXPECTED_COUNTS[name]


@pytest.mark.parametrize("name", sorted(EXPECTED_COUNTS))
def test_every_comment_is_the_exact_substring_at_its_offset(name: str) -> None:
    dump, thread = parse(name)
    assert_offsets_exact(dump, thread)


@pytest.mark.parametrize("name", sorted(EXPECTED_COUNTS))
def test_ids_are_numbered_in_document_order_and_stable(name: str) -> None:
    dump, first = parse(name)
    second = parse_scraped_page(dump, Path(name).stem)
    assert [c.id for c in first.comments] == [comment_id(first.id, n) for n in range(1, len(first.comments) + 1)]
    assert first == second
    offsets = [c.offset for c in first.comments]
    assert offsets == sorted(offsets)
    assert all(c.thread_id == first.id for c in first.comments)


@pytest.mark.parametrize("name", sorted(EXPECTED_COUNTS))
def test_no_article_paragraph_is_ever_a_comment(name: str) -> None:
    dump, thread = parse(name)
    paragraphs = article_paragraphs(dump, thread)
    assert paragraphs, "fixture article should have paragraphs"
    for c in thread.comments:
        for p in paragraphs:
            assert p not in c.text, (c.id, p)


@pytest.mark.parametrize("name", sorted(EXPECTED_COUNTS))
def test_article_title_is_the_first_line(name: str) -> None:
    dump, thread = parse(name)
    assert thread.article is not None
    assert thread.article.title == dump.strip().split("\n")[0]


# ---------------------------------------------------------------------------- wpDiscuz page


def test_wpdiscuz_authors_in_order() -> None:
    _, thread = parse(WPDISCUZ)
    assert [c.author for c in thread.comments] == [
        "Marcus Reed",
        "Linda Hsu",
        "Marcus Reed",
        "Gravel Grinder",
        "Dana Fan",
        "Old Town Resident",
        "Pete Kowalski",
        "Marcus Reed",
        "Sam T.",
    ]


def test_wpdiscuz_multi_paragraph_comment_stays_one() -> None:
    _, thread = parse(WPDISCUZ)
    grinder = thread.comments[3]
    assert grinder.text == (
        'What a pathetic council. Two years of "consultation" for a strip of paint and some plastic posts.\n'
        "\n"
        "They could have done this in a month if anyone on that council had a spine.\n"
        "\n"
        "Honestly the whole lot of them should be voted out."
    )
    assert thread.comments[0].text.startswith("Finally. I have been nearly clipped")
    assert thread.comments[0].text.endswith("needs to get their priorities checked.")
    assert thread.comments[0].text.count("\n\n") == 1


def test_wpdiscuz_widget_noise_is_never_comment_text() -> None:
    _, thread = parse(WPDISCUZ)
    noise = ("Reply", "Last edited", "+12", "Load More", "Would love your thoughts", "Notify of", "View all comments")
    for c in thread.comments:
        for n in noise:
            assert n not in c.text, (c.id, n)
        assert c.text.split("\n")[-1] not in ("0", "x", "()")


def test_wpdiscuz_replies_resolve_to_the_named_authors_latest_comment() -> None:
    _, thread = parse(WPDISCUZ)
    by_id = {c.id: c for c in thread.comments}
    linda, marcus_again, dana, marcus_last = (thread.comments[i] for i in (1, 2, 4, 7))
    assert linda.parent_id == thread.comments[0].id and linda.meta["reply_to"] == "Marcus Reed"
    assert marcus_again.parent_id == linda.id
    assert dana.meta["reply_to"] == "Gravel Grinder" and by_id[dana.parent_id].author == "Gravel Grinder"
    assert by_id[marcus_last.parent_id].author == "Pete Kowalski"
    assert thread.comments[0].parent_id is None and thread.comments[8].parent_id is None


def test_wpdiscuz_meta_keeps_date_votes_and_edit_note() -> None:
    _, thread = parse(WPDISCUZ)
    linda, pete, sam = thread.comments[1], thread.comments[6], thread.comments[8]
    assert linda.meta["date"] == "3 years ago"
    assert linda.meta["votes"] == [4]
    assert linda.meta["edited"] == "Last edited 3 years ago by Linda Hsu"
    assert pete.meta["votes"] == [-8]
    assert sam.meta == {"date": "1 month ago", "votes": [1]}
    assert pete.text == (
        "This is a stupid waste of money and you idiots cheering for it will be the first to complain "
        "when your taxes go up."
    )


def test_wpdiscuz_footer_is_not_a_comment() -> None:
    _, thread = parse(WPDISCUZ)
    assert thread.comments[-1].text.endswith("Well worth the wait.")
    assert not any("Riverside Gazette" in c.text or "cookies" in c.text for c in thread.comments)


# ---------------------------------------------------------------------------- generic thread page


def test_generic_thread_authors_and_texts() -> None:
    _, thread = parse(GENERIC)
    assert [c.author for c in thread.comments] == ["Jane Doe", "Tom Becker", None, "Ricardo M", "Amelia Grant"]
    jane, tom, anonymous, ricardo, amelia = thread.comments
    assert jane.text == (
        "What a lovely idea. The building has good bones and the old reading room would make a wonderful dining space."
    )
    assert jane.meta["date"] == "March 3, 2021 at 4:12 pm"
    assert tom.meta["date"] == "03/04/2021"
    assert tom.text.count("\n\n") == 1 and tom.text.endswith("count me out.")
    assert anonymous.text == (
        "Honestly, the kitchen would be far more useful than another row of luxury flats nobody round here can afford."
    )
    assert anonymous.meta == {}
    assert ricardo.text.startswith("@Tom Becker the bench money")
    assert amelia.text.endswith("Count us in!")


def test_generic_comment_count_link_under_the_title_does_not_open_the_thread() -> None:
    dump, thread = parse(GENERIC)
    assert thread.article is not None
    assert "The council will hear the proposal on April 12." in thread.article.body
    assert thread.comments[0].offset > dump.index("The council will hear the proposal")


def test_generic_reply_form_and_footer_are_not_comments() -> None:
    _, thread = parse(GENERIC)
    for c in thread.comments:
        assert "email" not in c.text.casefold()
        assert "Spring clean-up" not in c.text and "Copyright" not in c.text


# ---------------------------------------------------------------------------- pages without a thread


def test_closed_and_article_only_pages_have_articles_but_no_comments() -> None:
    for name in (CLOSED, ARTICLE_ONLY, ARTICLE_WITH_REPLY_LINES):
        _, thread = parse(name)
        assert thread.comments == ()
        assert thread.article is not None and len(thread.article.body) > 200


def test_article_with_reply_and_date_lines_keeps_them_in_the_article() -> None:
    _, thread = parse(ARTICLE_WITH_REPLY_LINES)
    assert thread.article is not None
    assert "Jordan Blake\n2 days ago" in thread.article.body
    assert "Those two lines appear as written" in thread.article.body


# ---------------------------------------------------------------------------- small inline pages

PROSE = (
    "The committee met on Thursday to review the proposal, and after a long debate it agreed to "
    "send the plan back to the planning office for another round of changes."
)


def test_empty_page_gives_no_article_and_no_comments() -> None:
    assert parse_scraped_page("", "t") == Thread("t", None, ())
    assert parse_scraped_page("\n \n", "t").comments == ()


def test_discussion_section_heading_inside_an_article_is_not_a_thread() -> None:
    page = f"Study Finds Parks Lower Stress\n\n{PROSE}\n\nDiscussion\n\n{PROSE}\n\nThe authors call for more research.\n"
    assert parse_scraped_page(page, "t").comments == ()


def test_comment_count_near_the_title_with_a_byline_is_not_a_thread() -> None:
    page = f"Budget Passes\n12 Comments\nJane Doe\nMarch 3, 2021\n\n{PROSE}\n\n{PROSE}\n"
    assert parse_scraped_page(page, "t").comments == ()


def test_widget_link_alone_does_not_open_a_wpdiscuz_thread() -> None:
    page = f"Budget Passes\nView all comments\n\n{PROSE}\n\nAnother paragraph of the article.\n"
    assert parse_scraped_page(page, "t").comments == ()


def test_wpdiscuz_without_notify_bar_and_with_split_sort_labels() -> None:
    page = (
        f"Budget Passes\n\n{PROSE}\n\nnewest\nMOST VOTED\nInline Feedbacks\nView all comments\n"
        "Ann Lee\nGuest\n2 days ago\n\nGood call.\n\nAbout time.\n0\nReply\n"
        "Bo\n Reply to  Ann Lee\n1 day ago\nAgreed.\nReply\n"
    )
    thread = parse_scraped_page(page, "t")
    assert [(c.author, c.text) for c in thread.comments] == [("Ann Lee", "Good call.\n\nAbout time."), ("Bo", "Agreed.")]
    assert thread.comments[0].meta["role"] == "Guest"
    assert thread.comments[1].parent_id == "t:c1"


def test_wpdiscuz_with_no_comments_gives_none() -> None:
    page = f"Budget Passes\n\n{PROSE}\n\nNotify of\nguest\n0 Comments\nInline Feedbacks\nView all comments\n\n© 2024 Paper\n"
    assert parse_scraped_page(page, "t").comments == ()


def test_crlf_and_indented_lines_keep_offsets_exact() -> None:
    page = (
        f"Budget Passes\r\n\r\n{PROSE}\r\n\r\n3 Comments\r\n\r\n  Jane Doe says:\r\n  March 3, 2021 at 4:12 pm\r\n"
        "\r\n  First line.\r\n\r\n\u00a0 Second paragraph.  \r\n  Reply\r\n"
        "Max\r\n2021-03-04 10:00\r\nShort one.\r\n"
    )
    thread = parse_scraped_page(page, "t")
    assert_offsets_exact(page, thread)
    assert [c.author for c in thread.comments] == ["Jane Doe", "Max"]
    assert thread.comments[0].text == "First line.\r\n\r\n\u00a0 Second paragraph."
    assert thread.comments[1].text == "Short one."


def test_reply_link_between_header_and_text_keeps_the_author() -> None:
    page = f"Budget Passes\n\n{PROSE}\n\nLeave a Comment\nJane Doe\nMarch 3, 2021\nReply\n\nI agree with this.\nReply\n"
    thread = parse_scraped_page(page, "t")
    assert [(c.author, c.text) for c in thread.comments] == [("Jane Doe", "I agree with this.")]


def test_last_thread_heading_wins_over_an_earlier_count_link() -> None:
    page = (
        f"Budget Passes\n\n{PROSE}\n\n4 Comments\n\nThe article goes on after the comment-count link.\n\n"
        f"{PROSE}\n\n4 Comments\nAl\n3 years ago\nNice.\nReply\n"
    )
    thread = parse_scraped_page(page, "t")
    assert [(c.author, c.text) for c in thread.comments] == [("Al", "Nice.")]


def test_name_and_date_on_one_line() -> None:
    page = (
        f"Budget Passes\n\n{PROSE}\n\n2 thoughts on \u201cBudget Passes\u201d\n"
        "Jane Doe on March 3, 2021 at 4:12 pm said:\nFine by me.\nReply\n"
        "Bob | 3 years, 2 months ago\nIn reply to Jane Doe.\nNot by me.\n"
        "I moved here on March 3, 2021\nReply\n"
    )
    thread = parse_scraped_page(page, "t")
    assert [(c.author, c.meta["date"], c.text) for c in thread.comments] == [
        ("Jane Doe", "March 3, 2021 at 4:12 pm", "Fine by me."),
        ("Bob", "3 years, 2 months ago", "Not by me.\nI moved here on March 3, 2021"),
    ]
    assert thread.comments[1].parent_id == "t:c1"


def test_comment_text_stops_at_comments_closed_after_the_thread() -> None:
    page = f"Budget Passes\n\n{PROSE}\n\n2 Responses\nAl\n3 years ago\nNice.\nComments are closed.\nStray line.\n"
    thread = parse_scraped_page(page, "t")
    assert [c.text for c in thread.comments] == ["Nice."]


def test_comment_is_frozen_and_hashable() -> None:
    c = Comment("t:c1", "t", "hi", 0, meta={"date": "today"})
    assert hash(c) == hash(Comment("t:c1", "t", "hi", 0, meta={"date": "today"}))
    with pytest.raises(AttributeError):
        c.text = "changed"  # type: ignore[misc]


def test_comment_numbers_start_at_one() -> None:
    assert comment_id("thread-7", 1) == "thread-7:c1"
    with pytest.raises(ValueError):
        comment_id("thread-7", 0)


# ---------------------------------------------------------------------------- real seed documents

SEED_FILES = sorted(p for p in SEEDS.glob("[0-9][0-9][0-9]_*") if p.is_file()) if SEEDS.is_dir() else []
SEEDS_WITH_THREADS = {"000", "002"}
SEEDS_WITHOUT_THREADS = {"001", "003", "004"}


@pytest.mark.parametrize(
    "path",
    SEED_FILES
    or [pytest.param(None, marks=pytest.mark.skip(reason="seeds/ holds no NNN_* seed documents in this checkout"))],
    ids=lambda p: p.name if isinstance(p, Path) else "no-seeds",
)
def test_real_seed_documents(path: Path) -> None:
    dump = path.read_text(encoding="utf-8", errors="replace")
    thread = parse_scraped_page(dump, path.stem)
    assert_offsets_exact(dump, thread)
    prefix = path.name[:3]
    if prefix in SEEDS_WITH_THREADS:
        assert len(thread.comments) > 0, f"{path.name}: expected reader comments"
    elif prefix in SEEDS_WITHOUT_THREADS:
        assert thread.comments == (), f"{path.name}: expected no comments, got {[c.text[:40] for c in thread.comments]}"
