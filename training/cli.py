"""Training verbs for the ``threadguard`` command, registered through an entry point.

Heavy imports (torch, transformers, datasets) happen inside each command, so that
``threadguard --help`` stays fast and the runtime CLI never pays for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

DEFAULT_DATA_DIR = Path("../shared/data")


def register(app: typer.Typer, data_app: typer.Typer) -> None:
    @data_app.command("stats")
    def data_stats(
        data_dir: Path = typer.Option(DEFAULT_DATA_DIR, help="Folder holding the public data sets."),
        source: Optional[list[str]] = typer.Option(None, "--source", help="Only these sources (repeatable)."),
    ) -> None:
        """Per source and split: comments, count per label, spans per span label."""
        from training.data.catalog import load_sources, stats_table

        records = load_sources(source, data_dir=data_dir)
        typer.echo(stats_table(records))

    @app.command("train")
    def train_command(
        config: Optional[Path] = typer.Option(None, "--config", help="YAML file with TrainConfig fields."),
        base_model: Optional[str] = typer.Option(None, "--base-model", help="Local folder, 'all-MiniLM-L6-v2' or a hub id."),
        dataset: Optional[list[str]] = typer.Option(None, "--dataset", help="Extra JSONL record file or hub id (repeatable)."),
        data_dir: Optional[Path] = typer.Option(None, help="Folder holding the public data sets."),
        out_dir: Optional[Path] = typer.Option(None, help="Run folder (checkpoints, log.jsonl)."),
        max_steps: Optional[int] = typer.Option(None, help="Stop after this many steps."),
        fresh: bool = typer.Option(False, "--fresh", help="Ignore last.pt and start over."),
    ) -> None:
        """Fine-tune the model; resumes from OUT_DIR/last.pt when it exists."""
        from training.train import TrainConfig, train

        overrides = {
            "base_model": base_model,
            "datasets": list(dataset) if dataset else None,
            "data_dir": str(data_dir) if data_dir else None,
            "out_dir": str(out_dir) if out_dir else None,
            "max_steps": max_steps,
        }
        cfg = TrainConfig.from_file(config, **overrides) if config else TrainConfig(**{k: v for k, v in overrides.items() if v is not None})
        best = train(cfg, resume=not fresh)
        typer.echo(f"best checkpoint: {best}")

    @app.command("export")
    def export_command(
        checkpoint: Path = typer.Argument(..., help="best.pt from a training run."),
        out: Path = typer.Option(Path("models/threadguard-minilm"), help="Model directory to write."),
        version: str = typer.Option(..., help="Version string recorded in the manifest."),
        data_dir: Optional[Path] = typer.Option(None, help="Override the run's data folder (for calibration)."),
        parent: Optional[Path] = typer.Option(
            None, help="Model directory this export would replace: each of its thresholds is kept unless "
                       "another beats it on dev by more than one standard error."),
    ) -> None:
        """Calibrate thresholds, export to ONNX, quantise to int8, check parity, write the model directory."""
        import json

        from service.runtime.bundle import ModelError, read_manifest
        from training.release import release

        if not checkpoint.is_file():
            raise SystemExit(f"threadguard: error: {checkpoint}: no such checkpoint")
        parent_thresholds = None
        if parent is not None:
            try:
                manifest = read_manifest(parent)
            except ModelError as exc:
                raise SystemExit(f"threadguard: error: --parent {parent}: {exc}")
            parent_thresholds = {"comment": manifest.thresholds, "span": manifest.span_thresholds}
        result = release(checkpoint, out, version, data_dir=str(data_dir) if data_dir else None,
                         parent_thresholds=parent_thresholds)
        typer.echo(json.dumps(result, indent=2))

    @app.command("eval")
    def eval_command(
        model: Optional[Path] = typer.Option(None, help="Model directory (default: the shipped model)."),
        data_dir: Path = typer.Option(DEFAULT_DATA_DIR, help="Folder holding the public data sets."),
        out: Optional[Path] = typer.Option(None, help="Write the JSON report here (default: MODEL/eval.json)."),
        source: Optional[list[str]] = typer.Option(None, "--source", help="Only these sources (repeatable)."),
    ) -> None:
        """Evaluate a model directory on every source's dev/test split, as the service would score."""
        import json

        from service.io import atomic_write_text
        from service.runtime.bundle import default_model_dir
        from training.release import evaluate_model
        from training.report import render_table, update_model_card

        model_dir = model or default_model_dir()
        report = evaluate_model(model_dir, str(data_dir), list(source) if source else None)
        target = out or Path(model_dir) / "eval.json"
        atomic_write_text(target, json.dumps(report, indent=2) + "\n")
        card = Path(model_dir) / "MODEL_CARD.md"
        if card.is_file():
            atomic_write_text(card, update_model_card(card.read_text(encoding="utf-8"), report))
        typer.echo(render_table(report))
        typer.echo(f"written: {target}")

    @app.command("eval-seeds")
    def eval_seeds_command(
        labels: Path = typer.Option(Path("seeds/labels.jsonl"), help="Seed label records (JSONL)."),
        model: Optional[Path] = typer.Option(None, help="Model directory whose checkpoint.pt and span threshold are used (default: the shipped model)."),
        steps: int = typer.Option(100, help="Fine-tuning steps per held-out thread."),
        out: Optional[Path] = typer.Option(None, help="Also write the JSON report here."),
    ) -> None:
        """Leave-one-thread-out span F1 on the seed labels (see training/loto.py); trains once per thread."""
        import json

        from service.io import atomic_write_text
        from service.runtime.bundle import ModelError, default_model_dir, read_manifest
        from service.schema import read_records
        from training.export import CHECKPOINT
        from training.loto import leave_one_thread_out

        model_dir = model or default_model_dir()
        try:
            manifest = read_manifest(model_dir)
        except ModelError as exc:
            typer.echo(f"threadguard: error: {exc}", err=True)
            raise typer.Exit(2)
        checkpoint = Path(model_dir) / CHECKPOINT
        if not labels.is_file():
            typer.echo(f"threadguard: error: {labels}: no such file (write the seed labels first; see seeds/README.md)", err=True)
            raise typer.Exit(2)
        if not checkpoint.is_file():
            typer.echo(f"threadguard: error: {checkpoint}: the model directory has no training checkpoint", err=True)
            raise typer.Exit(2)
        try:
            records = list(read_records(labels))
            report = leave_one_thread_out(records, checkpoint, manifest.span_thresholds["toxic"], steps=steps)
        except (ValueError, KeyError, TypeError) as exc:
            typer.echo(f"threadguard: error: {labels}: {exc}", err=True)
            raise typer.Exit(2)
        if out:
            atomic_write_text(out, json.dumps(report, indent=2) + "\n")
        typer.echo(f"{'thread':<32}{'comments':>9}{'unseen':>9}{'held out':>10}")
        for row in report["threads"]:
            held = "-" if row["held_out_f1"] is None else f"{row['held_out_f1']:.3f}"
            typer.echo(f"{row['thread']:<32}{row['comments']:>9}{row['unseen_f1']:>9.3f}{held:>10}")
        held = "-" if report["held_out_f1"] is None else f"{report['held_out_f1']:.3f}"
        typer.echo(f"{'all':<32}{sum(r['comments'] for r in report['threads']):>9}{report['unseen_f1']:>9.3f}{held:>10}")

    @app.command("recover")
    def recover_command(
        model: Path = typer.Argument(Path("models/threadguard-minilm"), help="Model directory (int8 model.onnx)."),
        out: Path = typer.Option(..., help="Checkpoint file to write (e.g. runs/recovered/final.pt)."),
    ) -> None:
        """Rebuild a trainable checkpoint from a model directory's int8 graph (no checkpoint.pt in git)."""
        from service.runtime.bundle import ModelError
        from training.recover import write_recovered_checkpoint

        try:
            path = write_recovered_checkpoint(model, out)
        except ModelError as exc:
            typer.echo(f"threadguard: error: {exc}", err=True)
            raise typer.Exit(2)
        typer.echo(f"wrote {path}: train from it with init_checkpoint: {path}")

    @app.command("compare")
    def compare_command(
        current: Path = typer.Argument(..., help="The model now shipped (or active)."),
        candidate: Path = typer.Argument(..., help="The model that would replace it."),
        reference: Optional[Path] = typer.Option(
            None, help="Also hold the candidate to this model on the dev gate (e.g. an earlier release)."),
        data_dir: Path = typer.Option(DEFAULT_DATA_DIR, help="Folder holding the public data sets."),
        category_noise_z: float = typer.Option(
            0.0, help="Rule 2: a category's fall must also exceed this many paired standard errors (0: the fall alone)."),
        mean_gain: float = typer.Option(
            0.01, help="Rule 3: with no more categories at the bar, how much higher the mean must be (0: not lower)."),
        out: Optional[Path] = typer.Option(None, help="Also write the JSON report here."),
    ) -> None:
        """Apply the model card's release rules to a candidate; exit 0 only if it may replace CURRENT."""
        from service.runtime.bundle import ModelError, read_manifest
        from training.compare import ReleaseRules, compare, load_comparison_data, render_report, write_report

        try:
            for path in (current, candidate, *([reference] if reference else [])):
                read_manifest(path)
            dev, behaviour, spans = load_comparison_data(data_dir)
            report = compare(current, candidate, dev=dev, behaviour=behaviour, span_records=spans,
                             rules=ReleaseRules(category_noise_z=category_noise_z, mean_gain=mean_gain), reference_dir=reference)
        except (ModelError, ValueError) as exc:
            typer.echo(f"threadguard: error: {exc}", err=True)
            raise typer.Exit(2)
        if out:
            write_report(out, report)
        typer.echo(render_report(report))
        raise typer.Exit(0 if report["passed"] else 1)

    @app.command("retrain")
    def retrain_command(
        labels_db: str = typer.Option(None, "--db", envvar="THREADGUARD_LABELS_DB", help="Label store URL (default sqlite:///labels.db)."),
        registry: Optional[Path] = typer.Option(None, help="Model registry folder (default: models/registry)."),
        current: Optional[Path] = typer.Option(None, help="Model to start from (default: the active model)."),
        data_dir: Path = typer.Option(DEFAULT_DATA_DIR, help="Folder holding the public data sets (replay and dev)."),
        replay: int = typer.Option(3000, help="Base training comments replayed beside the new labels."),
        tolerance: float = typer.Option(0.01, help="Largest allowed drop of any dev metric."),
        noise_z: float = typer.Option(2.0, help="A drop must also exceed this many paired standard errors (0: the tolerance alone)."),
        reference: Optional[Path] = typer.Option(
            None, help="Also hold the candidate to this model by the same rule (e.g. the shipped one), so small drops cannot pile up over promotions."),
        max_steps: int = typer.Option(0, help="Training steps (0: one pass over the mix)."),
        version: str = typer.Option("", help="Version of the candidate (default: a timestamp)."),
    ) -> None:
        """Fine-tune on the label store's labels plus replayed base data; promote only if the gate passes."""
        import json

        from service.runtime.bundle import ModelError
        from training.retrain import RetrainConfig, retrain

        cfg = RetrainConfig(
            labels_db=labels_db or "sqlite:///labels.db",
            registry=str(registry) if registry else "",
            current=str(current) if current else "",
            data_dir=str(data_dir),
            replay=replay,
            tolerance=tolerance,
            noise_z=noise_z,
            reference=str(reference) if reference else "",
            max_steps=max_steps,
            version=version,
        )
        try:
            report = retrain(cfg)
        except (ModelError, ValueError) as exc:
            typer.echo(f"threadguard: error: {exc}", err=True)
            raise typer.Exit(2)
        typer.echo(json.dumps({k: report[k] for k in ("version", "promoted", "reasons")}, indent=2))
        raise typer.Exit(0 if report["promoted"] else 3)
