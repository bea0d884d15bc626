"""Registers the built-in ``sqlite`` provider. Light on purpose: ``sqlite3`` is imported on first use."""

from __future__ import annotations

from ..hookspecs import hookimpl
from ..provider import Provider
from .builtin import SQLITE, SQLITE_DEFAULT_PATH

GOFANNON_DB_API = 1
"""The plugin API this plugin was written for (see :data:`gofannon_db.hookspecs.API_VERSION`)."""

DEFAULT_PATH = SQLITE_DEFAULT_PATH
OPTIONS = SQLITE.options


@hookimpl
def gofannon_db_providers() -> list[Provider]:
    return [SQLITE]
