"""Property-based run of the OpenAPI schema against a live server (memory provider, tokens configured).

Schemathesis generates requests from ``/openapi.json`` (valid and invalid ones), sends
them with a read-write bearer token, and checks that no response is a 5xx, that every
status, content type, header and body is what the schema declares, and (``ignored_auth``)
that each operation declaring the bearer scheme refuses the same request without it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.server import create_app
from gofannon_db.tokens import TokenSet
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
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
    ignored_auth,
]
TOKEN = "schemathesis-token-0123456789"
TOKENS = TokenSet.parse(f"{TOKEN}, read:schemathesis-reader-0123")
STATUSES: Counter[int] = Counter()
"""Status of every generated request, for the last test: how many get past validation."""


@pytest.fixture(scope="module")
def schema_server() -> Iterator[LiveServer]:
    with MemoryDatabaseService() as service:
        service.save("agents", "ada lovelace+1", {"name": "Ada"})
        with LiveServer(create_app(service=service, tokens=TOKENS)) as server:
            yield server


# The schema is built from the same app code the live server runs (a test below checks that
# the server serves exactly this); loading it at import keeps schemathesis' plain
# parametrization, which works with every pytest version.
SCHEMA = create_app(service=MemoryDatabaseService(), tokens=TOKENS).openapi()
schema = schemathesis.openapi.from_dict(SCHEMA)


def test_served_schema_is_the_tested_one(schema_server: LiveServer) -> None:
    served = httpx.get(f"{schema_server.url}/openapi.json", timeout=30)
    assert served.status_code == 200
    assert served.json() == SCHEMA


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case: schemathesis.Case, schema_server: LiveServer) -> None:
    response = case.call_and_validate(
        base_url=schema_server.url, checks=CHECKS, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    if response.request.headers.get("Authorization"):  # not one of schemathesis' own requests without auth
        STATUSES[response.status_code] += 1


def test_generated_requests_get_through() -> None:
    """The schema states what the server enforces (served collections, id rules), so generated requests succeed.

    With a schema that did not (any collection name, any id), about 12% did: most were
    404s for collections that are not served. Now about 38% do.
    """
    total = sum(STATUSES.values())
    assert total > 100, "run with the schemathesis tests above"
    succeeded = sum(count for status, count in STATUSES.items() if 200 <= status < 300)
    assert succeeded / total >= 0.25, dict(STATUSES)
