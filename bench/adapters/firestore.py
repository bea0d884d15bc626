"""The Firestore emulator (as in the tests) against google-cloud-firestore used directly."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gofannon_db import Settings, create_database_service

from tests.launchers.firestore import PROJECT_ID, FirestoreServer, firestore_server

from . import Backend

RAW_CALLS = {
    "get": "`ref.get()`, then `{'_id': snap.id, **snap.to_dict()}`",
    "save_new": "`ref.set({**body, '_rev': '1-<uuid4 hex>'})`: one Commit",
    "save_update": (
        "`ref.get()`, compare its `_rev` with the one the caller holds, then "
        "`ref.update({**body, '_rev': new}, option=write_option(last_update_time=snap.update_time))`: "
        "a read and a Commit, as the backend (revisions are a field; the precondition is the read's update time)"
    ),
    "delete": "`ref.delete(option=write_option(exists=True))` (so a missing id is reported): one Commit",
    "list_all": "`[{'_id': s.id, **s.to_dict()} for s in collection.stream()]`: one streamed query",
    "client": "one `firestore.Client` with anonymous credentials on the emulator; every call passes `timeout=10`",
}
TIMEOUT = 10.0


class RawFirestore:
    def __init__(self, server: FirestoreServer) -> None:
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import firestore

        self._client: Any = firestore.Client(
            project=server.project_id,
            credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
        )

    @property
    def client(self) -> Any:
        """The ``firestore.Client`` (the bulk baseline commits ``client.batch()`` on it)."""
        return self._client

    @staticmethod
    def new_rev() -> str:
        """A revision as a raw user would make one."""
        return f"1-{uuid.uuid4().hex}"

    def prepare(self, collection: str) -> None:
        """Firestore collections exist as soon as a document does."""

    def get(self, collection: str, doc_id: str) -> dict[str, Any]:
        snapshot = self._client.collection(collection).document(doc_id).get(timeout=TIMEOUT)
        if not snapshot.exists:
            raise KeyError(doc_id)
        return {"_id": snapshot.id, **snapshot.to_dict()}

    def save_new(self, collection: str, doc_id: str, body: dict[str, Any]) -> str:
        rev = self.new_rev()
        self._client.collection(collection).document(doc_id).set({**body, "_rev": rev}, timeout=TIMEOUT)
        return rev

    def save_update(self, collection: str, doc_id: str, body: dict[str, Any], rev: str) -> str:
        ref = self._client.collection(collection).document(doc_id)
        snapshot = ref.get(timeout=TIMEOUT)
        if not snapshot.exists or snapshot.get("_rev") != rev:
            raise RuntimeError(f"stale revision for {doc_id}")
        new = f"{int(rev.partition('-')[0]) + 1}-{uuid.uuid4().hex}"
        option = self._client.write_option(last_update_time=snapshot.update_time)
        ref.update({**body, "_rev": new}, option=option, timeout=TIMEOUT)
        return new

    def delete(self, collection: str, doc_id: str, rev: str) -> None:
        ref = self._client.collection(collection).document(doc_id)
        ref.delete(option=self._client.write_option(exists=True), timeout=TIMEOUT)

    def list_all(self, collection: str) -> list[dict[str, Any]]:
        return [
            {"_id": snapshot.id, **snapshot.to_dict()}
            for snapshot in self._client.collection(collection).stream(timeout=TIMEOUT)
        ]

    def close(self) -> None:
        self._client.close()


def _version() -> str:
    try:
        found = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "google-cloud-cli-firestore-emulator"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        found = ""
    return f"Cloud Firestore emulator (google-cloud-cli-firestore-emulator {found or 'version unknown'})"


@contextmanager
def open_backend() -> Iterator[Backend]:
    # The emulator needs no credentials; make sure nothing ever probes a cloud metadata address.
    os.environ["NO_GCE_CHECK"] = "true"
    with firestore_server() as server:
        previous = os.environ.get("FIRESTORE_EMULATOR_HOST")
        os.environ["FIRESTORE_EMULATOR_HOST"] = server.host  # read by the raw client at construction
        settings = Settings(
            environ={},
            DATABASE_PROVIDER="firestore",
            FIRESTORE_EMULATOR_HOST=server.host,
            FIRESTORE_PROJECT_ID=PROJECT_ID,
        )
        service = create_database_service(settings)
        raw = RawFirestore(server)
        try:
            yield Backend("firestore", service, raw, server=_version(), raw_calls=RAW_CALLS)
        finally:
            service.close()
            raw.close()
            if previous is None:
                os.environ.pop("FIRESTORE_EMULATOR_HOST", None)
            else:
                os.environ["FIRESTORE_EMULATOR_HOST"] = previous
