"""Hot model reload: load and warm a new model beside the serving one, then swap it in.

A reload verifies the new directory (hashes, labels, normaliser) and warms it up off the
event loop while the old model keeps serving; only then is the state's scorer replaced, in
one assignment on the event loop. Batches already running finish on the old model (the
batcher binds its scorer per batch). A directory that fails any check is refused with a
422 that says why, and nothing changes. Reloads run one at a time.

The model to load is named by a path, by a registry version, or by nothing: then it is
resolved as at startup (``$THREADGUARD_MODEL_DIR``, else the registry's ACTIVE version,
else the shipped model). With ``reload_poll_seconds`` set, a background task watches the
registry's ACTIVE pointer and loads whatever it comes to name.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.api.errors import ApiError
from service.runtime.bundle import ModelError, default_model_dir
from service.runtime.registry import ACTIVE, Registry

if TYPE_CHECKING:
    from service.api.state import ServiceState

log = logging.getLogger("threadguard.api")

WARMUP_TEXTS = (
    "ok",
    "Thanks for the article, I learned something today.",
    "I disagree with the author on almost every point, and the second half of the piece reads like an advert "
    "for the council rather than journalism. Who paid for this?",
)


def warm_up(scorer: Any, batch_size: int) -> None:
    """One lone comment and one full batch, so the first real requests of either kind do not
    pay for onnxruntime's first-run allocations."""
    scorer.score(WARMUP_TEXTS[:1])
    scorer.score([WARMUP_TEXTS[i % len(WARMUP_TEXTS)] for i in range(batch_size)])


def load_warm_scorer(model_dir: Path, threads: int, thresholds: dict[str, float], batch_size: int, spin: bool) -> Any:
    """A verified, warmed-up Scorer for ``model_dir``; ModelError for anything that would not serve."""
    from service.runtime.scorer import Scorer

    scorer = Scorer(model_dir, threads, spin=spin)
    if scorer.widened_weights:
        log.info("%s: this CPU's U8S8 int8 kernel saturates; weights widened to uint8 (same scores, slower)", model_dir)
    try:
        scorer.thresholds_for(thresholds)
    except ValueError as exc:
        raise ModelError(f"{model_dir}: the server's thresholds do not fit this model: {exc}") from exc
    try:
        warm_up(scorer, batch_size)
    except Exception as exc:  # onnxruntime's own error types
        raise ModelError(f"{model_dir}: the model failed its warm-up: {type(exc).__name__}: {exc}") from exc
    return scorer


def startup_model_dir(registry: Registry) -> Path:
    """What a restart would serve: $THREADGUARD_MODEL_DIR, else ``registry``'s ACTIVE, else the shipped model."""
    pinned = os.environ.get("THREADGUARD_MODEL_DIR")
    if pinned:
        return Path(pinned)
    return registry.active_dir() or default_model_dir()


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _pointer_stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_ino)  # atomic replacement gives a new inode even within one mtime tick


class ModelReloader:
    def __init__(self, state: "ServiceState") -> None:
        self.state = state
        self._lock = asyncio.Lock()
        self._watcher: asyncio.Task | None = None

    @property
    def registry(self) -> Registry:
        return Registry(self.state.settings.registry_dir)

    def resolve(self, model_dir: str | None = None, version: str | None = None) -> tuple[Path, str]:
        """The directory a reload request names, and the request field that named it."""
        if model_dir and version:
            raise ApiError(422, "give model_dir or version, not both", "version")
        if version:
            try:
                path = self.registry.path_of(version)
            except ModelError as exc:
                raise ApiError(422, str(exc), "version") from None
            if not path.is_dir():
                raise ApiError(404, f"no version {version!r} in the registry {self.registry.root}", "version")
            return path, "version"
        if model_dir:
            return Path(model_dir).expanduser(), "model_dir"
        return startup_model_dir(self.registry), "body"

    async def reload(self, model_dir: Path, field: str = "model_dir", reason: str = "request") -> dict[str, Any]:
        """Load, verify and warm ``model_dir``, then serve it; ApiError(422) leaves the old model serving."""
        state = self.state
        settings = state.settings
        async with self._lock:
            previous = state.scorer
            started = time.perf_counter()
            try:
                scorer = await asyncio.to_thread(
                    load_warm_scorer,
                    model_dir,
                    settings.onnx_threads,
                    dict(settings.thresholds),
                    settings.max_batch_size,
                    settings.onnx_spinning,
                )
            except ModelError as exc:
                state.metrics.reloads.inc(labels=("refused",))
                log.error("reload (%s) refused, still serving %s: %s", reason, previous.version, exc)
                raise ApiError(422, f"model refused, still serving {previous.version}: {exc}", field) from None
            state.swap_scorer(scorer)
            seconds = time.perf_counter() - started
            state.metrics.reloads.inc(labels=("loaded",))
            log.info("reload (%s): now serving %s %s from %s (was %s; %.1f s)",
                     reason, scorer.manifest.name, scorer.version, model_dir, previous.version, seconds)
            return {
                "reloaded": True,
                "model": {"name": scorer.manifest.name, "version": scorer.version, "model_dir": str(model_dir)},
                "previous": {"name": previous.manifest.name, "version": previous.version, "model_dir": str(previous.model_dir)},
                "seconds": round(seconds, 3),
            }

    # ------------------------------------------------------------------ the ACTIVE watcher
    def start_watching(self, interval_s: float) -> None:
        if interval_s > 0 and self._watcher is None:
            self._watcher = asyncio.get_running_loop().create_task(self._watch(interval_s), name="threadguard-reload-watch")

    async def stop_watching(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            try:
                await self._watcher
            except asyncio.CancelledError:
                pass
            self._watcher = None

    async def _watch(self, interval_s: float) -> None:
        pointer = self.registry.root / ACTIVE
        seen = _pointer_stamp(pointer)
        while True:
            await asyncio.sleep(interval_s)
            stamp = _pointer_stamp(pointer)
            if stamp == seen:
                continue
            # Remembered before loading: a refused version is not retried until ACTIVE moves again.
            seen = stamp
            try:
                target = self.registry.active_dir()
            except (ModelError, OSError) as exc:
                log.error("registry ACTIVE pointer unreadable: %s", exc)
                continue
            if target is None or _same_dir(target, self.state.scorer.model_dir):
                continue
            try:
                await self.reload(target, reason=f"{pointer} changed")
            except ApiError:
                pass  # logged by reload; the old model keeps serving
