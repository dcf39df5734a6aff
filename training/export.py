"""Checkpoint → ONNX (dynamic batch and sequence) → onnxruntime BERT fusions → int8 → model directory.

The model directory is assembled in a temporary sibling and renamed into place, so a
failed export never leaves a half-written model where the service could load it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from service.runtime.bundle import MANIFEST, sha256_file
from service.runtime.int8 import SAFE_WEIGHT_MAGNITUDE, WEIGHT_INPUTS, exact_session, make_exact

CHECKPOINT = "checkpoint.pt"
from service.runtime.normalise import NORMALISER_VERSION
from service.schema import LABELS, SPAN_LABELS


def load_checkpoint(path: str | Path):
    import torch

    from training.model import build_model

    state = torch.load(path, weights_only=False, map_location="cpu")
    cfg = state["config"]
    model = build_model(cfg["base_model"], len(LABELS), len(SPAN_LABELS), pretrained=False)
    model.load_state_dict({k: v.float() for k, v in state["model"].items()})
    model.eval()
    return model, cfg, state


def export_onnx(model, path: Path) -> None:
    import torch

    ids = torch.tensor([[101, 7592, 2088, 102], [101, 2023, 102, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    torch.onnx.export(
        model,
        (ids, mask),
        str(path),
        input_names=["input_ids", "attention_mask"],
        output_names=["comment_logits", "token_logits"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "sequence"},
            "attention_mask": {0: "batch", 1: "sequence"},
            "comment_logits": {0: "batch"},
            "token_logits": {0: "batch", 1: "sequence"},
        },
        opset_version=17,
        dynamo=False,
    )


def optimise(src: Path, dst: Path, hidden: int, heads: int) -> bool:
    """onnxruntime's BERT fusions (attention, layer norm, GELU); False when they do not apply."""
    try:
        from onnxruntime.transformers.optimizer import optimize_model

        opt = optimize_model(str(src), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=1)
        opt.save_model_to_file(str(dst))
        return True
    except Exception as exc:  # the fusions are an optimisation, never a requirement
        print(f"export: graph optimisation skipped ({exc})")
        return False


