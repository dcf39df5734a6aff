"""A progress bar for terminals (comments, comments/s, ETA) that stays silent in pipes and CI."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

__all__ = ["Progress", "progress_wanted"]


def progress_wanted(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return tty and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


class Progress:
    """Comments scored so far and their rate; the ETA comes from input bytes read, when the engine knows them.

    Bytes are the only measure known up front for a stream (counting comments would mean
    reading the dump twice), and they advance evenly with comments in any one format.
    """

    def __init__(self, enabled: bool, total_bytes: int | None = None, initial_bytes: int = 0, initial_comments: int = 0) -> None:
        self.enabled = enabled
        self.comments = initial_comments
        self._start_comments = initial_comments
        self._start = time.monotonic()
        self._bar = None
        if not enabled:
            return
        from tqdm import tqdm

        if total_bytes:
            self._bar = tqdm(
                total=total_bytes,
                initial=initial_bytes,
                unit="B",
                unit_scale=True,
                file=sys.stderr,
                dynamic_ncols=True,
                bar_format="{percentage:3.0f}%|{bar}| {postfix} [{elapsed}, ETA {remaining}]",
            )
        else:
            self._bar = tqdm(unit=" comments", file=sys.stderr, dynamic_ncols=True, initial=initial_comments)
        self._bytes = initial_bytes

    def update(self, comments: int, bytes_read: int | None = None) -> None:
        self.comments += comments
        if self._bar is None:
            return
        elapsed = max(time.monotonic() - self._start, 1e-9)
        rate = (self.comments - self._start_comments) / elapsed
        if self._bar.total:
            if bytes_read is not None and bytes_read > self._bytes:
                self._bar.update(bytes_read - self._bytes)
                self._bytes = bytes_read
            self._bar.set_postfix_str(f"{self.comments:,} comments, {rate:,.0f} comments/s", refresh=True)
        else:
            self._bar.update(comments)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
