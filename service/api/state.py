"""What one server process holds: settings, the scorer, the batcher, metrics, key checks,
the label store (opened on first use) and the model reloader.

Every route scores through ``ServiceState.score``, so limits, thresholds, timeouts, metrics
and the flagged-comment log are applied the same way whatever format the client speaks.
``scorer`` is only ever replaced whole, in the event loop (``swap_scorer``); the batcher binds
it once per batch, so a reload never mixes two models inside one model call.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Any, Callable, Mapping, Sequence

from service.api.auth import KeyChecker
from service.api.batcher import BatcherClosed, MicroBatcher, QueueFull
from service.api.errors import ApiError
from service.api.labelling import LazyLabelStore
from service.api.metrics import ServiceMetrics
from service.api.reload import ModelReloader, warm_up
from service.api.settings import ServiceSettings

log = logging.getLogger("threadguard.api")
moderation_log = logging.getLogger("threadguard.moderation")


class ServiceState:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.metrics = ServiceMetrics()
        self.keys = KeyChecker(settings.api_keys, settings.admin_keys, settings.annotator_keys)
        self.scorer: Any = None  # service.runtime.scorer.Scorer, imported lazily with onnxruntime
        self.batcher: MicroBatcher | None = None
        self.labels = LazyLabelStore(settings.labels_db)
        self.reloader = ModelReloader(self)
        self.ready = False
        self._warmup: asyncio.Task | None = None
        self.metrics.ready.set(0)
        self.metrics.queue_depth.set(0)

    # ------------------------------------------------------------------ life cycle
    async def start(self) -> None:
        """Load the model (a broken model directory fails startup), start batching, warm up in the background."""
        from service.runtime.scorer import Scorer

        self.scorer = await asyncio.to_thread(
            Scorer, self.settings.model_dir, self.settings.onnx_threads, spin=self.settings.onnx_spinning
        )
        # Server-wide thresholds are checked against the model before the first request.
        self.scorer.thresholds_for(self.settings.thresholds)
        manifest = self.scorer.manifest
        self.metrics.model_info.replace(1, (manifest.name, manifest.version))
        self.batcher = MicroBatcher(
            self._score_batch,
            bind_score_fn=self._bind_score_fn,
            max_batch_size=self.settings.max_batch_size,
            max_wait_s=self.settings.max_wait_ms / 1000.0,
            max_queue=self.settings.max_queue,
            on_batch=self._observe_batch,
            on_queue_depth=lambda depth: self.metrics.queue_depth.set(depth),
        )
        self.batcher.start()
        self._warmup = asyncio.get_running_loop().create_task(self._warm_up(), name="threadguard-warmup")
        self.reloader.start_watching(self.settings.reload_poll_seconds)
        log.info(
            "model %s %s loaded from %s (batch %d, wait %.1f ms, %d onnx threads)",
            manifest.name,
            manifest.version,
            self.settings.model_dir,
            self.settings.max_batch_size,
            self.settings.max_wait_ms,
            self.settings.onnx_threads,
        )

    async def _warm_up(self) -> None:
        # One lone comment and one full batch, so the first real requests of either kind do not
        # pay for onnxruntime's first-run allocations. Straight to the scorer, not through the
        # batcher, so that warm-up batches never show in the batch-size metrics.
        try:
            await asyncio.to_thread(warm_up, self.scorer, self.settings.max_batch_size)
        except Exception as exc:  # stay unready, and say why: /readyz keeps answering 503
            log.error("warm-up failed, the server stays unready: %s: %s", type(exc).__name__, exc)
            return
        # Everything alive now (model, tokenizer, app) lives as long as the process: frozen out
        # of the collector's reach, full collections no longer walk it, which shortens the
        # pauses that show up in tail latency.
        gc.collect()
        gc.freeze()
        self.ready = True
        self.metrics.ready.set(1)
        log.info("ready")

    async def stop(self) -> None:
        """Finish what is queued, then stop; called after the server has stopped taking requests."""
        self.ready = False
        self.metrics.ready.set(0)
        if self._warmup is not None and not self._warmup.done():
            self._warmup.cancel()
        await self.reloader.stop_watching()
        if self.batcher is not None:
            await self.batcher.close()
        await asyncio.to_thread(self.labels.close)
        log.info("drained")

    def swap_scorer(self, scorer: Any) -> Any:
        """Serve ``scorer`` from the next batch on; returns the one it replaces (event loop only)."""
        previous, self.scorer = self.scorer, scorer
        self.metrics.model_info.replace(1, (scorer.manifest.name, scorer.manifest.version))
        return previous

    # ------------------------------------------------------------------ scoring
    def _score_batch(self, texts: Sequence[str], thresholds: Mapping[str, float]) -> list[dict[str, Any]]:
        return self.scorer.score(texts, thresholds=thresholds, spans=True)

    def _bind_score_fn(self) -> Callable[[Sequence[str], Mapping[str, float]], list[dict[str, Any]]]:
        scorer = self.scorer  # this batch's model, whatever is swapped in while it runs

        def score(texts: Sequence[str], thresholds: Mapping[str, float]) -> list[dict[str, Any]]:
            return scorer.score(texts, thresholds=thresholds, spans=True)

        return score

    def _observe_batch(self, size: int, seconds: float) -> None:
        self.metrics.batch_size.observe(size)
        self.metrics.batch_seconds.observe(seconds)

    def check_limits(self, texts: Sequence[str], where: str, text_field: Callable[[int], str] | None = None) -> None:
        """413 for too many comments or an over-long one.

        ``where`` names the list in the request (``comments``); ``text_field(i)`` names the
        i-th text, ``{where}.{i}.text`` unless the route's format says otherwise.
        """
        if len(texts) > self.settings.max_comments:
            self.metrics.rejected.inc(labels=("too_many_comments",))
            raise ApiError(413, f"{len(texts)} comments in one request (limit {self.settings.max_comments})", where)
        for i, text in enumerate(texts):
            if len(text) > self.settings.max_chars:
                self.metrics.rejected.inc(labels=("comment_too_long",))
                field = text_field(i) if text_field else f"{where}.{i}.text"
                raise ApiError(413, f"comment has {len(text)} characters (limit {self.settings.max_chars})", field)

    def effective_thresholds(self, overrides: Mapping[str, float] | None) -> dict[str, float]:
        """Server-wide overrides, then the request's; only the overridden labels are returned."""
        merged = {**self.settings.thresholds, **(overrides or {})}
        if self.scorer is not None:
            try:
                self.scorer.thresholds_for(merged)
            except ValueError as exc:
                field = str(exc).split(":", 1)[0]
                raise ApiError(422, str(exc), field) from None
        return merged

    async def score(
        self,
        ids: Sequence[Any],
        texts: Sequence[str],
        thresholds: Mapping[str, float] | None = None,
        spans: bool = True,
        where: str = "comments",
        text_field: Callable[[int], str] | None = None,
    ) -> list[dict[str, Any]]:
        """Score ``texts`` through the batcher; CLI-contract results (``id`` first), in order."""
        self.check_limits(texts, where, text_field)
        merged = self.effective_thresholds(thresholds)
        if self.batcher is None:
            raise ApiError(503, "the model is still loading", headers={"Retry-After": str(self.settings.retry_after_s)})
        if not texts:
            return []
        try:
            results = await asyncio.wait_for(self.batcher.submit(texts, merged), self.settings.request_timeout_s)
        except QueueFull:
            self.metrics.rejected.inc(labels=("queue_full",))
            raise ApiError(503, "the scoring queue is full; retry shortly", headers={"Retry-After": str(self.settings.retry_after_s)}) from None
        except BatcherClosed:
            raise ApiError(503, "the server is shutting down", headers={"Retry-After": str(self.settings.retry_after_s)}) from None
        except asyncio.TimeoutError:
            self.metrics.rejected.inc(labels=("timeout",))
            raise ApiError(504, f"scoring took longer than {self.settings.request_timeout_s:g} s") from None
        out = []
        for cid, text, result in zip(ids, texts, results):
            self._count(cid, text, result)
            out.append({"id": cid, **result, "spans": result["spans"] if spans else []})
        return out

    def _count(self, cid: Any, text: str, result: Mapping[str, Any]) -> None:
        self.metrics.comments.inc()
        if not result["flagged"]:
            return
        labels = [name for name, flagged in result["flags"].items() if flagged]
        for name in labels:
            self.metrics.flags.inc(labels=(name,))
        if moderation_log.isEnabledFor(logging.DEBUG):
            if self.settings.log_text:
                moderation_log.debug("flagged id=%s labels=%s text=%r", cid, ",".join(labels), text)
            else:
                moderation_log.debug("flagged id=%s labels=%s", cid, ",".join(labels))
