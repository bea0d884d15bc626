"""The REST routes: collections of JSON documents, with revisions as ETags.

Paging (``GET /collections/{c}/documents``) is keyset paging on ``_id``: a page is the
``limit`` smallest ids greater than the cursor's, picked from a stream of
:meth:`~gofannon_db.DatabaseService.iter_all` with a bounded heap. It works the same on
every backend whatever order it streams in, holds at most ``limit + 1`` documents in
memory, and never skips or repeats a document that exists for the whole walk; each page
reads the collection once, which suits the small collections a service like this holds.
"""

from __future__ import annotations

import heapq
import uuid
from collections.abc import Sequence
from operator import itemgetter
from typing import Annotated, Any
from urllib.parse import unquote_to_bytes

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from ..errors import DatabaseError, InvalidDocument, InvalidName
from ..fastapi import SafeJSONResponse
from ..plugins import get_registry
from ..service import DatabaseService
from ..types import WriteResult
from .http import decode_cursor, document_path, encode_cursor, etag, parse_if_match
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

__all__ = ["router"]

router = APIRouter()

_DESCRIPTIONS = {
    400: "Bad collection name, document id, document, revision, cursor or selector.",
    401: "The database server rejected the service's credentials.",
    403: "The database server denied the service permission.",
    404: "Collection not served, or document not found.",
    409: "Revision conflict: stale If-Match/_rev, or the id already exists.",
    413: "Document larger than the backend accepts.",
    422: "The request does not match this schema (wrong type, missing or unknown field).",
    500: "The backend failed unexpectedly.",
    503: "The database backend is unreachable.",
}
_ETAG_HEADER = {"ETag": {"description": "The document's revision, quoted.", "schema": {"type": "string"}}}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route can answer (always the backend's 401/403/500/503)."""
    return {code: {"model": ErrorOut, "description": _DESCRIPTIONS[code]} for code in (*codes, 401, 403, 500, 503)}


def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.gofannon
    return state


def _service(request: Request) -> DatabaseService:
    return _state(request).service()


def _collection(
    request: Request,
    collection: Annotated[str, Path(description="A served collection.", examples=["agents"])],
) -> str:
    served = _state(request).collections()
    if collection not in served:
        raise HTTPException(
            404, f"Collection {collection!r} is not served here; served collections: {', '.join(served)}."
        )
    return collection


def _doc_id(
    request: Request,
    doc_id: Annotated[
        str,
        Path(
            description="The document id, percent-encoded: any text without '/' or control characters, "
            "not starting with '_'.",
            examples=["ada lovelace+1"],
        ),
    ],
) -> str:
    # Servers decode the path leniently: bytes that are not UTF-8 become U+FFFD, which
    # would silently store the document under another id. Refuse that instead.
    raw_path = request.scope.get("raw_path")
    if "\ufffd" in doc_id and isinstance(raw_path, bytes):
        try:
            unquote_to_bytes(raw_path).decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidName("The document id in the URL is not UTF-8 once percent-decoded.") from None
    return doc_id


Service = Annotated[DatabaseService, Depends(_service)]
Collection = Annotated[str, Depends(_collection)]
DocId = Annotated[str, Depends(_doc_id)]
IfMatch = Annotated[
    str | None,
    Header(description='Only write/delete if the document is still at this revision: its ETag, e.g. "1-abc".'),
]
JSONObject = Annotated[
    dict[str, Any],
    Body(description="The document: a JSON object.", examples=[{"name": "Ada", "tags": ["math"]}]),
]


def _written(result: WriteResult, status_code: int = 200, location: str | None = None) -> JSONResponse:
    headers = {"ETag": etag(result["rev"])}
    if location is not None:
        headers["Location"] = location
    return SafeJSONResponse(dict(result), status_code=status_code, headers=headers)


# ---------------------------------------------------------------- service


@router.get(
    "/health",
    tags=["service"],
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "The backend cannot be reached (or is misconfigured)."}},
)
def health(request: Request) -> JSONResponse:
    """Whether the backend answers: 200 with what it reported, or 503 with why not."""
    state = _state(request)
    try:
        info = state.service().ping()
    except DatabaseError as error:
        body = {"status": "unavailable", "provider": state.provider, "detail": error.detail}
        return SafeJSONResponse(body, status_code=503)
    return SafeJSONResponse({"status": "ok", "provider": state.provider, **info})


@router.get("/providers", tags=["service"], response_model=ProviderList)
def providers(request: Request) -> ProviderList:
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


