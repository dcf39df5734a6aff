"""Train a tiny model for a few steps, interrupt and resume it, export it, and serve it from ONNX.

Slow-ish (about two minutes on two cores), so one module-scoped run feeds every test here.
"""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from service.runtime.bundle import ModelError, read_manifest  # noqa: E402
from service.runtime.scorer import Scorer  # noqa: E402
from service.schema import LABELS  # noqa: E402
from tiny_model import tampered_copy  # noqa: E402
from training.train import TrainConfig, train  # noqa: E402

DATA_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def tiny_config(out_dir: Path) -> TrainConfig:
    return TrainConfig(
        data_dir=str(DATA_DIR),
        mix={"tsd": 1.0, "davidson": 1.0, "behaviour": 1.0},
        limit_per_source=40,
        out_dir=str(out_dir),
        max_steps=4,
        batch_size=8,
        eval_every=2,
        eval_max=40,
        threads=1,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    straight = tiny_config(root / "straight")
    train(straight, resume=False)
    interrupted = tiny_config(root / "interrupted")
    train(interrupted, resume=False, stop_at=2)
    stopped_at = torch.load(Path(interrupted.out_dir) / "last.pt", weights_only=False)["step"]
    train(interrupted, resume=True)
    return root, stopped_at


def test_resumed_run_equals_uninterrupted_run(runs):
    root, stopped_at = runs
    assert stopped_at == 2
    a = torch.load(root / "straight" / "last.pt", weights_only=False)
    b = torch.load(root / "interrupted" / "last.pt", weights_only=False)
    assert a["step"] == b["step"] == 4
    for name, tensor in a["model"].items():
        assert torch.allclose(tensor, b["model"][name], atol=1e-5), name
    log = [json.loads(line) for line in (root / "interrupted" / "log.jsonl").read_text().splitlines()]
    assert [e["step"] for e in log if e["event"] == "eval"] == [2, 4]  # no step done twice


def test_a_finished_run_leaves_its_final_weights_exportable(runs):
    root, _ = runs
    final = torch.load(root / "straight" / "final.pt", weights_only=False)
    last = torch.load(root / "straight" / "last.pt", weights_only=False)
    assert final["step"] == 4 and final["config"]["max_steps"] == 4
    for name, tensor in last["model"].items():
        assert torch.equal(tensor, final["model"][name]), name
    # The interrupted run wrote its final weights only once resumed to the end: the same ones.
    resumed = torch.load(root / "interrupted" / "final.pt", weights_only=False)
    assert resumed["step"] == 4
    for name, tensor in final["model"].items():
        assert torch.allclose(tensor, resumed["model"][name], atol=1e-5), name


def test_an_averaged_checkpoint_exports_and_names_its_parts(runs, tmp_path):
    from training.release import release
    from training.soup import average_checkpoints

    root, _ = runs
    a, b = root / "straight" / "best.pt", root / "straight" / "final.pt"
    average_checkpoints(a, b, 0.5, tmp_path / "soup.pt")
    release(tmp_path / "soup.pt", tmp_path / "model", version="soup-1", parity_comments=20)
    raw = json.loads((tmp_path / "model" / "manifest.json").read_text())
    assert raw["soup"] == {"a": str(a), "b": str(b), "weight_a": 0.5}
    assert raw["training"]["data"]["fingerprinted"] == "at export"
    assert raw["version"] == "soup-1"


def test_anchor_holds_public_outputs_near_the_starting_model(runs, tmp_path):
    """Learning without forgetting: with the anchor on every source of the mix, a short,
    aggressive continuation moves the outputs on those comments far less than without it."""
    from training.evaluate import torch_engine
    from training.export import load_checkpoint
    from training.model import tokenizer_file
    from training.train import load_records
    from service.runtime.windows import load_tokenizer

    root, _ = runs
    start = root / "straight" / "final.pt"

    def continuation(name: str, anchor_weight: float) -> Path:
        cfg = tiny_config(tmp_path / name)
        cfg.init_checkpoint, cfg.lr, cfg.head_lr, cfg.max_steps, cfg.eval_every = str(start), 5e-4, 5e-3, 6, 6
        cfg.anchor_weight, cfg.anchor_sources = anchor_weight, ["tsd", "davidson", "behaviour"]
        train(cfg, resume=False)
        return Path(cfg.out_dir) / "final.pt"

    texts = [r.text for r in load_records(tiny_config(tmp_path / "data")) if r.source in ("tsd", "davidson")][:40]
    tokenizer = load_tokenizer(tokenizer_file("all-MiniLM-L6-v2"))

    def outputs(checkpoint: Path) -> np.ndarray:
        model = load_checkpoint(checkpoint)[0]
        return np.stack([p.comment_probs for p in torch_engine(model, tokenizer, 128, 96).predict(texts)])

    before = outputs(start)
    free = np.abs(outputs(continuation("free", 0.0)) - before).mean()
    held = np.abs(outputs(continuation("held", 20.0)) - before).mean()
    assert held < free / 2, (held, free)  # measured: 0.04 against 0.25
    cfg = tiny_config(tmp_path / "no_start")
    cfg.anchor_weight, cfg.anchor_sources = 1.0, ["tsd"]
    with pytest.raises(ValueError, match="needs init_checkpoint"):
        train(cfg, resume=False)


@pytest.fixture(scope="module")
def exported(runs, tmp_path_factory):
    from training.release import release

    root, _ = runs
    out = tmp_path_factory.mktemp("models") / "tiny"
    result = release(root / "straight" / "best.pt", out, version="test-1", parity_comments=100)
    return out, result


def test_export_parity_and_manifest(exported):
    out, result = exported
    assert result["parity"]["fp32_onnx_vs_torch_max_abs"] < 1e-3
    assert 0.0 <= result["parity"]["int8_vs_fp32_flag_agreement"] <= 1.0
    m = read_manifest(out)
    assert m.version == "test-1" and m.labels == LABELS
    raw = json.loads((out / "manifest.json").read_text())
    for key in ("name", "created", "thresholds", "max_length", "window_stride", "normaliser_version", "base_model", "files", "datasets"):
        assert key in raw, key
    assert set(raw["files"]) == {"model.onnx", "tokenizer.json", "checkpoint.pt"}
    # The exact data the run loaded, fingerprinted when it trained: the project's own behaviour
    # data changes between releases, and the public files' hashes alone do not name it.
    data = raw["training"]["data"]
    assert data["fingerprinted"] == "at training"
    from training.data.behaviour import load_behaviour
    from training.train import records_fingerprint

    behaviour_train = load_behaviour("train")
    assert data["records"]["behaviour/train"] == records_fingerprint(behaviour_train)["behaviour/train"]
    assert data["records"]["behaviour/train"]["n"] == len(behaviour_train)


def test_thresholds_are_tuned_on_the_served_int8_scores(runs, tmp_path, monkeypatch):
    """Calibration sees the scores the shipped int8 model returns, not the torch model's."""
    import training.release as release_module

    seen = {}
    calibrate = release_module.calibrate

    def recording_calibrate(engine, records, preds, parent=None):
        seen["texts"] = [r.text for r in records]
        seen["probs"] = np.stack([p.comment_probs for p in preds])
        return calibrate(engine, records, preds, parent)

    monkeypatch.setattr(release_module, "calibrate", recording_calibrate)
    root, _ = runs
    out = tmp_path / "m"
    result = release_module.release(root / "straight" / "best.pt", out, version="test-2", parity_comments=50)
    served = Scorer(out)
    assert {"comment": served.manifest.thresholds, "span": served.manifest.span_thresholds} == result["thresholds"]
    again = np.stack([p.comment_probs for p in served.engine.predict(seen["texts"])])
    np.testing.assert_allclose(seen["probs"], again, atol=1e-6)


def test_runtime_refuses_tampered_model(exported, tmp_path):
    out, _ = exported
    copy = tampered_copy(out, tmp_path / "copy")
    with pytest.raises(ModelError, match="does not match the manifest"):
        Scorer(copy)
    (copy / "tokenizer.json").unlink()
    with pytest.raises(ModelError, match="tokenizer.json is missing"):
        Scorer(copy)


def test_scorer_contract_and_span_offsets(exported):
    out, _ = exported
    scorer = Scorer(out, threads=1)
    texts = ["you are an idiot", "", "ok " * 400 + "you filthy k\u200bi\u200bk\u200be", "Ｆｕｌｌ ｗｉｄｔｈ shit"]
    # Force every span channel on, so offsets are exercised whatever the tiny model learned.
    scorer.manifest.span_thresholds.update({k: 0.0 for k in scorer.manifest.span_thresholds})
    results = scorer.score(texts)
    assert len(results) == len(texts)
    for text, r in zip(texts, results):
        assert set(r["scores"]) == set(LABELS) == set(r["flags"])
        assert r["flagged"] == any(r["flags"].values())
        assert r["model"] == "test-1"
        for s in r["spans"]:
            assert text[s["start"] : s["end"]] == s["text"] and s["text"].strip() == s["text"] != ""
    assert results[1]["spans"] == []
    long_spans = results[2]["spans"]
    assert max(s["end"] for s in long_spans) == len(texts[2])  # tokens past the first window are decoded
    # Thresholds per call: 0 flags everything, 1 flags nothing.
    assert scorer.score(["hello"], thresholds={n: 0.0 for n in LABELS})[0]["flagged"]
    assert not scorer.score(["hello"], thresholds={n: 1.0 for n in LABELS})[0]["flagged"]
    with pytest.raises(ValueError, match="thresholds.racism"):
        scorer.score(["x"], thresholds={"racism": 0.5})

def test_scores_do_not_depend_on_what_shares_the_batch(exported):
    """Activation ranges are fixed at export: a comment scores the same alone, in any batch and
    beside any padding (scores are rounded to 4 decimals, hence the one-unit tolerance)."""
    import onnx

    out, _ = exported
    graph = onnx.load(str(out / "model.onnx")).graph
    assert not [n for n in graph.node if n.op_type == "DynamicQuantizeLinear"]
    assert [n for n in graph.node if n.op_type == "QuantizeLinear"]
    quantisation = json.loads((out / "manifest.json").read_text())["quantisation"]
    assert quantisation["activations"] == "ranges fixed at export" and quantisation["calibration_batches"] > 0
    scorer = Scorer(out, threads=1)
    texts = ["you are an idiot", "have a nice day, neighbour", "ok " * 300 + "you filthy scum", "SHIT!!!", "x"]
    batch = scorer.score(texts, spans=False)
    reversed_batch = scorer.score(texts[::-1], spans=False)[::-1]
    for text, a, b in zip(texts, batch, reversed_batch):
        alone = scorer.score([text], spans=False)[0]
        for n in LABELS:
            assert abs(alone["scores"][n] - a["scores"][n]) <= 1.01e-4, (text[:20], n)
            assert abs(alone["scores"][n] - b["scores"][n]) <= 1.01e-4, (text[:20], n)


def test_fixed_activation_ranges_quantise_as_calibrated(tmp_path):
    """The rewrite keeps a graph's arithmetic: a tiny MatMul quantised with a fixed range scores
    what numpy says it should, and an input outside the range saturates instead of wrapping."""
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper

    from training.export import activation_ranges, fix_activation_ranges

    x = helper.make_tensor_value_info("input_ids", TensorProto.FLOAT, [None, 2])
    m = helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, [None, 2])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 2])
    nodes = [
        helper.make_node("Add", ["input_ids", "attention_mask"], ["a"]),
        helper.make_node("DynamicQuantizeLinear", ["a"], ["aq", "as", "az"]),
        helper.make_node("DequantizeLinear", ["aq", "as", "az"], ["y"]),
    ]
    src = tmp_path / "dq.onnx"
    onnx.save(helper.make_model(helper.make_graph(nodes, "g", [x, m], [y]), opset_imports=[helper.make_opsetid("", 17)], ir_version=9), str(src))
    zeros = np.zeros((1, 2), dtype=np.float32)
    calibration = [(np.array([[-1.0, 2.0]], dtype=np.float32), zeros), (np.array([[0.5, 3.0]], dtype=np.float32), zeros)]
    ranges = activation_ranges(src, calibration)
    assert ranges == {"a": (-1.0, 3.0)}
    dst = tmp_path / "fixed.onnx"
    fix_activation_ranges(src, dst, ranges)
    session = ort.InferenceSession(str(dst), providers=["CPUExecutionProvider"])
    got = session.run(["y"], {"input_ids": np.array([[0.0, 10.0]], dtype=np.float32), "attention_mask": zeros})[0]
    scale = 4.0 / 255
    assert got[0, 0] == pytest.approx(0.0, abs=1e-6)  # zero maps exactly
    assert got[0, 1] == pytest.approx((255 - round(1.0 / scale)) * scale, abs=1e-5)  # saturates at the top of the range


