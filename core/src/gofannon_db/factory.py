"""Build services from settings: a process-wide singleton, or independent instances; sync or async."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .errors import ConfigurationError, DatabaseError
from .plugins import get_registry, provider_named
from .provider import Provider
from .redaction import register_secret, scrub_exception
from .service import DatabaseService
from .settings import Settings

if TYPE_CHECKING:
    from .aio import AsyncDatabaseService

__all__ = [
    "create_async_database_service",
    "create_database_service",
    "get_async_database_service",
    "get_database_service",
    "reset_async_database_service",
    "reset_database_service",
]

_S = TypeVar("_S")


def _resolve(settings: Settings) -> Provider:
    settings.timeout  # noqa: B018 -- validate the core's own options for every provider
    provider = provider_named(settings.provider)
    missing = [option.name for option in provider.options if option.required and not settings.get_str(option.name)]
    if missing:
        raise ConfigurationError(
            f"The {provider.name!r} provider needs {', '.join(missing)}; set "
            f"{'it' if len(missing) == 1 else 'them'} in the environment or pass "
            f"{'it' if len(missing) == 1 else 'them'} to Settings()."
        )
    return provider


def _configured(settings: Settings) -> tuple[Provider, Settings]:
    """The provider for ``settings``, and the settings its ``create`` receives: declared defaults
    filled in, required options checked, secret values registered for scrubbing.

    Every way of building a service (sync or async) goes through here.
    """
    provider = _resolve(settings)
    settings = settings.with_defaults(provider.options)
    for secret in settings.secret_values(provider.options):
        register_secret(secret)
    return provider, settings


def _build(provider: Provider, create: Callable[[Settings], _S], settings: Settings, kind: type[object]) -> _S:
    """Call a provider's constructor, turning its failures into :class:`ConfigurationError`."""
    try:
        service = create(settings)
    except DatabaseError as error:
        scrub_exception(error)
        raise
    except ImportError as exc:
        scrub_exception(exc)
        plugin = get_registry().distribution_of(provider.name)
        dist = plugin.distribution if plugin else "its distribution"
        raise ConfigurationError(
            f"The {provider.name!r} provider could not import its dependencies ({exc}); reinstall {dist}."
        ) from exc
    except Exception as exc:
        scrub_exception(exc)
        raise ConfigurationError(f"The {provider.name!r} provider could not be created: {type(exc).__name__}.") from exc
    if not isinstance(service, kind):
        raise ConfigurationError(
            f"The {provider.name!r} provider returned {type(service).__name__}, not {_article(kind.__name__)}."
        )
    return service


def _article(noun: str) -> str:
    return f"{'an' if noun[0] in 'AEIOU' else 'a'} {noun}"


def create_database_service(settings: Settings | None = None) -> DatabaseService:
    """A new, independent service for ``settings`` (the environment when ``None``).

    Use it when two services must coexist, as a migration from one provider to
    another does; close it when done.
    """
    provider, settings = _configured(Settings() if settings is None else settings)
    return _build(provider, provider.create, settings, DatabaseService)


def create_async_database_service(settings: Settings | None = None) -> AsyncDatabaseService:
    """A new, independent :class:`~gofannon_db.aio.AsyncDatabaseService` for ``settings``.

    The provider's native async service when it registers one (``Provider.create_async``);
    otherwise its sync service run on a bounded thread pool of ``DATABASE_ASYNC_WORKERS``
    threads (default: the backend's connection pool size). Close it with ``await
    service.close()`` or ``async with``.
    """
    from .aio import AsyncDatabaseService

    provider, settings = _configured(Settings() if settings is None else settings)
    workers = settings.async_workers
    if provider.create_async is not None:
        service = _build(provider, provider.create_async, settings, AsyncDatabaseService)
    else:
        sync = _build(provider, provider.create, settings, DatabaseService)
        service = AsyncDatabaseService(sync, max_workers=workers)
    return service


class _Singleton(Generic[_S]):
    """One process-wide service per kind (sync, async), keyed by the settings it was built from."""

    def __init__(self, kind: str, create: Callable[[Settings], _S]) -> None:
        self._kind = kind
        self._create = create
        self._lock = threading.Lock()
        self._current: tuple[tuple[Any, ...], _S] | None = None

    def get(self, settings: Settings | None) -> _S:
        with self._lock:
            if self._current is not None and settings is None:
                return self._current[1]
            settings = Settings() if settings is None else settings
            provider = _resolve(settings)
            key = (settings.provider, settings.with_defaults(provider.options).fingerprint(provider.option_names))
            if self._current is not None:
                existing_key, service = self._current
                if existing_key == key:
                    return service
                raise ConfigurationError(
                    f"get_{self._kind}_service() already holds a {existing_key[0]!r} service built from other "
                    f"settings. Call reset_{self._kind}_service() before switching, or use "
                    f"create_{self._kind}_service() for an independent service."
                )
            service = self._create(settings)
            self._current = (key, service)
            return service

    def peek(self) -> _S | None:
        """The service if it exists (a plain read: no lock, no creation)."""
        current = self._current
        return None if current is None else current[1]

    def pop(self) -> _S | None:
        with self._lock:
            current, self._current = self._current, None
        return None if current is None else current[1]


_sync = _Singleton("database", create_database_service)
_async: _Singleton[AsyncDatabaseService] = _Singleton("async_database", create_async_database_service)


def get_database_service(settings: Settings | None = None) -> DatabaseService:
    """The process-wide service, created on first call (thread-safe).

    Without ``settings`` it returns the existing service, or builds one from the
    environment. With ``settings`` that differ from the ones the existing service was
    built from, it raises :class:`ConfigurationError` rather than hand back a service
    for the old ones; call :func:`reset_database_service` first, or use
    :func:`create_database_service` for a second, independent service.
    """
    return _sync.get(settings)


def reset_database_service() -> None:
    """Close and forget the process-wide service (tests, reconfiguration)."""
    service = _sync.pop()
    if service is not None:
        service.close()


def get_async_database_service(settings: Settings | None = None) -> AsyncDatabaseService:
    """The process-wide async service, created on first call; the async twin of :func:`get_database_service`.

    A plain function (it does no I/O), safe from any thread and any event loop: the
    service holds nothing bound to one loop. It is independent of the sync singleton
    (its own connections), and follows the same rules for ``settings``.
    """
    return _async.get(settings)


async def reset_async_database_service() -> None:
    """Close and forget the process-wide async service (tests, reconfiguration, app shutdown)."""
    service = _async.pop()
    if service is not None:
        await service.close()
