"""The REST routes: collections of JSON documents, with revisions as ETags.

Paging (``GET /collections/{c}/documents``) is keyset paging on ``_id``: a page is the
``limit`` smallest ids greater than the cursor's, picked from a stream of
:meth:`~gofannon_db.AsyncDatabaseService.iter_all` with a bounded merge. It works the same on
every backend whatever order it streams in, holds at most ``limit + 501`` documents in
memory, and never skips or repeats a document that exists for the whole walk; each page
reads the collection once, which suits the small collections a service like this holds.

The routes are ``async`` and await the service's async twin, :meth:`ServiceState.db`
(one thread-pool hop per call, never a wait on the loop); they read bodies themselves
(:mod:`.body`) and answer with ready-made JSON, so a request pays for one parse and one
validation.
"""

from __future__ import annotations

import heapq
import uuid
from operator import itemgetter
from typing import Annotated, Any
from urllib.parse import unquote_to_bytes, urlsplit, urlunsplit

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from .. import __version__
from ..aio import AsyncDatabaseService
from ..errors import DatabaseError, InvalidDocument, InvalidName
from ..fastapi import SafeJSONResponse
from ..plugins import get_registry
from ..types import Document, WriteResult
from .body import read_object
from .guard import ACCESS_KEY
from .http import decode_cursor, document_path, encode_cursor, etag, parse_if_match, short
from .models import (
    MAX_PAGE,
    CollectionInfo,
    CollectionList,
    DocumentOut,
    DocumentPage,
    ErrorOut,
    FindRequest,
    FindResult,
    HealthOut,
    ProviderInfo,
    ProviderList,
    WriteOut,
)
from .state import ServiceState

__all__ = ["DOCUMENT_BODY", "router"]

router = APIRouter()

_DESCRIPTIONS = {
    400: "Bad collection name, document id, document, revision, cursor or selector.",
    401: "No bearer token, or one this service does not accept.",
    403: "A read-only token tried to write, or the database server denied the service permission.",
    404: "Collection not served, or document not found.",
    409: "Revision conflict: stale If-Match/_rev, or the id already exists.",
    413: "Request body over the service's limit, or document larger than the backend accepts.",
    422: "The request does not match this schema (wrong type, missing or unknown field).",
    500: "The backend failed unexpectedly.",
    503: "The database backend is unreachable.",
}
_MERGE_EVERY = 500
"""Documents gathered before they are merged into the page being picked: memory stays at a page plus this."""
_ETAG_HEADER = {"ETag": {"description": "The document's revision, quoted.", "schema": {"type": "string"}}}
DOCUMENT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The document: a JSON object. `_id` (if given) must match the id; `_rev` makes the write "
        "conditional; other top-level keys must not start with '_'.",
        "content": {
            "application/json": {
                "schema": {"type": "object", "additionalProperties": True},
                "examples": {"document": {"value": {"name": "Ada", "tags": ["math"]}}},
            }
        },
    }
}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route can answer (always 401/403/500/503)."""
    return {code: {"model": ErrorOut, "description": _DESCRIPTIONS[code]} for code in (*codes, 401, 403, 500, 503)}


def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.gofannon
    return state


def _served(state: ServiceState, collection: str) -> str:
    served = state.collections()
    if collection not in served:
        raise HTTPException(
            404, f"Collection {short(collection)} is not served here; served collections: {', '.join(served)}."
        )
    return collection


def _checked_id(request: Request, doc_id: str) -> str:
    # Servers decode the path leniently: bytes that are not UTF-8 become U+FFFD, which
    # would silently store the document under another id. Refuse that instead.
    raw_path = request.scope.get("raw_path")
    if "\ufffd" in doc_id and isinstance(raw_path, bytes):
        try:
            unquote_to_bytes(raw_path).decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidName("The document id in the URL is not UTF-8 once percent-decoded.") from None
    return doc_id


CollectionName = Annotated[str, Path(description="A served collection.", examples=["agents"])]
_COLLECTION_PARAMETER = {
    "name": "collection",
    "in": "path",
    "required": True,
    "description": "A served collection.",
    "schema": {"type": "string", "title": "Collection"},
    "example": "agents",
}
_DOC_ID_PARAMETER = {
    "name": "doc_id",
    "in": "path",
    "required": True,
    "description": "The document id, percent-encoded: 1 to 512 UTF-8 bytes, no '/' or control characters, "
    "not '.' or '..', not starting with '_'.",
    "schema": {"type": "string", "title": "Doc Id"},
    "example": "ada lovelace+1",
}
_IF_MATCH_PARAMETER = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": 'Only write/delete if the document is still at this revision: its ETag, e.g. "1-abc".',
    "schema": {"type": "string", "title": "If-Match"},
}
# The document routes take only the request and declare their parameters here: FastAPI's
# per-parameter validation cost more than the rest of a GET (profiled), for plain strings.
_IN_COLLECTION: dict[str, Any] = {"parameters": [_COLLECTION_PARAMETER]}
_ONE_DOCUMENT: dict[str, Any] = {"parameters": [_COLLECTION_PARAMETER, _DOC_ID_PARAMETER]}
_CONDITIONAL: dict[str, Any] = {"parameters": [_COLLECTION_PARAMETER, _DOC_ID_PARAMETER, _IF_MATCH_PARAMETER]}


def _target(request: Request) -> tuple[ServiceState, str, str]:
    """The state, the served collection and the document id of a document URL."""
    params = request.path_params
    state: ServiceState = request.app.state.gofannon
    return state, _served(state, params["collection"]), _checked_id(request, params["doc_id"])


def _written(result: WriteResult, status_code: int = 200, location: str | None = None) -> JSONResponse:
    headers = {"ETag": etag(result["rev"])}
    if location is not None:
        headers["Location"] = location
    return SafeJSONResponse(dict(result), status_code=status_code, headers=headers)


def _endpoint(value: str) -> str:
    """A URL without its user name and password (operators see where, not as whom)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return "***"
    if not parts.scheme or "@" not in parts.netloc:
        return value
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=host))


