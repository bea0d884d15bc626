"""Health, providers, collections, the OpenAPI schema and configuration, through real HTTP."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys

import httpx
import pytest
from gofannon_db import ConfigurationError, Settings
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.server import create_app
from gofannon_db.server.state import CORE_COLLECTIONS
from gofannon_db.tokens import TokenSet

from tests.launchers.process import free_port

from .conftest import LiveServer


def test_health_reports_the_backend(api: httpx.Client) -> None:
    response = api.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["provider"] in {"memory", "couchdb"}


def test_collections_are_the_six_core_ones(api: httpx.Client) -> None:
    assert api.get("/collections").json() == {"collections": list(CORE_COLLECTIONS)}


def test_providers_lists_installed_providers(api: httpx.Client) -> None:
    body = api.get("/providers").json()
    rows = {(row["name"], row["distribution"]): row for row in body["providers"]}
    assert rows["memory", "gofannon-db"]["loads"] is True
    assert rows["couchdb", "gofannon-db-couchdb"]["loads"] is True
    assert body["configured"] in {"memory", "couchdb"}
    # Test fixtures installed in the dev venv: a broken plugin and a provider claimed twice.
    broken = [row for row in body["providers"] if row["distribution"] == "gofannon-db-broken"]
    assert all(row["loads"] is False and row["error"] for row in broken)
    duplicates = [row for row in body["providers"] if row["name"] == "duplicate"]
    assert all(row["loads"] is False and "more than one" in row["error"] for row in duplicates)


def test_openapi_schema_is_served(api: httpx.Client) -> None:
    schema = api.get("/openapi.json").json()
    paths = schema["paths"]
    document = paths["/collections/{collection}/documents/{doc_id}"]
    assert set(document) == {"get", "put", "delete"}
    assert {"200", "400", "404", "409", "413", "422", "503"} <= set(document["put"]["responses"])
    assert "ETag" in document["get"]["responses"]["200"]["headers"]
    assert "201" in paths["/collections/{collection}/documents"]["post"]["responses"]
    assert "204" in document["delete"]["responses"]
    assert {"/health", "/providers", "/collections", "/collections/{collection}/_find"} <= set(paths)
    assert api.get("/docs").status_code == 200


def test_wrong_method_is_405_with_the_allowed_methods(api: httpx.Client) -> None:
    response = api.patch("/collections/agents/documents/x", json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET, PUT"
    assert response.json() == {"detail": "Method Not Allowed"}
    assert api.get("/no/such/route").json() == {"detail": "Not Found"}


def test_configured_collections_replace_the_core_ones() -> None:
    with MemoryDatabaseService() as service, LiveServer(create_app(service=service, collections=["widgets"])) as live:
        client = httpx.Client(base_url=live.url, timeout=30)
        assert client.get("/collections").json() == {"collections": ["widgets"]}
        assert client.put("/collections/widgets/documents/w1", json={"size": 3}).status_code == 200
        assert service.get("widgets", "w1")["size"] == 3
        refused = client.get("/collections/agents/documents")
        assert refused.status_code == 404
        assert "'agents' is not served" in refused.json()["detail"]


def test_collections_from_the_environment_variable() -> None:
    settings = Settings({}, GOFANNON_SERVE_COLLECTIONS="notes, agents ,notes")
    with LiveServer(create_app(settings)) as live:
        assert httpx.get(f"{live.url}/collections", timeout=30).json() == {"collections": ["notes", "agents"]}


def test_a_bad_collection_setting_fails_at_startup() -> None:
    app = create_app(Settings({}, GOFANNON_SERVE_COLLECTIONS="good_one,Bad Name"))

    async def start() -> None:
        async with app.router.lifespan_context(app):
            pass

    with pytest.raises(ConfigurationError, match=r"GOFANNON_SERVE_COLLECTIONS: Invalid collection name 'Bad Name'"):
        asyncio.run(start())


def test_unreachable_backend_is_503_and_never_leaks_the_password() -> None:
    password = "s3cret-Pa55word-never-shown"
    settings = Settings(
        {},
        DATABASE_PROVIDER="couchdb",
        COUCHDB_URL=f"http://admin:{password}@127.0.0.1:{free_port()}",
        COUCHDB_USER="admin",
        COUCHDB_PASSWORD=password,
        DATABASE_TIMEOUT="1",
    )
    with LiveServer(create_app(settings)) as live, httpx.Client(base_url=live.url, timeout=60) as client:
        health = client.get("/health")
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable"
        assert health.json()["provider"] == "couchdb"
        assert health.json()["detail"]
        for response in (
            health,
            client.get("/collections/agents/documents/x"),
            client.put("/collections/agents/documents/x", json={"n": 1}),
            client.get("/collections/agents/documents"),
            client.get("/providers"),
        ):
            assert response.status_code in {200, 503}, response.text
            assert password not in response.text
            assert password not in str(response.headers)
        assert client.get("/collections/agents/documents/x").status_code == 503


def test_importing_the_app_builds_no_service() -> None:
    code = (
        "import gofannon_db.factory as f\n"
        "import gofannon_db.server.app as m\n"
        "assert f._sync.peek() is None, 'the service was built at import'\n"
        "assert m.app.state.gofannon._service is None\n"
    )
    env = {"DATABASE_PROVIDER": "couchdb", "COUCHDB_URL": "http://127.0.0.1:9", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_schema_states_the_served_collections_and_the_id_rules() -> None:
    with MemoryDatabaseService() as service:
        one = create_app(service=service, collections=["widgets"], tokens=TokenSet()).openapi()
        other = create_app(service=service, collections=["gadgets", "gizmos"]).openapi()
    get_one = one["paths"]["/collections/{collection}/documents/{doc_id}"]["get"]["parameters"]
    get_other = other["paths"]["/collections/{collection}/documents/{doc_id}"]["get"]["parameters"]
    assert get_one[0]["schema"]["enum"] == ["widgets"]  # each app its own, even built one after the other
    assert get_other[0]["schema"]["enum"] == ["gadgets", "gizmos"]
    doc_id = get_one[1]["schema"]
    assert (doc_id["minLength"], doc_id["maxLength"]) == (1, 512)
    pattern = re.compile(doc_id["pattern"])
    assert pattern.search("ada lovelace+1")
    assert pattern.search("日本語")
    for bad in ("_design", "a/b", "tab\tx", ".", ".."):
        assert not pattern.search(bad), bad
    assert "securitySchemes" not in one.get("components", {})  # no tokens configured: no auth declared
