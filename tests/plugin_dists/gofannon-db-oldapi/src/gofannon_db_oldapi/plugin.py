"""A plugin written for a plugin API older than the core's: discovery must refuse it, not load it."""

from __future__ import annotations

from gofannon_db import DatabaseService, Provider, Settings
from gofannon_db.hookspecs import hookimpl

GOFANNON_DB_API = 0


def _create(settings: Settings) -> DatabaseService:
    raise AssertionError("a refused plugin's provider must never be created")


@hookimpl
def gofannon_db_providers() -> list[Provider]:
    raise AssertionError("a refused plugin must not even be asked for its providers")
