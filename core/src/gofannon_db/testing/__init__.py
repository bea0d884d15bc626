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
the suite can share one server with other tests. Requires pytest (``gofannon-db[testing]``).

:class:`gofannon_db.testing.faults.FaultTests` holds the fault tests (contract v2 §5:
deadlines, bulk calls broken midway, recovery), run through the loopback
:class:`gofannon_db.testing.proxy.FaultProxy` in front of the same real server.
"""

from .suite import ConformanceSuite

__all__ = ["ConformanceSuite"]
