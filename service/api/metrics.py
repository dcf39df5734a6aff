"""Prometheus metrics in the text exposition format (version 0.0.4), without a client library.

Counters, gauges and histograms with fixed label names; every update takes one lock, so
they may be touched from the event loop and from the scoring thread alike.
"""

from __future__ import annotations

import math
import threading
from typing import Iterable, Sequence

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_SIZE_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(names: Sequence[str], values: Sequence[str], extra: tuple[str, str] | None = None) -> str:
    pairs = [f'{n}="{_escape(v)}"' for n, v in zip(names, values)]
    if extra:
        pairs.append(f'{extra[0]}="{extra[1]}"')
    return "{" + ",".join(pairs) + "}" if pairs else ""


def _number(x: float) -> str:
    if math.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    return repr(float(x)) if not float(x).is_integer() else str(int(x))


class _Metric:
    kind = ""

    def __init__(self, name: str, help_text: str, label_names: Sequence[str] = ()) -> None:
        self.name = name
        self.help = help_text
        self.label_names = tuple(label_names)
        self._lock = threading.Lock()

    def _key(self, labels: Sequence[str]) -> tuple[str, ...]:
        if len(labels) != len(self.label_names):
            raise ValueError(f"{self.name}: expected labels {self.label_names}, got {tuple(labels)}")
        return tuple(str(v) for v in labels)

    def header(self) -> list[str]:
        return [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} {self.kind}"]

    def lines(self) -> list[str]:
        raise NotImplementedError


class Counter(_Metric):
    kind = "counter"

    def __init__(self, name: str, help_text: str, label_names: Sequence[str] = ()) -> None:
        super().__init__(name, help_text, label_names)
        self._values: dict[tuple[str, ...], float] = {}

    def inc(self, amount: float = 1.0, labels: Sequence[str] = ()) -> None:
        key = self._key(labels)
        with self._lock:
            self._values[key] = self._values.get(key, 0.0) + amount

    def value(self, labels: Sequence[str] = ()) -> float:
        with self._lock:
            return self._values.get(self._key(labels), 0.0)

    def lines(self) -> list[str]:
        with self._lock:
            items = sorted(self._values.items())
        return self.header() + [f"{self.name}{_labels(self.label_names, k)} {_number(v)}" for k, v in items]


class Gauge(_Metric):
    kind = "gauge"

    def __init__(self, name: str, help_text: str, label_names: Sequence[str] = ()) -> None:
        super().__init__(name, help_text, label_names)
        self._values: dict[tuple[str, ...], float] = {}

    def set(self, value: float, labels: Sequence[str] = ()) -> None:
        key = self._key(labels)
        with self._lock:
            self._values[key] = float(value)

    def replace(self, value: float, labels: Sequence[str] = ()) -> None:
        """Drop every series, then set this one (an info gauge naming what is current)."""
        key = self._key(labels)
        with self._lock:
            self._values = {key: float(value)}

    def lines(self) -> list[str]:
        with self._lock:
            items = sorted(self._values.items())
        return self.header() + [f"{self.name}{_labels(self.label_names, k)} {_number(v)}" for k, v in items]


class Histogram(_Metric):
    kind = "histogram"

    def __init__(self, name: str, help_text: str, buckets: Iterable[float], label_names: Sequence[str] = ()) -> None:
        super().__init__(name, help_text, label_names)
        self.buckets = tuple(sorted(buckets)) + (math.inf,)
        self._series: dict[tuple[str, ...], tuple[list[int], list[float]]] = {}  # counts per bucket, [sum]

    def observe(self, value: float, labels: Sequence[str] = ()) -> None:
        key = self._key(labels)
        with self._lock:
            counts, total = self._series.setdefault(key, ([0] * len(self.buckets), [0.0]))
            for i, bound in enumerate(self.buckets):
                if value <= bound:
                    counts[i] += 1
                    break
            total[0] += value

    def count(self, labels: Sequence[str] = ()) -> int:
        with self._lock:
            series = self._series.get(self._key(labels))
            return sum(series[0]) if series else 0

    def lines(self) -> list[str]:
        with self._lock:
            items = sorted((k, (list(c), t[0])) for k, (c, t) in self._series.items())
        out = self.header()
        for key, (counts, total) in items:
            running = 0
            for bound, n in zip(self.buckets, counts):
                running += n
                out.append(f"{self.name}_bucket{_labels(self.label_names, key, ('le', _number(bound)))} {running}")
            out.append(f"{self.name}_sum{_labels(self.label_names, key)} {_number(total)}")
            out.append(f"{self.name}_count{_labels(self.label_names, key)} {running}")
        return out


class ServiceMetrics:
    """Every metric the service exports."""

    def __init__(self) -> None:
        self.requests = Counter("threadguard_requests_total", "HTTP requests by route, method and status.", ("route", "method", "status"))
        self.latency = Histogram(
            "threadguard_request_duration_seconds", "HTTP request latency by route and status.", LATENCY_BUCKETS, ("route", "method", "status")
        )
        self.batch_size = Histogram("threadguard_batch_size", "Comments per model call.", BATCH_SIZE_BUCKETS)
        self.batch_seconds = Histogram("threadguard_batch_duration_seconds", "Time per model call.", LATENCY_BUCKETS)
        self.queue_depth = Gauge("threadguard_queue_depth", "Comments waiting for the model.")
        self.comments = Counter("threadguard_comments_scored_total", "Comments scored.")
        self.flags = Counter("threadguard_flags_total", "Comments flagged, per label.", ("label",))
        self.rejected = Counter("threadguard_rejected_total", "Requests refused before scoring, by reason.", ("reason",))
        self.model_info = Gauge("threadguard_model_info", "The model being served (value 1).", ("name", "version"))
        self.ready = Gauge("threadguard_ready", "1 when the model is loaded and warm.")
        self.reloads = Counter("threadguard_model_reloads_total", "Model reloads, by outcome (loaded or refused).", ("outcome",))
        self._all: list[_Metric] = [
            self.requests,
            self.latency,
            self.batch_size,
            self.batch_seconds,
            self.queue_depth,
            self.comments,
            self.flags,
            self.rejected,
            self.model_info,
            self.ready,
            self.reloads,
        ]

    def render(self) -> str:
        return "\n".join(line for metric in self._all for line in metric.lines()) + "\n"
