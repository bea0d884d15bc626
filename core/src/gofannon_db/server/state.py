"""What one app serves: its service (built on first use) and the collections it exposes."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from ..errors import ConfigurationError, InvalidName
from ..factory import create_database_service, get_database_service
from ..service import DatabaseService
from ..settings import Settings
from ..validation import validate_collection_name

__all__ = ["CORE_COLLECTIONS", "SERVE_COLLECTIONS_VARIABLE", "ServiceState"]

CORE_COLLECTIONS = ("agents", "deployments", "users", "sessions", "tickets", "demos")
"""What the service exposes unless configured otherwise."""
SERVE_COLLECTIONS_VARIABLE = "GOFANNON_SERVE_COLLECTIONS"


class ServiceState:
    """Builds the service lazily, once, so importing the app never connects anywhere.

    Without settings or a service it uses the process-wide :func:`get_database_service`
    (shared with ``gofannon_db.fastapi.get_db``); with settings it owns an independent
    service and closes it on shutdown.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        service: DatabaseService | None = None,
        collections: Iterable[str] | None = None,
    ) -> None:
        self._settings = settings
        self._service = service
        self._owned = False
        self._requested = None if collections is None else list(collections)
        self._collections: tuple[str, ...] | None = None
        self._lock = threading.Lock()

    @property
    def settings(self) -> Settings:
        return Settings() if self._settings is None else self._settings

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

    def close(self) -> None:
        """Close the service if this app created it; the process-wide one is left to its owner."""
        with self._lock:
            service, owned = self._service, self._owned
            if owned:
                self._service, self._owned = None, False
        if owned and service is not None:
            service.close()
