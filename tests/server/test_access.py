"""Bearer tokens, scopes, the quiet /health and short echoes, through real HTTP (uvicorn, memory provider)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from gofannon_db import BackendUnavailable, __version__
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.server import create_app
from gofannon_db.tokens import TokenSet

from .conftest import LiveServer

WRITER = "w-Token_0123456789abcdef"
READER = "r-Token_0123456789abcdef"
DOC = "/collections/agents/documents/ada"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def secured() -> Iterator[LiveServer]:
    tokens = TokenSet.parse(f"{WRITER}, read:{READER}")
    with MemoryDatabaseService() as service, LiveServer(create_app(service=service, tokens=tokens)) as server:
        yield server


@pytest.fixture
def client(secured: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=secured.url, timeout=30) as http:
        yield http


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", DOC),
        ("PUT", DOC),
        ("DELETE", DOC),
        ("GET", "/collections/agents/documents"),
        ("POST", "/collections/agents/documents"),
        ("POST", "/collections/agents/_find"),
        ("GET", "/collections"),
        ("GET", "/collections/agents"),
        ("GET", "/providers"),
        ("GET", "/no/such/route"),
    ],
)
def test_no_token_is_401_with_a_bearer_challenge(client: httpx.Client, method: str, path: str) -> None:
    response = client.request(method, path, json={"selector": {}} if method != "GET" else None)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "Bearer" in response.json()["detail"]


@pytest.mark.parametrize(
    "authorization",
    [f"Bearer {WRITER}x", f"Bearer {WRITER[:-1]}", f"Basic {WRITER}", WRITER, "Bearer", f"Bearer  read:{READER}"],
)
def test_unknown_or_malformed_token_is_401(client: httpx.Client, authorization: str) -> None:
    response = client.get(DOC, headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert WRITER not in response.text
    assert READER not in response.text


def test_a_write_token_reads_and_writes(client: httpx.Client) -> None:
    put = client.put(DOC, json={"name": "Ada"}, headers=bearer(WRITER))
    assert put.status_code == 200, put.text
    assert client.get(DOC, headers=bearer(WRITER)).json()["name"] == "Ada"
    assert client.delete(DOC, headers=bearer(WRITER)).status_code == 204


def test_a_read_token_reads_and_finds_but_may_not_write(client: httpx.Client) -> None:
    assert client.put(DOC, json={"name": "Ada", "team": "x"}, headers=bearer(WRITER)).status_code == 200
    got = client.get(DOC, headers=bearer(READER))
    assert got.status_code == 200
    assert got.json()["name"] == "Ada"
    found = client.post("/collections/agents/_find", json={"selector": {"team": "x"}}, headers=bearer(READER))
    assert found.status_code == 200
    assert [doc["_id"] for doc in found.json()["documents"]] == ["ada"]
    assert client.get("/collections/agents/documents", headers=bearer(READER)).status_code == 200
    for response in (
        client.put(DOC, json={"name": "Mallory"}, headers=bearer(READER)),
        client.post("/collections/agents/documents", json={"_id": "m"}, headers=bearer(READER)),
        client.delete(DOC, headers=bearer(READER)),
    ):
        assert response.status_code == 403, response.text
        assert 'error="insufficient_scope"' in response.headers["www-authenticate"]
        assert "read" in response.json()["detail"]
    assert client.get(DOC, headers=bearer(WRITER)).json()["name"] == "Ada"
    assert client.get("/collections/agents/documents/m", headers=bearer(WRITER)).status_code == 404


def test_health_is_quiet_for_strangers_and_detailed_for_token_holders(client: httpx.Client) -> None:
    stranger = client.get("/health")
    assert stranger.status_code == 200
    assert stranger.json() == {"status": "ok"}
    for token in (READER, WRITER):
        operator = client.get("/health", headers=bearer(token))
        assert operator.status_code == 200
        body = operator.json()
        assert body["status"] == "ok"
        assert body["provider"] == "memory"
        assert body["version"]
    assert client.get("/health", headers=bearer("not-a-token")).status_code == 401


def test_docs_and_schema_are_public_and_declare_the_bearer_scheme(client: httpx.Client) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["bearer"]["description"],
    }
    document = schema["paths"]["/collections/{collection}/documents/{doc_id}"]
    assert document["put"]["security"] == [{"bearer": []}]
    assert {"401", "403"} <= set(document["put"]["responses"])
    assert {} in schema["paths"]["/health"]["get"]["security"]  # optional: strangers may ask


def test_tokens_never_reach_the_log(secured: LiveServer, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG), httpx.Client(base_url=secured.url, timeout=30) as http:
        http.get(DOC, headers=bearer(READER))
        http.put(DOC, json={}, headers=bearer(READER))
        http.get(DOC, headers=bearer(WRITER + "x"))
    assert READER not in caplog.text
    assert WRITER not in caplog.text


def test_error_details_quote_only_a_prefix_of_client_values(client: httpx.Client) -> None:
    huge = "Q" * 100_000
    auth = bearer(WRITER)
    responses = [
        client.put(DOC, json={"n": 1}, headers={**auth, "If-Match": f'"a", "{huge[:60_000]}"'}),
        client.put(DOC, json={"_id": huge}, headers=auth),
        client.put(DOC, json={f"_{huge}": 1}, headers=auth),
        client.get(f"/collections/{huge[:8000].lower()}/documents/x", headers=auth),
        client.post("/collections/agents/_find", json={"selector": {}, huge: 1}, headers=auth),
    ]
    for response in responses:
        assert 400 <= response.status_code < 500, response.text[:200]
        assert len(response.content) < 2_000, (response.status_code, response.text[:300])
        assert "QQQQ" in response.text or "qqqq" in response.text  # a prefix is still quoted


class _TalkativeService(MemoryDatabaseService):
    """A backend whose ping reports its URL with the credentials in it, as a careless plugin might."""

    def _ping(self) -> dict[str, object]:
        return {"url": "http://admin:hunter2-pw@couch.internal:5984/", "version": "3.3"}


def test_health_shows_token_holders_the_endpoint_without_credentials() -> None:
    tokens = TokenSet.parse(f"read:{READER}")
    with _TalkativeService() as service, LiveServer(create_app(service=service, tokens=tokens)) as live:
        stranger = httpx.get(f"{live.url}/health", timeout=30)
        operator = httpx.get(f"{live.url}/health", headers=bearer(READER), timeout=30)
    assert stranger.json() == {"status": "ok"}
    assert operator.json() == {
        "status": "ok",
        "provider": "memory",
        "version": __version__,
        "backend": {"url": "http://couch.internal:5984/", "version": "3.3"},
    }
    assert "admin" not in operator.text
    assert "hunter2" not in operator.text


class _DownService(MemoryDatabaseService):
    def _ping(self) -> dict[str, object]:
        raise BackendUnavailable("Cannot reach couch.internal:5984 as admin (timed out after 10 s).")


def test_health_503_says_why_only_to_token_holders() -> None:
    tokens = TokenSet.parse(f"read:{READER}")
    with _DownService() as service, LiveServer(create_app(service=service, tokens=tokens)) as live:
        stranger = httpx.get(f"{live.url}/health", timeout=30)
        operator = httpx.get(f"{live.url}/health", headers=bearer(READER), timeout=30)
    assert stranger.status_code == 503
    assert stranger.json() == {"status": "unavailable"}
    assert operator.status_code == 503
    assert operator.json()["detail"].startswith("Cannot reach couch.internal")
    assert operator.json()["provider"] == "memory"
