"""Request and response bodies of the native routes (``/v1/score``, ``/v1/threads/moderate``).

A scored comment is exactly one line of ``threadguard score`` output:
``{"id", "scores", "flags", "flagged", "spans", "model"}``.
"""

from __future__ import annotations

from typing import Optional, Union

from pydantic import BaseModel, ConfigDict, Field

CommentId = Union[str, int]


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Optional[CommentId] = Field(None, description="Echoed back; defaults to the comment's 1-based position.")
    text: str


class ScoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"comments": [{"id": "c1", "text": "You people are vermin."}]}]})

    comments: list[CommentIn] = Field(..., min_length=1)
    thresholds: Optional[dict[str, float]] = Field(None, description="Per-label threshold overrides for this request.")
    spans: bool = Field(True, description="Return character spans.")


class SpanOut(BaseModel):
    start: int = Field(..., description="Character offset into the comment text (Unicode code points).")
    end: int = Field(..., description="End offset, exclusive: text[start:end] is the span.")
    label: str
    score: float
    text: str


class CommentResult(BaseModel):
    id: CommentId
    scores: dict[str, float]
    flags: dict[str, bool]
    flagged: bool
    spans: list[SpanOut]
    model: str


class ScoreResponse(BaseModel):
    results: list[CommentResult]


class ThreadCommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Optional[CommentId] = Field(None, description="Defaults to THREAD_ID:cN (N counts from 1).")
    text: str
    author: Optional[str] = None
    parent_id: Optional[CommentId] = None


class ThreadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    thread_id: str = "thread"
    comments: list[ThreadCommentIn] = Field(..., min_length=1)
    thresholds: Optional[dict[str, float]] = None
    spans: bool = True


class ThreadCommentResult(CommentResult):
    author: Optional[str] = None
    parent_id: Optional[CommentId] = None
    offset: Optional[int] = Field(None, description="For dumps: where the comment's text starts in the dump.")


class AuthorSummary(BaseModel):
    comments: int
    flagged: int


class ThreadSummary(BaseModel):
    comments: int
    flagged: int
    label_counts: dict[str, int] = Field(..., description="Flagged comments per label.")
    flagged_ids: list[CommentId]
    authors: dict[str, AuthorSummary] = Field(..., description="Per named author: comments and flagged comments.")


class ThreadResponse(BaseModel):
    thread_id: str
    model: str
    comments: list[ThreadCommentResult]
    summary: ThreadSummary