def test_exported_int8_graph_has_the_cpu_rewrites(exported):
    import onnx

    out, _ = exported
    ops = {n.op_type for n in onnx.load(str(out / "model.onnx")).graph.node}
    assert "MatMulIntegerToFloat" in ops and "MatMulInteger" not in ops
    assert "LayerNormalization" in ops and "SkipLayerNormalization" not in ops
    graph = json.loads((out / "manifest.json").read_text())["quantisation"]["graph"]
    assert graph["matmul_integer_to_float"] > 0 and graph["skip_layer_norms_split"] > 0


def test_exported_weights_are_seven_bit_so_no_cpu_widens_them(exported):
    """Every matrix weight lies in [-64, 64] with each output channel using the full range, so
    the U8S8 kernel's 16-bit pair sums cannot saturate and the runtime serves the graph as
    exported, on this CPU as on any other."""
    import onnx
    from onnx import numpy_helper

    from service.runtime.int8 import WEIGHT_INPUTS

    out, _ = exported
    graph = onnx.load(str(out / "model.onnx")).graph
    init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    weights = {n.input[WEIGHT_INPUTS[n.op_type][0]] for n in graph.node if n.op_type in WEIGHT_INPUTS}
    assert weights and all(name in init for name in weights)
    for name in weights:
        q = init[name]
        assert q.dtype == np.int8 and np.abs(q).max() <= 64, name
        per_channel = np.abs(q).max(axis=0)
        assert np.all((per_channel == 64) | (per_channel == 0)), name  # scale = max|w| / 64
    quantisation = json.loads((out / "manifest.json").read_text())["quantisation"]
    assert quantisation["weight_range"] == [-64, 64] and quantisation["narrowed_weights"] == len(weights)
    assert Scorer(out, threads=1).int8_kernel == "u8s8"


