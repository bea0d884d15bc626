"""Property-based run of the OpenAPI schema against a live server (memory provider).

Schemathesis generates requests from ``/openapi.json`` (valid and invalid ones) and checks
that no response is a 5xx and that every status, content type, header and body is what
the schema declares.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.server import create_app
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from .conftest import LiveServer

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    unsupported_method,
]


@pytest.fixture(scope="module")
def schema_server() -> Iterator[LiveServer]:
    with MemoryDatabaseService() as service:
        service.save("agents", "ada lovelace+1", {"name": "Ada"})
        with LiveServer(create_app(service=service)) as server:
            yield server


# The schema is built from the same app code the live server runs (a test below checks that
# the server serves exactly this); loading it at import keeps schemathesis' plain
# parametrization, which works with every pytest version.
SCHEMA = create_app(service=MemoryDatabaseService()).openapi()
schema = schemathesis.openapi.from_dict(SCHEMA)


def test_served_schema_is_the_tested_one(schema_server: LiveServer) -> None:
    served = httpx.get(f"{schema_server.url}/openapi.json", timeout=30)
    assert served.status_code == 200
    assert served.json() == SCHEMA


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case: schemathesis.Case, schema_server: LiveServer) -> None:
    case.call_and_validate(base_url=schema_server.url, checks=CHECKS)
