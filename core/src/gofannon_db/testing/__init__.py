"""The conformance suite: the contract turned into tests, for every backend to pass.

A backend author subclasses :class:`ConformanceSuite` in a test module and supplies two
fixtures connected to a real server; the suite does the rest::

    import pytest
    from gofannon_db.testing import ConformanceSuite

    class TestMyStore(ConformanceSuite):
        @pytest.fixture
        def service(self, mystore_server):
            with MyStoreService(url=mystore_server.url) as service:
                yield service

        @pytest.fixture
        def prefixed_service(self, mystore_server):
            with MyStoreService(url=mystore_server.url, collection_prefix="pfx-") as service:
                yield service

Every test works in collections with fresh random names and drops them afterwards, so
the suite can share one server with other tests. Requires pytest (``gofannon-db[testing]``),
whose plugin (:mod:`gofannon_db.testing.pytest_plugin`) makes failures show the compared
values and the hook to look at.

The suite's modules are imported on first use, not here, so that the pytest plugin can
register them for assertion rewriting before they load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .suite import ConformanceSuite

__all__ = ["ConformanceSuite"]


def __getattr__(name: str) -> Any:
    if name == "ConformanceSuite":
        from .suite import ConformanceSuite

        return ConformanceSuite
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
