"""Checkpoint averaging: exact weighted means, refused mismatches, the second run's config kept."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from training.soup import average_checkpoints  # noqa: E402


def _checkpoint(path, scale: float, config: dict, shape=(2, 3)):
    torch.save({"model": {"w": torch.full(shape, scale), "steps": torch.tensor([7])}, "config": config, "step": 5}, path)
    return path


def test_weighted_mean_of_two_checkpoints(tmp_path):
    a = _checkpoint(tmp_path / "a.pt", 1.0, {"run": "a"})
    b = _checkpoint(tmp_path / "b.pt", 3.0, {"run": "b"})
    out = tmp_path / "soup" / "final.pt"
    average_checkpoints(a, b, 0.25, out)
    soup = torch.load(out, weights_only=False)
    assert torch.allclose(soup["model"]["w"], torch.full((2, 3), 0.25 * 1.0 + 0.75 * 3.0))
    assert torch.equal(soup["model"]["steps"], torch.tensor([7]))  # integer buffers are not averaged
    assert soup["config"] == {"run": "b"} and soup["soup"]["weight_a"] == 0.25


def test_mismatched_checkpoints_are_refused(tmp_path):
    a = _checkpoint(tmp_path / "a.pt", 1.0, {}, shape=(2, 3))
    b = _checkpoint(tmp_path / "b.pt", 1.0, {}, shape=(3, 2))
    with pytest.raises(ValueError, match="shape"):
        average_checkpoints(a, b, 0.5, tmp_path / "out.pt")
    with pytest.raises(ValueError, match="between 0 and 1"):
        average_checkpoints(a, a, 1.5, tmp_path / "out.pt")
    assert not (tmp_path / "out.pt").exists()
