"""Registers the built-in ``memory`` provider, through the same entry point a plugin uses."""

from __future__ import annotations

from ..hookspecs import hookimpl
from ..provider import Provider
from ..service import DatabaseService
from ..settings import Settings


def _create(settings: Settings) -> DatabaseService:
    from .memory import MemoryDatabaseService

    return MemoryDatabaseService(collection_prefix=settings.collection_prefix)


@hookimpl
def gofannon_db_providers() -> list[Provider]:
    return [Provider("memory", _create, description="In-process dictionaries; data lives as long as the process.")]
