"""Drop-in for the Gofannon application's ``services.database_service`` package.

Change one import and the application runs on gofannon-db::

    # before: from services.database_service import DatabaseService, get_database_service
    from gofannon_db.compat.gofannon import DatabaseService, get_database_service

``get_database_service(settings)`` takes the application's own settings object (plain
attributes such as ``settings.DATABASE_PROVIDER`` and ``settings.COUCHDB_URL``; ``None``
counts as unset) or a :class:`gofannon_db.Settings`, and returns the process-wide service.
Every error that service raises is at once the contract's typed error and
``fastapi.HTTPException`` with the same ``status_code`` and ``detail``, so both
``except DocumentNotFound`` and ``except HTTPException as e: if e.status_code == 404`` work.
Needs the ``fastapi`` extra. See ``docs/adopting.md``; new code should use :mod:`gofannon_db`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any

from .. import factory
from ..errors import ConfigurationError
from ..plugins import get_registry
from ..service import DEFAULT_PAGE_SIZE
from ..service import DatabaseService as _CoreService
from ..settings import CORE_OPTION_NAMES, Settings
from ..types import BulkResult, Document, WriteResult
from .http_errors import raising_http_errors

__all__ = [
    "CouchDBService",
    "DatabaseService",
    "DynamoDBService",
    "FirestoreDBService",
    "MemoryDBService",
    "get_database_service",
    "settings_from",
]


def settings_from(source: object = None) -> Settings:
    """:class:`Settings` from ``source``: a ``Settings``, a mapping, or an object with attributes.

    The names read are the core's (``DATABASE_PROVIDER``, ...) and every installed provider's
    options. An attribute that is missing or ``None`` is not given: the environment, then the
    option's default, applies, as it does for the application's own settings object.
    """
    if source is None:
        return Settings()
    if isinstance(source, Settings):
        return source
    names = {*CORE_OPTION_NAMES}
    for provider_name in get_registry().names():
        names.update(_option_names(provider_name))
    if isinstance(source, Mapping):
        given = {name: source.get(name) for name in names}
    else:
        given = {name: getattr(source, name, None) for name in names}
    return Settings(**{name: value for name, value in given.items() if value is not None})


def _option_names(provider_name: str) -> tuple[str, ...]:
    try:
        return get_registry().get(provider_name).option_names
    except ConfigurationError:  # a provider claimed twice: the factory reports it when it is chosen
        return ()


class DatabaseService:
    """A gofannon-db service whose errors are also ``fastapi.HTTPException``.

    Same methods, arguments and results as :class:`gofannon_db.DatabaseService`; only the
    errors' classes differ. :attr:`service` is the plain service inside, for code that has
    moved on to the plain API.
    """

    def __init__(self, service: _CoreService) -> None:
        self.service = service

    def __repr__(self) -> str:
        return f"<gofannon compat {self.service!r}>"

    @property
    def provider_name(self) -> str:
        return self.service.provider_name

    @property
    def max_document_bytes(self) -> int:
        return self.service.max_document_bytes

    def get(self, db_name: str, doc_id: str) -> Document:
        with raising_http_errors():
            return self.service.get(db_name, doc_id)

    def save(self, db_name: str, doc_id: str, doc: Mapping[str, Any]) -> WriteResult:
        with raising_http_errors():
            return self.service.save(db_name, doc_id, _without_empty_rev(doc))

    def create(self, db_name: str, doc_id: str, doc: Mapping[str, Any]) -> WriteResult:
        with raising_http_errors():
            return self.service.create(db_name, doc_id, _without_empty_rev(doc))

    def delete(self, db_name: str, doc_id: str, rev: str | None = None) -> None:
        with raising_http_errors():
            self.service.delete(db_name, doc_id, rev)

    def list_all(self, db_name: str) -> list[Document]:
        with raising_http_errors():
            return self.service.list_all(db_name)

    def iter_all(self, db_name: str, page_size: int = DEFAULT_PAGE_SIZE) -> Iterator[Document]:
        with raising_http_errors():
            documents = self.service.iter_all(db_name, page_size)
        return _converting(documents)

    def get_many(self, db_name: str, doc_ids: Iterable[str]) -> dict[str, Document | None]:
        with raising_http_errors():
            return self.service.get_many(db_name, doc_ids)

    def save_many(self, db_name: str, docs: Iterable[Mapping[str, Any]]) -> list[BulkResult]:
        with raising_http_errors():
            if not isinstance(docs, (str, bytes, Mapping)) and isinstance(docs, Iterable):
                docs = [_without_empty_rev(doc) for doc in docs]
            return self.service.save_many(db_name, docs)

    def delete_many(self, db_name: str, doc_ids: Iterable[str]) -> list[BulkResult]:
        with raising_http_errors():
            return self.service.delete_many(db_name, doc_ids)

    def find(
        self,
        db_name: str,
        selector: Mapping[str, Any],
        fields: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[Document]:
        with raising_http_errors():
            return self.service.find(db_name, selector, fields, limit)

    def ensure_index(self, db_name: str, fields: Sequence[str], index_name: str | None = None) -> None:
        with raising_http_errors():
            self.service.ensure_index(db_name, fields, index_name)

    def count(self, db_name: str) -> int:
        with raising_http_errors():
            return self.service.count(db_name)

    def list_collections(self) -> list[str]:
        with raising_http_errors():
            return self.service.list_collections()

    def drop_collection(self, db_name: str) -> None:
        with raising_http_errors():
            self.service.drop_collection(db_name)

    def ping(self) -> dict[str, Any]:
        with raising_http_errors():
            return self.service.ping()

    def document_size(self, db_name: str, doc_id: str, doc: Mapping[str, Any]) -> int:
        with raising_http_errors():
            return self.service.document_size(db_name, doc_id, doc)

    def close(self) -> None:
        with raising_http_errors():
            self.service.close()

    def __enter__(self) -> DatabaseService:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _without_empty_rev(doc: Any) -> Any:
    """``doc`` without a ``_rev`` of ``None`` or ``""``: the application's models dump a new document that way.

    The application's pydantic models serialise an unsaved document with ``"_rev": None``, and
    its CouchDB layer dropped an empty ``_rev``; the contract refuses both (a ``_rev`` must be a
    revision). Here they mean what they meant there: no revision, an unconditional write. The
    caller's dict is left alone; anything that is not a mapping goes on for the core to refuse.
    """
    if isinstance(doc, Mapping) and "_rev" in doc and doc["_rev"] in (None, ""):
        return {key: value for key, value in doc.items() if key != "_rev"}
    return doc


def _converting(documents: Iterator[Document]) -> Iterator[Document]:
    with raising_http_errors():
        yield from documents


_lock = threading.Lock()
_current: DatabaseService | None = None


def get_database_service(settings: object = None) -> DatabaseService:
    """The process-wide service for ``settings``, wrapped so its errors are also ``HTTPException``.

    It is :func:`gofannon_db.get_database_service`'s singleton (one connection pool for the
    application, whichever module it imports), so the same rules hold: settings that differ
    from the running service's raise :class:`~gofannon_db.ConfigurationError` until
    :func:`gofannon_db.reset_database_service` is called.
    """
    global _current
    service = factory.get_database_service(None if settings is None else settings_from(settings))
    with _lock:
        if _current is None or _current.service is not service:
            _current = DatabaseService(service)
        return _current


def _independent(**settings: object) -> _CoreService:
    return factory.create_database_service(Settings(**settings))


class MemoryDBService(DatabaseService):
    """An independent in-memory service, as the application's tests construct one."""

    def __init__(self) -> None:
        super().__init__(_independent(DATABASE_PROVIDER="memory"))


