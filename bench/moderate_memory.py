"""Peak memory of ``moderate`` as the dump grows: it must stay flat (streaming), not grow with comments.

Each measurement runs ``run_moderation`` in a fresh child process on a generated JSONL dump
and reports the child's peak RSS (``ru_maxrss``) plus its RSS sampled through the run:

* ``--scorer fake``: the whole pipeline (reading, chunking, rows, fsynced appends,
  checkpoints, summary, report) with a stand-in scorer that returns results of the real
  shape instantly (one comment in twenty flagged, with a span). This is how a million
  comments is measured on a small machine: the real model on two cores needs hours for
  that, and its memory does not depend on the dump size anyway (one onnxruntime session,
  one chunk of windows at a time), which the ``real`` runs show.
* ``--scorer real``: the shipped model (or ``--model``), on smaller dumps.

Memory grows with the number of distinct threads and authors (one counter each in the
summary), never with comments; the generated dumps have one thread per 50 comments and one
author per 20, so the 1M dump has 20,000 threads and 50,000 authors (``--fixed-keys`` keeps
2,000 threads and 5,000 authors at every size, to see the growth with comments alone).

    python bench/moderate_memory.py                                  # fake scorer: 10k, 100k, 1M; real: 2k, 10k
    python bench/moderate_memory.py --fake 10000 100000 --real 1000  # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path
from typing import Any, Mapping, Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


class FakeScorer:
    """Results of the real scorer's shape, computed from a hash of the text: no model, no time."""

    def __init__(self, model_dir: Path | None) -> None:
        from service.runtime.bundle import default_model_dir, read_manifest

        self.manifest = read_manifest(model_dir or default_model_dir())
        self.labels = tuple(self.manifest.labels)
        self.version = f"{self.manifest.version}+fake"

    def score(self, texts: Sequence[str], thresholds: Mapping[str, float] | None = None, spans: bool = True) -> list[dict[str, Any]]:
        out = []
        for text in texts:
            h = zlib.crc32(text.encode("utf-8"))
            flagged = h % 20 == 0
            first = text.split(" ", 1)[0]
            out.append(
                {
                    "scores": {label: round(((h >> i) % 1000) / 1000, 4) for i, label in enumerate(self.labels)},
                    "flags": {label: flagged and label in ("toxic", "insult") for label in self.labels},
                    "flagged": flagged,
                    "spans": [{"start": 0, "end": len(first), "label": "insult", "score": 0.9, "text": first}] if flagged and spans else [],
                    "model": self.version,
                }
            )
        return out


def _rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def child(dump: Path, out: Path, scorer_kind: str, model: Path | None, threads: int) -> None:
    from service.batch import LocalEngine, ModerateOptions, expand_inputs, run_moderation

    samples: list[tuple[float, int]] = []
    stop = threading.Event()

    def sample() -> None:
        start = time.monotonic()
        while not stop.is_set():
            samples.append((round(time.monotonic() - start, 1), _rss_kib()))
            stop.wait(0.5)

    threading.Thread(target=sample, daemon=True).start()
    if scorer_kind == "fake":
        scorer: Any = FakeScorer(model)
    else:
        from service.runtime.scorer import Scorer

        scorer = Scorer(model, threads=threads)
    after_model = _rss_kib()
    start = time.monotonic()
    result = run_moderation(LocalEngine(scorer), ModerateOptions(inputs=expand_inputs([dump]), out=out, force=True))
    elapsed = time.monotonic() - start
    stop.set()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tenth = max(1, len(samples) // 10)
    print(
        json.dumps(
            {
                "comments": result.summary["comments"],
                "threads": result.summary["threads"],
                "authors": result.summary["authors"],
                "seconds": round(elapsed, 1),
                "comments_per_s": round(result.summary["comments"] / elapsed, 1),
                "rss_after_model_mib": round(after_model / 1024, 1),
                "peak_rss_mib": round(peak_kib / 1024, 1),
                # RSS a tenth of the way in and at the end of scoring: flat means streaming.
                "rss_at_10pct_mib": round(samples[tenth][1] / 1024, 1) if len(samples) > tenth else None,
                "rss_at_90pct_mib": round(samples[-tenth][1] / 1024, 1) if samples else None,
                "dump_mib": round(dump.stat().st_size / 2**20, 1),
                "report_kib": round((out / "report.html").stat().st_size / 1024, 1),
            }
        )
    )


def measure(dump: Path, out: Path, scorer_kind: str, model: Path | None, threads: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", str(dump), str(out), scorer_kind, "--threads", str(threads)]
    if model:
        cmd += ["--model", str(model)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode not in (0,):
        raise SystemExit(f"child failed: {res.stderr[-3000:]}")
    return {"scorer": scorer_kind, **json.loads(res.stdout.strip().splitlines()[-1])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fake", type=int, nargs="*", default=[10_000, 100_000, 1_000_000], help="dump sizes for the fake scorer")
    ap.add_argument("--real", type=int, nargs="*", default=[2_000, 10_000], help="dump sizes for the real model")
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--fixed-keys", action="store_true", help="2,000 threads and 5,000 authors whatever the size (isolates growth with comments)")
    ap.add_argument("--child", nargs=3, metavar=("DUMP", "OUT", "SCORER"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), args.child[2], args.model, args.threads)
        return

    from dumpgen import write_jsonl_dump

    results = []
    with tempfile.TemporaryDirectory(prefix="tg-mem-") as tmp:
        for kind, sizes in (("fake", args.fake), ("real", args.real)):
            for n in sizes:
                keys = {"threads": 2_000, "authors": 5_000} if args.fixed_keys else {}
                dump = write_jsonl_dump(Path(tmp) / f"dump_{n}.jsonl", n, **keys)
                r = measure(dump, Path(tmp) / f"out_{kind}_{n}", kind, args.model, args.threads)
                results.append(r)
                print(
                    f"{kind:4} {r['comments']:>9,} comments ({r['dump_mib']:>6} MiB): peak RSS {r['peak_rss_mib']:>6} MiB "
                    f"(after model {r['rss_after_model_mib']}, at 10% {r['rss_at_10pct_mib']}, at 90% {r['rss_at_90pct_mib']}), "
                    f"{r['comments_per_s']:,} comments/s, report {r['report_kib']} KiB",
                    flush=True,
                )
                dump.unlink()
                for f in (Path(tmp) / f"out_{kind}_{n}").glob("*.jsonl"):
                    f.unlink()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
