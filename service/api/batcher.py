"""Micro-batching: comments from concurrent requests share model calls.

Requests put their comments on one bounded queue and await one future per comment. A
single worker task takes what is waiting, up to ``max_batch_size`` comments, and runs the
batch in a one-thread executor so the event loop keeps accepting requests while the model
works; the next batch gathers meanwhile. Results go back to each caller in its own order.

On a CPU a transformer is compute-bound from a few dozen tokens on, so what batching saves
is per-call overhead, and padding can cost more than that: one 100-word comment would make
31 short ones pay for 100 words each. A batch is therefore cut, by length, into model calls
whose padding stays within ``max_padding`` of the real length. The wait for company is
adaptive: it applies only while the previous batch held more than one comment, so a lone
client is never delayed, while under load the queue fills during each model call anyway.

Comments whose requests asked for different thresholds are scored in separate calls, so
every result is exactly what ``Scorer.score`` returns for its comments and thresholds.

With ``bind_score_fn``, the scoring function is looked up once per batch, in the event loop,
at the moment the batch is taken off the queue: a model swapped in meanwhile (hot reload)
scores every batch taken after the swap, while a batch already running finishes, whole, on
the model it started with.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

ScoreFn = Callable[[Sequence[str], Mapping[str, float]], list[dict[str, Any]]]
ScoreFnSource = Callable[[], ScoreFn]
BatchObserver = Callable[[int, float], None]


class QueueFull(Exception):
    """The queue cannot take this request's comments now."""


class BatcherClosed(Exception):
    """The batcher is draining for shutdown and takes no new work."""


@dataclass
class _Item:
    text: str
    thresholds_key: tuple[tuple[str, float], ...]
    future: asyncio.Future = field(repr=False)


