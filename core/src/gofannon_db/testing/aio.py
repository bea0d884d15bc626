"""The conformance suite against an :class:`~gofannon_db.aio.AsyncDatabaseService`, unchanged.

:class:`SyncFacade` is a sync view of an async service: each call is sent to an event
loop running in a background thread and waited for. It knows no method by name except
``iter_all`` (an async iterator becomes a sync one), so the suite tests the async
service's own coroutines, results, errors and rules through the same tests as every
sync backend, without a copy of them. A plugin with a native async service runs the
suite on it like this::

    class TestMyStoreAsync(ConformanceSuite):
        @pytest.fixture
        def service(self, mystore_server):
            with sync_facade(MyStoreAsyncService(url=mystore_server.url)) as service:
                yield service
        # ... and prefixed_service likewise

and :func:`async_twin` does the same for the default thread-pool twin of a sync service.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator
from types import TracebackType
from typing import Any, TypeVar

from ..aio import AsyncDatabaseService
from ..service import DatabaseService

__all__ = ["LoopThread", "SyncFacade", "async_twin", "sync_facade"]

_T = TypeVar("_T")


class LoopThread:
    """An event loop running forever in a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="facade-loop")
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, _T], timeout: float = 120.0) -> _T:
        """Run ``coro`` on the loop and wait for its result in the calling thread."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


class SyncFacade:
    """Looks like a :class:`DatabaseService`; every call is awaited on ``loop``."""

    def __init__(self, service: AsyncDatabaseService, loop: LoopThread) -> None:
        self.async_service = service
        self._loop = loop

    def __repr__(self) -> str:
        return repr(self.async_service)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.async_service, name)
        if name == "iter_all":
            return self._iter_all
        if inspect.iscoroutinefunction(attribute):
            return lambda *args, **kwargs: self._loop.run(attribute(*args, **kwargs))
        return attribute

    def _iter_all(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        stream = self.async_service.iter_all(*args, **kwargs)  # bad arguments raise here, as in the sync call
        return self._drain(stream)

    def _drain(self, stream: AsyncIterator[Any]) -> Iterator[Any]:
        try:
            while True:
                try:
                    yield self._loop.run(_anext(stream))
                except StopAsyncIteration:
                    return
        finally:
            closing = getattr(stream, "aclose", None)
            if closing is not None and self._loop.loop.is_running():
                asyncio.run_coroutine_threadsafe(closing(), self._loop.loop)

    def __enter__(self) -> SyncFacade:
        entered = self._loop.run(self.async_service.__aenter__())
        assert entered is self.async_service
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._loop.run(self.async_service.__aexit__(exc_type, exc, traceback))


async def _anext(stream: AsyncIterator[_T]) -> _T:
    return await stream.__anext__()


@contextlib.contextmanager
def sync_facade(service: AsyncDatabaseService) -> Iterator[SyncFacade]:
    """``service`` behind a sync facade, on a loop thread of its own; closed and stopped afterwards."""
    loop = LoopThread()
    try:
        yield SyncFacade(service, loop)
    finally:
        try:
            loop.run(service.close())
        finally:
            loop.stop()


def async_twin(service: DatabaseService, **options: Any) -> contextlib.AbstractContextManager[SyncFacade]:
    """The default async twin of ``service`` (``options`` go to :class:`AsyncDatabaseService`) behind a sync facade."""
    return sync_facade(AsyncDatabaseService(service, **options))
