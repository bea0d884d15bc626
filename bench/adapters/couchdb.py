"""CouchDB (pouchdb-server, as in the tests) against CouchDB-Python used directly."""

from __future__ import annotations

import json
import urllib.request
from base64 import b64encode
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from couchdb import http  # type: ignore[import-untyped]
from couchdb.client import Database, Server  # type: ignore[import-untyped]
from gofannon_db import Settings, create_database_service
from gofannon_db_couchdb.service import NoCache

from tests.launchers.couchdb import POUCHDB_SERVER, CouchDBServer, start_couchdb

from . import Backend

RAW_CALLS = {
    "get": "`db[doc_id]`: one `GET /db/id`",
    "save_new": "`db.save({'_id': id, **body})`: one `PUT /db/id`; the new `_rev` comes back",
    "save_update": "`db.save({'_id': id, '_rev': rev, **body})`: one `PUT /db/id` carrying the revision",
    "delete": "`db.delete({'_id': id, '_rev': rev})` with the revision the caller holds: one `DELETE /db/id?rev=`",
    "list_all": "`[row.doc for row in db.view('_all_docs', include_docs=True)]`: one request",
    "session": "a `couchdb.http.Session(retry_delays=[0])` with its GET cache disabled, as the backend's",
}


class RawCouchDB:
    def __init__(self, server: CouchDBServer) -> None:
        session = http.Session(timeout=10.0, retry_delays=[0])
        session.cache = NoCache()
        self._server = Server(server.url, session=session)
        self._server.resource.credentials = (server.user, server.password)
        self._dbs: dict[str, Database] = {}

    def database(self, collection: str) -> Database:
        """CouchDB-Python's ``Database`` for ``collection`` (the bulk baseline calls ``update`` on it)."""
        return self._db(collection)

    def _db(self, collection: str) -> Database:
        db = self._dbs.get(collection)
        if db is None:
            db = self._dbs[collection] = self._server[collection]
        return db

    def prepare(self, collection: str) -> None:
        if collection not in self._server:
            self._server.create(collection)

    def get(self, collection: str, doc_id: str) -> dict[str, Any]:
        return self._db(collection)[doc_id]  # type: ignore[no-any-return]

    def save_new(self, collection: str, doc_id: str, body: dict[str, Any]) -> str:
        _, rev = self._db(collection).save({"_id": doc_id, **body})
        return str(rev)

    def save_update(self, collection: str, doc_id: str, body: dict[str, Any], rev: str) -> str:
        _, new = self._db(collection).save({"_id": doc_id, "_rev": rev, **body})
        return str(new)

    def delete(self, collection: str, doc_id: str, rev: str) -> None:
        self._db(collection).delete({"_id": doc_id, "_rev": rev})

    def list_all(self, collection: str) -> list[dict[str, Any]]:
        return [row.doc for row in self._db(collection).view("_all_docs", include_docs=True)]

    def close(self) -> None:
        self._dbs.clear()


def _version(server: CouchDBServer) -> str:
    request = urllib.request.Request(server.url + "/")
    token = b64encode(f"{server.user}:{server.password}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=5) as response:
        info = json.load(response)
    vendor = info.get("vendor", {})
    api = info.get("version", "?")
    return f"{POUCHDB_SERVER} (CouchDB API {api}, vendor {vendor.get('name', '?')} {vendor.get('version', '')})"


@contextmanager
def open_backend() -> Iterator[Backend]:
    with start_couchdb() as server:
        service = create_database_service(Settings(environ={}, **server.settings_env))
        raw = RawCouchDB(server)
        try:
            yield Backend("couchdb", service, raw, server=_version(server).strip(), raw_calls=RAW_CALLS)
        finally:
            service.close()
            raw.close()
