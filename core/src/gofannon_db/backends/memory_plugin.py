"""Registers the built-in ``memory`` provider, through the same entry point a plugin uses."""

from __future__ import annotations

from ..hookspecs import hookimpl
from ..provider import Provider
from .builtin import MEMORY

GOFANNON_DB_API = 1
"""The plugin API this plugin was written for (see :data:`gofannon_db.hookspecs.API_VERSION`)."""


@hookimpl
def gofannon_db_providers() -> list[Provider]:
    return [MEMORY]
