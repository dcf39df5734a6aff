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
labels_app = typer.Typer(no_args_is_help=True, help="The label store: import and export human labels (history kept).")
app.add_typer(labels_app, name="labels")


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


@app.command("serve")
def serve(
    host: Optional[str] = typer.Option(None, help="Interface to listen on (default 127.0.0.1; 0.0.0.0 for all)."),
    port: Optional[int] = typer.Option(None, help="Port (default 8080)."),
    model: Optional[Path] = typer.Option(None, help="Model directory (default: the shipped model)."),
    config: Optional[Path] = typer.Option(None, help="TOML settings file (see docs/api.md); THREADGUARD_* variables override it."),
    workers: Optional[int] = typer.Option(None, help="Server processes, each with its own model copy (default 1)."),
    log_level: Optional[str] = typer.Option(None, help="critical, error, warning, info or debug."),
) -> None:
    """Serve the scoring API (native, Perspective- and OpenAI-compatible routes) over HTTP."""
    import os

    import uvicorn
    from pydantic import ValidationError

    from service.api.settings import CONFIG_FILE_ENV, ENV_PREFIX, load_settings
    from service.runtime.bundle import ModelError, read_manifest

    flags = {"host": host, "port": port, "model_dir": model.resolve() if model else None, "workers": workers, "log_level": log_level}
    try:
        settings = load_settings(config, **flags)
    except FileNotFoundError as exc:
        fail(str(exc))
    except ValidationError as exc:
        first = exc.errors()[0]
        fail(f"setting {'.'.join(str(p) for p in first['loc'])}: {first['msg']}")
    try:
        read_manifest(settings.model_dir)
    except ModelError as exc:
        fail(str(exc))
    # uvicorn's workers build their own settings from the environment: hand the flags over that way.
    for name, value in flags.items():
        if value is not None:
            os.environ[ENV_PREFIX + name.upper()] = str(value)
    if config:
        os.environ[CONFIG_FILE_ENV] = str(config.resolve())
    uvicorn.run(
        "service.api.app:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
        access_log=False,  # uvicorn's access log would print query strings, and ?key= carries keys
        server_header=False,
        timeout_graceful_shutdown=int(settings.shutdown_timeout_s),
    )


def _parse_thresholds(items: Optional[list[str]]) -> dict[str, float]:
    overrides: dict[str, float] = {}
    for item in items or []:
        name, _, value = item.partition("=")
        try:
            overrides[name.strip()] = float(value)
        except ValueError:
            fail(f"--threshold {item!r}: expected LABEL=NUMBER")
    return overrides


