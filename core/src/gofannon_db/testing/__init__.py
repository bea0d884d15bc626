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
the suite can share one server with other tests. Requires pytest and Hypothesis
(``gofannon-db[testing]``); the pytest plugin (:mod:`gofannon_db.testing.pytest_plugin`)
makes failures show the compared values and the hook to look at.

The suite's modules are imported on first use, not here, so that the pytest plugin can
register them for assertion rewriting before they load.

Besides example tests, the suite holds a model-based test
(:class:`~gofannon_db.testing.stateful.StatefulTests`): random sequences of calls checked
against a plain-dict model of the contract, shrunk to a short reproduction when they
diverge. Its budget is two class attributes, to be tuned to the server's speed::

    class TestMyStore(ConformanceSuite):
        stateful_examples = 40   # call sequences tried
        stateful_steps = 25      # calls per sequence, at most

The value generators it uses are public, for your own property tests:
:mod:`gofannon_db.testing.strategies`.

:class:`gofannon_db.testing.faults.FaultTests` holds the fault tests (contract v2 §5:
deadlines, bulk calls broken midway, recovery), run through the loopback
:class:`gofannon_db.testing.proxy.FaultProxy` in front of the same real server.
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
