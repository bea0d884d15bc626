"""Contract section 1: ``close()`` releases the service; using it afterwards is a typed error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ..errors import DatabaseError
from ..service import DatabaseService
from .base import SuiteBase, fresh_name

_CALLS: dict[str, Callable[[DatabaseService, str], Any]] = {
    "get": lambda service, name: service.get(name, "doc"),
    "save": lambda service, name: service.save(name, "doc", {"x": 1}),
    "delete": lambda service, name: service.delete(name, "doc"),
    "list_all": lambda service, name: service.list_all(name),
    "iter_all": lambda service, name: list(service.iter_all(name)),
    "get_many": lambda service, name: service.get_many(name, ["doc"]),
    "save_many": lambda service, name: service.save_many(name, [{"_id": "doc"}]),
    "find": lambda service, name: service.find(name, {"x": 1}),
    "count": lambda service, name: service.count(name),
    "list_collections": lambda service, name: service.list_collections(),
    "ping": lambda service, name: service.ping(),
}


class ClosingTests(SuiteBase):
    @pytest.mark.parametrize("call", sorted(_CALLS))
    def test_a_closed_service_raises_a_typed_error(self, service: DatabaseService, call: str) -> None:
        service.close()
        with pytest.raises(DatabaseError) as excinfo:
            _CALLS[call](service, fresh_name("closed"))
        assert "closed" in excinfo.value.detail, f"{excinfo.value!r} should say the service is closed"

    def test_close_twice_and_a_with_block_are_harmless(self, service: DatabaseService) -> None:
        with service as same:
            assert same is service
        service.close()
