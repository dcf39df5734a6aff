"""Batch moderation of comment dumps: ``threadguard moderate DUMP... --out DIR``.

``run_moderation(engine, options)`` reads the dumps, scores every comment with the engine
(``LocalEngine`` here, ``ray_engine.RayEngine`` on a Ray cluster) and writes
comments.jsonl, errors.jsonl, summary.json, report.html and optionally comments.csv,
resumable after an interruption.
"""

from service.batch.inputs import InputError, InputFile, Position, expand_inputs
from service.batch.pipeline import LocalEngine, ModerateOptions, RunExists, RunMismatch, RunResult, run_moderation

__all__ = [
    "InputError",
    "InputFile",
    "LocalEngine",
    "ModerateOptions",
    "Position",
    "RunExists",
    "RunMismatch",
    "RunResult",
    "expand_inputs",
    "run_moderation",
]
