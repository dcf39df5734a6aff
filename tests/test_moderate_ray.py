"""``--engine ray`` on a local Ray with 2 workers gives exactly the local engine's results."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dump_fixtures import write_csv, write_disqus, write_jsonl, write_reddit, write_wxr
from service.batch import LocalEngine, ModerateOptions, Position, expand_inputs, run_moderation
from service.runtime.bundle import ModelError
from service.runtime.scorer import Scorer

pytest.importorskip("ray.data", reason="Ray Data is not installed (pip install 'threadguard[ray]'): --engine ray not tested")

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "threads"


@pytest.fixture(scope="module")
def dumps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("ray_dumps")
    write_jsonl(src / "a.jsonl", extra_lines=["{broken"] + [json.dumps({"id": f"n{i}", "thread_id": "big", "text": f"comment number {i}"}) for i in range(30)])
    write_csv(src / "b.csv")
    write_wxr(src / "c.xml")
    write_disqus(src / "d.xml")
    write_reddit(src / "e.ndjson.gz")
    shutil.copy(FIXTURES / "wpdiscuz_bike_lane.txt", src / "f_page.txt")
    label = {"source": "s", "split": "train", "comment_id": "x", "text": "t", "labels": {}, "spans": [], "span_labels": []}
    (src / "g_labels.jsonl").write_text(json.dumps(label) + "\n", encoding="utf-8")  # ignored by both engines
    return src


def test_ray_engine_equals_local_engine(model_dir: Path, dumps: Path, tmp_path: Path) -> None:
    from service.batch.ray_engine import RayEngine

    try:
        scorer = Scorer(model_dir, threads=1)
    except ModelError as exc:
        pytest.skip(f"no usable model: {exc}")
    inputs = expand_inputs([dumps])
    local = run_moderation(LocalEngine(scorer, chunk_size=8), ModerateOptions(inputs=inputs, out=tmp_path / "local"))

    engine = RayEngine(model_dir, chunk_size=8, workers=2, threads=1)
    try:
        ray_out = tmp_path / "ray"
        distributed = run_moderation(engine, ModerateOptions(inputs=inputs, out=ray_out))
        # Resuming from a mid-file position reads on exactly where the driver says.
        tail = list(engine.chunks(inputs, ModerateOptions(inputs=inputs, out=ray_out).columns, Position(0, 20)))
    finally:
        engine.close()

    local_rows = (tmp_path / "local" / "comments.jsonl").read_text(encoding="utf-8")
    ray_rows = (ray_out / "comments.jsonl").read_text(encoding="utf-8")
    assert local_rows.count("\n") == local.summary["comments"] == 5 * 5 + 1 + 30 + 9
    assert ray_rows == local_rows
    assert (ray_out / "errors.jsonl").read_text() == (tmp_path / "local" / "errors.jsonl").read_text() != ""
    summaries = [json.loads((d / "summary.json").read_text(encoding="utf-8")) for d in (tmp_path / "local", ray_out)]
    for s in summaries:
        assert s.pop("run")["comments_per_s"] > 0
    assert summaries[0] == summaries[1] and summaries[0]["per_thread"]["big"]["comments"] == 30
    assert distributed.summary["run"]["engine"] == "ray" and distributed.exit_code == local.exit_code == 1
    first_positions = [pos for chunk in tail for pos, _, _ in chunk]
    assert first_positions[0] == Position(0, 20) and len(first_positions) == len(set(first_positions))
