"""What one app serves: its service (built on first use), the collections it exposes, who may call it.

The routes reach the database only through :meth:`ServiceState.db`, an
:class:`~gofannon_db.aio.AsyncDatabaseService`: the event loop never waits on the database.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable

from ..aio import AsyncDatabaseService
from ..errors import ConfigurationError, InvalidName
from ..factory import create_database_service, get_database_service
from ..service import DatabaseService
from ..settings import Settings
from ..tokens import TokenSet
from ..validation import validate_collection_name

__all__ = [
    "ALLOW_ANONYMOUS_VARIABLE",
    "BODY_ENVELOPE_BYTES",
    "CORE_COLLECTIONS",
    "MAX_BODY_VARIABLE",
    "SERVE_COLLECTIONS_VARIABLE",
    "WORKER_THREADS",
    "ServiceState",
]

CORE_COLLECTIONS = ("agents", "deployments", "users", "sessions", "tickets", "demos")
"""What the service exposes unless configured otherwise."""
SERVE_COLLECTIONS_VARIABLE = "GOFANNON_SERVE_COLLECTIONS"
MAX_BODY_VARIABLE = "GOFANNON_SERVE_MAX_BODY_BYTES"
ALLOW_ANONYMOUS_VARIABLE = "GOFANNON_SERVE_ALLOW_ANONYMOUS"
WORKER_THREADS = 40
"""Service calls running at once: the async service's pool (what AnyIO's default thread limiter allows too)."""
BODY_ENVELOPE_BYTES = 65_536
"""Room above ``max_document_bytes`` for what JSON text adds: whitespace, escapes (``\\u00e9``), ``_rev``."""


class ServiceState:
    """Builds the service lazily, once, so importing the app never connects anywhere.

    Without settings or a service it uses the process-wide :func:`get_database_service`
    (shared with ``gofannon_db.fastapi.get_db``); with settings it owns an independent
    service and closes it on shutdown. Tokens, the anonymous switch and the body limit
    come from the arguments, else from the settings (the environment), read on first use.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        service: DatabaseService | None = None,
        collections: Iterable[str] | None = None,
        *,
        tokens: TokenSet | None = None,
        allow_anonymous: bool | None = None,
        max_body_bytes: int | None = None,
    ) -> None:
        self._settings = settings
        self._environment: Settings | None = None
        self._service = service
        self._owned = False
        self._requested = None if collections is None else list(collections)
        self._collections: tuple[str, ...] | None = None
        self._tokens = tokens
        self._allow_anonymous = allow_anonymous
        self._max_body_bytes = max_body_bytes
        self._lock = threading.Lock()
        self._db: AsyncDatabaseService | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is not None:
            return self._settings
        if self._environment is None:
            self._environment = Settings()
        return self._environment

    @property
    def provider(self) -> str:
        service = self._service
        return service.provider_name if service is not None else self.settings.provider

    def service(self) -> DatabaseService:
        """The service, created on first call (thread-safe)."""
        service = self._service
        if service is not None:
            return service
        with self._lock:
            if self._service is None:
                if self._settings is None:
                    self._service = get_database_service()
                else:
                    self._service = create_database_service(self._settings)
                    self._owned = True
            return self._service

    def db(self) -> AsyncDatabaseService:
        """The async service the routes await: :meth:`service` on a bounded pool of its own.

        It wraps the same service that :meth:`service` returns (shared with
        ``gofannon_db.fastapi.get_db`` when no settings were given), so both see one store.
        """
        db = self._db
        if db is None:
            service = self.service()
            with self._lock:
                if self._db is None:
                    self._db = AsyncDatabaseService(service, max_workers=WORKER_THREADS, owns_service=False)
                db = self._db
        return db

    def collections(self) -> tuple[str, ...]:
        """Served collection names: the argument, else ``GOFANNON_SERVE_COLLECTIONS``, else the core six."""
        if self._collections is None:
            if self._requested is not None:
                names: list[str] = self._requested
                source = "collections"
            else:
                raw = self.settings.get_str(SERVE_COLLECTIONS_VARIABLE)
                names = [name.strip() for name in raw.split(",") if name.strip()] if raw else list(CORE_COLLECTIONS)
                source = SERVE_COLLECTIONS_VARIABLE
            try:
                checked = tuple(dict.fromkeys(validate_collection_name(name) for name in names))
            except InvalidName as error:
                raise ConfigurationError(f"{source}: {error.detail}") from error
            if not checked:
                raise ConfigurationError(f"{source} names no collection to serve.")
            self._collections = checked
        return self._collections

    def tokens(self) -> TokenSet:
        """The accepted bearer tokens: the argument, else ``GOFANNON_SERVE_TOKENS`` and ``..._TOKEN_FILE``."""
        if self._tokens is None:
            self._tokens = TokenSet.from_settings(self.settings)
        return self._tokens

    def allow_anonymous(self) -> bool:
        """Whether a service without tokens answers callers that are not on loopback."""
        if self._allow_anonymous is None:
            self._allow_anonymous = self.settings.get_bool(ALLOW_ANONYMOUS_VARIABLE, False)
        return self._allow_anonymous

    def max_body_bytes(self) -> int:
        """Largest request body: ``GOFANNON_SERVE_MAX_BODY_BYTES``, else the document limit plus an envelope."""
        if self._max_body_bytes is None:
            configured = self.settings.get_int(MAX_BODY_VARIABLE, 0)
            if configured < 0:
                raise ConfigurationError(f"{MAX_BODY_VARIABLE} must be a positive number of bytes, got {configured}.")
            self._max_body_bytes = configured or self.service().max_document_bytes + BODY_ENVELOPE_BYTES
        return self._max_body_bytes

    def check(self) -> None:
        """Read every setting now, so a wrong configuration fails at startup rather than on a request."""
        self.collections()
        self.tokens()
        self.allow_anonymous()
        self.service()
        self.max_body_bytes()

    async def close(self) -> None:
        """Let running calls finish, then close the service if this app created it.

        The process-wide service is left to its owner.
        """
        with self._lock:
            db, self._db = self._db, None
            service, owned = self._service, self._owned
            if owned:
                self._service, self._owned = None, False
        if db is not None:
            await db.close()
        if owned and service is not None:
            await asyncio.to_thread(service.close)
