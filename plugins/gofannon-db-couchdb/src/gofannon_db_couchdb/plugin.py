"""Registers the ``couchdb`` provider. Light on purpose: CouchDB-Python is imported on first use."""

from __future__ import annotations

from gofannon_db.hookspecs import hookimpl
from gofannon_db.identity import normalise_url
from gofannon_db.provider import Option, Provider
from gofannon_db.service import DatabaseService
from gofannon_db.settings import Settings

OPTIONS = (
    Option(
        "COUCHDB_URL",
        "CouchDB server URL, such as http://127.0.0.1:5984 (credentials may be embedded as user:password@).",
        required=True,
        identity=True,
        normalise=normalise_url,
    ),
    Option("COUCHDB_USER", "User name; a server admin lets the backend create databases on first write."),
    Option("COUCHDB_PASSWORD", "Password of COUCHDB_USER.", secret=True),
    Option("COUCHDB_TIMEOUT", "Seconds to wait for the server; overrides DATABASE_TIMEOUT (default 10)."),
)


def _create(settings: Settings) -> DatabaseService:
    from .config import CouchDBConfig
    from .service import CouchDBDatabaseService

    return CouchDBDatabaseService.from_config(
        CouchDBConfig.from_settings(settings), collection_prefix=settings.collection_prefix
    )


GOFANNON_DB_API = 1
"""The gofannon-db plugin API this plugin was written for (see gofannon_db.hookspecs.API_VERSION)."""


@hookimpl
def gofannon_db_providers() -> list[Provider]:
    return [
        Provider(
            "couchdb",
            _create,
            options=OPTIONS,
            description="Apache CouchDB (or a CouchDB-compatible server) over HTTP, via CouchDB-Python.",
        )
    ]