class MicroBatcher:
    def __init__(
        self,
        score_fn: ScoreFn,
        max_batch_size: int = 16,
        max_wait_s: float = 0.005,
        max_queue: int = 2048,
        on_batch: BatchObserver | None = None,
        on_queue_depth: Callable[[int], None] | None = None,
        max_padding: float = 0.3,
        bind_score_fn: ScoreFnSource | None = None,
    ) -> None:
        self.score_fn = score_fn
        self.bind_score_fn = bind_score_fn
        self.max_batch_size = max_batch_size
        self.max_wait_s = max_wait_s
        self.max_queue = max_queue
        self.max_padding = max_padding
        self._last_batch_size = 0
        self.on_batch = on_batch
        self.on_queue_depth = on_queue_depth
        self._queue: deque[_Item] = deque()
        self._arrived: asyncio.Event | None = None
        self._worker: asyncio.Task | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._closing = False

    @property
    def depth(self) -> int:
        return len(self._queue)

    def start(self) -> None:
        if self._worker is not None:
            return
        self._arrived = asyncio.Event()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="threadguard-model")
        self._worker = asyncio.get_running_loop().create_task(self._run(), name="threadguard-batcher")

    async def submit(self, texts: Sequence[str], thresholds: Mapping[str, float] | None = None) -> list[dict[str, Any]]:
        """Score ``texts``; results in the same order. Raises QueueFull or BatcherClosed without queueing anything."""
        if self._closing or self._worker is None:
            raise BatcherClosed()
        if len(self._queue) + len(texts) > self.max_queue:
            raise QueueFull()
        loop = asyncio.get_running_loop()
        key = tuple(sorted((thresholds or {}).items()))
        items = [_Item(t, key, loop.create_future()) for t in texts]
        was_empty = not self._queue
        self._queue.extend(items)
        self._depth_changed()
        assert self._arrived is not None
        # Wake the worker only when it can act: a first comment to wait on, or a full batch.
        if was_empty or len(self._queue) >= self.max_batch_size:
            self._arrived.set()
        try:
            return list(await asyncio.gather(*(i.future for i in items)))
        except asyncio.CancelledError:
            # Timed out or the client went away: its comments leave the queue unscored, so a
            # burst of abandoned requests does not keep the queue full.
            for i in items:
                i.future.cancel()
            self._queue = deque(i for i in self._queue if not i.future.done())
            self._depth_changed()
            raise

    async def close(self) -> None:
        """Refuse new work, finish everything already queued, then stop."""
        self._closing = True
        if self._arrived is not None:
            self._arrived.set()
        if self._worker is not None:
            await self._worker
        if self._executor is not None:
            self._executor.shutdown(wait=True)

    def _depth_changed(self) -> None:
        if self.on_queue_depth:
            self.on_queue_depth(len(self._queue))

    def _take(self) -> list[_Item]:
        batch: list[_Item] = []
        while self._queue and len(batch) < self.max_batch_size:
            item = self._queue.popleft()
            if not item.future.done():  # cancelled requests are dropped here
                batch.append(item)
        self._depth_changed()
        self._last_batch_size = len(batch)
        return batch

    async def _gather(self) -> list[_Item]:
        """Wait for a first comment, then up to ``max_wait_s`` for the batch to fill."""
        assert self._arrived is not None
        while not self._queue:
            if self._closing:
                return []
            self._arrived.clear()
            await self._arrived.wait()
        under_load = self._last_batch_size > 1
        if under_load and len(self._queue) < self.max_batch_size and self.max_wait_s > 0 and not self._closing:
            deadline = time.perf_counter() + self.max_wait_s
            while len(self._queue) < self.max_batch_size and not self._closing:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    break
                self._arrived.clear()
                try:
                    await asyncio.wait_for(self._arrived.wait(), remaining)
                except asyncio.TimeoutError:
                    break
        return self._take()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = await self._gather()
            if not batch:
                if self._closing and not self._queue:
                    return
                continue
            # No await between taking the batch and binding its scorer (see the module docstring).
            score_fn = self.bind_score_fn() if self.bind_score_fn else self.score_fn
            started = time.perf_counter()
            try:
                results = await loop.run_in_executor(self._executor, self._score_batch, [(i.text, i.thresholds_key) for i in batch], score_fn)
            except Exception as exc:  # the model failed: every caller in this batch hears about it
                for item in batch:
                    if not item.future.done():
                        item.future.set_exception(exc)
                continue
            if self.on_batch:
                self.on_batch(len(batch), time.perf_counter() - started)
            for item, result in zip(batch, results):
                if not item.future.done():
                    item.future.set_result(result)

    def _score_batch(self, work: list[tuple[str, tuple[tuple[str, float], ...]]], score_fn: ScoreFn) -> list[dict[str, Any]]:
        groups: dict[tuple[tuple[str, float], ...], list[int]] = {}
        for index, (_, key) in enumerate(work):
            groups.setdefault(key, []).append(index)
        results: list[dict[str, Any] | None] = [None] * len(work)
        for key, indices in groups.items():
            for chunk in length_chunks([work[i][0] for i in indices], self.max_padding):
                members = [indices[j] for j in chunk]
                scored = score_fn([work[i][0] for i in members], dict(key))
                for i, result in zip(members, scored):
                    results[i] = result
        return results  # type: ignore[return-value]


# A model window holds 126 tokens; a token is about four characters of English.
WINDOW_TOKENS = 126
CHARS_PER_TOKEN = 4


def estimated_tokens(text: str) -> int:
    return min(WINDOW_TOKENS, len(text) // CHARS_PER_TOKEN + 1)


def length_chunks(texts: Sequence[str], max_padding: float) -> list[list[int]]:
    """Indices of ``texts`` grouped, shortest first, so each group's padded size is at most
    ``1 + max_padding`` times its real size (padding is to the group's longest member)."""
    order = sorted(range(len(texts)), key=lambda i: estimated_tokens(texts[i]))
    chunks: list[list[int]] = []
    total = 0
    for i in order:
        size = estimated_tokens(texts[i])
        if chunks and (len(chunks[-1]) + 1) * size <= (1 + max_padding) * (total + size):
            chunks[-1].append(i)
            total += size
        else:
            chunks.append([i])
            total = size
    return chunks
