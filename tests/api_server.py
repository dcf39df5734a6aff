"""A real ``threadguard serve`` process on a free loopback port, for the API tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def metric(self, name: str, **labels: str) -> float:
        """Sum of the samples of ``name`` whose labels include ``labels``."""
        text = httpx.get(f"{self.url}/metrics", timeout=10).text
        return metric_value(text, name, **labels)

    def stop(self, timeout: float = 20.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        return self.process.returncode


def metric_value(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        series, _, value = line.rpartition(" ")
        metric, _, label_part = series.partition("{")
        if metric != name:
            continue
        pairs = dict(p.split("=", 1) for p in label_part.rstrip("}").split(",") if p) if label_part else {}
        if all(pairs.get(k) == f'"{v}"' for k, v in labels.items()):
            total += float(value)
    return total


def start_server(model_dir: Path | None, log_dir: Path, env: dict[str, str] | None = None, wait_s: float = 90.0) -> Server:
    """``model_dir=None``: no ``--model``, so the server resolves its model as in production
    (``THREADGUARD_MODEL_DIR``, else the registry's ACTIVE version under ``THREADGUARD_MODELS``)."""
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("THREADGUARD_")}
    # One onnxruntime thread: the tests share the machine.
    full_env = {**clean, "THREADGUARD_THREADS": "1", "PYTHONUNBUFFERED": "1", **(env or {})}
    log_path = log_dir / f"server-{port}.log"
    log_file = open(log_path, "wb")
    cmd = [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if model_dir is not None:
        cmd += ["--model", str(model_dir)]
    process = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=log_file, stderr=subprocess.STDOUT)
    log_file.close()
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{server.log()[-3000:]}")
        try:
            if httpx.get(f"{server.url}/readyz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server not ready after {wait_s} s:\n{server.log()[-3000:]}")
