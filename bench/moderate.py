"""End-to-end speed of ``threadguard moderate``, against a naive loop and against ``--engine ray``.

On one generated JSONL dump, in one run:

1. ``moderate`` (local engine), end to end as a user runs it: ``python -m service.cli
   moderate DUMP --out DIR`` in a subprocess, timed from start to exit (interpreter start,
   model load, reading, scoring, comments.jsonl, summary.json and report.html all included).
2. The naive loop: parse the dump with ``json.loads`` line by line, then call a Hugging Face
   ``transformers`` pipeline once per comment, in PyTorch. The model is the same architecture
   the shipped ONNX model was exported from: the MiniLM encoder run by a ``feature-extraction``
   pipeline, then our two heads (comment labels from the mean-pooled states, per-token span
   logits) in torch. Weights: ``runs/main/best.pt`` (the fine-tuned checkpoint) when present,
   otherwise the base MiniLM encoder with untrained heads: same architecture and cost, so the
   speed is the same, the scores are not (the report says which). The naive loop does *less*
   than ``moderate``: it truncates at 128 tokens instead of windowing long comments, decodes
   no spans and writes nothing, so the ratio flatters it.
3. The local engine against ``--engine ray`` (a local Ray with ``--ray-workers`` actors, one
   onnxruntime session each), in-process through ``run_moderation``, Ray start-up included.

    python bench/moderate.py                          # 2,000 comments, naive loop on 300 of them
    python bench/moderate.py --comments 500 --naive-comments 100 --no-ray   # a quick check

Rates are comments per second of wall time. The naive loop runs on a prefix of the dump
(it is slow); the ratio compares rates. Threads: onnxruntime and torch get the same count.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from dumpgen import write_jsonl_dump  # noqa: E402


def bench_cli(dump: Path, out: Path, model: Path | None, threads: int) -> dict:
    cmd = [sys.executable, "-m", "service.cli", "moderate", str(dump), "--out", str(out), "--force", "--no-progress", "--threads", str(threads)]
    if model:
        cmd += ["--model", str(model)]
    start = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if res.returncode not in (0, 1):
        raise SystemExit(f"moderate failed ({res.returncode}): {res.stderr[-2000:]}")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    n = summary["comments"]
    return {
        "comments": n,
        "wall_s": round(wall, 2),
        "comments_per_s": round(n / wall, 1),
        "pipeline_comments_per_s": summary["run"]["comments_per_s"],  # without interpreter start and model load
    }


def bench_naive(dump: Path, limit: int, threads: int, model_dir: Path) -> dict:
    import torch
    from torch import nn
    from transformers import AutoModel, AutoTokenizer, pipeline

    from service.runtime.bundle import read_manifest
    from training.model import resolve_base_model

    torch.set_num_threads(threads)
    manifest = read_manifest(model_dir)
    base = resolve_base_model(manifest.raw.get("base_model", "all-MiniLM-L6-v2"))
    encoder = AutoModel.from_pretrained(base, add_pooling_layer=False)
    hidden = encoder.config.hidden_size
    comment_head, token_head = nn.Linear(hidden, len(manifest.labels)), nn.Linear(hidden, len(manifest.span_labels))
    checkpoint = ROOT / "runs" / "main" / "best.pt"
    weights = "base MiniLM encoder, untrained heads (runs/main/best.pt absent)"
    if checkpoint.is_file():
        state = torch.load(checkpoint, map_location="cpu", weights_only=False)["model"]
        encoder.load_state_dict({k[len("encoder.") :]: v for k, v in state.items() if k.startswith("encoder.")})
        comment_head.load_state_dict({k.split(".", 1)[1]: v for k, v in state.items() if k.startswith("comment_head.")})
        token_head.load_state_dict({k.split(".", 1)[1]: v for k, v in state.items() if k.startswith("token_head.")})
        weights = "fine-tuned runs/main/best.pt"
    encoder.eval()
    pipe = pipeline("feature-extraction", model=encoder, tokenizer=AutoTokenizer.from_pretrained(base), device="cpu")
    thresholds = torch.tensor([manifest.thresholds[label] for label in manifest.labels])

    start = time.perf_counter()
    n = flagged = 0
    with open(dump, encoding="utf-8") as f, torch.inference_mode():
        for line in f:
            if n >= limit:
                break
            text = json.loads(line)["text"]
            states = pipe(text, return_tensors=True, tokenize_kwargs={"truncation": True, "max_length": 128})[0]
            probs = torch.sigmoid(comment_head(states.mean(0)))
            torch.sigmoid(token_head(states))  # per-token span scores, as the model computes them
            flagged += bool((probs >= thresholds).any())
            n += 1
    wall = time.perf_counter() - start
    return {"comments": n, "wall_s": round(wall, 2), "comments_per_s": round(n / wall, 1), "weights": weights}


def bench_engines(dump: Path, out: Path, model: Path | None, threads: int, workers: int, with_ray: bool) -> dict:
    from service.batch import LocalEngine, ModerateOptions, expand_inputs, run_moderation
    from service.runtime.scorer import Scorer

    inputs = expand_inputs([dump])
    results = {}
    start = time.perf_counter()
    local = run_moderation(LocalEngine(Scorer(model, threads=threads)), ModerateOptions(inputs=inputs, out=out / "local", force=True))
    wall = time.perf_counter() - start
    results["local"] = {"threads": threads, "wall_s": round(wall, 2), "comments_per_s": round(local.summary["comments"] / wall, 1)}
    if with_ray:
        from service.batch.ray_engine import RayEngine

        start = time.perf_counter()
        engine = RayEngine(model, workers=workers, threads=1)
        try:
            ray_result = run_moderation(engine, ModerateOptions(inputs=inputs, out=out / "ray", force=True))
        finally:
            engine.close()
        wall = time.perf_counter() - start
        same = (out / "local" / "comments.jsonl").read_bytes() == (out / "ray" / "comments.jsonl").read_bytes()
        results["ray"] = {
            "workers": workers,
            "wall_s": round(wall, 2),
            "comments_per_s": round(ray_result.summary["comments"] / wall, 1),
            "identical_output": same,
        }
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--comments", type=int, default=2000)
    ap.add_argument("--naive-comments", type=int, default=300)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--ray-workers", type=int, default=2)
    ap.add_argument("--model", type=Path, default=None, help="model directory (default: the shipped model)")
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--no-naive", action="store_true")
    args = ap.parse_args()

    from service.runtime.bundle import default_model_dir

    model_dir = args.model or default_model_dir()
    with tempfile.TemporaryDirectory(prefix="tg-bench-") as tmp:
        tmp_path = Path(tmp)
        dump = write_jsonl_dump(tmp_path / "dump.jsonl", args.comments)
        report: dict = {"comments": args.comments, "threads": args.threads, "cpus": os.cpu_count()}
        report["moderate_cli"] = bench_cli(dump, tmp_path / "cli", args.model, args.threads)
        if not args.no_naive:
            report["naive_hf_pipeline"] = bench_naive(dump, args.naive_comments, args.threads, model_dir)
            report["speedup_vs_naive"] = round(report["moderate_cli"]["comments_per_s"] / report["naive_hf_pipeline"]["comments_per_s"], 2)
        report["engines"] = bench_engines(dump, tmp_path / "engines", args.model, args.threads, args.ray_workers, not args.no_ray)
    print(json.dumps(report, indent=2))
    cli = report["moderate_cli"]
    print(f"\nmoderate (CLI, end to end): {cli['comments_per_s']:>8.1f} comments/s  ({cli['comments']} comments in {cli['wall_s']} s)")
    if "naive_hf_pipeline" in report:
        nv = report["naive_hf_pipeline"]
        print(f"naive HF pipeline loop:     {nv['comments_per_s']:>8.1f} comments/s  ({nv['comments']} comments; {nv['weights']})")
        print(f"moderate / naive:           {report['speedup_vs_naive']:>8.2f}x")
    for name, r in report["engines"].items():
        extra = f", output identical to local: {r['identical_output']}" if "identical_output" in r else ""
        print(f"engine {name:<6}              {r['comments_per_s']:>8.1f} comments/s  ({r['wall_s']} s{extra})")


if __name__ == "__main__":
    main()
