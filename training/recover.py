"""Recover trainable weights from a shipped int8 ONNX model.

A model directory in git holds ``model.onnx`` (int8) but not the fp16 ``checkpoint.pt`` written
beside it at export (it is too big to commit with every release). Without it, a fresh clone
could not fine-tune the shipped model. Every weight is still in the ONNX graph, quantised:
int8 per output channel for the matrices, uint8 per tensor for the embeddings, fp32 for
biases and layer norms. Dequantising them gives the weights the shipped model computes with.

Where the graph fused layers (query, key and value into one attention matrix, Gemm into
MatMul), the fused tensors are split back into the PyTorch names.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from service.runtime.bundle import ModelError, read_manifest
from service.schema import LABELS, SPAN_LABELS

__all__ = ["recover_state_dict", "recover_checkpoint", "write_recovered_checkpoint"]

# A quantised matrix product is named after the module it came from: "/encoder/encoder/layer.0/
# attention/output/dense/MatMul_quant_to_float" holds encoder.encoder.layer.0.attention.output.dense.
_MATMUL = re.compile(r"^/(.+)/(?:Gemm_)?MatMul_quant(?:_to_float)?$")
_ATTENTION = re.compile(r"^Attention_(\d+)_quant$")


def _dequantise(init: dict[str, np.ndarray], name: str, axis: int | None) -> np.ndarray:
    """``name`` as stored (``…_quantized``) back to float32: (q - zero_point) * scale."""
    base = name.removesuffix("_quantized")
    q = init[name].astype(np.float32)
    scale, zero = init[f"{base}_scale"].astype(np.float32), init[f"{base}_zero_point"].astype(np.float32)
    if axis is not None and scale.ndim == 1:  # per output channel
        shape = [1] * q.ndim
        shape[axis] = -1
        scale, zero = scale.reshape(shape), zero.reshape(shape)
    return (q - zero) * scale


def recover_state_dict(onnx_path: str | Path) -> dict[str, np.ndarray]:
    """The CommentModel state dict (float32 arrays, PyTorch names) held by a quantised graph."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(onnx_path)).graph
    init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    state: dict[str, np.ndarray] = {}
    # Unfused float tensors keep their PyTorch names (biases, layer norms, head biases).
    for name, value in init.items():
        if name.startswith(("encoder.", "comment_head.", "token_head.")) and not name.endswith(
            ("_quantized", "_scale", "_zero_point")
        ):
            state[name] = value.astype(np.float32)
    for node in graph.node:
        if node.op_type == "QEmbedLayerNormalization":
            # Inputs 2-6: word, position and token-type embeddings, layer-norm gamma and beta.
            names = ("word_embeddings.weight", "position_embeddings.weight", "token_type_embeddings.weight",
                     "LayerNorm.weight", "LayerNorm.bias")
            for tensor, name in zip(node.input[2:7], names):
                state[f"encoder.embeddings.{name}"] = _dequantise(init, tensor, axis=None)
        elif (m := _ATTENTION.match(node.name)) and node.op_type == "QAttention":
            layer = f"encoder.encoder.layer.{m.group(1)}.attention.self"
            qkv = _dequantise(init, node.input[1], axis=1)  # [hidden, 3 * hidden], MatMul layout
            bias = init[node.input[2]].astype(np.float32)
            for i, part in enumerate(("query", "key", "value")):
                width = qkv.shape[1] // 3
                state[f"{layer}.{part}.weight"] = np.ascontiguousarray(qkv[:, i * width : (i + 1) * width].T)
                state[f"{layer}.{part}.bias"] = bias[i * width : (i + 1) * width]
        elif (m := _MATMUL.match(node.name)) and node.op_type in ("MatMulIntegerToFloat", "MatMulInteger"):
            module = m.group(1).replace("/", ".")  # [in, out] in the graph, [out, in] in nn.Linear
            state[f"{module}.weight"] = np.ascontiguousarray(_dequantise(init, node.input[1], axis=1).T)
    return state


def recover_checkpoint(model_dir: str | Path):
    """A CommentModel and its training config rebuilt from ``model_dir``'s quantised graph.

    Raises ModelError when the directory's files fail their manifest hashes or the graph does
    not hold every weight of the model its manifest names.
    """
    import torch

    from training.model import build_model

    manifest = read_manifest(model_dir)  # checks every file's sha256 against the manifest
    raw = manifest.raw
    base_model = raw.get("base_model", "all-MiniLM-L6-v2")
    model = build_model(base_model, len(LABELS), len(SPAN_LABELS), pretrained=False)
    state = recover_state_dict(Path(model_dir) / "model.onnx")
    expected = set(model.state_dict())
    # Position ids are a buffer of the embeddings, not a weight: keep the model's own.
    expected -= {k for k in expected if k.endswith("position_ids")}
    missing, unexpected = expected - set(state), set(state) - expected
    if missing or unexpected:
        raise ModelError(
            f"{model_dir}: model.onnx does not hold the weights of {base_model} "
            f"(missing {sorted(missing)[:3]}, unexpected {sorted(unexpected)[:3]})"
        )
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=False)
    model.eval()
    config = {"base_model": base_model, "max_length": manifest.max_length, "stride": manifest.window_stride,
              "recovered_from": f"{raw.get('name')} {manifest.version} model.onnx (int8, dequantised)"}
    # The data the model was trained on, so that exporting the recovered weights again
    # calibrates on the same dev splits.
    mix = (raw.get("training") or {}).get("mix")
    if mix:
        config["mix"] = mix
    return model, config


def write_recovered_checkpoint(model_dir: str | Path, out: str | Path) -> Path:
    """Write ``model_dir``'s recovered weights as a checkpoint that training can start from."""
    import os

    from training.export import save_fp16_checkpoint

    model, config = recover_checkpoint(model_dir)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    save_fp16_checkpoint(model, config, tmp)
    os.replace(tmp, out)
    return out
