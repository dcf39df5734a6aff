"""``--engine ray``: the same pipeline with reading and scoring on Ray Data.

The dumps become a dataset: one row per input file, expanded by ``map_batches`` with a
generator (``read_file_chunks``) into rows that each carry one scoring chunk of comments
and read errors, streamed, never a whole file in memory. Scoring is a second ``map_batches`` run by actors
(``ScoringActor``), each holding one onnxruntime session for its lifetime. The driver
iterates the scored rows in input order (``preserve_order``) and hands them to the same
writer, checkpoint, summary and report code as the local engine, so the output files are
the same.

The model travels with the job: its three files are read on the driver and given to each
actor, which writes them to a temp folder and loads them, so cluster nodes need the
package installed (``pip install 'threadguard[ray]'``) but not the model. The dumps are
read by Ray tasks, so on a cluster they must sit at the same path on every node (a shared
filesystem), like any Ray Data input. See docs/moderate.md.

Ray is imported only when this engine is used; the runtime does not depend on it.
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import numpy as np

from service.batch.inputs import InputFile, ItemStream, Position
from service.batch.pipeline import COMMENT, ERROR, ChunkRow, chunk_items, resolve_thresholds, rows_for_items
from service.runtime.bundle import MANIFEST, REQUIRED_FILES, default_model_dir, read_manifest
from service.threads.model import Comment
from service.threads.readers import Columns, Item, ReadError

__all__ = ["RayEngine", "ScoringActor", "read_file_chunks"]

CHUNKS_PER_READ_BATCH = 4
# A block is what Ray hands to one actor. Left at Ray's default (128 MiB) a whole file's
# chunks would form one block and one actor would score a big dump alone; a few hundred KiB
# is a few chunks, enough blocks to keep every actor busy at negligible cost per block.
TARGET_BLOCK_BYTES = 256 * 1024
MAX_FILE_BLOCKS = 256


def _encode_item(item: Item) -> list[Any]:
    if isinstance(item, ReadError):
        return [ERROR, item.to_dict()]
    return [COMMENT, asdict(item)]


def _decode_item(kind: str, payload: dict[str, Any]) -> Item:
    return ReadError(**payload) if kind == ERROR else Comment(**payload)


def read_file_chunks(batch: Mapping[str, np.ndarray], columns: dict[str, Any], chunk_size: int) -> Iterator[dict[str, list[Any]]]:
    """Dataset rows for the files described in ``batch``: one row per scoring chunk.

    A row is a whole chunk (``chunk_items``, exactly as the local engine cuts them) so that
    however Ray groups rows into blocks, each chunk is scored in one call and gets the
    local engine's scores. ``items`` is JSON: one string column keeps the schema fixed
    whatever fields a reader fills in.
    """
    cols = Columns(**columns)
    for i in range(len(batch["file_index"])):
        f = InputFile(Path(str(batch["path"][i])), str(batch["name"][i]), str(batch["format"][i]) or None, str(batch["why"][i]), 0, 0)
        file_index, skip = int(batch["file_index"][i]), int(batch["skip"][i])
        out: dict[str, list[Any]] = {"file_index": [], "name": [], "items": []}
        # A one-file stream starting where the driver asks: item numbers match the local engine's.
        for chunk in chunk_items(ItemStream([f], cols, Position(0, skip)), chunk_size):
            out["file_index"].append(file_index)
            out["name"].append(f.name)
            out["items"].append(json.dumps([[pos.item, *_encode_item(item)] for pos, item in chunk], ensure_ascii=False))
            if len(out["items"]) >= CHUNKS_PER_READ_BATCH:
                yield out
                out = {k: [] for k in out}
        if out["items"]:
            yield out


class ScoringActor:
    """One onnxruntime session per actor, reused for every chunk the actor is given."""

    def __init__(self, model_files: dict[str, bytes], thresholds: dict[str, float], spans: bool, threads: int) -> None:
        from service.runtime.scorer import Scorer

        self._dir = tempfile.TemporaryDirectory(prefix="threadguard-model-")
        for name, data in model_files.items():
            Path(self._dir.name, name).write_bytes(data)
        self.scorer = Scorer(self._dir.name, threads=threads)
        self.thresholds = thresholds
        self.spans = spans

    def __call__(self, batch: Mapping[str, np.ndarray]) -> dict[str, Any]:
        scored = []
        for file_index, name, encoded in zip(batch["file_index"], batch["name"], batch["items"]):
            fi = int(file_index)
            items = [(Position(fi, int(index)), _decode_item(kind, payload)) for index, kind, payload in json.loads(str(encoded))]
            rows = rows_for_items({fi: str(name)}, items, self.scorer, self.thresholds, self.spans)
            scored.append(json.dumps([[pos.file, pos.item, kind, row] for pos, kind, row in rows], ensure_ascii=False))
        return {"rows": np.array(scored, dtype=object)}


class RayEngine:
    name = "ray"
    counts_bytes = False  # files are read on workers; the driver sees comments, not bytes

    def __init__(
        self,
        model_dir: str | Path | None,
        thresholds: Mapping[str, float] | None = None,
        spans: bool = True,
        chunk_size: int = 256,
        workers: int = 2,
        address: str | None = None,
        threads: int = 1,
    ) -> None:
        try:
            import ray  # noqa: F401
            import ray.data  # noqa: F401
        except ImportError as exc:
            raise ImportError(f"--engine ray needs Ray Data: pip install 'threadguard[ray]' ({exc})") from exc
        self.model_dir = Path(model_dir) if model_dir else default_model_dir()
        manifest = read_manifest(self.model_dir)  # verifies the files before they are shipped
        self.labels = tuple(manifest.labels)
        self.thresholds = resolve_thresholds(manifest.thresholds, thresholds)
        self.model = {"name": manifest.name, "version": manifest.version, "thresholds": self.thresholds}
        self.spans = spans
        self.chunk_size = max(1, chunk_size)
        self.workers = workers
        self.address = address
        self.threads = threads
        self._started_ray = False

    def bytes_read(self) -> int | None:
        return None

    def _init_ray(self) -> None:
        import ray

        if ray.is_initialized():
            return
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        # Ship this package's code so workers run exactly the driver's version of it.
        runtime_env = {"py_modules": [str(Path(__file__).resolve().parents[1])]}
        if self.address:
            ray.init(address=self.address, runtime_env=runtime_env, log_to_driver=False)
        else:
            # One logical CPU per scoring actor plus one for the readers, whatever the
            # machine has: otherwise actors can hold every CPU and starve the read tasks.
            ray.init(
                num_cpus=self.workers + 1,
                include_dashboard=False,
                object_store_memory=512 * 1024 * 1024,
                runtime_env=runtime_env,
                log_to_driver=False,
                logging_level=logging.WARNING,
            )
        self._started_ray = True

    def _model_files(self) -> dict[str, bytes]:
        return {name: (self.model_dir / name).read_bytes() for name in (*REQUIRED_FILES, MANIFEST)}

    def chunks(self, inputs: Sequence[InputFile], columns: Columns, start: Position) -> Iterator[list[ChunkRow]]:
        import ray.data

        self._init_ray()
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True  # rows must reach the writer in input order
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        ctx.target_max_block_size = TARGET_BLOCK_BYTES
        files = [
            {
                "file_index": i,
                "path": str(f.path.resolve()),
                "name": f.name,
                "format": f.format or "",
                "why": f.why,
                "skip": start.item if i == start.file else 0,
            }
            for i, f in enumerate(inputs)
            if i >= start.file and not f.ignored
        ]
        if not files:
            return
        # A block per file lets files be read in parallel; past a few hundred, blocks of several
        # files keep Ray's per-block bookkeeping small for dumps of many small pages.
        ds = ray.data.from_items(files, override_num_blocks=min(len(files), MAX_FILE_BLOCKS))
        ds = ds.map_batches(
            read_file_chunks,
            batch_size=1,
            batch_format="numpy",
            fn_kwargs={"columns": columns.to_dict(), "chunk_size": self.chunk_size},
            # Not the actors' CPU request, so Ray keeps reading a separate task stage instead of
            # fusing it into the actors, where one actor would read and score a whole file.
            num_cpus=0.5,
        )
        ds = ds.map_batches(
            ScoringActor,
            batch_size=1,  # one chunk per call: the chunk is the scoring batch
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=self.workers),
            num_cpus=1,
            fn_constructor_kwargs={
                "model_files": self._model_files(),
                "thresholds": self.thresholds,
                "spans": self.spans,
                "threads": self.threads,
            },
        )
        for batch in ds.iter_batches(batch_size=1, batch_format="numpy"):
            for encoded in batch["rows"]:
                yield [(Position(fi, ii), kind, row) for fi, ii, kind, row in json.loads(str(encoded))]

    def close(self) -> None:
        if self._started_ray:
            import ray

            ray.shutdown()
            self._started_ray = False