def test_narrowed_weights_are_the_float_weights_within_half_a_seven_bit_step(tmp_path):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    from training.export import narrow_weights

    rng = np.random.default_rng(3)
    w = rng.normal(0, 0.05, size=(16, 6)).astype(np.float32)
    w[:, 2] *= 10  # channels of different ranges get scales of their own
    floats = helper.make_model(
        helper.make_graph([], "f", [], [], initializer=[numpy_helper.from_array(w, "w")]),
        opset_imports=[helper.make_opsetid("", 17)], ir_version=9,
    )
    onnx.save(floats, str(tmp_path / "float.onnx"))
    inits = [
        numpy_helper.from_array(np.clip(np.rint(w / (np.abs(w).max(0) / 127)), -127, 127).astype(np.int8), "w_quantized"),
        numpy_helper.from_array((np.abs(w).max(0) / 127).astype(np.float32), "w_scale"),
        numpy_helper.from_array(np.zeros(6, np.int8), "w_zero_point"),
    ]
    node = helper.make_node("MatMulInteger", ["a", "w_quantized", "a_zero", "w_zero_point"], ["y"])
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("a", TensorProto.UINT8, [None, 16])],
                              [helper.make_tensor_value_info("y", TensorProto.INT32, None)], initializer=inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9), str(tmp_path / "q.onnx"))
    assert narrow_weights(tmp_path / "q.onnx", tmp_path / "float.onnx") == 1
    got = {t.name: numpy_helper.to_array(t) for t in onnx.load(str(tmp_path / "q.onnx")).graph.initializer}
    step = np.abs(w).max(0) / 64
    np.testing.assert_allclose(got["w_scale"], step, rtol=1e-6)
    assert np.abs(got["w_quantized"]).max() == 64
    assert np.all(np.abs(got["w_quantized"] * got["w_scale"] - w) <= 0.5 * step + 1e-7)


