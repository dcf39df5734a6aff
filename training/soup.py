"""Weight averaging ("model soup") of two fine-tuned checkpoints of the same architecture.

Two runs that start from the same checkpoint stay in one basin of the loss, so the average of
their weights is usually a working model that sits between them: here it keeps most of a
behaviour-focused run's gains while giving back little of the public-set scores that the run
lost. The result is a checkpoint like ``best.pt``/``final.pt``, for ``threadguard export``.

    python -m training.soup A.pt B.pt --weight-a 0.3 --out runs/soup/final.pt
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["average_checkpoints"]


def average_checkpoints(a: str | Path, b: str | Path, weight_a: float, out: str | Path) -> dict:
    """``weight_a`` × A + (1 − ``weight_a``) × B, written atomically to ``out``; B's config is kept."""
    import torch

    from training.train import save_atomic

    if not 0.0 <= weight_a <= 1.0:
        raise ValueError(f"weight_a must be between 0 and 1, not {weight_a}")
    first = torch.load(a, weights_only=False, map_location="cpu")
    second = torch.load(b, weights_only=False, map_location="cpu")
    if first["model"].keys() != second["model"].keys():
        raise ValueError(f"{a} and {b} do not hold the same parameters")
    model = {}
    for name, x in first["model"].items():
        y = second["model"][name]
        if x.shape != y.shape:
            raise ValueError(f"{name}: shape {tuple(x.shape)} in {a} but {tuple(y.shape)} in {b}")
        model[name] = weight_a * x.float() + (1 - weight_a) * y.float() if x.is_floating_point() else y
    state = {
        "model": model,
        "config": second["config"],
        "step": second.get("step"),
        "soup": {"a": str(a), "b": str(b), "weight_a": weight_a},
    }
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    save_atomic(state, out)
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a", help="first checkpoint")
    parser.add_argument("b", help="second checkpoint (its config is kept)")
    parser.add_argument("--weight-a", type=float, required=True, help="weight of the first checkpoint, 0..1")
    parser.add_argument("--out", required=True, help="checkpoint to write")
    args = parser.parse_args()
    average_checkpoints(args.a, args.b, args.weight_a, args.out)
    print(f"wrote {args.out}: {args.weight_a} × {args.a} + {1 - args.weight_a:g} × {args.b}")


if __name__ == "__main__":
    main()
