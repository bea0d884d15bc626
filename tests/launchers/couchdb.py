"""A CouchDB-compatible test server: ``pouchdb-server`` from npm, in memory, with an admin.

Apache CouchDB cannot be installed on the test machines, so the tests (and the
benchmarks and migration tests, which reuse :func:`start_couchdb`) run against
pouchdb-server, which speaks the CouchDB 2.x HTTP API. An admin is configured before
start: with one, the server enforces credentials, as a production CouchDB does.

Usage::

    with start_couchdb() as couch:
        settings = Settings(**couch.settings_env)
"""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .process import ServerProcess, ServerStartError, free_port, http_status, npm_package

__all__ = ["POUCHDB_SERVER", "CouchDBServer", "start_couchdb"]

SERVER_NAME = "CouchDB (pouchdb-server)"
POUCHDB_SERVER = "pouchdb-server@4.2.0"


@dataclass(frozen=True)
class CouchDBServer:
    """A running server: where it listens and the admin credentials it accepts."""

    url: str
    user: str
    password: str = field(repr=False)

    @property
    def settings_env(self) -> dict[str, str]:
        """The environment variables that point the ``couchdb`` provider at this server."""
        return {
            "DATABASE_PROVIDER": "couchdb",
            "COUCHDB_URL": self.url,
            "COUCHDB_USER": self.user,
            "COUCHDB_PASSWORD": self.password,
        }


def _server_script() -> Path:
    root = npm_package(SERVER_NAME, POUCHDB_SERVER)
    script = root / "node_modules" / "pouchdb-server" / "bin" / "pouchdb-server"
    if not script.exists():
        raise ServerStartError(SERVER_NAME, f"{script} is missing after installing {POUCHDB_SERVER}.")
    return script


@contextlib.contextmanager
def start_couchdb(user: str = "admin", password: str | None = None, port: int | None = None) -> Iterator[CouchDBServer]:
    """Install (once, cached) and start pouchdb-server on a free loopback port; stop it on exit.

    The password defaults to a fresh random one so that tests can check it never leaks.
    """
    if shutil.which("node") is None:
        raise ServerStartError(SERVER_NAME, "node is not installed; install Node.js 18 or newer.")
    script = _server_script()
    password = password or f"pw-{secrets.token_hex(12)}"
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    argv = ["node", str(script), "-o", "127.0.0.1", "-p", str(port), "-m", "-d", "./data", "-c", "./config.json", "-n"]
    server = ServerProcess(SERVER_NAME, argv, ready=lambda: http_status(url + "/") == 200, startup_timeout=60.0)
    # The admin must exist before the server starts; the workdir is the server's scratch dir
    # (it writes log.txt and creates ./data even in memory mode).
    (server.workdir / "config.json").write_text(json.dumps({"admins": {user: password}}) + "\n")
    with server:
        yield CouchDBServer(url=url, user=user, password=password)


if __name__ == "__main__":  # by hand: python -m tests.launchers.couchdb [--port 5984]
    import sys

    from .manual import run_by_hand

    sys.exit(run_by_hand(SERVER_NAME, lambda port: start_couchdb(port=port), lambda couch: couch.settings_env))