@router.get("/collections", tags=["collections"], response_model=CollectionList)
def collections(request: Request) -> CollectionList:
    """The collections this service serves (they exist on the backend once written to)."""
    return CollectionList(collections=list(_state(request).collections()))


@router.get("/collections/{collection}", tags=["collections"], response_model=CollectionInfo, responses=_errors(404))
def collection_info(collection: Collection, db: Service) -> CollectionInfo:
    """How many documents the collection holds."""
    return CollectionInfo(name=collection, count=db.count(collection))


# ---------------------------------------------------------------- documents


@router.get(
    "/collections/{collection}/documents",
    tags=["documents"],
    response_model=DocumentPage,
    responses=_errors(400, 404, 422),
)
def list_documents(
    collection: Collection,
    db: Service,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Documents per page.")] = 100,
    cursor: Annotated[str | None, Query(description="The next_cursor of the previous page.")] = None,
) -> JSONResponse:
    """One page of documents in ascending ``_id`` order; follow ``next_cursor`` until it is null."""
    after = None if cursor is None else decode_cursor(cursor)
    stream = (doc for doc in db.iter_all(collection) if after is None or doc["_id"] > after)
    page = heapq.nsmallest(limit + 1, stream, key=itemgetter("_id"))
    more = len(page) > limit
    page = page[:limit]
    next_cursor = encode_cursor(page[-1]["_id"]) if more else None
    return SafeJSONResponse({"documents": page, "next_cursor": next_cursor})


@router.post(
    "/collections/{collection}/documents",
    tags=["documents"],
    status_code=201,
    response_model=WriteOut,
    responses={
        201: {"description": "Created.", "headers": {**_ETAG_HEADER, "Location": {"schema": {"type": "string"}}}},
        **_errors(400, 404, 409, 413, 422),
    },
)
def create_document(collection: Collection, db: Service, doc: JSONObject) -> JSONResponse:
    """Insert a new document; its id is ``_id`` from the body, or a generated one. 409 if the id exists."""
    doc_id: Any = doc["_id"] if "_id" in doc else uuid.uuid4().hex
    result = db.create(collection, doc_id, doc)
    return _written(result, 201, document_path(collection, result["id"]))


@router.get(
    "/collections/{collection}/documents/{doc_id:path}",
    tags=["documents"],
    response_model=DocumentOut,
    responses={200: {"description": "The document.", "headers": _ETAG_HEADER}, **_errors(400, 404)},
)
def get_document(collection: Collection, doc_id: DocId, db: Service) -> JSONResponse:
    """The document with ``_id`` and ``_rev``; its revision is also the ``ETag``."""
    doc = db.get(collection, doc_id)
    return SafeJSONResponse(doc, headers={"ETag": etag(doc["_rev"])})


@router.put(
    "/collections/{collection}/documents/{doc_id:path}",
    tags=["documents"],
    response_model=WriteOut,
    responses={200: {"description": "Written.", "headers": _ETAG_HEADER}, **_errors(400, 404, 409, 413, 422)},
)
def put_document(
    collection: Collection, doc_id: DocId, db: Service, doc: JSONObject, if_match: IfMatch = None
) -> JSONResponse:
    """Create or replace the document (upsert).

    Conditional when ``If-Match`` or ``_rev`` in the body names a revision: 409 unless
    the document is still at it. Both given and different: 400.
    """
    expected = parse_if_match(if_match)
    if expected is not None:
        if "_rev" in doc and doc["_rev"] != expected:
            raise InvalidDocument(
                f"If-Match ({expected!r}) and _rev in the body ({doc['_rev']!r}) disagree; send one of them.",
                path="_rev",
            )
        doc = {**doc, "_rev": expected}
    return _written(db.save(collection, doc_id, doc))


@router.delete(
    "/collections/{collection}/documents/{doc_id:path}",
    tags=["documents"],
    status_code=204,
    response_class=Response,
    responses=_errors(400, 404, 409),
)
def delete_document(collection: Collection, doc_id: DocId, db: Service, if_match: IfMatch = None) -> Response:
    """Delete the document; with ``If-Match``, only if it is still at that revision (else 409)."""
    db.delete(collection, doc_id, parse_if_match(if_match))
    return Response(status_code=204)


@router.post(
    "/collections/{collection}/_find",
    tags=["documents"],
    response_model=FindResult,
    responses=_errors(400, 404, 422),
)
def find_documents(collection: Collection, db: Service, query: FindRequest) -> JSONResponse:
    """Documents whose fields equal the selector's values (equality on dotted paths, JSON scalars)."""
    fields: Sequence[str] | None = query.fields
    found = db.find(collection, query.selector, fields, query.limit)
    return SafeJSONResponse({"documents": found})
