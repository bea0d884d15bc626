"""The official Cloud Firestore emulator (Google's jar) on a free loopback port.

The jar comes with the Debian package ``google-cloud-cli-firestore-emulator`` on this
machine image; no registry here can install it, so a missing jar fails the run with a
message saying so. Java is started directly: the ``gcloud`` wrapper leaves java running
when killed, and ``gcloud`` itself probes the cloud metadata address.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .process import ServerProcess, ServerStartError, free_port

NAME = "Firestore emulator"
DEFAULT_JAR = Path("/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar")
MAIN_CLASS = "com.google.cloud.datastore.emulator.firestore.CloudFirestore"
PROJECT_ID = "demo-gofannon"
"""A ``demo-`` project id: never a real project."""


@dataclass(frozen=True)
class FirestoreServer:
    """Where the running emulator listens, and the project the tests use."""

    host: str
    project_id: str = PROJECT_ID

    @property
    def settings_env(self) -> dict[str, str]:
        """The environment variables that point the ``firestore`` provider at this emulator."""
        return {
            "DATABASE_PROVIDER": "firestore",
            "FIRESTORE_EMULATOR_HOST": self.host,
            "FIRESTORE_PROJECT_ID": self.project_id,
            "NO_GCE_CHECK": "true",
        }

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def reset(self, project_id: str | None = None) -> None:
        """Delete every document of the project's default database (the emulator's own endpoint)."""
        project = project_id or self.project_id
        request = urllib.request.Request(
            f"{self.url}/emulator/v1/projects/{project}/databases/(default)/documents", method="DELETE"
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()


def jar_path() -> Path:
    """The emulator jar (``GOFANNON_FIRESTORE_EMULATOR_JAR`` overrides the default location)."""
    jar = Path(os.environ.get("GOFANNON_FIRESTORE_EMULATOR_JAR") or DEFAULT_JAR)
    if not jar.is_file():
        raise ServerStartError(
            NAME,
            f"the emulator jar is missing at {jar}. It ships in the Debian package "
            "google-cloud-cli-firestore-emulator (preinstalled on the CI image); install that package "
            "or point GOFANNON_FIRESTORE_EMULATOR_JAR at the jar.",
        )
    return jar


def _answers_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1.0) as response:
            return bool(response.status == 200 and response.read().strip() == b"Ok")
    except (OSError, urllib.error.URLError, ValueError):
        return False


@contextmanager
def firestore_server(port: int | None = None) -> Iterator[FirestoreServer]:
    """Run the emulator until the block ends; :class:`ServerStartError` when it cannot start."""
    jar = jar_path()
    port = port or free_port()
    host = f"127.0.0.1:{port}"
    process = ServerProcess(
        name=NAME,
        argv=[
            "java",
            "-Duser.language=en",
            "-cp",
            str(jar),
            MAIN_CLASS,
            "start",
            "--host=127.0.0.1",
            f"--port={port}",
        ],
        ready=lambda: _answers_ok(f"http://{host}/"),
        env={"NO_GCE_CHECK": "true"},
        startup_timeout=90.0,
    )
    with process:
        yield FirestoreServer(host=host)


if __name__ == "__main__":  # by hand: python -m tests.launchers.firestore [--port 8080]
    import sys

    from .manual import run_by_hand

    sys.exit(run_by_hand(NAME, firestore_server, lambda server: server.settings_env))