class CouchDBService(DatabaseService):
    """An independent CouchDB service (needs ``gofannon-db[couchdb]``)."""

    def __init__(self, url: str, user: str | None = None, password: str | None = None, settings: object = None) -> None:
        given = {"COUCHDB_URL": url, "COUCHDB_USER": user, "COUCHDB_PASSWORD": password}
        values = {name: value for name, value in given.items() if value is not None}
        base = settings_from(settings)
        super().__init__(factory.create_database_service(Settings(base, DATABASE_PROVIDER="couchdb", **values)))


class FirestoreDBService(DatabaseService):
    """An independent Firestore service configured by the environment (needs ``gofannon-db[firestore]``)."""

    def __init__(self) -> None:
        super().__init__(_independent(DATABASE_PROVIDER="firestore"))


class DynamoDBService(DatabaseService):
    """An independent DynamoDB service (needs ``gofannon-db[dynamodb]``); omitted arguments: the environment."""

    def __init__(
        self,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
    ) -> None:
        given = {
            "DYNAMODB_REGION": region_name,
            "DYNAMODB_ENDPOINT_URL": endpoint_url,
            "AWS_ACCESS_KEY_ID": aws_access_key_id,
            "AWS_SECRET_ACCESS_KEY": aws_secret_access_key,
        }
        values = {name: value for name, value in given.items() if value is not None}
        super().__init__(_independent(DATABASE_PROVIDER="dynamodb", **values))
