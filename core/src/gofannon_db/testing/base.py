"""Fixtures and helpers shared by the conformance test groups."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any, TypeVar

import pytest

from ..errors import DatabaseError, DocumentNotFound
from ..service import DatabaseService

__all__ = ["SuiteBase", "assert_error", "fresh_name", "read_shared"]

_E = TypeVar("_E", bound=DatabaseError)


def fresh_name(stem: str = "t") -> str:
    """A collection name no other test uses."""
    return f"{stem}-{uuid.uuid4().hex[:12]}"


def assert_error(excinfo: pytest.ExceptionInfo[_E], status_code: int, *mentions: str) -> _E:
    """Check the typed error's status and that its detail names what went wrong."""
    error = excinfo.value
    assert isinstance(error, DatabaseError)
    assert error.status_code == status_code, f"{error!r} should carry status {status_code}"
    assert isinstance(error.detail, str)
    assert error.detail
    for mention in mentions:
        assert mention in error.detail, f"{error.detail!r} should mention {mention!r}"
    return error


def read_shared(service: DatabaseService, prefixed: DatabaseService, logical: str, doc_id: str) -> dict[str, Any]:
    """Read, through ``service``, a document that ``prefixed`` wrote in ``logical``; fail clearly
    when the two fixtures do not share one store."""
    physical = prefixed.collection_prefix + logical
    try:
        return service.get(physical, doc_id)
    except DocumentNotFound:
        pytest.fail(
            f"`service` and `prefixed_service` do not share storage: a document saved through "
            f"prefixed_service in {logical!r} (physical {physical!r}) is not visible to service as "
            f"{physical!r}. Build both fixtures on the same server (or the same in-process store); "
            "only the collection_prefix may differ. Hooks to look at if they do share it: _save, _get "
            "(they must use the physical collection name as given).",
            pytrace=False,
        )


class SuiteBase:
    """Fixtures every group uses. Subclasses supply ``service`` and ``prefixed_service``."""

    concurrency_threads: int = 8
    """Threads in the read-modify-write test (``--gofannon-concurrency`` overrides it)."""
    concurrency_increments: int = 10
    """Successful increments each thread makes."""
    secret_values: tuple[str, ...] = ()
    """Strings (passwords, keys) that must never appear in reprs or error text."""

    @pytest.fixture
    def service(self) -> DatabaseService:
        pytest.fail("Supply a `service` fixture returning a fresh DatabaseService connected to a real server.")

    @pytest.fixture
    def prefixed_service(self) -> DatabaseService:
        pytest.fail(
            "Supply a `prefixed_service` fixture: a service on the same server as `service`, "
            "created with a non-empty collection_prefix."
        )

    @pytest.fixture
    def collection(self, service: DatabaseService) -> Iterator[str]:
        name = fresh_name()
        yield name
        with contextlib.suppress(DatabaseError):
            service.drop_collection(name)

    @staticmethod
    def body(doc: dict[str, Any]) -> dict[str, Any]:
        """A stored document without its ``_id`` and ``_rev``."""
        return {key: value for key, value in doc.items() if key not in ("_id", "_rev")}
