"""Build services from settings: a process-wide singleton, or independent instances."""

from __future__ import annotations

import threading
from typing import Any

from .errors import ConfigurationError, DatabaseError
from .plugins import get_registry
from .provider import Provider
from .redaction import register_secret, scrub_exception
from .service import DatabaseService
from .settings import Settings

__all__ = ["create_database_service", "get_database_service", "reset_database_service"]


def _resolve(settings: Settings) -> Provider:
    settings.timeout  # noqa: B018 -- validate the core's own options for every provider
    provider = get_registry().get(settings.provider)
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


def create_database_service(settings: Settings | None = None) -> DatabaseService:
    """A new, independent service for ``settings`` (the environment when ``None``).

    Use it when two services must coexist, as a migration from one provider to
    another does; close it when done.
    """
    provider, settings = _configured(Settings() if settings is None else settings)
    try:
        service = provider.create(settings)
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
    if not isinstance(service, DatabaseService):
        raise ConfigurationError(
            f"The {provider.name!r} provider returned {type(service).__name__}, not a DatabaseService."
        )
    return service


_lock = threading.Lock()
_singleton: tuple[tuple[Any, ...], DatabaseService] | None = None


def get_database_service(settings: Settings | None = None) -> DatabaseService:
    """The process-wide service, created on first call (thread-safe).

    Without ``settings`` it returns the existing service, or builds one from the
    environment. With ``settings`` that differ from the ones the existing service was
    built from, it raises :class:`ConfigurationError` rather than hand back a service
    for the old ones; call :func:`reset_database_service` first, or use
    :func:`create_database_service` for a second, independent service.
    """
    global _singleton
    with _lock:
        if _singleton is not None and settings is None:
            return _singleton[1]
        settings = Settings() if settings is None else settings
        provider = _resolve(settings)
        key = (settings.provider, settings.with_defaults(provider.options).fingerprint(provider.option_names))
        if _singleton is not None:
            existing_key, service = _singleton
            if existing_key == key:
                return service
            raise ConfigurationError(
                f"get_database_service() already holds a {existing_key[0]!r} service built from other "
                "settings. Call reset_database_service() before switching, or use "
                "create_database_service() for an independent service."
            )
        service = create_database_service(settings)
        _singleton = (key, service)
        return service


def reset_database_service() -> None:
    """Close and forget the process-wide service (tests, reconfiguration)."""
    global _singleton
    with _lock:
        current, _singleton = _singleton, None
    if current is not None:
        current[1].close()
