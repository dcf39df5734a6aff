"""Dump readers: every format read back exactly (threads, ids, parents, authors, text), bad records reported not fatal."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import tracemalloc
from pathlib import Path

import pytest

from dump_fixtures import THREAD, disqus_text, write_csv, write_disqus, write_jsonl, write_reddit, write_wxr, wxr_text
from service.threads import Columns, Comment, ReadError, detect_format, parse_scraped_page, read_dump
from service.threads import readers as readers_module
from service.threads.detect import UNSUPPORTED_JSON_ARRAY

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "threads"


def read_all(path: Path, fmt: str | None = None, columns: Columns = Columns()) -> tuple[list[Comment], list[ReadError]]:
    fmt = fmt or detect_format(path)[0]
    assert fmt is not None, detect_format(path)
    items = list(read_dump(path, fmt, columns))
    return [i for i in items if isinstance(i, Comment)], [i for i in items if isinstance(i, ReadError)]


def shape(comments: list[Comment]) -> list[tuple[str, str | None, str | None, str]]:
    return [(c.id, c.parent_id, c.author, c.text) for c in comments]


# ---------------------------------------------------------------------------- JSONL and CSV


def test_jsonl_keeps_threads_nested_replies_and_empty_texts(tmp_path: Path) -> None:
    path = tmp_path / "comments.jsonl"
    write_jsonl(path)
    comments, errors = read_all(path)
    assert errors == []
    assert shape(comments) == [(c["id"], c["parent"], c["author"], c["text"]) for c in THREAD]
    assert {c.thread_id for c in comments} == {"bridge"}
    assert [c.meta["line"] for c in comments] == [1, 2, 3, 4, 5]
    assert all(c.offset == 0 for c in comments)
    # c3 answers c2 which answers c1: three levels survive.
    by_id = {c.id: c for c in comments}
    assert by_id[by_id["c3"].parent_id].parent_id == "c1"


def test_jsonl_malformed_lines_are_reported_with_their_line_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b'{"id": 1, "text": "first"}\n'
        b"{not json\n"
        b"[1, 2]\n"
        b'{"id": 2, "text": 5}\n'
        b'{"id": 3, "body": "text under an alias"}\n'
        b'{"id": 4, "text": "caf\xe9 in latin-1"}\n'
        b'{"id": 5}\n'
        b"\n"
        b'{"id": 6, "text": null}\n'
        b'{"id": 7, "text": "last", "author": {"name": "x"}}\n'
        b'{"id": 8, "text": "really last"}'  # no final newline
    )
    comments, errors = read_all(path)
    assert [(c.id, c.text) for c in comments] == [("1", "first"), ("3", "text under an alias"), ("6", ""), ("8", "really last")]
    assert [(e.location, e.reason.split(" (")[0]) for e in errors] == [
        ("line 2", "invalid JSON"),
        ("line 3", "expected a JSON object, got list"),
        ("line 4", "field 'text' must be a string, got int"),
        ("line 6", "not UTF-8"),
        ("line 7", "no text field"),
        ("line 10", "field 'author' must be a string or an integer, got dict"),
    ]
    assert all(e.file == str(path) for e in errors)


def test_jsonl_columns_are_configurable_and_reach_into_nested_objects(tmp_path: Path) -> None:
    path = tmp_path / "custom.jsonl"
    rows = [
        {"key": "a", "msg": "hello", "user": {"name": "zed"}, "topic": "t9", "re": None},
        {"key": "b", "msg": "reply", "user": {"name": "yan"}, "topic": "t9", "re": "a"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    cols = Columns(text="msg", id="key", author="user.name", thread="topic", parent="re")
    comments, errors = read_all(path, columns=cols)
    assert errors == []
    assert [(c.id, c.thread_id, c.parent_id, c.author, c.text) for c in comments] == [
        ("a", "t9", None, "zed", "hello"),
        ("b", "t9", "a", "yan", "reply"),
    ]
    # A named column that a record lacks is that record's error, not a silent default.
    _, errors = read_all(path, columns=Columns(text="missing"))
    assert [e.location for e in errors] == ["line 1", "line 2"]


def test_jsonl_without_ids_or_threads_names_them_after_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bare.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "one"}\n{"text": "two"}\n'))
    comments, _ = read_all(path)
    assert [(c.id, c.thread_id) for c in comments] == [("bare:1", "bare"), ("bare:2", "bare")]


def test_over_long_line_is_skipped_without_holding_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers_module, "MAX_LINE_BYTES", 64)
    path = tmp_path / "long.jsonl"
    path.write_text('{"text": "ok"}\n{"text": "' + "x" * 500 + '"}\n{"text": "after"}\n', encoding="utf-8")
    comments, errors = read_all(path)
    assert [c.text for c in comments] == ["ok", "after"]
    assert [(e.location, e.reason) for e in errors] == [("line 2", "line too long (not a comment record)")]


def test_csv_with_quoted_newlines_renamed_columns_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "comments.csv"
    write_csv(path)
    comments, errors = read_all(path)
    assert errors == []
    assert shape(comments) == [(c["id"], c["parent"], c["author"], c["text"]) for c in THREAD]
    assert {c.thread_id for c in comments} == {"bridge"}

    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        b'id,text,author\n1,"two\nlines",amy\n2,too,many,fields\n3,"caf\xe9",bob\n4,fine,cat\n5,"never closed\n'
    )
    comments, errors = read_all(bad)
    assert [(c.id, c.text, c.meta["line"]) for c in comments] == [("1", "two\nlines", 2), ("4", "fine", 6)]
    assert [(e.location, e.reason) for e in errors] == [
        ("line 4", "4 fields, the header has 3"),
        ("line 5", "not UTF-8"),
        # The unclosed quote swallows the rest of the file into one field: that record is short of fields.
        ("line 7", "2 fields, the header has 3"),
    ]


def test_tsv_and_missing_text_column(tmp_path: Path) -> None:
    tsv = tmp_path / "c.tsv"
    tsv.write_text("id\ttext\n1\thello, world\n", encoding="utf-8")
    comments, _ = read_all(tsv)
    assert [c.text for c in comments] == ["hello, world"]
    no_text = tmp_path / "no_text.csv"
    no_text.write_text("id,title\n1,hello\n2,again\n", encoding="utf-8")
    comments, errors = read_all(no_text)
    assert comments == [] and len(errors) == 1 and errors[0].location == "line 1" and "no text column" in errors[0].reason


# ---------------------------------------------------------------------------- XML exports


@pytest.mark.parametrize("version", ["1.0", "1.2"])
def test_wxr_posts_are_threads_and_comment_parents_are_kept(tmp_path: Path, version: str) -> None:
    path = tmp_path / "export.xml"
    expected = write_wxr(path)
    if version != "1.2":
        path.write_text(path.read_text().replace("export/1.2/", f"export/{version}/"), encoding="utf-8")
    assert detect_format(path)[0] == "wxr"
    comments, errors = read_all(path)
    assert errors == []
    assert [(c.thread_id, c.id, c.parent_id, c.author, c.text) for c in comments] == [
        (e["thread"], e["id"], e["parent"], e["author"], e["text"]) for e in expected
    ]
    assert comments[0].meta["thread_title"] == "Bridge plans" and comments[0].meta["approved"] == "1"
    assert all("article body" not in c.text for c in comments)


def test_wxr_bad_records_and_a_syntax_error(tmp_path: Path) -> None:
    good = {"id": "1", "parent": None, "author": "a", "text": "fine"}
    text = wxr_text([("5", "P", [good, {"id": "", "parent": None, "author": "b", "text": "no id"}, {"id": "3", "parent": "x1", "author": "c", "text": "bad parent"}])])
    path = tmp_path / "broken.wxr"
    # A second post whose markup breaks halfway: what came before it is kept.
    path.write_text(text.replace("</channel></rss>", "<item><title>Broken</title><wp:post_id>6</wp:post_id><wp:comment><oops></item></channel></rss>"), encoding="utf-8")
    comments, errors = read_all(path)
    assert [c.id for c in comments] == ["1"]
    assert [e.location for e in errors[:2]] == ["record 2", "record 3"]
    assert "no wp:comment_id" in errors[0].reason and "not a comment id" in errors[1].reason
    assert errors[-1].location.startswith("line ") and "XML syntax error" in errors[-1].reason


def test_disqus_threads_posts_and_parents(tmp_path: Path) -> None:
    path = tmp_path / "disqus.xml"
    posts = write_disqus(path)
    assert detect_format(path)[0] == "disqus"
    comments, errors = read_all(path)
    assert errors == []
    assert [(c.thread_id, c.id, c.parent_id, c.author, c.text) for c in comments] == [
        (p["thread"], p["id"], p["parent"], p["author"], p["text"]) for p in posts
    ]
    assert comments[0].meta["thread_title"] == "Bridge plans"


def test_disqus_post_without_thread_or_message(tmp_path: Path) -> None:
    text = disqus_text([("1", "T")], [{"thread": "1", "id": "10", "author": "a", "text": "ok"}])
    text = text.replace("</disqus>", '<post dsq:id="11"><message>orphan</message></post><post dsq:id="12"><thread dsq:id="1"/></post></disqus>')
    path = tmp_path / "d.xml"
    path.write_text(text, encoding="utf-8")
    comments, errors = read_all(path)
    assert [c.id for c in comments] == ["10"]
    assert [(e.location, e.reason) for e in errors] == [("record 2", "post 11 names no thread"), ("record 3", "post 12 has no message")]


def _xml_peak(path: Path) -> int:
    tracemalloc.start()
    try:
        n = sum(1 for _ in read_dump(path, detect_format(path)[0]))
        assert n > 0
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("kind", ["wxr", "disqus"])
def test_xml_readers_stream_with_flat_memory(tmp_path: Path, kind: str) -> None:
    def build(n_posts: int) -> Path:
        path = tmp_path / f"{kind}_{n_posts}.xml"
        comments = [{"id": str(i), "parent": None, "author": "a", "text": "a comment of some length " * 4} for i in range(20)]
        if kind == "wxr":
            posts = [(str(p), f"Post {p}", [{**c, "id": f"{p}-{c['id']}"} for c in comments]) for p in range(n_posts)]
            path.write_text(wxr_text(posts, body="An article paragraph. " * 100))
        else:
            posts = [{**c, "id": f"{p}-{c['id']}", "thread": str(p)} for p in range(n_posts) for c in comments]
            path.write_text(disqus_text([(str(p), f"T{p}") for p in range(n_posts)], posts))
        return path

    small, large = _xml_peak(build(50)), _xml_peak(build(1000))
    # 20x the posts (14 MB of WXR); a reader that kept finished posts would hold several MB more.
    assert large < small + 1024 * 1024, (small, large)


# ---------------------------------------------------------------------------- Reddit


@pytest.mark.parametrize("name", ["RC_2021-03.ndjson", "RC_2021-03.ndjson.gz", "RC_2021-03.zst"])
def test_reddit_plain_gz_and_zst(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    write_reddit(path)
    assert detect_format(path)[0] == "reddit"
    comments, errors = read_all(path)
    assert errors == []
    assert [(c.thread_id, c.id, c.parent_id, c.author, c.text) for c in comments] == [
        ("abc", f"r{c['id']}", f"r{c['parent']}" if c["parent"] else None, c["author"], c["text"]) for c in THREAD
    ]
    assert comments[0].meta["subreddit"] == "city"


def test_reddit_bad_records_and_truncated_archive(tmp_path: Path) -> None:
    path = tmp_path / "RC.ndjson"
    write_reddit(path)
    with open(path, "a", encoding="utf-8") as f:
        f.write('{"id": "x1", "link_id": "t3_abc"}\n{"id": "x2", "body": "no thread"}\n')
    comments, errors = read_all(path)
    assert len(comments) == len(THREAD)
    assert [e.reason for e in errors] == ["no string 'body' (not a Reddit comment)", "comment x2 has no 'link_id'"]

    truncated = tmp_path / "RC.ndjson.gz"
    data = gzip.compress(path.read_bytes() * 50)
    truncated.write_bytes(data[: len(data) // 2])
    comments, errors = read_all(truncated, "reddit")
    assert 0 < len(comments) < 50 * len(THREAD)
    assert errors[-1].location == "end of readable data" and "cannot read further" in errors[-1].reason

    corrupt = tmp_path / "RC.zst"
    corrupt.write_bytes(b"\x28\xb5\x2f\xfd" + b"\x00garbage" * 20)
    comments, errors = read_all(corrupt, "reddit")
    assert comments == [] and errors and "cannot read further" in errors[-1].reason


# ---------------------------------------------------------------------------- scraped pages


def test_scraped_pages_read_as_dumps_match_the_page_parser(tmp_path: Path) -> None:
    for page in sorted(FIXTURES.glob("*.txt")):
        text = page.read_text(encoding="utf-8")
        expected = parse_scraped_page(text, page.stem).comments
        comments, errors = read_all(page)
        assert errors == []
        assert [(c.id, c.text, c.offset, c.parent_id) for c in comments] == [(c.id, c.text, c.offset, c.parent_id) for c in expected]
        for c in comments:
            assert text[c.offset : c.offset + len(c.text)] == c.text
            assert c.meta["line"] == text.count("\n", 0, c.offset) + 1


def test_page_that_is_not_utf8_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(b"Title\n\nBody \xff\xfe text\n")
    comments, errors = read_all(path)
    assert comments == [] and len(errors) == 1 and "not UTF-8" in errors[0].reason


# ---------------------------------------------------------------------------- detection


def test_detection_by_content_and_extension(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl")
    write_reddit(tmp_path / "RC_2019-01.zst")  # Pushshift names carry no inner extension
    write_wxr(tmp_path / "site.xml")
    write_disqus(tmp_path / "disqus-export")
    write_csv(tmp_path / "c.csv")
    shutil.copy(FIXTURES / "wpdiscuz_bike_lane.txt", tmp_path / "000_page")
    (tmp_path / "array.json").write_text('[{"text": "x"}]')
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "feed.xml").write_text("<rss><channel></channel></rss>")
    found = {p.name: detect_format(p)[0] for p in tmp_path.iterdir()}
    assert found == {
        "a.jsonl": "jsonl",
        "RC_2019-01.zst": "reddit",
        "site.xml": "wxr",
        "disqus-export": "disqus",
        "c.csv": "csv",
        "000_page": "page",
        "array.json": None,
        "blob.bin": None,
        "feed.xml": None,
    }
    assert detect_format(tmp_path / "array.json")[1] == UNSUPPORTED_JSON_ARRAY


def test_read_dump_reports_an_unopenable_file() -> None:
    items = list(read_dump(Path("/nonexistent/dump.jsonl"), "jsonl"))
    assert len(items) == 1 and isinstance(items[0], ReadError) and "cannot open" in items[0].reason


def test_iter_lines_strips_a_byte_order_mark() -> None:
    lines = list(readers_module.iter_lines(io.BytesIO(b'\xef\xbb\xbf{"a": 1}\nx\n')))
    assert lines == [(1, b'{"a": 1}\n'), (2, b"x\n")]
