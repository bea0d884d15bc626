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
from ..plugins import get_registry
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
    """Refuse a source and target that are the same database: copying onto itself only churns revisions.

    Two ``memory`` services are always distinct stores (each lives in its own service).
    """
    if source.provider != target.provider or source.provider == "memory":
        return
    names = get_registry().get(source.provider).option_names
    if source.fingerprint(names) == target.fingerprint(names):
        raise ConfigurationError(
            f"Source and target are the same {source.provider} database (identical settings); give one side "
            "its own settings with --source-env / --target-env or a different DATABASE_COLLECTION_PREFIX."
        )
