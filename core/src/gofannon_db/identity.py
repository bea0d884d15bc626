"""Store identity: which store a service's settings point at, so a copy onto itself is refused.

A provider marks the options that identify its store (``Option(identity=True)``) and
gives each a ``normalise`` function, so ``./x.db`` and ``x.db``, or a URL with and
without credentials, count as one store. :func:`normalise_path` and
:func:`normalise_url` cover the usual cases.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .redaction import is_secret_name

if TYPE_CHECKING:
    from collections.abc import Hashable

    from .provider import Provider
    from .settings import Settings

__all__ = ["normalise_path", "normalise_url", "store_identity"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_path(value: str) -> str:
    """An absolute path with ``~``, ``.``/``..`` and symlinks resolved (``./x.db`` equals ``x.db``)."""
    from pathlib import Path  # here: the built-in providers import this module on every start

    return str(Path(os.path.expanduser(value.strip())).resolve())


def normalise_url(value: str) -> str:
    """A URL without credentials, query or fragment; lower-case scheme and host; no default port or final ``/``."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return value.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), "", ""))


def store_identity(provider: Provider, settings: Settings) -> Hashable | None:
    """What identifies the store ``settings`` reach through ``provider``; ``None`` when every
    service is a store of its own (a provider without options, such as ``memory``).

    Defaults are applied first, so an unset option and its default value are the same store.
    """
    if not provider.options:
        return None
    settings = settings.with_defaults(provider.options)
    chosen = [option for option in provider.options if option.identity] or [
        option for option in provider.options if not (option.secret or is_secret_name(option.name))
    ]
    values: list[tuple[str, str | None]] = []
    for option in chosen:
        value = settings.get_str(option.name)
        if value is not None and option.normalise is not None:
            value = option.normalise(value)
        values.append((option.name, value))
    return (provider.name, settings.collection_prefix, tuple(values))
