"""Scoring speed: our runtime (onnxruntime int8, batched) vs the same model in PyTorch eager
through a Hugging Face ``Pipeline``, on the same comments, in one run.

    python bench/speed.py [--n 2000] [--model models/threadguard-minilm] [--checkpoint PATH]

Each side runs in its own process so that its peak RSS is its own. The torch side loads the
model directory's fp16 training checkpoint (``checkpoint.pt``, as float32) or the one given;
without one (it is not in git), the same architecture with the base MiniLM weights and fresh
heads, which costs exactly the same compute, and the output says so.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "toxic_spans"


def load_comments(n: int) -> list[str]:
    texts: list[str] = []
    for name in ("tsd_trial.csv", "tsd_train.csv"):
        path = DATA / name
        if path.is_file():
            with open(path, encoding="utf-8", newline="") as f:
                texts += [row["text"] for row in csv.DictReader(f)]
    if not texts:  # no shared data: synthetic comments of realistic length
        base = "I can't believe the council approved this again, what a bunch of clowns and liars. "
        texts = [base * (1 + i % 4) for i in range(n)]
    return texts[:n]


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_runtime(texts: list[str], model: str | None, threads: int) -> dict:
    from service.runtime.scorer import Scorer

    scorer = Scorer(model, threads=threads)
    scorer.score(texts[:32])  # warm-up: first-run allocations
    start = time.perf_counter()
    for b in range(0, len(texts), 256):
        scorer.score(texts[b : b + 256])
    elapsed = time.perf_counter() - start
    return {"comments_per_s": len(texts) / elapsed, "seconds": elapsed, "peak_rss_mb": peak_rss_mb()}


def run_pipeline(texts: list[str], checkpoint: str | None, threads: int) -> dict:
    import torch
    from transformers import Pipeline

    from service.runtime.engine import sigmoid
    from service.schema import LABELS, SPAN_LABELS
    from training.export import load_checkpoint
    from training.model import build_model, resolve_base_model

    torch.set_num_threads(threads)
    if checkpoint and Path(checkpoint).is_file():
        model, cfg, _ = load_checkpoint(checkpoint)
        weights = f"fine-tuned checkpoint {checkpoint}"
    else:
        model = build_model("all-MiniLM-L6-v2", len(LABELS), len(SPAN_LABELS)).eval()
        weights = "base MiniLM + fresh heads (no checkpoint found; same compute)"
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(resolve_base_model("all-MiniLM-L6-v2"))

    class CommentPipeline(Pipeline):
        def _sanitize_parameters(self, **kwargs):
            return {}, {}, {}

        def preprocess(self, text):
            return self.tokenizer(text, truncation=True, max_length=512, return_tensors="pt")

        def _forward(self, inputs):
            return self.model(inputs["input_ids"], inputs["attention_mask"])

        def postprocess(self, outputs):
            comment, _ = outputs
            return dict(zip(LABELS, sigmoid(comment[0].numpy()).tolist()))

    # Pipeline reads these off a transformers PreTrainedModel; ours is a plain nn.Module around one.
    model.device = torch.device("cpu")
    model.config = model.encoder.config
    model.dtype = torch.float32
    model.can_generate = lambda: False
    pipe = CommentPipeline(model=model, tokenizer=tokenizer, device=-1)
    for t in texts[:8]:
        pipe(t)
    start = time.perf_counter()
    for t in texts:
        pipe(t)
    elapsed = time.perf_counter() - start
    return {"comments_per_s": len(texts) / elapsed, "seconds": elapsed, "peak_rss_mb": peak_rss_mb(), "weights": weights}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    parser.add_argument("--checkpoint", default=None, help="torch weights for the pipeline side (default: the model directory's checkpoint.pt)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3, help="runtime/pipeline pairs, in alternating order (default 3)")
    parser.add_argument("--side", choices=["runtime", "pipeline"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    texts = load_comments(args.n)
    if args.checkpoint is None:  # the very weights the runtime side serves
        from service.runtime.bundle import default_model_dir

        args.checkpoint = str(Path(args.model or default_model_dir()) / "checkpoint.pt")
    if args.side == "runtime":
        print(json.dumps(run_runtime(texts, args.model, args.threads)))
        return
    if args.side == "pipeline":
        print(json.dumps(run_pipeline(texts, args.checkpoint, args.threads)))
        return

    def run_side(side: str) -> dict:
        cmd = [sys.executable, __file__, "--side", side, "--n", str(args.n), "--threads", str(args.threads), "--checkpoint", args.checkpoint]
        if args.model:
            cmd += ["--model", args.model]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=True).stdout
        return json.loads(out.strip().splitlines()[-1])

    print(f"comments: {len(texts)} (tsd_trial + tsd_train), threads: {args.threads}, rounds: {args.rounds}")
    ratios = []
    for rnd in range(args.rounds):
        # Alternate the order: a shared machine's background load drifts, and alternating
        # spreads the drift over both sides instead of handing it to one.
        order = ("runtime", "pipeline") if rnd % 2 == 0 else ("pipeline", "runtime")
        results = {side: run_side(side) for side in order}
        rt, hf = results["runtime"], results["pipeline"]
        ratios.append(rt["comments_per_s"] / hf["comments_per_s"])
        print(
            f"round {rnd + 1}: runtime (onnxruntime int8, batched) {rt['comments_per_s']:7.1f} comments/s, peak RSS {rt['peak_rss_mb']:.0f} MiB | "
            f"HF pipeline (PyTorch eager fp32, per comment) {hf['comments_per_s']:6.1f} comments/s, peak RSS {hf['peak_rss_mb']:.0f} MiB | "
            f"ratio {ratios[-1]:.2f}x",
            flush=True,
        )
    print(f"torch weights: {hf['weights']}")
    print(f"ratio (runtime / pipeline): median {statistics.median(ratios):.2f}x, range {min(ratios):.2f}-{max(ratios):.2f}x")

if __name__ == "__main__":
    main()