def quantise(src: Path, dst: Path, calibration: Sequence[tuple[np.ndarray, np.ndarray]]) -> dict[str, Any]:
    """int8 weights (7-bit, per channel: ``narrow_weights``) and uint8 activations whose ranges are fixed from ``calibration``
    (``(input_ids, attention_mask)`` batches, best one window each); returns a summary for the manifest.

    onnxruntime's dynamic quantisation measures each activation's range on the batch it is
    given. A comment's scores then depend on what else is in its batch, and the server batches
    requests from different callers. On 600 comments of 2026.11.21-7's weights, neighbours moved
    a score by up to 0.38 and changed 4 flags. Fixing the ranges at export makes every row's
    arithmetic its own, keeps the fused int8 graph (QAttention and all) and its speed, and
    agrees with fp32 as well as dynamic ranges do (99.59% vs 99.51% of flags, 1,651 comments).
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        dynamic = Path(tmp) / "dynamic.onnx"
        # Fused graphs hold com.microsoft ops that ONNX shape inference cannot type; their
        # outputs are float, which is what the quantiser needs to be told.
        quantize_dynamic(
            str(src),
            str(dynamic),
            weight_type=QuantType.QInt8,
            # Per-channel weight scales: as fast here, and closer to fp32 (flag agreement on
            # 2,000 TSD comments 99.57% against 99.05% per-tensor).
            per_channel=True,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        narrowed = narrow_weights(dynamic, src)
        ranges = activation_ranges(dynamic, calibration)
        fix_activation_ranges(dynamic, dst, ranges)
    fused = fuse_integer_matmuls(dst)
    split = split_skip_layer_norms(dst)
    return {
        "weight_range": [-SAFE_WEIGHT_MAGNITUDE, SAFE_WEIGHT_MAGNITUDE],
        "narrowed_weights": narrowed,
        "activations": "ranges fixed at export",
        "calibration_batches": len(calibration),
        "quantised_activations": len(ranges),
        "graph": {"matmul_integer_to_float": fused, "skip_layer_norms_split": split},
    }


def narrow_weights(path: Path, float_model: Path) -> int:
    """Re-quantise, in place, every symmetric int8 weight of ``path``'s matrix products to
    [-64, 64] per output channel (scale max|w| / 64), from ``float_model``'s float weights;
    returns how many.

    On x86 CPUs without VNNI, onnxruntime's U8S8 kernel sums pairs of uint8 × int8 products in
    saturating 16-bit lanes: full-range weights overflow them, 7-bit weights cannot
    (service/runtime/int8.py). The runtime keeps full-range weights exact there by widening them
    to uint8, which costs 13-15% of the speed (bench/int8_kernel.py); 7-bit weights are exact on
    every CPU at U8S8 speed. Re-exported so, 2026.11.22-14's weights moved their AUCs by −0.009 to
    +0.016 (fourteenth round in the model card). The embeddings (uint8, QEmbedLayerNormalization)
    are not matrix products and keep 8 bits; onnxruntime's own ``reduce_range`` would narrow them too.
    """
    import onnx
    from onnx import TensorProto, numpy_helper

    floats = {t.name: t for t in onnx.load(str(float_model)).graph.initializer}
    model = onnx.load(str(path))
    init = {t.name: t for t in model.graph.initializer}
    consumed = {n.input[spec[0]] for n in model.graph.node if (spec := WEIGHT_INPUTS.get(n.op_type)) and len(n.input) > spec[0]}
    narrowed = 0
    for name in sorted(consumed):
        weight = init.get(name)
        if weight is None or weight.data_type != TensorProto.INT8 or not name.endswith("_quantized"):
            continue
        base = name.removesuffix("_quantized")
        zero = numpy_helper.to_array(init[f"{base}_zero_point"])
        # A Gemm's transposed weight (transB) is quantised as "<name>_Transposed".
        source, transposed = (base.removesuffix("_Transposed"), True) if base not in floats else (base, False)
        if np.any(zero != 0) or source not in floats:
            raise ValueError(f"narrow_weights: {name} is not a symmetric weight of {float_model}")
        w = numpy_helper.to_array(floats[source]).astype(np.float64)
        w = w.T if transposed else w
        old_scale = numpy_helper.to_array(init[f"{base}_scale"])
        if old_scale.ndim == 1 and old_scale.shape[0] != w.shape[-1]:
            raise ValueError(f"narrow_weights: {name}: expected one scale per output column, got {old_scale.shape}")
        # Per output channel: one scale per column of the [in, out] matrix, as quantised.
        absmax = np.abs(w).max(axis=0) if old_scale.ndim == 1 else np.abs(w).max()
        scale = np.maximum(absmax, 1e-12) / SAFE_WEIGHT_MAGNITUDE
        q = np.clip(np.rint(w / scale), -SAFE_WEIGHT_MAGNITUDE, SAFE_WEIGHT_MAGNITUDE).astype(np.int8)
        weight.CopyFrom(numpy_helper.from_array(q, name))
        init[f"{base}_scale"].CopyFrom(numpy_helper.from_array(scale.astype(np.float32).reshape(old_scale.shape), f"{base}_scale"))
        narrowed += 1
    onnx.save(model, str(path))
    return narrowed


def activation_ranges(model_path: Path, calibration: Sequence[tuple[np.ndarray, np.ndarray]]) -> dict[str, tuple[float, float]]:
    """The observed (min, max) of every tensor that ``model_path`` quantises dynamically."""
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper

    if not calibration:
        raise ValueError("activation calibration needs at least one batch")
    model = onnx.load(str(model_path))
    names = [n.input[0] for n in model.graph.node if n.op_type == "DynamicQuantizeLinear"]
    for name in names:
        model.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    # Ranges measured through a saturating kernel would be fixed into the graph for every machine.
    make_exact(model)
    opts = ort.SessionOptions()
    # Unoptimised, so the tensors named in the graph still exist when it runs.
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    lo = dict.fromkeys(names, 0.0)  # ranges hold 0, so 0 maps exactly, as in dynamic quantisation
    hi = dict.fromkeys(names, 0.0)
    for ids, mask in calibration:
        for name, value in zip(names, session.run(names, {"input_ids": ids, "attention_mask": mask})):
            lo[name] = min(lo[name], float(value.min()))
            hi[name] = max(hi[name], float(value.max()))
    return {n: (lo[n], hi[n]) for n in names}


def fix_activation_ranges(src: Path, dst: Path, ranges: dict[str, tuple[float, float]]) -> None:
    """Replace each DynamicQuantizeLinear by a QuantizeLinear with constant uint8 scale and zero
    point from ``ranges``; the ops that read the dynamic scale read the constant instead."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(src))
    graph = model.graph
    renamed: dict[str, str] = {}
    nodes = []
    for node in graph.node:
        if node.op_type != "DynamicQuantizeLinear":
            nodes.append(node)
            continue
        lo, hi = ranges[node.input[0]]
        scale = max(hi - lo, 1e-8) / 255.0
        zero_point = int(np.clip(round(-lo / scale), 0, 255))
        scale_name, zero_name = f"{node.output[1]}_fixed", f"{node.output[2]}_fixed"
        graph.initializer.append(numpy_helper.from_array(np.array(scale, dtype=np.float32), scale_name))
        graph.initializer.append(numpy_helper.from_array(np.array(zero_point, dtype=np.uint8), zero_name))
        renamed[node.output[1]], renamed[node.output[2]] = scale_name, zero_name
        nodes.append(helper.make_node("QuantizeLinear", [node.input[0], scale_name, zero_name], [node.output[0]], name=f"{node.name}_fixed"))
    for node in nodes:
        for i, name in enumerate(node.input):
            if name in renamed:
                node.input[i] = renamed[name]
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.save(model, str(dst))


