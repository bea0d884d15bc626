"""The async factory: independent services, one process-wide service across threads and loops, native providers."""

from __future__ import annotations

import asyncio
import threading

import gofannon_db
import pytest
from gofannon_db import (
    AsyncDatabaseService,
    ConfigurationError,
    Provider,
    Settings,
    create_async_database_service,
    get_async_database_service,
    reset_async_database_service,
)
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.hookspecs import hookimpl
from gofannon_db.plugins import ProviderRegistry

pytestmark = pytest.mark.usefixtures("fresh_singletons")


def test_async_names_are_exported_lazily() -> None:
    assert gofannon_db.AsyncDatabaseService is AsyncDatabaseService
    assert {"AsyncDatabaseService", "create_async_database_service", "get_async_database_service"} <= set(
        gofannon_db.__all__
    )


def test_create_returns_independent_services_sized_by_the_setting() -> None:
    async def main() -> None:
        first = create_async_database_service(Settings({}))
        second = create_async_database_service(Settings({}, DATABASE_ASYNC_WORKERS="3"))
        async with first, second:
            assert first is not second
            assert first.max_workers == MemoryDatabaseService.connection_pool_size
            assert second.max_workers == 3
            await first.save("agents", "doc", {})
            assert await second.list_all("agents") == []

    asyncio.run(main())


@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_a_bad_worker_count_names_the_setting(value: str) -> None:
    with pytest.raises(ConfigurationError, match="DATABASE_ASYNC_WORKERS"):
        create_async_database_service(Settings({}, DATABASE_ASYNC_WORKERS=value))


def test_singleton_is_shared_across_threads_and_event_loops() -> None:
    seen: list[AsyncDatabaseService] = []
    lock = threading.Lock()

    def in_own_loop(number: int) -> None:
        async def main() -> None:
            service = get_async_database_service(Settings({}))
            await service.save("agents", f"t-{number}", {})
            with lock:
                seen.append(service)

        asyncio.run(main())

    threads = [threading.Thread(target=in_own_loop, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8
    assert len({id(service) for service in seen}) == 1
    assert get_async_database_service() is seen[0]
    assert asyncio.run(seen[0].count("agents")) == 8


def test_singleton_refuses_other_settings_and_reset_closes_it() -> None:
    service = get_async_database_service(Settings({}))
    assert get_async_database_service(Settings({})) is service
    with pytest.raises(ConfigurationError) as excinfo:
        get_async_database_service(Settings({}, DATABASE_COLLECTION_PREFIX="other-"))
    assert "reset_async_database_service" in excinfo.value.detail
    closed: list[bool] = []
    service.sync_service._close = lambda: closed.append(True)  # type: ignore[method-assign]
    asyncio.run(reset_async_database_service())
    assert closed == [True]
    assert get_async_database_service(Settings({}, DATABASE_COLLECTION_PREFIX="other-")).collection_prefix == "other-"


def test_the_async_singleton_is_not_the_sync_one() -> None:
    from gofannon_db import get_database_service

    assert get_async_database_service(Settings({})).sync_service is not get_database_service(Settings({}))


class NativeTwin(AsyncDatabaseService):
    """Stands in for a plugin's native async service."""


def _registry_with(provider: Provider) -> ProviderRegistry:
    class Plugin:
        @hookimpl
        def gofannon_db_providers(self) -> list[Provider]:
            return [provider]

    registry = ProviderRegistry()
    registry.register(Plugin())
    return registry


def test_a_provider_may_register_a_native_async_service(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = Provider(
        "native",
        lambda settings: MemoryDatabaseService(),
        create_async=lambda settings: NativeTwin(MemoryDatabaseService()),
    )
    monkeypatch.setattr("gofannon_db.plugins.get_registry", lambda: _registry_with(provider))
    service = create_async_database_service(Settings({}, DATABASE_PROVIDER="native"))
    assert type(service) is NativeTwin
    asyncio.run(service.close())


def test_a_native_constructor_that_returns_something_else_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provider = Provider("native", lambda settings: MemoryDatabaseService(), create_async=lambda settings: object())  # type: ignore[arg-type,return-value]
    monkeypatch.setattr("gofannon_db.plugins.get_registry", lambda: _registry_with(provider))
    with pytest.raises(ConfigurationError, match="not an AsyncDatabaseService"):
        create_async_database_service(Settings({}, DATABASE_PROVIDER="native"))