# ---------------------------------------------------------------- documents
# The single-document routes come first: the router tries routes in order.


@router.get(
    "/collections/{collection}/documents/{doc_id:path}",
    tags=["documents"],
    response_model=DocumentOut,
    responses={200: {"description": "The document.", "headers": _ETAG_HEADER}, **_errors(400, 404)},
    openapi_extra=_ONE_DOCUMENT,
)
async def get_document(request: Request) -> JSONResponse:
    """The document with ``_id`` and ``_rev``; its revision is also the ``ETag``."""
    state, collection, doc_id = _target(request)
    doc = await state.db().get(collection, doc_id)
    return SafeJSONResponse(doc, headers={"ETag": etag(doc["_rev"])})


@router.put(
    "/collections/{collection}/documents/{doc_id:path}",
    tags=["documents"],
    response_model=WriteOut,
    responses={200: {"description": "Written.", "headers": _ETAG_HEADER}, **_errors(400, 404, 409, 413, 422)},
    openapi_extra={**_CONDITIONAL, **DOCUMENT_BODY},
)
async def put_document(request: Request) -> JSONResponse:
    """Create or replace the document (upsert).

    Conditional when ``If-Match`` or ``_rev`` in the body names a revision: 409 unless
    the document is still at it. Both given and different: 400.
    """
    state, collection, doc_id = _target(request)
    expected = parse_if_match(request.headers.get("if-match"))
    doc = await read_object(request)
    if expected is not None:
        if "_rev" in doc and doc["_rev"] != expected:
            raise InvalidDocument(
                f"If-Match ({short(expected)}) and _rev in the body ({short(str(doc['_rev']))}) disagree; "
                "send one of them.",
                path="_rev",
            )
        doc["_rev"] = expected
    return _written(await state.db().save(collection, doc_id, doc))


@router.delete(
    "/collections/{collection}/documents/{doc_id:path}",
    tags=["documents"],
    status_code=204,
    response_class=Response,
    responses=_errors(400, 404, 409),
    openapi_extra=_CONDITIONAL,
)
async def delete_document(request: Request) -> Response:
    """Delete the document; with ``If-Match``, only if it is still at that revision (else 409)."""
    state, collection, doc_id = _target(request)
    rev = parse_if_match(request.headers.get("if-match"))
    await state.db().delete(collection, doc_id, rev)
    return Response(status_code=204)


async def _page(db: AsyncDatabaseService, collection: str, after: str | None, limit: int) -> dict[str, Any]:
    by_id = itemgetter("_id")
    page: list[Document] = []  # the limit + 1 smallest ids past the cursor seen so far
    batch: list[Document] = []
    async for doc in db.iter_all(collection):
        if after is None or doc["_id"] > after:
            batch.append(doc)
            if len(batch) >= _MERGE_EVERY:
                page, batch = heapq.nsmallest(limit + 1, [*page, *batch], key=by_id), []
    page = heapq.nsmallest(limit + 1, [*page, *batch], key=by_id)
    more = len(page) > limit
    page = page[:limit]
    return {"documents": page, "next_cursor": encode_cursor(page[-1]["_id"]) if more else None}