def _consumers(graph) -> dict[str, list]:
    out: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            out.setdefault(name, []).append(node)
    return out


def fuse_integer_matmuls(path: Path) -> int:
    """Rewrite each ``MatMulInteger → Cast → Mul(a_scale × b_scale)`` as one com.microsoft
    ``MatMulIntegerToFloat``, in place; returns how many.

    onnxruntime fuses this itself only when the scale product is still a ``Mul`` node. With the
    activation ranges fixed, both scales are constants, constant folding runs first and the
    fusion no longer matches, leaving an int32 → float pass and a scaling pass per matmul.
    The arithmetic is the same: outputs are bit-identical.
    """
    import onnx
    from onnx import helper

    model = onnx.load(str(path))
    graph = model.graph
    consumers = _consumers(graph)
    producer = {out: node for node in graph.node for out in node.output}
    replace: dict[int, Any] = {}
    drop: set[int] = set()
    for node in graph.node:
        if node.op_type != "MatMulInteger":
            continue
        users = consumers.get(node.output[0], [])
        if len(users) != 1 or users[0].op_type != "Cast":
            continue
        cast = users[0]
        users = consumers.get(cast.output[0], [])
        if len(users) != 1 or users[0].op_type != "Mul":
            continue
        scale_mul = users[0]
        scale_name = next(i for i in scale_mul.input if i != cast.output[0])
        scales = producer.get(scale_name)
        if scales is None or scales.op_type != "Mul" or len(consumers[scale_name]) != 1:
            continue
        zero_points = list(node.input[2:4]) + [""] * (4 - len(node.input))
        replace[id(node)] = helper.make_node(
            "MatMulIntegerToFloat",
            [node.input[0], node.input[1], scales.input[0], scales.input[1], *zero_points],
            [scale_mul.output[0]],
            name=f"{node.name}_to_float",
            domain="com.microsoft",
        )
        drop |= {id(cast), id(scale_mul), id(scales)}
    nodes = [replace.get(id(n), n) for n in graph.node if id(n) not in drop]
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.save(model, str(path))
    return len(replace)


