"""``Option`` and ``Provider`` behave as the frozen dataclasses they replaced (without importing dataclasses)."""

from __future__ import annotations

import copy
import pickle

import pytest
from gofannon_db.backends.builtin import MEMORY, SQLITE
from gofannon_db.provider import Option, Provider


def test_equal_by_value_hashable_and_immutable() -> None:
    first = Option("X_URL", "where", default="a", identity=True)
    assert first == Option("X_URL", "where", "a", False, False, True)
    assert first != Option("X_URL", "where", default="b", identity=True)
    assert first == Option("X_URL", "where", default="a", identity=True, normalise=str.strip)  # not compared
    assert len({first, Option("X_URL", "where", default="a", identity=True)}) == 1
    with pytest.raises(AttributeError, match="immutable"):
        first.default = "b"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del first.help  # type: ignore[misc]


def test_provider_takes_any_iterable_of_options_and_names_them() -> None:
    provider = Provider("x", MEMORY.create, options=[Option("A", "a"), Option("B", "b")])
    assert provider.options == (Option("A", "a"), Option("B", "b"))
    assert provider.option_names == ("A", "B")
    assert hash(provider) == hash(Provider("x", MEMORY.create, options=(Option("A", "a"), Option("B", "b"))))
    assert repr(provider).startswith("Provider(name='x', create=")


@pytest.mark.parametrize("value", [MEMORY, SQLITE, SQLITE.options[0]])
def test_copies_and_pickles_are_equal(value: object) -> None:
    assert copy.copy(value) == value
    assert copy.deepcopy(value) == value
    assert pickle.loads(pickle.dumps(value)) == value
