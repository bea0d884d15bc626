"""Live servers for the REST service: uvicorn on a free 127.0.0.1 port, over memory and CouchDB.

Every document test runs twice: against the memory provider and against the couchdb
provider talking to a real pouchdb-server (``tests/launchers/couchdb.py``).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from gofannon_db import DatabaseService, Settings, create_database_service
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.server import create_app
from gofannon_db.server.state import CORE_COLLECTIONS

from tests.launchers.couchdb import CouchDBServer
from tests.launchers.process import free_port


@dataclass
class LiveServer:
    """An ASGI app served by uvicorn in a background thread, for real HTTP requests."""

    app: FastAPI
    port: int = 0
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.port = free_port()
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=f"uvicorn-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"uvicorn on 127.0.0.1:{self.port} exited while starting")
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn on 127.0.0.1:{self.port} did not start within 30 s")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=30)


@pytest.fixture(scope="module", params=["memory", "couchdb"])
def backend_service(request: pytest.FixtureRequest) -> Iterator[DatabaseService]:
    """The service behind the app: in-process memory, or couchdb on a real server (own prefix)."""
    if request.param == "memory":
        with MemoryDatabaseService() as memory:
            yield memory
        return
    couch: CouchDBServer = request.getfixturevalue("couchdb_server")
    prefix = f"srv{secrets.token_hex(3)}-"
    settings = Settings({}, **couch.settings_env, DATABASE_COLLECTION_PREFIX=prefix)
    with create_database_service(settings) as service:
        yield service
        for name in service.list_collections():
            service.drop_collection(name)


@pytest.fixture(scope="module")
def live(backend_service: DatabaseService) -> Iterator[LiveServer]:
    with LiveServer(create_app(service=backend_service)) as server:
        yield server


@pytest.fixture
def api(live: LiveServer, backend_service: DatabaseService) -> Iterator[httpx.Client]:
    """An HTTP client for the live server, whose served collections start empty."""
    for name in CORE_COLLECTIONS:
        backend_service.drop_collection(name)
    with httpx.Client(base_url=live.url, timeout=30) as client:
        yield client
