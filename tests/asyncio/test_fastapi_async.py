"""``gofannon_db.fastapi.AsyncDatabase``: the async twin injected into ``async def`` routes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from gofannon_db import AsyncDatabaseService, get_async_database_service
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.fastapi import AsyncDatabase, add_exception_handlers, get_async_db

pytestmark = pytest.mark.usefixtures("fresh_singletons")


def build_app() -> FastAPI:
    app = FastAPI()
    add_exception_handlers(app)

    @app.get("/agents/{agent_id}")
    async def read_agent(agent_id: str, db: AsyncDatabase) -> dict[str, Any]:
        return await db.get("agents", agent_id)

    @app.put("/agents/{agent_id}")
    async def write_agent(agent_id: str, body: dict[str, Any], db: AsyncDatabase) -> dict[str, str]:
        return dict(await db.save("agents", agent_id, body))

    return app


def with_client(app: FastAPI, talk: Callable[[httpx.AsyncClient], Awaitable[None]]) -> None:
    async def main() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app") as client:
            await talk(client)

    asyncio.run(main())


def test_async_routes_get_the_process_wide_async_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_PROVIDER", "memory")
    monkeypatch.delenv("DATABASE_COLLECTION_PREFIX", raising=False)

    async def talk(client: httpx.AsyncClient) -> None:
        assert (await client.get("/agents/ada")).status_code == 404
        written = await client.put("/agents/ada", json={"name": "Ada"})
        assert written.status_code == 200
        read = await client.get("/agents/ada")
        assert read.json() == {"_id": "ada", "_rev": written.json()["rev"], "name": "Ada"}
        stale = await client.put("/agents/ada", json={"name": "x", "_rev": "1-0000"})
        assert stale.status_code == 409

    with_client(build_app(), talk)
    assert get_async_database_service().sync_service.get("agents", "ada")["name"] == "Ada"


def test_the_dependency_can_be_overridden() -> None:
    app = build_app()
    twin = AsyncDatabaseService(MemoryDatabaseService(collection_prefix="test-"))
    app.dependency_overrides[get_async_db] = lambda: twin

    async def talk(client: httpx.AsyncClient) -> None:
        assert (await client.put("/agents/ada", json={"name": "Ada"})).status_code == 200

    with_client(app, talk)
    assert twin.sync_service.list_collections() == ["agents"]
    assert twin.sync_service.get("agents", "ada")["name"] == "Ada"
