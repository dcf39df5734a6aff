"""Scoring speed: our runtime (onnxruntime int8, batched) vs the same model in PyTorch eager
through a Hugging Face ``Pipeline``, on the same comments, in one run.

    python bench/speed.py [--n 2000] [--model models/threadguard-minilm] [--checkpoint PATH]

Each side runs in its own long-lived process, so that its peak RSS is its own, and the two take
turns chunk by chunk, so that the machine's drifting background load falls on both alike. The
torch side loads the model directory's fp16 training checkpoint (``checkpoint.pt``, as float32)
or the one given; without one (it is not in git), the same architecture with the base MiniLM
weights and fresh heads, which costs exactly the same compute, and the output says so.
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


def cpu_description() -> str:
    """The CPU's model and the instruction sets int8 kernels choose between: the same graph ran
    at 44% of its earlier speed on a machine whose CPU differed, so a ratio needs its CPU."""
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        import platform

        return platform.processor() or "unknown CPU"
    fields = {k.strip(): v for k, v in (line.split(":", 1) for line in info.splitlines() if ":" in line)}
    model = fields.get("model name", "unknown CPU").strip()
    flags = set(fields.get("flags", "").split())
    wanted = ("avx2", "avx_vnni", "avx512f", "avx512_vnni", "avx512_bf16", "amx_int8", "amx_bf16")
    return f"{model}; {' '.join(f for f in wanted if f in flags) or 'none of ' + ', '.join(wanted)}"


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def runtime_scorer(texts: list[str], model: str | None, threads: int):
    from service.runtime.scorer import Scorer

    scorer = Scorer(model, threads=threads)
    scorer.score(texts[:32])  # warm-up: first-run allocations
    return lambda chunk: scorer.score(chunk), f"ONNX model {scorer.model_dir} ({scorer.version}, int8 kernel {scorer.int8_kernel})"


def pipeline_scorer(texts: list[str], checkpoint: str | None, threads: int):
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
    return lambda chunk: [pipe(t) for t in chunk], weights


def serve_side(side: str, texts: list[str], args: argparse.Namespace) -> None:
    """Worker loop: load once, then time the chunk named on each stdin line; ``done`` reports peak RSS."""
    if side == "runtime":
        score, weights = runtime_scorer(texts, args.model, args.threads)
    else:
        score, weights = pipeline_scorer(texts, args.checkpoint, args.threads)
    print(json.dumps({"ready": True, "weights": weights}), flush=True)
    for line in sys.stdin:
        if line.strip() == "done":
            print(json.dumps({"peak_rss_mb": peak_rss_mb()}), flush=True)
            return
        lo, hi = map(int, line.split())
        start = time.perf_counter()
        score(texts[lo:hi])
        print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)


class Worker:
    """One side in its own process, so that its peak RSS is its own."""

    def __init__(self, side: str, args: argparse.Namespace) -> None:
        cmd = [sys.executable, __file__, "--side", side, "--n", str(args.n), "--threads", str(args.threads), "--checkpoint", args.checkpoint]
        if args.model:
            cmd += ["--model", args.model]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        self.info = self._reply()

    def _reply(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"bench/speed.py: the {self.proc.args[3]} worker exited (status {self.proc.wait()})")
        return json.loads(line)

    def time(self, lo: int, hi: int) -> float:
        self.proc.stdin.write(f"{lo} {hi}\n")
        self.proc.stdin.flush()
        return self._reply()["seconds"]

    def finish(self) -> float:
        self.proc.stdin.write("done\n")
        self.proc.stdin.flush()
        rss = self._reply()["peak_rss_mb"]
        self.proc.wait()
        return rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    parser.add_argument("--checkpoint", default=None, help="torch weights for the pipeline side (default: the model directory's checkpoint.pt)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the comments, each side timed on every chunk (default 3)")
    parser.add_argument("--chunk", type=int, default=250, help="comments per timed turn; the runtime batches within it (default 250)")
    parser.add_argument("--side", choices=["runtime", "pipeline"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    texts = load_comments(args.n)
    if args.checkpoint is None:  # the very weights the runtime side serves
        from service.runtime.bundle import default_model_dir

        args.checkpoint = str(Path(args.model or default_model_dir()) / "checkpoint.pt")
    if args.side:
        serve_side(args.side, texts, args)
        return

    print(f"comments: {len(texts)} (tsd_trial + tsd_train), threads: {args.threads}, rounds: {args.rounds}, chunks of {args.chunk}")
    print(f"cpu: {cpu_description()}")
    workers = {"runtime": Worker("runtime", args), "pipeline": Worker("pipeline", args)}
    ratios = []
    for rnd in range(args.rounds):
        seconds = {"runtime": 0.0, "pipeline": 0.0}
        for c, lo in enumerate(range(0, len(texts), args.chunk)):
            # The two sides take turns chunk by chunk (first mover alternating), so a shared
            # machine's drifting background load lands on both sides alike, not on one.
            order = ("runtime", "pipeline") if (rnd + c) % 2 == 0 else ("pipeline", "runtime")
            for side in order:
                time.sleep(0.3)  # let the other side's idle worker threads stop spinning first
                seconds[side] += workers[side].time(lo, min(lo + args.chunk, len(texts)))
        rt, hf = len(texts) / seconds["runtime"], len(texts) / seconds["pipeline"]
        ratios.append(rt / hf)
        print(
            f"round {rnd + 1}: runtime (onnxruntime int8, batched) {rt:7.1f} comments/s | "
            f"HF pipeline (PyTorch eager fp32, per comment) {hf:6.1f} comments/s | ratio {ratios[-1]:.2f}x",
            flush=True,
        )
    weights = workers["pipeline"].info["weights"]
    rss = {side: w.finish() for side, w in workers.items()}
    print(f"peak RSS: runtime {rss['runtime']:.0f} MiB, pipeline {rss['pipeline']:.0f} MiB")
    print(f"runtime: {workers['runtime'].info['weights']}")
    print(f"torch weights: {weights}")
    print(f"ratio (runtime / pipeline): median {statistics.median(ratios):.2f}x, range {min(ratios):.2f}-{max(ratios):.2f}x")


if __name__ == "__main__":
    main()
