"""Shared pieces of the one-pass encoding tests: a JSON-document strategy and a call counter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

__all__ = ["Counter", "json_bodies"]

_keys = st.one_of(
    st.sampled_from(["a", "b", "~", "~0", "~~x", "name", "é", "日本", "k.v"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=6).filter(
        lambda key: not (key.startswith("__") and key.endswith("__"))
    ),
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8),
)
_values = st.recursive(
    _scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(_keys, children, max_size=4)),
    max_leaves=12,
)
json_bodies = st.dictionaries(_keys.filter(lambda key: not key.startswith("_")), _values, max_size=5)
"""Validated document bodies: nested lists and maps, ``~`` keys, non-ASCII text, integral floats."""


class Counter:
    """Wraps a function and counts the calls whose first argument ``matches``."""

    def __init__(self, function: Callable[..., Any], matches: Callable[[Any], bool] = lambda _: True) -> None:
        self.function = function
        self.matches = matches
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if args and self.matches(args[0]):
            self.calls += 1
        return self.function(*args, **kwargs)
