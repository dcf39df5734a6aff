"""Shared fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from service.runtime.bundle import default_model_dir


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The shipped model (``THREADGUARD_MODEL_DIR`` points elsewhere while it is not yet committed)."""
    return default_model_dir()


@pytest.fixture(scope="session")
def span_model_dir(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped model with every span threshold at 0, so every comment has spans whatever the weights."""
    from tiny_model import with_spans_everywhere

    return with_spans_everywhere(model_dir, tmp_path_factory.mktemp("span_model"))


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny trained model with its checkpoint (``tests/tiny_model.py``), built once per session; needs torch.

    ``THREADGUARD_TEST_TINY_MODEL`` may name one built earlier, to save the build while iterating.
    """
    prebuilt = os.environ.get("THREADGUARD_TEST_TINY_MODEL")
    if prebuilt:
        return Path(prebuilt)
    pytest.importorskip("torch", reason="building the tiny test model needs torch (the train extra)")
    from tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny_model"))