@router.get(
    "/collections/{collection}/documents",
    tags=["documents"],
    response_model=DocumentPage,
    responses=_errors(400, 404, 422),
)
async def list_documents(
    request: Request,
    collection: CollectionName,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Documents per page.")] = 100,
    cursor: Annotated[str | None, Query(description="The next_cursor of the previous page.")] = None,
) -> JSONResponse:
    """One page of documents in ascending ``_id`` order; follow ``next_cursor`` until it is null."""
    state = _state(request)
    _served(state, collection)
    after = None if cursor is None else decode_cursor(cursor)
    return SafeJSONResponse(await _page(state.db(), collection, after, limit))


@router.post(
    "/collections/{collection}/documents",
    tags=["documents"],
    status_code=201,
    response_model=WriteOut,
    responses={
        201: {"description": "Created.", "headers": {**_ETAG_HEADER, "Location": {"schema": {"type": "string"}}}},
        **_errors(400, 404, 409, 413, 422),
    },
    openapi_extra={**_IN_COLLECTION, **DOCUMENT_BODY},
)
async def create_document(request: Request) -> JSONResponse:
    """Insert a new document; its id is ``_id`` from the body, or a generated one. 409 if the id exists."""
    state = _state(request)
    collection = _served(state, request.path_params["collection"])
    doc = await read_object(request)
    doc_id: Any = doc["_id"] if "_id" in doc else uuid.uuid4().hex
    result = await state.db().create(collection, doc_id, doc)
    return _written(result, 201, document_path(collection, result["id"]))


@router.post(
    "/collections/{collection}/_find",
    tags=["documents"],
    response_model=FindResult,
    responses=_errors(400, 404, 422),
)
async def find_documents(request: Request, collection: CollectionName, query: FindRequest) -> JSONResponse:
    """Documents whose fields equal the selector's values (equality on dotted paths, JSON scalars)."""
    state = _state(request)
    _served(state, collection)
    found = await state.db().find(collection, query.selector, query.fields, query.limit)
    return SafeJSONResponse({"documents": found})


# ---------------------------------------------------------------- service


@router.get(
    "/health",
    tags=["service"],
    response_model=HealthOut,
    responses={
        401: {"model": ErrorOut, "description": "A bearer token was sent and this service does not accept it."},
        503: {"model": HealthOut, "description": "The backend cannot be reached (or is misconfigured)."},
    },
)
async def health(request: Request) -> JSONResponse:
    """Whether the backend answers: ``{"status": "ok"}`` (200) or ``{"status": "unavailable"}`` (503).

    Anyone may ask. A caller with a token (or any caller of a service without tokens) also
    learns the provider, the server's version, what the backend reported and, on 503, why.
    """
    state = _state(request)
    operator = request.scope.get(ACCESS_KEY) is not None
    try:
        info = await state.db().ping()
    except DatabaseError as error:
        body: dict[str, Any] = {"status": "unavailable"}
        if operator:
            body.update(provider=state.provider, version=__version__, detail=error.detail)
        return SafeJSONResponse(body, status_code=503)
    if not operator:
        return SafeJSONResponse({"status": "ok"})
    backend = {key: _endpoint(value) if isinstance(value, str) else value for key, value in info.items()}
    backend.pop("provider", None)
    body = {"status": "ok", "provider": state.provider, "version": __version__, "backend": backend}
    return SafeJSONResponse(body)


@router.get("/providers", tags=["service"], response_model=ProviderList, responses=_errors())
async def providers(request: Request) -> ProviderList:
    """The installed providers, from which distribution, whether they load, and which one is configured."""
    registry = get_registry()
    rows: list[ProviderInfo] = []
    for plugin in registry.plugins:
        for name in plugin.providers or [plugin.entry_point]:
            rows.append(
                ProviderInfo(
                    name=name,
                    distribution=plugin.distribution,
                    version=plugin.version,
                    loads=plugin.loaded,
                    error=plugin.error,
                )
            )
    for name in registry.names():
        try:
            registry.get(name)
        except DatabaseError as error:  # claimed by two distributions: neither can be used
            for row in rows:
                if row.name == name:
                    row.loads, row.error = False, error.detail
    rows.sort(key=lambda row: (row.name, row.distribution))
    return ProviderList(configured=_state(request).provider, providers=rows)


@router.get("/collections", tags=["collections"], response_model=CollectionList, responses=_errors())
async def collections(request: Request) -> CollectionList:
    """The collections this service serves (they exist on the backend once written to)."""
    return CollectionList(collections=list(_state(request).collections()))


@router.get("/collections/{collection}", tags=["collections"], response_model=CollectionInfo, responses=_errors(404))
async def collection_info(request: Request, collection: CollectionName) -> CollectionInfo:
    """How many documents the collection holds."""
    state = _state(request)
    count = await state.db().count(_served(state, collection))
    return CollectionInfo(name=collection, count=count)
