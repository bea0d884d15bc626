"""Claims the provider name 'duplicate', as does its twin distribution."""

from __future__ import annotations

from gofannon_db import DatabaseService, Provider, Settings
from gofannon_db.hookspecs import hookimpl


def _create(settings: Settings) -> DatabaseService:
    from gofannon_db.backends.memory import MemoryDatabaseService

    return MemoryDatabaseService()


@hookimpl
def gofannon_db_providers() -> list[Provider]:
    return [Provider("duplicate", _create)]