def split_skip_layer_norms(path: Path) -> int:
    """Rewrite each ``SkipLayerNormalization(x, skip, gamma, beta, bias)`` as
    ``LayerNormalization(x + bias + skip)``, in place; returns how many. When ``x`` comes from a
    ``MatMulIntegerToFloat`` (run ``fuse_integer_matmuls`` first), the bias moves into it.

    onnxruntime's CPU SkipLayerNormalization kernel took 23% of the int8 model's time on the
    2-core bench machine, against 7% for the two Adds and the LayerNormalization it stands for
    (onnxruntime 1.31). The runtime turns off the fusion that would put it back
    (``service.runtime.scorer.DISABLED_OPTIMIZERS``); a session that does not simply re-fuses.
    """
    import onnx
    from onnx import helper

    model = onnx.load(str(path))
    graph = model.graph
    consumers = _consumers(graph)
    producer = {out: node for node in graph.node for out in node.output}
    nodes = []
    split = 0
    for node in graph.node:
        used_outputs = [o for o in node.output[1:] if o]
        if node.op_type != "SkipLayerNormalization" or len(node.input) != 5 or used_outputs:
            nodes.append(node)
            continue
        x, skip, gamma, beta, bias = node.input
        # onnxruntime's default when the attribute is absent
        epsilon = next((helper.get_attribute_value(a) for a in node.attribute if a.name == "epsilon"), 1e-12)
        matmul = producer.get(x)
        if matmul is not None and matmul.op_type == "MatMulIntegerToFloat" and len(matmul.input) == 6 and len(consumers[x]) == 1:
            matmul.input.append(bias)  # its optional bias input: one pass over the output fewer
        else:
            nodes.append(helper.make_node("Add", [x, bias], [f"{node.name}_biased"], name=f"{node.name}_bias"))
            x = f"{node.name}_biased"
        nodes += [
            helper.make_node("Add", [x, skip], [f"{node.name}_sum"], name=f"{node.name}_skip"),
            helper.make_node("LayerNormalization", [f"{node.name}_sum", gamma, beta], [node.output[0]],
                             name=f"{node.name}_norm", axis=-1, epsilon=epsilon),
        ]
        split += 1
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.save(model, str(path))
    return split


def write_model_dir(
    out_dir: Path,
    onnx_file: Path,
    tokenizer_json: str,
    manifest: dict[str, Any],
    checkpoint: Path | None = None,
) -> Path:
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}."))
    os.chmod(staging, 0o755)  # mkdtemp makes it private; a model directory is for every reader
    try:
        shutil.copyfile(onnx_file, staging / "model.onnx")
        shutil.copyfile(tokenizer_json, staging / "tokenizer.json")
        names = ["model.onnx", "tokenizer.json"]
        if checkpoint is not None:  # torch weights to fine-tune from when retraining; not needed to serve
            shutil.copyfile(checkpoint, staging / CHECKPOINT)
            names.append(CHECKPOINT)
        manifest = dict(manifest)
        manifest["files"] = {n: sha256_file(staging / n) for n in names}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        keep = [p for p in out_dir.iterdir() if p.name not in ("model.onnx", "tokenizer.json", CHECKPOINT, MANIFEST)] if out_dir.exists() else []
        for p in keep:  # e.g. MODEL_CARD.md, eval.json: kept beside the new model
            (shutil.copytree if p.is_dir() else shutil.copyfile)(p, staging / p.name)
        backup = None
        if out_dir.exists():
            backup = out_dir.with_name(f".{out_dir.name}.old")
            shutil.rmtree(backup, ignore_errors=True)
            out_dir.rename(backup)
        staging.rename(out_dir)
        if backup:
            shutil.rmtree(backup, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def save_fp16_checkpoint(model, cfg: dict, path: Path) -> None:
    """Half-precision weights: half the size, and plenty to fine-tune from."""
    import torch

    torch.save({"model": {k: v.half() for k, v in model.state_dict().items()}, "config": cfg}, path)


def base_manifest(cfg: dict, thresholds: dict, name: str, version: str) -> dict[str, Any]:
    return {
        "name": name,
        "version": version,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "labels": list(LABELS),
        "span_labels": list(SPAN_LABELS),
        "thresholds": thresholds["comment"],
        "span_thresholds": thresholds["span"],
        "max_length": cfg["max_length"],
        "window_stride": cfg["stride"],
        "normaliser_version": NORMALISER_VERSION,
        "base_model": cfg["base_model"],
    }


def torch_vs_onnx(model, onnx_path: Path, ids: np.ndarray, mask: np.ndarray) -> float:
    """Largest absolute logit difference between torch and an ONNX file on one batch."""
    import torch

    with torch.inference_mode():
        c, t = model(torch.from_numpy(ids), torch.from_numpy(mask))
    sess = exact_session(onnx_path)
    oc, ot = sess.run(["comment_logits", "token_logits"], {"input_ids": ids, "attention_mask": mask})
    m = mask.astype(bool)
    return float(max(np.abs(oc - c.numpy()).max(), np.abs(ot[m] - t.numpy()[m]).max()))
