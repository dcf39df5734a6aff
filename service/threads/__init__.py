"""Comment threads read from dumps: every reader yields the same ``Comment``s.

``read_dump(path, format)`` streams one file of any supported format (scraped pages,
JSONL, CSV, WordPress WXR, Disqus XML, Reddit NDJSON; plain, .gz or .zst);
``detect_format(path)`` says which format a file is.
"""

from service.threads.detect import detect_format
from service.threads.model import Article, Comment, Thread, comment_id
from service.threads.readers import FORMATS, Columns, ReadError, read_dump, read_stream
from service.threads.scraped import parse_scraped_page

__all__ = [
    "Article",
    "Columns",
    "Comment",
    "FORMATS",
    "ReadError",
    "Thread",
    "comment_id",
    "detect_format",
    "parse_scraped_page",
    "read_dump",
    "read_stream",
]