@app.command("moderate")
def moderate(
    dumps: list[Path] = typer.Argument(..., help="Dump files or folders: scraped pages, JSONL, CSV, WordPress WXR, Disqus XML, Reddit NDJSON (.gz/.zst too)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for comments.jsonl, errors.jsonl, summary.json, report.html."),
    fmt: Optional[str] = typer.Option(None, "--format", help="Read every input as this format: page, jsonl, csv, wxr, disqus, reddit (default: detect per file)."),
    text_col: Optional[str] = typer.Option(None, "--text-col", help="JSONL/CSV field with the comment text (default: text, body, comment, content, message)."),
    id_col: Optional[str] = typer.Option(None, "--id-col", help="JSONL/CSV field with the comment id (default: id, comment_id)."),
    author_col: Optional[str] = typer.Option(None, "--author-col", help="JSONL/CSV field with the author (default: author, user, username, user_name, name)."),
    thread_col: Optional[str] = typer.Option(None, "--thread-col", help="JSONL/CSV field with the thread id (default: thread_id, thread, post_id, article_id, link_id)."),
    parent_col: Optional[str] = typer.Option(None, "--parent-col", help="JSONL/CSV field with the parent comment id (default: parent_id, parent, reply_to, in_reply_to)."),
    model: Optional[Path] = typer.Option(None, help="Model directory (default: the shipped model)."),
    threshold: Optional[list[str]] = typer.Option(None, "--threshold", help="Override a label's threshold, e.g. hate=0.4."),
    spans: bool = typer.Option(True, "--spans/--no-spans", help="Find character spans."),
    csv_out: bool = typer.Option(False, "--csv", help="Also write comments.csv."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run in --out (no comment is scored twice)."),
    force: bool = typer.Option(False, "--force", help="Replace an earlier run's outputs in --out."),
    chunk_size: int = typer.Option(256, "--chunk-size", min=1, help="Comments per scoring batch and checkpoint."),
    threads: Optional[int] = typer.Option(None, "--threads", min=1, help="onnxruntime threads per scorer (default: all cores)."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="Progress bar (default: only on a terminal outside CI)."),
    engine: str = typer.Option("local", "--engine", help="local (this process) or ray (Ray Data, local or a cluster)."),
    ray_address: Optional[str] = typer.Option(None, "--ray-address", help="Existing Ray cluster to run on, e.g. ray://head:10001 or auto (default: start a local Ray)."),
    ray_workers: int = typer.Option(2, "--ray-workers", min=1, help="Scoring actors (one onnxruntime session each) for --engine ray."),
) -> None:
    """Moderate whole dumps: score every comment, write per-comment results, a summary and an HTML report.

    Exit status: 0 all records read; 1 some records were skipped (listed in errors.jsonl);
    2 the run could not start; 130 interrupted (continue with --resume).
    """
    from service.batch import InputError, LocalEngine, ModerateOptions, RunExists, RunMismatch, expand_inputs, run_moderation
    from service.batch.progress import progress_wanted
    from service.runtime.bundle import ModelError
    from service.threads.readers import Columns

    if resume and force:
        fail("--resume and --force contradict each other")
    if engine not in ("local", "ray"):
        fail(f"--engine {engine}: expected local or ray")
    overrides = _parse_thresholds(threshold)
    try:
        inputs = expand_inputs(dumps, fmt, exclude=out)
    except InputError as exc:
        fail(str(exc))
    if not inputs:
        fail("no input files found")
    try:
        if engine == "ray":
            from service.batch.ray_engine import RayEngine

            runner = RayEngine(model, overrides, spans, chunk_size, workers=ray_workers, address=ray_address, threads=threads or 1)
        else:
            from service.runtime.scorer import Scorer

            runner = LocalEngine(Scorer(model, threads=threads), overrides, spans, chunk_size)
    except (ModelError, ValueError, ImportError) as exc:
        fail(str(exc))
    options = ModerateOptions(
        inputs=inputs,
        out=out,
        columns=Columns(text_col, id_col, author_col, thread_col, parent_col),
        format=fmt,
        spans=spans,
        resume=resume,
        force=force,
        csv=csv_out,
        progress=progress_wanted() if progress is None else progress,
    )
    try:
        result = run_moderation(runner, options)
    except (RunExists, RunMismatch) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        typer.echo(f"threadguard: interrupted; continue with: threadguard moderate ... --out {out} --resume", err=True)
        raise typer.Exit(130)
    finally:
        close = getattr(runner, "close", None)
        if close is not None:
            close()
    s = result.summary
    run = s.get("run") or {}
    verb = "already complete" if result.already_complete else ("resumed and finished" if result.resumed else "finished")
    typer.echo(
        f"threadguard: {verb}: {s['comments']:,} comments in {s['threads']:,} threads, {s['flagged']:,} flagged, "
        f"{s['skipped']:,} records skipped; {run.get('elapsed_s', 0):.1f} s ({run.get('comments_per_s', 0):,.0f} comments/s) -> {out}",
        err=True,
    )
    if result.skipped:
        typer.echo(f"threadguard: {result.skipped} record(s) could not be read: see {result.paths.errors}", err=True)
    raise typer.Exit(result.exit_code)


LABELS_DB_ENV = "THREADGUARD_LABELS_DB"
LABELS_DB_HELP = "Label database: sqlite:///FILE or postgresql://USER[:PASSWORD]@HOST[:PORT]/DB."


def _open_label_store(db: str, must_exist: bool = False):
    """Open the label store, or exit with one line (bad URL, server down, newer schema)."""
    from sqlalchemy.exc import ArgumentError

    from service.labels.store import LabelStore, engine_url

    try:
        url = engine_url(db)
    except (ArgumentError, ValueError) as exc:
        fail(f"--db: {str(exc).splitlines()[0]}")
    shown = url.render_as_string(hide_password=True)
    if must_exist and url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        if not Path(url.database).is_file():
            fail(f"{shown}: no such label database")
    try:
        return LabelStore(db)
    except Exception as exc:  # noqa: BLE001 - whatever the driver raises, the user gets one line
        fail(f"label database {shown}: {_first_line(exc)}")


def _first_line(exc: Exception) -> str:
    cause = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


@labels_app.command("import")
def labels_import(
    path: Path = typer.Argument(..., help="Label file: our JSONL records, Label Studio tasks (JSON) or doccano JSONL."),
    fmt: str = typer.Option("auto", "--format", help="auto, jsonl, label-studio or doccano."),
    annotator: Optional[str] = typer.Option(None, help="Annotator for labels that name none."),
    db: str = typer.Option("sqlite:///labels.db", "--db", envvar=LABELS_DB_ENV, help=LABELS_DB_HELP),
) -> None:
    """Store every label of a file in one transaction: all of them, or none when any is invalid."""
    from service.labels.formats import FORMATS, LabelFormatError, detect_format, read_labels
    from service.labels.validation import LabelValidationError

    if fmt != "auto" and fmt not in FORMATS:
        fail(f"--format {fmt!r}: expected auto, {', '.join(FORMATS)}")
    if not path.is_file():
        fail(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        fail(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    try:
        fmt = detect_format(text) if fmt == "auto" else fmt
        labels = read_labels(text, fmt, default_annotator=annotator)
    except LabelFormatError as exc:
        fail(f"{path}: {exc}")
    except LabelValidationError as exc:
        unit = "task" if fmt == "label-studio" else "line"
        problems = [f"{path}: {unit} {e['index'] + 1}: {e['field']}: {e['message']}" for e in exc.errors]
        if len(problems) == 1:
            fail(f"{problems[0]} (nothing imported)", code=1)
        for line in problems[:20]:
            typer.echo(line, err=True)
        if len(problems) > 20:
            typer.echo(f"... and {len(problems) - 20} more", err=True)
        fail(f"{path}: {len(problems)} problems (nothing imported)", code=1)
    store = _open_label_store(db)
    try:
        stored = store.add(labels)
    except Exception as exc:  # noqa: BLE001
        fail(f"{path}: could not store the labels: {_first_line(exc)}")
    finally:
        store.close()
    created = sum(label.created for label in stored)
    typer.echo(f"{path}: {len(stored)} label(s) as {fmt}: {created} new revision(s), {len(stored) - created} unchanged")


@labels_app.command("export")
def labels_export(
    fmt: str = typer.Option("jsonl", "--format", help="jsonl, label-studio or doccano."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write here (atomically) instead of stdout."),
    since: Optional[str] = typer.Option(None, help="Only labels recorded at or after this ISO 8601 time (UTC if no zone)."),
    as_of: Optional[int] = typer.Option(None, "--as-of", help="The labels as they were at this snapshot id."),
    db: str = typer.Option("sqlite:///labels.db", "--db", envvar=LABELS_DB_ENV, help=LABELS_DB_HELP),
) -> None:
    """Write the current label of every (comment, annotator); the snapshot id goes to stderr."""
    from service.io import atomic_open
    from service.labels.formats import FORMATS, write_labels
    from service.labels.validation import parse_time

    if fmt not in FORMATS:
        fail(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    since_time = None
    if since is not None:
        try:
            since_time = parse_time(since)
        except ValueError:
            fail(f"--since {since!r}: not an ISO 8601 date-time")
    store = _open_label_store(db, must_exist=True)
    try:
        # Pinning the snapshot keeps the pages consistent while others keep labelling.
        snapshot = as_of if as_of is not None else store.snapshot_id()
        labels = store.iter_current(since=since_time, as_of=snapshot)
        if out is None:
            count = write_labels(labels, fmt, sys.stdout)
        else:
            with atomic_open(out) as f:
                count = write_labels(labels, fmt, f)
    except Exception as exc:  # noqa: BLE001
        fail(f"export failed: {_first_line(exc)}")
    finally:
        store.close()
    typer.echo(f"threadguard: exported {count} label(s) as {fmt} (snapshot {snapshot})", err=True)


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
