"""DynamoDB Local behind a fault proxy; and no credential from the endpoint URL in any log."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from gofannon_db import DatabaseService, create_database_service
from gofannon_db.errors import BackendUnavailable
from gofannon_db.settings import Settings
from gofannon_db.testing.faults import TIMEOUT, FaultTests, Timer
from gofannon_db.testing.proxy import FaultProxy

from tests.dynamodb.conftest import make_service
from tests.launchers.dynamodb import DynamoDBServer

URL_PASSWORD = "pw4endpoint"


@pytest.fixture
def proxy(ddb_server: DynamoDBServer) -> Iterator[FaultProxy]:
    host, port = ddb_server.endpoint_url.removeprefix("http://").split(":")
    with FaultProxy(host, int(port)) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def connect(ddb_server: DynamoDBServer) -> Any:
    def connect(proxy: FaultProxy, **options: Any) -> DatabaseService:
        service: DatabaseService = make_service(ddb_server, endpoint_url=proxy.url, timeout=TIMEOUT, **options)
        return service

    return connect


@pytest.fixture
def direct(ddb_server: DynamoDBServer) -> Iterator[DatabaseService]:
    with make_service(ddb_server) as service:
        yield service


class TestDynamoDBFaults(FaultTests):
    bulk_size = 1000
    progress_before_fault = 100
    midway_options: ClassVar[dict[str, Any]] = {"bulk_concurrency": 1}


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Everything logged, botocore's DEBUG included, formatted as a handler would (tracebacks too)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_password_in_the_endpoint_url_reaches_no_log(ddb_server: DynamoDBServer, captured: io.StringIO) -> None:
    """Through settings, as an operator would give it; the server is cut, so the error has a cause chain."""
    with FaultProxy(
        *ddb_server.endpoint_url.removeprefix("http://").split(":")[:1], int(ddb_server.endpoint_url.rsplit(":", 1)[1])
    ) as proxy:
        settings = Settings(
            {},
            DATABASE_PROVIDER="dynamodb",
            DYNAMODB_ENDPOINT_URL=f"http://user:{URL_PASSWORD}@127.0.0.1:{proxy.port}",
            DYNAMODB_TIMEOUT=TIMEOUT,
            AWS_ACCESS_KEY_ID=ddb_server.access_key_id,
            AWS_SECRET_ACCESS_KEY=ddb_server.secret_access_key,
        )
        with create_database_service(settings) as service:
            service.save("fault-secrets", "a", {"n": 1})  # logs a whole request at DEBUG
            proxy.cut()
            timer = Timer()
            with pytest.raises(BackendUnavailable) as raised:
                service.get("fault-secrets", "a")
            assert timer.elapsed <= TIMEOUT + 1
            logging.getLogger("app").exception("the database failed")
            proxy.restore()
            service.drop_collection("fault-secrets")
            text = captured.getvalue()
            assert "botocore" in text  # the SDK's DEBUG log was captured
            assert "The above exception was the direct cause" in text  # and the cause chain
            assert URL_PASSWORD not in text
            assert URL_PASSWORD not in repr(raised.value)
            assert URL_PASSWORD not in repr(service)
            cause: BaseException | None = raised.value
            while cause is not None:
                assert URL_PASSWORD not in str(cause)
                cause = cause.__cause__ or cause.__context__
