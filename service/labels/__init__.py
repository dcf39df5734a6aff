"""The label store: human labels (comment labels and spans) kept with their full revision history.

``LabelStore`` is the database (SQLite by default, PostgreSQL by URL); ``formats`` reads and
writes the interchange files (our JSONL records, Label Studio tasks, doccano JSONL).
"""

from service.labels.store import LabelPage, LabelStore, StoredLabel
from service.labels.validation import LabelIn, LabelValidationError, MAX_TEXT_CHARS

__all__ = ["LabelIn", "LabelPage", "LabelStore", "LabelValidationError", "MAX_TEXT_CHARS", "StoredLabel"]
