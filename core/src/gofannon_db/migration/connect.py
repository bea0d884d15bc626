"""Settings and services for one side of a transfer, independent of the other side.

Each side gets its own :class:`~gofannon_db.Settings`: the process environment,
overridden by that side's env file, overridden by the provider named on the command
line. Services come from :func:`~gofannon_db.create_database_service`, never the
process singleton, so a source and a target can coexist (even two CouchDB servers).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ..errors import ConfigurationError
from ..factory import create_database_service
from ..identity import store_identity
from ..plugins import get_registry
from ..provider import Provider
from ..service import DatabaseService
from ..settings import Settings
from .envfile import load_env_file

__all__ = ["check_distinct", "open_service", "side_settings"]


def side_settings(
    provider: str | None = None,
    env_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Settings for one side: ``environ`` (default ``os.environ``) < ``env_file`` < ``provider``."""
    values = dict(os.environ if environ is None else environ)
    if env_file is not None:
        values.update(load_env_file(env_file))
    if provider:
        values["DATABASE_PROVIDER"] = provider
    return Settings(values)


def open_service(settings: Settings) -> DatabaseService:
    """A new, independent service (the caller closes it)."""
    return create_database_service(settings)


def check_distinct(source: Settings, target: Settings) -> None:
    """Refuse a source and target that are the same store: copying onto itself only churns revisions.

    The provider decides what a store is (:func:`~gofannon_db.identity.store_identity`:
    its identity options, normalised, plus the collection prefix); a provider without
    options (``memory``) gives every service its own store.
    """
    if source.provider != target.provider:
        return
    provider = get_registry().get(source.provider)
    identity = store_identity(provider, source)
    if identity is not None and identity == store_identity(provider, target):
        raise ConfigurationError(
            f"Source and target are the same {source.provider} database (same {_identity_names(provider)}); give "
            "one side its own settings with --source-env / --target-env or a different DATABASE_COLLECTION_PREFIX."
        )


def _identity_names(provider: Provider) -> str:
    marked = [option.name for option in provider.options if option.identity]
    return ", ".join([*marked, "DATABASE_COLLECTION_PREFIX"]) if marked else "settings"
