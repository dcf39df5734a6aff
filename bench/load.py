"""Load test of ``threadguard serve`` on loopback: micro-batched against naive (no batching).

For each mode the script starts its own server process on 127.0.0.1, waits for /readyz,
then sends single-comment ``POST /v1/score`` requests from N concurrent clients (closed
loop) at each concurrency level, and reports requests/s and latency percentiles. It then
offers the batched server an open-loop load at half its best measured rate and reports
the latency there. Everything is bounded: a request count per level and a wall-clock cap
per level and for the whole run.

    python bench/load.py                       # full run: 2,500 requests per level and mode
    python bench/load.py --requests 300 --max-seconds 10   # a quick check

Targets (printed as PASS/FAIL): batched throughput at concurrency 32 at least 3x naive;
p99 at most 50 ms at half the maximum rate; no errors.

The load itself is sent over plain asyncio streams (HTTP/1.1 keep-alive, one connection per
client) rather than httpx: on a small machine the client shares the CPU with the server,
and httpx spends several times the server's own per-request CPU, so an httpx-driven run
measures mostly httpx (about 230 req/s against /healthz on two busy cores, where the
server alone answers about 5,000). httpx still does the control calls (readiness, metrics).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = "127.0.0.1"

# Synthetic comments of mixed length (a few words to a paragraph), like a real thread.
_WORDS = (
    "the council bus lane article people city really think never always why because again "
    "good bad idea money tax vote school park road traffic rent police weather news week "
    "agree disagree nonsense fair point thanks love hate stupid idiot clown moron shut up "
    "honestly maybe nobody everyone wrong right joke sad funny read write comment reply"
).split()


def make_corpus(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    corpus = []
    for _ in range(n):
        length = int(min(120, max(3, rng.lognormvariate(2.8, 0.7))))
        words = [rng.choice(_WORDS) for _ in range(length)]
        corpus.append(" ".join(words).capitalize() + rng.choice([".", "!", "?", "..."]))
    return corpus


def model_ceiling(model: Path | None, corpus: list[str], batch_size: int, threads: int | None, n: int = 512) -> tuple[float, float]:
    """Milliseconds per comment for the model alone: one comment per call, and ``batch_size`` per call.

    Their ratio is what batching saves inside the model. The service saves a little more (one
    executor hand-off and one wake-up per batch instead of per comment) and nothing on parsing,
    routing and JSON, which every request pays whatever the batching.
    """
    import gc

    from service.api.batcher import length_chunks
    from service.runtime.scorer import Scorer

    scorer = Scorer(model, threads=threads, spin=False)
    texts = corpus[:n]
    scorer.score(texts[:batch_size])
    started = time.perf_counter()
    for text in texts:
        scorer.score([text])
    single = (time.perf_counter() - started) / len(texts)
    started = time.perf_counter()
    for b in range(0, len(texts), batch_size):
        batch = texts[b : b + batch_size]
        for chunk in length_chunks(batch, 0.3):  # cut by length as the service's batcher does
            scorer.score([batch[i] for i in chunk])
    batched = (time.perf_counter() - started) / len(texts)
    del scorer
    gc.collect()
    return single * 1000, batched * 1000


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[k]


@dataclass
class LevelResult:
    mode: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_batch: float
    error_samples: list[str] = field(default_factory=list)


@dataclass
class Server:
    mode: str
    url: str
    process: subprocess.Popen

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def start_server(mode: str, model: Path | None, batch_size: int, wait_ms: float, threads: int | None, spinning: bool) -> Server:
    port = free_port()
    # Only the model location may come from the caller's environment: every other setting is the bench's.
    env = {k: v for k, v in os.environ.items() if not k.startswith("THREADGUARD_") or k == "THREADGUARD_MODEL_DIR"}
    env.update(
        {
            "THREADGUARD_ACCESS_LOG": "false",
            "THREADGUARD_LOG_LEVEL": "warning",
            "THREADGUARD_MAX_BATCH_SIZE": str(batch_size if mode == "batched" else 1),
            "THREADGUARD_MAX_WAIT_MS": str(wait_ms if mode == "batched" else 0),
            "THREADGUARD_MAX_QUEUE": "4096",
            "THREADGUARD_ONNX_SPINNING": "true" if spinning else "false",
        }
    )
    if threads:
        env["THREADGUARD_THREADS"] = str(threads)
    if model:
        env["THREADGUARD_MODEL_DIR"] = str(model)
    cmd = [sys.executable, "-m", "service.cli", "serve", "--host", LOOPBACK, "--port", str(port)]
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://{LOOPBACK}:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{mode} server exited: {process.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return Server(mode, url, process)
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{mode} server not ready within 120 s")


def batch_totals(url: str) -> tuple[float, float]:
    """(comments in batches, batches) so far, from the batch-size histogram."""
    text = httpx.get(f"{url}/metrics", timeout=10).text
    total = count = 0.0
    for line in text.splitlines():
        if line.startswith("threadguard_batch_size_sum"):
            total = float(line.split()[-1])
        elif line.startswith("threadguard_batch_size_count"):
            count = float(line.split()[-1])
    return total, count


STALE_AFTER_S = 4.0


class Connection:
    """One keep-alive HTTP/1.1 connection to the server; just enough HTTP for ``POST`` with a JSON body."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_used = time.monotonic()

    async def post(self, path: str, body: dict, timeout: float = 30.0) -> tuple[int, bytes]:
        return await asyncio.wait_for(self._post(path, json.dumps(body).encode("utf-8")), timeout)

    async def _post(self, path: str, payload: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(LOOPBACK, self.port)
        assert self.reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {LOOPBACK}:{self.port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n"
        ).encode("ascii")
        self.writer.write(head + payload)
        try:
            raw = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            self.close()
            raise
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if "content-length" not in headers:
            self.close()
            raise ConnectionError(f"response without Content-Length (status {status})")
        data = await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("connection", "").lower() == "close":
            self.close()
        self.last_used = time.monotonic()
        return status, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


async def _one(conn: Connection, body: dict, latencies: list[float], errors: list[str]) -> None:
    started = time.perf_counter()
    try:
        status, data = await conn.post("/v1/score", body)
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
        conn.close()
        errors.append(f"{type(exc).__name__}: {exc}")
        return
    if status != 200:
        errors.append(f"HTTP {status}: {data[:200].decode(errors='replace')}")
        return
    latencies.append(time.perf_counter() - started)


async def closed_loop(url: str, corpus: list[str], concurrency: int, requests: int, max_seconds: float) -> tuple[list[float], list[str], float]:
    """``concurrency`` clients each send one request at a time until ``requests`` are done or time is up."""
    latencies: list[float] = []
    errors: list[str] = []
    issued = 0
    deadline = time.perf_counter() + max_seconds

    async def client(seed: int) -> None:
        nonlocal issued
        rng = random.Random(seed)
        conn = Connection(_port(url))
        try:
            while issued < requests and time.perf_counter() < deadline:
                issued += 1
                await _one(conn, {"comments": [{"id": issued, "text": rng.choice(corpus)}]}, latencies, errors)
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


async def open_loop(url: str, corpus: list[str], rate: float, requests: int, max_seconds: float) -> tuple[list[float], list[str], float]:
    """Requests arrive at ``rate`` per second (Poisson), whatever the server's pace."""
    latencies: list[float] = []
    errors: list[str] = []
    rng = random.Random(11)
    idle: list[Connection] = []

    async def one(i: int) -> None:
        conn = idle.pop() if idle else Connection(_port(url))
        if time.monotonic() - conn.last_used > STALE_AFTER_S:
            # The server has closed a connection idle this long (uvicorn's keep-alive is 5 s);
            # writing on it would fail with no response, so start a fresh one.
            conn.close()
        await _one(conn, {"comments": [{"id": i, "text": rng.choice(corpus)}]}, latencies, errors)
        idle.append(conn)

    tasks = []
    started = time.perf_counter()
    next_at = started
    for i in range(requests):
        next_at += rng.expovariate(rate)
        delay = next_at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if time.perf_counter() - started > max_seconds:
            break
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    for conn in idle:
        conn.close()
    return latencies, errors, time.perf_counter() - started


def summarise(mode: str, concurrency: int, latencies: list[float], errors: list[str], seconds: float, batches: tuple[float, float]) -> LevelResult:
    done = len(latencies)
    comments, count = batches
    return LevelResult(
        mode=mode,
        concurrency=concurrency,
        requests=done + len(errors),
        errors=len(errors),
        seconds=round(seconds, 2),
        rps=round(done / seconds, 1) if seconds else 0.0,
        p50_ms=round(percentile(latencies, 50) * 1000, 1),
        p95_ms=round(percentile(latencies, 95) * 1000, 1),
        p99_ms=round(percentile(latencies, 99) * 1000, 1),
        mean_batch=round(comments / count, 2) if count else 0.0,
        error_samples=errors[:3],
    )


def run_levels(servers: dict[str, Server], args: argparse.Namespace, corpus: list[str], run_deadline: float) -> list[LevelResult]:
    """Every concurrency level for both modes, in alternating rounds.

    Both servers stay up (the idle one sleeps) and each level is split into ``rounds``
    slices run naive, batched, batched, naive, ...: on a shared machine the background load
    drifts, and alternating spreads that drift evenly over the two modes.
    """
    for server in servers.values():
        # Open connections and touch every code path before anything is measured.
        asyncio.run(closed_loop(server.url, corpus, 4, 40, 10))
    results = []
    for c in args.concurrency:
        acc = {mode: ([], [], 0.0, [0.0, 0.0]) for mode in servers}
        per_round = max(1, args.requests // args.rounds)
        level_deadline = min(run_deadline, time.monotonic() + 2 * args.max_seconds)
        for rnd in range(args.rounds):
            order = list(servers) if rnd % 2 == 0 else list(reversed(servers))
            for mode in order:
                server = servers[mode]
                cap = max(0.5, min(args.max_seconds / args.rounds, level_deadline - time.monotonic()))
                before = batch_totals(server.url)
                latencies, errors, seconds = asyncio.run(closed_loop(server.url, corpus, c, per_round, cap))
                after = batch_totals(server.url)
                lat, err, _, batches = acc[mode]
                lat += latencies
                err += errors
                batches[0] += after[0] - before[0]
                batches[1] += after[1] - before[1]
                acc[mode] = (lat, err, acc[mode][2] + seconds, batches)
        for mode in servers:
            lat, err, seconds, batches = acc[mode]
            result = summarise(mode, c, lat, err, seconds, (batches[0], batches[1]))
            results.append(result)
            print(
                f"{mode:8s} c={c:<3d} {result.requests:6d} req  {result.errors:3d} err  {result.rps:8.1f} req/s  "
                f"p50 {result.p50_ms:7.1f}  p95 {result.p95_ms:7.1f}  p99 {result.p99_ms:7.1f} ms  batch {result.mean_batch:5.2f}",
                flush=True,
            )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=None, help="Model directory (default: the shipped model or THREADGUARD_MODEL_DIR).")
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8, 32, 64])
    parser.add_argument("--requests", type=int, default=2500, help="Requests per concurrency level and mode (default 2,500).")
    parser.add_argument("--rounds", type=int, default=4, help="Alternating naive/batched slices per level (default 4).")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="Wall-clock cap per level and mode (default 60 s).")
    parser.add_argument("--total-seconds", type=float, default=900.0, help="Wall-clock cap for the whole run (default 900 s).")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--wait-ms", type=float, default=2.0)
    parser.add_argument("--threads", type=int, default=None, help="onnxruntime threads per server (default: all cores).")
    parser.add_argument("--onnx-spinning", action="store_true", help="Servers let idle onnxruntime threads busy-wait (default: off, as served).")
    parser.add_argument("--out", type=Path, default=None, help="Also write the results here as JSON.")
    args = parser.parse_args(argv)
    if any(c < 1 for c in args.concurrency) or args.requests < 1 or args.rounds < 1:
        parser.error("concurrency levels, --requests and --rounds must be positive")

    run_deadline = time.monotonic() + args.total_seconds
    corpus = make_corpus(500)
    single_ms, batched_ms = model_ceiling(args.model, corpus, args.batch_size, args.threads)
    ceiling = single_ms / batched_ms
    print(
        f"model alone: {single_ms:.2f} ms/comment one per call, {batched_ms:.2f} ms/comment {args.batch_size} per call: "
        f"batching saves {ceiling:.2f}x inside the model",
        flush=True,
    )
    servers: dict[str, Server] = {}
    try:
        for mode in ("naive", "batched"):
            servers[mode] = start_server(mode, args.model, args.batch_size, args.wait_ms, args.threads, args.onnx_spinning)
        all_results = run_levels(servers, args, corpus, run_deadline)

        by_mode = {(r.mode, r.concurrency): r for r in all_results}
        print("\nthroughput ratio batched/naive:")
        for c in args.concurrency:
            naive, batched = by_mode[("naive", c)], by_mode[("batched", c)]
            ratio = batched.rps / naive.rps if naive.rps else math.inf
            print(f"  c={c:<3d} {ratio:5.2f}x  ({batched.rps:.1f} vs {naive.rps:.1f} req/s)")

        servers.pop("naive").stop()
        best = max((r for r in all_results if r.mode == "batched"), key=lambda r: r.rps)
        rate = best.rps / 2
        cap = min(args.max_seconds, max(1.0, run_deadline - time.monotonic()))
        latencies, errors, seconds = asyncio.run(open_loop(servers["batched"].url, corpus, rate, args.requests, cap))
        half = summarise("batched-open", 0, latencies, errors, seconds, (0.0, 0.0))
        print(
            f"\nopen loop at {rate:.1f} req/s (half of max {best.rps:.1f}): {half.requests} req, {half.errors} err, "
            f"p50 {half.p50_ms} p95 {half.p95_ms} p99 {half.p99_ms} ms"
        )
    finally:
        for server in servers.values():
            server.stop()

    total_requests = sum(r.requests for r in all_results) + half.requests
    total_errors = sum(r.errors for r in all_results) + half.errors
    checks = {}
    if 32 in args.concurrency:
        ratio32 = by_mode[("batched", 32)].rps / max(by_mode[("naive", 32)].rps, 1e-9)
        checks["batched >= 3x naive at c=32"] = (ratio32 >= 3.0, f"{ratio32:.2f}x")
    checks["p99 <= 50 ms at half max rate"] = (half.p99_ms <= 50.0, f"{half.p99_ms} ms")
    checks["0 errors"] = (total_errors == 0, f"{total_errors} errors in {total_requests} requests")
    print()
    for name, (ok, detail) in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")
    for r in all_results + [half]:
        for sample in r.error_samples:
            print(f"  error ({r.mode}, c={r.concurrency}): {sample}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "levels": [asdict(r) for r in all_results],
            "half_rate": {"rate": rate, **asdict(half)},
            "checks": {k: {"ok": ok, "detail": d} for k, (ok, d) in checks.items()},
            "model_alone_ms_per_comment": {"single": round(single_ms, 3), "batched": round(batched_ms, 3), "ratio": round(ceiling, 2)},
            "settings": {"onnx_spinning": args.onnx_spinning, "batch_size": args.batch_size, "wait_ms": args.wait_ms, "threads": args.threads, "cpus": os.cpu_count()},
        }
        args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0 if all(ok for ok, _ in checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
