"""Registers the built-in ``memory`` provider, through the same entry point a plugin uses."""

from __future__ import annotations

from ..hookspecs import hookimpl
from ..provider import Provider
from ..service import DatabaseService
from ..settings import Settings


def _create(settings: Settings) -> DatabaseService:
    from .memory import MemoryDatabaseService

    return MemoryDatabaseService(collection_prefix=settings.collection_prefix)


GOFANNON_DB_API = 1
"""The plugin API this plugin was written for (see :data:`gofannon_db.hookspecs.API_VERSION`)."""


@hookimpl
def gofannon_db_providers() -> list[Provider]:
    return [Provider("memory", _create, description="In-process dictionaries; data lives as long as the process.")]
