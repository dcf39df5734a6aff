"""What exact int8 arithmetic costs on this CPU: the shipped graph as exported (uint8 × int8,
onnxruntime's U8S8 kernel) vs the same graph with its weights widened to uint8 (U8U8), timed
side by side in one process on the same comments, and how far their scores differ.

    python bench/int8_kernel.py [--n 2000] [--rounds 3] [--model DIR] [--baseline DIR]

On x86 CPUs without VNNI the U8S8 kernel saturates 16-bit pair sums on full-range weights, so
the two disagree and the runtime serves the widened graph (service/runtime/int8.py); 7-bit
weights, and every graph on other CPUs, are exact both ways and agree. ``--baseline`` times a
second model directory as the runtime serves it here, in the same rounds (e.g. the release
that ``--model`` would replace).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import cpu_description, load_comments  # noqa: E402


def scorers(model: str | None, baseline: str | None, threads: int):
    from service.runtime.int8 import u8s8_is_exact
    from service.runtime.scorer import Scorer

    sides = {
        "as exported (u8s8)": Scorer(model, threads=threads, widen_weights=False),
        "widened (u8u8)": Scorer(model, threads=threads, widen_weights=True),
    }
    if baseline:
        served = Scorer(baseline, threads=threads)
        sides[f"baseline {served.version} as served ({served.int8_kernel})"] = served
    return sides, u8s8_is_exact()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    parser.add_argument("--baseline", default=None, help="another model directory, timed as served here")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    texts = load_comments(args.n)
    sides, exact = scorers(args.model, args.baseline, args.threads)
    print(f"comments: {len(texts)}, threads: {args.threads}, rounds: {args.rounds}")
    print(f"cpu: {cpu_description()}")
    from service.runtime.int8 import exact_model

    model_dir = sides[next(iter(sides))].model_dir
    _, widened = exact_model(model_dir / "model.onnx")
    print(f"this CPU's U8S8 kernel is {'exact' if exact else 'saturating'} on full-range weights: the runtime "
          f"serves {model_dir.name} {'widened' if widened else 'as exported'}")
    for scorer in sides.values():
        scorer.score(texts[:64])  # first-run allocations
    rates: dict[str, list[float]] = {name: [] for name in sides}
    results = {}
    names = list(sides)
    for rnd in range(args.rounds):
        for name in names if rnd % 2 == 0 else names[::-1]:  # first mover alternates
            start = time.perf_counter()
            results[name] = sides[name].score(texts)
            rates[name].append(len(texts) / (time.perf_counter() - start))
        print("round {}: ".format(rnd + 1) + " | ".join(f"{n} {rates[n][-1]:.1f} comments/s" for n in names), flush=True)
    a, b = (results[n] for n in names[:2])
    labels = sides[names[0]].labels
    pa = np.array([[r["scores"][k] for k in labels] for r in a])
    pb = np.array([[r["scores"][k] for k in labels] for r in b])
    flags = sum(x["flags"] != y["flags"] for x, y in zip(a, b))
    spans = sum([(s["start"], s["end"], s["label"]) for s in x["spans"]] != [(s["start"], s["end"], s["label"]) for s in y["spans"]] for x, y in zip(a, b))
    medians = {n: statistics.median(v) for n, v in rates.items()}
    print(f"median: " + ", ".join(f"{n} {m:.1f}" for n, m in medians.items())
          + f" comments/s; widened / as exported {medians[names[1]] / medians[names[0]]:.2f}x"
          + (f"; as exported / baseline {medians[names[0]] / medians[names[2]]:.2f}x" if len(names) > 2 else ""))
    print(f"scores: max |difference| {np.abs(pa - pb).max():.4f}, mean {np.abs(pa - pb).mean():.5f}; "
          f"comments with a different flag {flags} of {len(texts)}, with different spans {spans}")


if __name__ == "__main__":
    main()
