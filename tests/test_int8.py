"""Integer products are exact on every CPU: onnxruntime's U8S8 kernel saturates on x86 without
VNNI, and the runtime widens full-range weights to uint8 there (service/runtime/int8.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from service.runtime.bundle import default_model_dir  # noqa: E402
from service.runtime.int8 import exact_model, integer_product_model, u8s8_is_exact, widen_int8_weights  # noqa: E402
from service.runtime.scorer import Scorer  # noqa: E402


A_SCALE, A_ZERO = 0.05, 131


def _run(model, feeds: dict) -> np.ndarray:
    return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(["y"], feeds)[0]


def _integer_product(a, w, a_scale, w_scale, a_zero, w_zero) -> np.ndarray:
    """Exact integer arithmetic, then the scales in float64."""
    acc = (a.astype(np.int64) - int(a_zero)) @ (w.astype(np.int64) - w_zero.astype(np.int64))
    return acc * (np.float64(np.float32(a_scale)) * w_scale.astype(np.float64))


@pytest.fixture()
def saturating_product():
    """Full-range activations and weights, as the quantiser emits them: pairs of products that
    overflow 16 bits are common."""
    rng = np.random.default_rng(7)
    w = rng.integers(-128, 128, size=(96, 24), dtype=np.int8)
    w_zero = rng.integers(-3, 4, size=24).astype(np.int8)  # per-channel zero points, not all 0
    w_scale = rng.uniform(0.001, 0.02, 24).astype(np.float32)
    a = rng.integers(0, 256, size=(40, 96), dtype=np.uint8)
    return a, w, w_zero, w_scale


def test_widened_weights_give_the_exact_product_on_any_cpu(saturating_product):
    a, w, w_zero, w_scale = saturating_product
    model = integer_product_model(w, w_zero, w_scale, A_SCALE, A_ZERO)
    assert widen_int8_weights(model) == 1
    inits = {i.name: i for i in model.graph.initializer}
    assert {i.data_type for i in inits.values() if i.name.startswith("w") and "scale" not in i.name} == {TensorProto.UINT8}
    assert "w" not in inits and "w_zero" not in inits  # the int8 originals are dropped
    got = _run(model, {"a": a})
    np.testing.assert_allclose(got, _integer_product(a, w, A_SCALE, w_scale, A_ZERO, w_zero), rtol=1e-5, atol=1e-4)


def test_seven_bit_weights_are_exact_as_exported_and_left_alone():
    """Weights in [-64, 64] meeting activations of 255 fill a 16-bit pair sum to 32,640 and no
    further: the U8S8 kernel is exact for them on any CPU, so they are not widened. One weight
    of 65 could saturate, and its matrix is widened."""
    rng = np.random.default_rng(11)
    w = rng.integers(-64, 65, size=(96, 24), dtype=np.int8)
    w[:, :4] = 64
    w[:, 4:8] = -64  # the extremes, where a wrong bound would show
    a = rng.integers(0, 256, size=(40, 96), dtype=np.uint8)
    a[:8] = 255
    zero, scale = np.zeros(24, np.int8), rng.uniform(0.001, 0.02, 24).astype(np.float32)
    model = integer_product_model(w, zero, scale, A_SCALE, 0)
    assert widen_int8_weights(model) == 0
    np.testing.assert_allclose(_run(model, {"a": a}), _integer_product(a, w, A_SCALE, scale, 0, zero), rtol=1e-5, atol=1e-4)
    w[0, 0] = 65
    assert widen_int8_weights(integer_product_model(w, zero, scale, A_SCALE, 0)) == 1


def test_the_probe_tells_whether_the_int8_kernel_is_exact(saturating_product):
    a, w, w_zero, w_scale = saturating_product
    raw = _run(integer_product_model(w, w_zero, w_scale, A_SCALE, A_ZERO), {"a": a})
    exact = np.allclose(raw, _integer_product(a, w, A_SCALE, w_scale, A_ZERO, w_zero), rtol=1e-5, atol=1e-4)
    assert exact == u8s8_is_exact()


def test_a_graph_without_int8_weights_is_left_alone():
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)
    before = model.SerializeToString()
    assert widen_int8_weights(model) == 0
    assert model.SerializeToString() == before


def _captured(model_bytes: bytes, op_type: str, ids: np.ndarray, mask: np.ndarray):
    """Every ``op_type`` node of a graph with the activations it was given and what it returned."""
    model = onnx.load_from_string(model_bytes)
    nodes = [n for n in model.graph.node if n.op_type == op_type]
    names = []
    for node in nodes:
        for name, elem in ((node.input[0], TensorProto.UINT8), (node.output[0], TensorProto.FLOAT)):
            if name not in names:
                model.graph.output.append(helper.make_tensor_value_info(name, elem, None))
                names.append(name)
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    values = dict(zip(names, session.run(names, {"input_ids": ids, "attention_mask": mask})))
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    return nodes, values, inits


def _served_graph(texts: list[str]):
    """The shipped graph as the runtime loads it here, and the windows of ``texts``."""
    from service.runtime.windows import pad_windows

    scorer = Scorer(threads=1)
    enc = scorer.engine.encode(texts)
    ids, mask = pad_windows([w for e in enc for w in e.windows], scorer.engine.pad_id)
    source, widened = exact_model(default_model_dir() / "model.onnx")
    assert widened == scorer.widened_weights
    return (source if isinstance(source, bytes) else Path(source).read_bytes()), ids, mask


def test_the_shipped_model_needs_no_widening_on_any_cpu():
    """Its matrix weights are 7-bit (training/export.py: narrow_weights), so even where the U8S8
    kernel saturates on full-range weights the runtime serves the graph as exported."""
    from service.runtime.bundle import read_manifest

    model = onnx.load(str(default_model_dir() / "model.onnx"))
    assert widen_int8_weights(model) == 0
    assert read_manifest(default_model_dir()).raw["quantisation"]["weight_range"] == [-64, 64]
    assert Scorer(threads=1).int8_kernel == "u8s8"


def test_the_shipped_model_computes_every_int8_matmul_exactly_here():
    """On this machine, through the graph the runtime loads, each of the shipped model's integer
    matrix products equals exact integer arithmetic on the activations it really received."""
    graph, ids, mask = _served_graph(["you filthy k i k e, go back where you came from", "Lovely weather at the allotment today."])
    nodes, values, inits = _captured(graph, "MatMulIntegerToFloat", ids, mask)
    assert len(nodes) == 20
    for node in nodes:
        w, a_scale, w_scale, a_zero, w_zero = (inits[node.input[i]] for i in (1, 2, 3, 4, 5))
        expected = _integer_product(values[node.input[0]], w, a_scale, w_scale, a_zero, w_zero)
        if len(node.input) > 6 and node.input[6]:
            expected = expected + inits[node.input[6]]
        got = values[node.output[0]]
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-3 * float(np.abs(expected).max()), err_msg=node.name)


def test_the_shipped_model_computes_every_int8_attention_exactly_here():
    """The fused QAttention nodes too: exact QKV product, then softmax attention in float64, on
    one unpadded window (so that no key is masked)."""
    graph, ids, mask = _served_graph(["Those people are vermin and should be thrown out, every last one of them."])
    nodes, values, inits = _captured(graph, "QAttention", ids, mask)
    assert len(nodes) == 6
    for node in nodes:
        heads = next(helper.get_attribute_value(a) for a in node.attribute if a.name == "num_heads")
        w, bias, a_scale, w_scale = (inits[node.input[i]] for i in (1, 2, 3, 4))
        a_zero, w_zero = inits[node.input[6]], inits[node.input[7]]
        qkv = _integer_product(values[node.input[0]], w, a_scale, w_scale, a_zero, w_zero) + bias
        batch, seq, _ = qkv.shape
        q, k, v = (x.reshape(batch, seq, heads, -1).transpose(0, 2, 1, 3) for x in np.split(qkv, 3, axis=-1))
        logits = q @ k.transpose(0, 1, 3, 2) / np.sqrt(q.shape[-1])
        weights = np.exp(logits - logits.max(-1, keepdims=True))
        weights /= weights.sum(-1, keepdims=True)
        expected = (weights @ v).transpose(0, 2, 1, 3).reshape(batch, seq, -1)
        got = values[node.output[0]]
        np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-3 * float(np.abs(expected).max()), err_msg=node.name)


def test_widening_changes_which_kernel_runs_and_no_score():
    """Forced either way: the widened graph scores as the one this CPU's default serves (where
    U8S8 is exact, this compares the two kernels on real comments)."""
    texts = ["you filthy k i k e", "Immigrants are rats and should be gassed", "Lovely weather at the allotment today."]
    widened = Scorer(threads=1, widen_weights=True)
    assert widened.int8_kernel == "u8u8" and Scorer(threads=1, widen_weights=False).int8_kernel == "u8s8"
    default = Scorer(threads=1)
    for a, b in zip(widened.score(texts), default.score(texts)):
        assert a["flags"] == b["flags"] and a["spans"] == b["spans"]
        assert max(abs(a["scores"][k] - b["scores"][k]) for k in a["scores"]) <= 1e-3
