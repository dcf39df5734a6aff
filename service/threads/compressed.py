"""Opening a dump as a stream of plain bytes, whether it is stored plain, gzipped or zstd-compressed.

Readers never see the compression: they get a buffered binary stream that supports
``readline``. The raw file underneath is handed back too, so callers can report progress
in bytes of the file on disk (``raw.tell()``), which is what an ETA can be based on.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import BinaryIO

COMPRESSED_SUFFIXES = (".gz", ".zst", ".zstd")

# Pushshift's Reddit archives are compressed with a 2 GiB window; zstandard refuses them
# unless told that much is acceptable.
_ZSTD_MAX_WINDOW = 2**31


def inner_name(path: str | Path) -> str:
    """The file name without a compression suffix: ``RC_2019-01.ndjson.zst`` -> ``RC_2019-01.ndjson``."""
    name = Path(path).name
    for suffix in COMPRESSED_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def open_binary(path: str | Path) -> tuple[BinaryIO, BinaryIO]:
    """``(stream, raw)``: decompressed bytes to read, and the file on disk to measure progress on."""
    path = Path(path)
    raw = open(path, "rb")
    try:
        lower = path.name.lower()
        if lower.endswith(".gz"):
            return gzip.GzipFile(fileobj=raw, mode="rb"), raw
        if lower.endswith((".zst", ".zstd")):
            import zstandard

            reader = zstandard.ZstdDecompressor(max_window_size=_ZSTD_MAX_WINDOW).stream_reader(raw, read_across_frames=True)
            return io.BufferedReader(reader, buffer_size=1 << 20), raw  # type: ignore[arg-type]
        return io.BufferedReader(raw, buffer_size=1 << 20), raw  # type: ignore[arg-type]
    except BaseException:
        raw.close()
        raise


def read_head(path: str | Path, size: int = 64 * 1024) -> bytes:
    """The first ``size`` decompressed bytes (fewer for a short or corrupt file)."""
    stream, raw = open_binary(path)
    try:
        return stream.read(size)
    except Exception:  # a corrupt archive: detection falls back to the name, the reader reports it
        return b""
    finally:
        stream.close()
        raw.close()
