"""Response and request shapes, declared so that ``/openapi.json`` describes the service exactly."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CollectionInfo",
    "CollectionList",
    "DocumentOut",
    "DocumentPage",
    "ErrorOut",
    "FindRequest",
    "FindResult",
    "FoundDocument",
    "HealthOut",
    "ProviderInfo",
    "ProviderList",
    "ValidationIssue",
    "WriteOut",
]

MAX_PAGE = 1000
"""Largest ``limit`` for a page of documents or a find."""


class ValidationIssue(BaseModel):
    """One problem with the request, located by FastAPI (``["body", "selector"]``, ``["query", "limit"]``)."""

    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(BaseModel):
    """Every error: ``detail`` says what is wrong in one sentence; validation errors also list each issue."""

    detail: str
    errors: list[ValidationIssue] | None = None


class DocumentOut(BaseModel):
    """A stored document: the caller's fields plus ``_id`` and ``_rev``."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: str = Field(alias="_id")
    rev: str = Field(alias="_rev")


class FoundDocument(BaseModel):
    """A document returned by find: with ``fields``, only those and ``_id``."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: str = Field(alias="_id")
    rev: str | None = Field(default=None, alias="_rev")


class WriteOut(BaseModel):
    """The result of a write; ``rev`` is also sent as the ``ETag`` header."""

    id: str
    rev: str


class DocumentPage(BaseModel):
    """One page of a collection, in ascending ``_id`` order."""

    documents: list[DocumentOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")


class FindRequest(BaseModel):
    """Equality query: every ``selector`` field (dotted for nested) must equal its JSON scalar."""

    model_config = ConfigDict(extra="forbid", strict=True)

    selector: dict[str, Any] = Field(examples=[{"owner.name": "Ada"}])
    fields: list[str] | None = Field(default=None, description="Project to these dotted fields; _id is always kept.")
    limit: int = Field(default=100, ge=0, le=MAX_PAGE, description="At most this many documents (find has no cursor).")


class FindResult(BaseModel):
    documents: list[FoundDocument]


class CollectionInfo(BaseModel):
    name: str
    count: int


class CollectionList(BaseModel):
    collections: list[str] = Field(description="The collections this service serves.")


class ProviderInfo(BaseModel):
    name: str
    distribution: str
    version: str
    loads: bool
    error: str | None = None


class ProviderList(BaseModel):
    configured: str = Field(description="DATABASE_PROVIDER of this service.")
    providers: list[ProviderInfo]


class HealthOut(BaseModel):
    """``ok`` (200) or ``unavailable`` (503); to a caller with a token, also what is behind the service."""

    model_config = ConfigDict(extra="forbid")

    status: str = Field(description="`ok` or `unavailable`.")
    provider: str | None = Field(default=None, description="DATABASE_PROVIDER (token holders only).")
    version: str | None = Field(default=None, description="This server's gofannon-db version (token holders only).")
    backend: dict[str, Any] | None = Field(
        default=None, description="What the backend reported, URLs without credentials (token holders only)."
    )
    detail: str | None = Field(default=None, description="Why the backend is unavailable (token holders only).")
