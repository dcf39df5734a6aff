"""The ``threadguard`` command.

Runtime verbs live here. Training verbs (``train``, ``eval``, ``export``, ``data stats``)
plug in through the ``threadguard.commands`` entry-point group, so this module never
imports ``training`` and the runtime install works without torch.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Iterator, Optional, TextIO

import typer

from service.schema import validate_lines

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Moderate comment threads: scores, flags and character spans.")
data_app = typer.Typer(no_args_is_help=True, help="Labelled data: validate label files, print statistics.")
app.add_typer(data_app, name="data")


def fail(message: str, code: int = 2) -> None:
    """Exit with one readable line on stderr."""
    typer.echo(f"threadguard: error: {message}", err=True)
    raise typer.Exit(code)


@data_app.command("validate")
def data_validate(path: Path = typer.Argument(..., help="JSONL label file to check.")) -> None:
    """Check a label file: offsets in range and on the text, labels in the vocabulary, ids unique."""
    if not path.is_file():
        fail(f"{path}: no such file")
    with open(path, encoding="utf-8") as f:
        errors = validate_lines(f, where=str(path))
    for e in errors:
        typer.echo(e)
    if errors:
        fail(f"{path}: {len(errors)} problem(s)", code=1)
    typer.echo(f"{path}: ok")


MAX_TEXT_CHARS = 20_000
SCORE_CHUNK = 256


def parse_score_line(line: str, lineno: int) -> tuple[Any, str | None, str | None]:
    """One input line → (id, text, error). JSON objects need a string ``text``; other lines are plain text."""
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as exc:
            return lineno, None, f"line {lineno}: invalid JSON ({exc.msg} at column {exc.colno})"
        cid = obj.get("id", lineno)
        text = obj.get("text")
        if not isinstance(text, str):
            return cid, None, f"line {lineno}: field 'text' must be a string"
    else:
        cid, text = lineno, line.rstrip("\r\n")
    if len(text) > MAX_TEXT_CHARS:
        return cid, None, f"line {lineno}: text has {len(text)} characters (limit {MAX_TEXT_CHARS})"
    return cid, text, None


def _score_stream(scorer, source: TextIO, thresholds: dict[str, float], spans: bool) -> Iterator[dict[str, Any]]:
    pending: list[tuple[Any, str | None, str | None]] = []

    def flush() -> Iterator[dict[str, Any]]:
        texts = [t for _, t, err in pending if err is None]
        results = iter(scorer.score(texts, thresholds=thresholds, spans=spans)) if texts else iter(())
        for cid, _, err in pending:
            yield {"id": cid, "error": err} if err else {"id": cid, **next(results)}
        pending.clear()

    for lineno, line in enumerate(source, 1):
        if not line.strip():
            continue
        pending.append(parse_score_line(line, lineno))
        if len(pending) >= SCORE_CHUNK:
            yield from flush()
    yield from flush()


@app.command("score")
def score(
    path: str = typer.Argument("-", help="JSONL of {\"id\", \"text\"} (or plain text lines); '-' reads stdin."),
    model: Optional[Path] = typer.Option(None, help="Model directory (default: the shipped model)."),
    threshold: Optional[list[str]] = typer.Option(None, "--threshold", help="Override a label's threshold, e.g. hate=0.4."),
    spans: bool = typer.Option(True, "--spans/--no-spans", help="Return character spans."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write results here (atomically) instead of stdout."),
) -> None:
    """Score comments: one JSON result per input line, in input order."""
    from service.io import atomic_write_text
    from service.runtime.bundle import ModelError
    from service.runtime.scorer import Scorer

    overrides: dict[str, float] = {}
    for item in threshold or []:
        name, sep, value = item.partition("=")
        try:
            overrides[name.strip()] = float(value)
        except ValueError:
            fail(f"--threshold {item!r}: expected LABEL=NUMBER")
    try:
        scorer = Scorer(model)
        scorer.thresholds_for(overrides)
    except (ModelError, ValueError) as exc:
        fail(str(exc))
    if path != "-" and not Path(path).is_file():
        fail(f"{path}: no such file")
    source = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="strict")
    failed = 0
    out_lines: list[str] = []
    try:
        for result in _score_stream(scorer, source, overrides, spans):
            failed += "error" in result
            line = json.dumps(result, ensure_ascii=False)
            if output:
                out_lines.append(line)
            else:
                typer.echo(line)
    except UnicodeDecodeError as exc:
        fail(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    finally:
        if source is not sys.stdin:
            source.close()
    if output:
        atomic_write_text(output, "".join(line + "\n" for line in out_lines))
    if failed:
        fail(f"{failed} line(s) could not be scored (see their error objects)", code=1)


def _load_plugins() -> None:
    for ep in entry_points(group="threadguard.commands"):
        try:
            register = ep.load()
        except ImportError:  # the [train] extra is not installed: its verbs are simply absent
            continue
        register(app, data_app)


def main() -> None:
    _load_plugins()
    app()


if __name__ == "__main__":
    sys.exit(main())
