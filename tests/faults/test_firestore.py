"""The Firestore emulator behind a fault proxy (gRPC over one HTTP/2 connection)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from gofannon_db import DatabaseService
from gofannon_db.testing.faults import TIMEOUT, FaultTests
from gofannon_db.testing.proxy import FaultProxy

from tests.firestore.conftest import make_service
from tests.launchers.firestore import FirestoreServer


@pytest.fixture(scope="module")
def warm_emulator(firestore_emulator: FirestoreServer) -> None:
    """A fresh emulator's first writes take seconds (JIT); not a fault, so not under the short timeout."""
    with make_service(firestore_emulator) as service:
        service.save_many("fault-warm-up", [{"_id": f"w{n}"} for n in range(50)])
        service.get("fault-warm-up", "w1")
        service.drop_collection("fault-warm-up")


@pytest.fixture
def proxy(firestore_emulator: FirestoreServer, warm_emulator: None) -> Iterator[FaultProxy]:
    host, port = firestore_emulator.host.split(":")
    with FaultProxy(host, int(port)) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def connect(firestore_emulator: FirestoreServer) -> Any:
    def connect(proxy: FaultProxy, **options: Any) -> DatabaseService:
        return make_service(firestore_emulator, emulator_host=proxy.address, timeout=TIMEOUT, **options)

    return connect


@pytest.fixture
def direct(firestore_emulator: FirestoreServer) -> Iterator[DatabaseService]:
    with make_service(firestore_emulator) as service:
        yield service


class TestFirestoreFaults(FaultTests):
    bulk_size = 1000
    """BatchWrite requests of 100 writes here (see below): ten requests."""
    progress_before_fault = 200
    midway_options: ClassVar[dict[str, Any]] = {"bulk_concurrency": 1}
    midway_delay = 0.0

    @pytest.fixture(autouse=True)
    def _small_requests(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """100 writes a request: a 500-write one can take the emulator over the 2 s timeout on a busy machine."""
        from gofannon_db_firestore import service as service_module

        monkeypatch.setattr(service_module, "BATCH_WRITES", 100)
