"""Synthetic comment dumps for the moderate benchmarks: JSONL with threads, replies and authors.

Texts are random words of mixed length (a few words to a long paragraph, about 30 words on
average), ids and structure are realistic: comments spread over threads, four in ten reply to
an earlier comment of their thread, authors drawn with a heavy head (a few write a lot). The
output is deterministic for a given seed, and written streaming (a million comments is ~300 MB).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

_WORDS = (
    "the council bus lane article people city really think never always why because again "
    "good bad idea money tax vote school park road traffic rent police weather news week "
    "agree disagree nonsense fair point thanks love hate stupid idiot clown moron shut up "
    "honestly maybe nobody everyone wrong right joke sad funny read write comment reply "
    "library bridge housing plan budget market station mayor neighbours street children"
).split()


def _text(rng: random.Random) -> str:
    r = rng.random()
    n = rng.randint(3, 20) if r < 0.6 else rng.randint(20, 60) if r < 0.9 else rng.randint(60, 160)
    words = [rng.choice(_WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", "!", "?", "..."])


def write_jsonl_dump(path: Path, n: int, threads: int | None = None, authors: int | None = None, seed: int = 0) -> Path:
    """``n`` comments in ``threads`` threads by ``authors`` authors (defaults scale with ``n``)."""
    rng = random.Random(seed)
    threads = threads or max(1, n // 50)
    authors = authors or max(1, n // 20)
    last_in_thread: dict[int, str] = {}
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            t = rng.randrange(threads)
            cid = f"c{i}"
            parent = last_in_thread.get(t) if rng.random() < 0.4 else None
            author = f"user{int(authors * rng.random() ** 3)}"  # cubed: a heavy head of frequent authors
            f.write(json.dumps({"id": cid, "thread_id": f"t{t}", "parent_id": parent, "author": author, "text": _text(rng)}) + "\n")
            last_in_thread[t] = cid
    return path
