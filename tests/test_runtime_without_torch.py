"""The runtime must import and score with torch, transformers and training/ unavailable."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BLOCKER = textwrap.dedent(
    """
    import importlib.abc, sys
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"torch", "transformers", "datasets", "training"}:
                raise ImportError(f"blocked in this test: {name}")
            return None
    sys.meta_path.insert(0, Block())
    """
)


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BLOCKER + textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_service_imports_without_torch():
    res = run(
        """
        import pkgutil, importlib, service
        names = [m.name for m in pkgutil.walk_packages(service.__path__, "service.")]
        for n in names:
            importlib.import_module(n)
        assert "torch" not in sys.modules and "training" not in sys.modules
        print(len(names))
        """
    )
    assert res.returncode == 0, res.stderr
    assert int(res.stdout.strip()) >= 5


def test_blocker_really_blocks():
    res = run("import torch")
    assert res.returncode != 0 and "blocked in this test" in res.stderr
