"""Exact int8 matrix products on every CPU.

The exported graph multiplies uint8 activations by int8 weights (U8S8). onnxruntime's x86 kernel
for that on CPUs without VNNI (AVX2 only: many AMD EPYC and older Xeon servers) multiplies with
``vpmaddubsw``, which adds each pair of products into a *saturating* 16-bit lane: 255 × 127 × 2
does not fit, so large activations meeting large weights come out clipped. On such a machine
2026.11.22-14's scores moved by up to 0.62 and 2.2% of comments changed a flag (3,690 comments,
AMD EPYC with AVX2), so a model would score differently depending on the server it runs on.

The fix keeps the arithmetic and changes the kernel: an int8 weight ``w`` with zero point ``z``
holds the same value as the uint8 weight ``w + 128`` with zero point ``z + 128``, and onnxruntime's
U8U8 kernel widens to 16 bits before it multiplies, so it never saturates. Whether this machine's
U8S8 kernel is exact is measured once per process on a small product built to overflow, not
guessed from CPU flags, so CPUs whose kernels are exact keep the faster U8S8 path.

Weights quantised to 7 bits (onnxruntime's ``reduce_range``: values in [-64, 64]) cannot saturate
the pair sum, 255 × 64 × 2 = 32,640 < 32,767, so they are left as they are and keep U8S8 speed.

onnxruntime has a session option for the same rewrite (``session.x64quantprecision``). It gives
the same scores as this module's rewrite on 2026.11.22-14 (full-range weights), but it only acts under
``ORT_ENABLE_ALL``: at lower optimisation levels, which export calibration and the tests use to
read intermediate tensors, it is silently ignored and the products saturate. A graph rewrite is
exact at every level.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np

# A uint8 activation times a weight of at most this magnitude, summed in pairs, fits in 16 bits.
SAFE_WEIGHT_MAGNITUDE = 64

# Operator → (index of its weight input, index of that weight's zero point).
WEIGHT_INPUTS = {
    "MatMulInteger": (1, 3),
    "MatMulIntegerToFloat": (1, 5),
    "DynamicQuantizeMatMul": (1, 3),
    "QAttention": (1, 7),
}


def widen_int8_weights(model: Any, every_weight: bool = False) -> int:
    """Rewrite ``model`` (an ``onnx.ModelProto``) in place so that every int8 weight of an integer
    matrix product that could saturate the U8S8 kernel is uint8 with its zero point moved by 128:
    the same values, computed by the non-saturating U8U8 kernel. 7-bit weights are left alone
    unless ``every_weight``. Returns how many operator inputs were rewritten."""
    from onnx import TensorProto, numpy_helper

    graph = model.graph
    initializers = {init.name: init for init in graph.initializer}
    widened: dict[tuple[str, str], tuple[str, str]] = {}
    rewritten = 0
    for node in graph.node:
        spec = WEIGHT_INPUTS.get(node.op_type)
        if spec is None:
            continue
        weight_at, zero_at = spec
        weight = initializers.get(node.input[weight_at]) if len(node.input) > weight_at else None
        if weight is None or weight.data_type != TensorProto.INT8:
            continue
        zero_name = node.input[zero_at] if len(node.input) > zero_at else ""
        if zero_name and zero_name not in initializers:
            continue  # a zero point computed at run time cannot be moved here
        key = (weight.name, zero_name)
        if key not in widened:
            values = numpy_helper.to_array(weight).astype(np.int16)
            if not every_weight and np.abs(values).max(initial=0) <= SAFE_WEIGHT_MAGNITUDE:
                continue  # cannot saturate: U8S8 is exact for it
            values += 128
            zero = numpy_helper.to_array(initializers[zero_name]).astype(np.int16) if zero_name else np.zeros((), np.int16)
            new_weight = numpy_helper.from_array(values.astype(np.uint8), f"{weight.name}_as_uint8")
            new_zero = numpy_helper.from_array((zero + 128).astype(np.uint8), f"{zero_name or weight.name + '_zero_point'}_as_uint8")
            graph.initializer.extend([new_weight, new_zero])
            widened[key] = (new_weight.name, new_zero.name)
        weight_name, zero_name = widened[key]
        node.input[weight_at] = weight_name
        while len(node.input) <= zero_at:
            node.input.append("")
        node.input[zero_at] = zero_name
        rewritten += 1
    if rewritten:
        used = {name for node in graph.node for name in node.input}
        kept = [init for init in graph.initializer if init.name in used]
        del graph.initializer[:]
        graph.initializer.extend(kept)
    return rewritten


def integer_product_model(weight: np.ndarray, weight_zero: np.ndarray, weight_scale: np.ndarray, a_scale: float = 1.0, a_zero: int = 0):
    """One ``MatMulIntegerToFloat`` of a uint8 input ``a`` (any rows, ``weight.shape[0]``
    columns) by ``weight``, as an ``onnx.ModelProto``: the probe below, and the tests' reference."""
    from onnx import TensorProto, helper, numpy_helper

    inits = [
        numpy_helper.from_array(weight, "w"),
        numpy_helper.from_array(weight_zero, "w_zero"),
        numpy_helper.from_array(weight_scale.astype(np.float32), "w_scale"),
        numpy_helper.from_array(np.array(a_scale, np.float32), "a_scale"),
        numpy_helper.from_array(np.array(a_zero, np.uint8), "a_zero"),
    ]
    node = helper.make_node(
        "MatMulIntegerToFloat", ["a", "w", "a_scale", "w_scale", "a_zero", "w_zero"], ["y"], domain="com.microsoft"
    )
    graph = helper.make_graph(
        [node],
        "integer_product",
        [helper.make_tensor_value_info("a", TensorProto.UINT8, [None, weight.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=inits,
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets, ir_version=9)


@lru_cache(maxsize=None)
def u8s8_is_exact() -> bool:
    """Whether onnxruntime multiplies uint8 by int8 without saturating on this machine: 255s
    times 127s, 64 deep, where every pair of products overflows a 16-bit lane."""
    import onnxruntime as ort

    model = integer_product_model(np.full((64, 16), 127, np.int8), np.zeros(16, np.int8), np.ones(16, np.float32))
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    got = session.run(["y"], {"a": np.full((16, 64), 255, np.uint8)})[0]
    return bool(np.all(got == 255 * 127 * 64))


def make_exact(model: Any) -> bool:
    """Widen ``model``'s int8 weights in place if this machine's U8S8 kernel saturates; returns
    whether it did."""
    return not u8s8_is_exact() and widen_int8_weights(model) > 0


def exact_model(model_path: str | Path, widen: bool | None = None) -> tuple[str | bytes, bool]:
    """What to hand ``onnxruntime.InferenceSession`` for ``model_path`` so that its integer
    products are exact here: the path itself, or the serialised graph with widened weights.
    By default this machine's kernel decides, and only weights that could saturate it are
    widened; ``widen`` forces every int8 weight widened (True) or none (False), so that
    ``bench/int8_kernel.py`` can time both kernels. The flag says whether any weight was widened."""
    forced = widen is not None
    if widen is None:
        widen = not u8s8_is_exact()
    if not widen:
        return str(model_path), False
    import onnx

    model = onnx.load(str(model_path))
    if not widen_int8_weights(model, every_weight=forced):
        return str(model_path), False
    return model.SerializeToString(), True


def exact_session(model_path: str | Path, options: Any = None, disabled_optimizers: Sequence[str] = ()):
    """An onnxruntime CPU session of ``model_path`` whose integer products are exact here."""
    import onnxruntime as ort

    source, _ = exact_model(model_path)
    return ort.InferenceSession(
        source, sess_options=options, providers=["CPUExecutionProvider"], disabled_optimizers=list(disabled_optimizers)
    )
