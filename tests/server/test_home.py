"""``GET /`` on the REST service leads to the interactive docs instead of a 404."""

from __future__ import annotations

import httpx
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.server import create_app

from .conftest import LiveServer


def test_home_redirects_to_the_docs() -> None:
    with (
        MemoryDatabaseService() as service,
        LiveServer(create_app(service=service)) as live,
        httpx.Client(base_url=live.url, timeout=30) as client,
    ):
        home = client.get("/")
        assert home.status_code == 307
        assert home.headers["location"] == "/docs"
        followed = client.get("/", follow_redirects=True)
        assert followed.status_code == 200
        assert "swagger" in followed.text.lower()
        schema = client.get("/openapi.json").json()
        assert "/" not in schema["paths"]  # not an API operation