def _run(path: Path, feeds: dict) -> np.ndarray:
    import onnxruntime as ort

    from service.runtime.int8 import exact_session

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    # As the runtime loads it: on CPUs whose U8S8 kernel saturates, the raw graph is not exact.
    session = exact_session(path, opts)
    return session.run(["y"], feeds)[0]


def _save(tmp_path: Path, name: str, nodes, inputs, initializers) -> Path:
    import onnx
    from onnx import TensorProto, helper

    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    graph = helper.make_graph(nodes, "g", inputs, [y], initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)], ir_version=9)
    path = tmp_path / name
    onnx.save(model, str(path))
    return path


def _integer_matmul(rng, n: int, out: str, a_zero_point: int):
    """What onnxruntime's quantiser emits for an 8 → ``n`` MatMul: initialisers and nodes."""
    from onnx import TensorProto, helper, numpy_helper

    inits = [
        numpy_helper.from_array(rng.integers(-127, 128, size=(8, n), dtype=np.int8), "w"),
        numpy_helper.from_array(np.zeros(n, np.int8), "w_zp"),
        numpy_helper.from_array(rng.uniform(0.001, 0.02, n).astype(np.float32), "w_scale"),
        numpy_helper.from_array(np.array(0.05, np.float32), "a_scale"),
        numpy_helper.from_array(np.array(a_zero_point, np.uint8), "a_zp"),
    ]
    nodes = [
        helper.make_node("MatMulInteger", ["a", "w", "a_zp", "w_zp"], ["acc"]),
        helper.make_node("Cast", ["acc"], ["accf"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["a_scale", "w_scale"], ["scale"]),
        helper.make_node("Mul", ["accf", "scale"], [out]),
    ]
    return inits, nodes


def test_integer_matmul_fusion_keeps_the_arithmetic(tmp_path):
    """MatMulInteger → Cast → Mul(a_scale × b_scale) becomes one MatMulIntegerToFloat with the
    same result, per-channel weight scales and zero points included."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    from training.export import fuse_integer_matmuls

    rng = np.random.default_rng(0)
    inits, nodes = _integer_matmul(rng, 5, "y", a_zero_point=131)
    w, w_scale = numpy_helper.to_array(inits[0]), numpy_helper.to_array(inits[2])
    a = helper.make_tensor_value_info("a", TensorProto.UINT8, [None, 8])
    path = _save(tmp_path, "mm.onnx", nodes, [a], inits)
    feeds = {"a": rng.integers(0, 256, size=(3, 8), dtype=np.uint8)}
    before = _run(path, feeds)
    expected = ((feeds["a"].astype(np.int32) - 131) @ w.astype(np.int32)) * np.float32(0.05) * w_scale
    np.testing.assert_allclose(before, expected, rtol=1e-6)
    assert fuse_integer_matmuls(path) == 1
    assert [n.op_type for n in onnx.load(str(path)).graph.node] == ["MatMulIntegerToFloat"]
    np.testing.assert_allclose(_run(path, feeds), before, rtol=1e-6, atol=1e-6)


def test_skip_layer_norm_split_keeps_the_arithmetic(tmp_path):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    from training.export import split_skip_layer_norms

    rng = np.random.default_rng(1)
    inits = [numpy_helper.from_array(rng.normal(size=6).astype(np.float32), name) for name in ("gamma", "beta", "bias")]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, None, 6])
    skip = helper.make_tensor_value_info("skip", TensorProto.FLOAT, [None, None, 6])
    nodes = [helper.make_node("SkipLayerNormalization", ["x", "skip", "gamma", "beta", "bias"], ["y"], domain="com.microsoft", epsilon=1e-12)]
    path = _save(tmp_path, "sln.onnx", nodes, [x, skip], inits)
    feeds = {"x": rng.normal(size=(2, 3, 6)).astype(np.float32), "skip": rng.normal(size=(2, 3, 6)).astype(np.float32)}
    before = _run(path, feeds)
    total = feeds["x"] + feeds["skip"] + numpy_helper.to_array(inits[2])
    normed = (total - total.mean(-1, keepdims=True)) / np.sqrt(total.var(-1, keepdims=True) + 1e-12)
    np.testing.assert_allclose(before, normed * numpy_helper.to_array(inits[0]) + numpy_helper.to_array(inits[1]), atol=1e-5)
    assert split_skip_layer_norms(path) == 1
    assert [n.op_type for n in onnx.load(str(path)).graph.node] == ["Add", "Add", "LayerNormalization"]
    np.testing.assert_allclose(_run(path, feeds), before, atol=1e-5)


def test_skip_layer_norm_bias_moves_into_the_integer_matmul(tmp_path):
    """Both rewrites in export order on MatMulInteger → Cast → Mul → SkipLayerNormalization:
    one MatMulIntegerToFloat carrying the bias, an Add and a LayerNormalization, same output."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    from training.export import fuse_integer_matmuls, split_skip_layer_norms

    rng = np.random.default_rng(2)
    inits, nodes = _integer_matmul(rng, 6, "h", a_zero_point=120)
    inits += [numpy_helper.from_array(rng.normal(size=6).astype(np.float32), name) for name in ("gamma", "beta", "bias")]
    nodes.append(helper.make_node("SkipLayerNormalization", ["h", "skip", "gamma", "beta", "bias"], ["y"], domain="com.microsoft", epsilon=1e-12))
    a = helper.make_tensor_value_info("a", TensorProto.UINT8, [None, 8])
    skip = helper.make_tensor_value_info("skip", TensorProto.FLOAT, [None, 6])
    path = _save(tmp_path, "chain.onnx", nodes, [a, skip], inits)
    feeds = {"a": rng.integers(0, 256, size=(4, 8), dtype=np.uint8), "skip": rng.normal(size=(4, 6)).astype(np.float32)}
    before = _run(path, feeds)
    assert (fuse_integer_matmuls(path), split_skip_layer_norms(path)) == (1, 1)
    graph = onnx.load(str(path)).graph
    assert [n.op_type for n in graph.node] == ["MatMulIntegerToFloat", "Add", "LayerNormalization"]
    assert graph.node[0].input[-1] == "bias"
    np.testing.assert_allclose(_run(path, feeds), before, atol=1e-5)


def test_score_cli_contract(exported, tmp_path):
    from typer.testing import CliRunner

    from service.cli import app

    out, _ = exported
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "hello there"}\nplain text line\n\n{"id": "b", "text": 5}\n{broken\n', encoding="utf-8")
    res = CliRunner().invoke(app, ["score", str(src), "--model", str(out), "--no-spans"])
    lines = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert [r["id"] for r in lines] == ["a", 2, "b", 5]
    assert "scores" in lines[0] and "scores" in lines[1]
    assert "text' must be a string" in lines[2]["error"] and "invalid JSON" in lines[3]["error"]
    assert res.exit_code == 1
    ok = tmp_path / "ok.jsonl"
    ok.write_text('{"id": 1, "text": "fine"}\n')
    target = tmp_path / "out.jsonl"
    res = CliRunner().invoke(app, ["score", str(ok), "--model", str(out), "-o", str(target)])
    assert res.exit_code == 0 and json.loads(target.read_text())["id"] == 1
    res = CliRunner().invoke(app, ["score", str(ok), "--model", str(tmp_path)])
    assert res.exit_code == 2 and "not a Threadguard model directory" in res.output


def test_export_refuses_a_parent_that_is_not_a_model(tmp_path):
    import typer
    from typer.testing import CliRunner

    from training.cli import register

    app, data_app = typer.Typer(), typer.Typer()
    app.add_typer(data_app, name="data")
    register(app, data_app)
    checkpoint = tmp_path / "best.pt"
    checkpoint.write_bytes(b"not read: the parent is checked first")
    res = CliRunner().invoke(app, ["export", str(checkpoint), "--version", "x", "--out", str(tmp_path / "m"),
                                   "--parent", str(tmp_path)])
    assert res.exit_code != 0
    assert "--parent" in res.output and "not a Threadguard model directory" in res.output
    assert not (tmp_path / "m").exists()


def test_records_fingerprint_names_each_source_and_split_and_sees_one_changed_text():
    from service.schema import Record
    from training.train import records_fingerprint

    rs = [Record(source="behaviour" if i % 2 else "tsd", split="train", comment_id=f"r{i}", text=f"comment {i}",
                 labels={"toxic": i % 2}) for i in range(6)]
    before = records_fingerprint(rs)
    assert set(before) == {"behaviour/train", "tsd/train"} and before["tsd/train"]["n"] == 3
    changed = [replace(r, text=r.text + "!") if r.comment_id == "r1" else r for r in rs]
    after = records_fingerprint(changed)
    assert after["behaviour/train"]["sha256"] != before["behaviour/train"]["sha256"]
    assert after["tsd/train"] == before["tsd/train"]
