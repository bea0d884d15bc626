"""Hypothesis strategies for the contract's whole value space (contract sections 2 and 4).

Everything drawn here is valid on every backend: a backend must store and return it
unchanged (by the contract's equality rules). Use them in your own property tests::

    from hypothesis import given
    from gofannon_db.testing.strategies import doc_ids, documents

    @given(doc_id=doc_ids(), doc=documents())
    def test_round_trip(doc_id, doc): ...

Documents are small by default (``max_leaves``) so that tests against real servers stay
fast; nesting still reaches the contract's full depth of 20 through single chains.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from hypothesis import strategies as st

from ..validation import MAX_DEPTH, MAX_SAFE_INTEGER, validate_doc_id

__all__ = [
    "AWKWARD_KEYS",
    "AWKWARD_KEY_CHARS",
    "ID_SPECIAL_CHARS",
    "collection_names",
    "doc_ids",
    "documents",
    "field_keys",
    "floats",
    "integers",
    "json_values",
    "keys",
    "scalars",
    "strings",
    "top_level_keys",
]

AWKWARD_KEY_CHARS = " .\"'\\`$[]#*~/-:@!?%&+="
"""Characters that mean something to some server's field-path or query syntax."""
ID_SPECIAL_CHARS = " +%?#:@&=;,$!'()*[]~"
"""Characters that mean something in a URL: ids with them must still round-trip."""

_UNICODE = st.characters(exclude_categories=["Cs"])  # any code point but lone surrogates
_ID_CHARS = st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="/")
_KEY_CHARS = st.one_of(
    st.sampled_from(AWKWARD_KEY_CHARS), st.characters(min_codepoint=0x61, max_codepoint=0x7A), _UNICODE
)

_EDGE_FLOATS = (
    0.1,
    -2.5,
    1 / 3,
    math.pi,
    5e-324,
    2.2250738585072014e-308,
    1e-300,
    1e300,
    1.7976931348623157e308,
    -0.0,
    2.0,
    1e15,
    5.230586851816138e16,
    4503599627370495.5,
    9007199254740993.0,
    -1.2345678901234567e20,
)
_EDGE_INTS = (0, 1, -1, MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER, MAX_SAFE_INTEGER - 1, 2**31, -(2**31) - 1, 2**32)


@functools.cache
def integers() -> st.SearchStrategy[int]:
    """Ints the contract allows: within ±(2**53 - 1), with the bounds themselves often."""
    return st.one_of(st.sampled_from(_EDGE_INTS), st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER))


@functools.cache
def floats() -> st.SearchStrategy[float]:
    """Finite floats: subnormal, tiny, huge, integral (also beyond 2**53, which doubles-only servers mangle)."""
    return st.one_of(
        st.sampled_from(_EDGE_FLOATS),
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(-(2**70), 2**70).map(float),  # integral floats, many beyond ±2**53
    )


@functools.cache
def strings(max_size: int = 20) -> st.SearchStrategy[str]:
    """Valid Unicode text (no lone surrogates), NUL, quotes and emoji included."""
    return st.text(_UNICODE, max_size=max_size)


@functools.cache
def scalars() -> st.SearchStrategy[Any]:
    """``None``, booleans, ints, floats and strings; the edge values of each often."""
    return st.one_of(
        st.sampled_from((None, True, False, "", *_EDGE_INTS, *_EDGE_FLOATS)), integers(), floats(), strings()
    )


def _is_reserved_key(key: str) -> bool:
    return len(key) > 4 and key.startswith("__") and key.endswith("__")


AWKWARD_KEYS = (
    "with space",
    "dot.ted",
    'quo"te',
    "apo'strophe",
    "back\\slash",
    "`tick`",
    "$dollar",
    "-dash",
    "[0]",
    "*",
    "#hash",
    "ünï",
    "🔑",
    "1",
    "_under",
    "a.b.c",
    "__",
    "x__",
)
"""Keys that mean something to some server's field paths or query syntax; drawn often."""


@functools.cache
def keys(max_size: int = 12) -> st.SearchStrategy[str]:
    """Keys valid at any depth: non-empty, not ``__name__``; dots, quotes, backslashes, spaces, Unicode."""
    drawn = st.text(_KEY_CHARS, min_size=1, max_size=max_size).filter(lambda key: not _is_reserved_key(key))
    return st.one_of(st.sampled_from(AWKWARD_KEYS), drawn)


@functools.cache
def top_level_keys(max_size: int = 12) -> st.SearchStrategy[str]:
    """Keys valid at the top of a document: also not starting with ``_``."""
    return keys(max_size).filter(lambda key: not key.startswith("_"))


@functools.cache
def field_keys(max_size: int = 12) -> st.SearchStrategy[str]:
    """Keys a ``find`` selector can address: a dotted path splits on ``.``, so these have none."""
    return keys(max_size).filter(lambda key: "." not in key)


@functools.cache
def _ints(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


@functools.cache
def _unique_keys(max_size: int, top_level: bool) -> st.SearchStrategy[list[str]]:
    return st.lists(top_level_keys() if top_level else keys(), max_size=max_size, unique=True)


_KINDS = st.sampled_from(("scalar", "scalar", "list", "map", "chain"))


def _draw_chain(draw: st.DrawFn, levels: int) -> Any:
    """``levels`` single-child containers (maps and lists, mixed) around one scalar: depth at a small size."""
    value = draw(scalars())
    for _ in range(levels):
        value = {draw(keys(4)): value} if draw(st.booleans()) else [value]
    return value


def _draw_tree(draw: st.DrawFn, levels: int, budget: list[int]) -> Any:
    """A value with at most ``levels`` nested containers, spending ``budget[0]`` leaves overall.

    Plain recursion over cached strategies: building strategies per draw costs more
    than drawing from them.
    """
    kind = "scalar" if levels <= 0 or budget[0] <= 1 else draw(_KINDS)
    if kind == "scalar":
        budget[0] -= 1
        return draw(scalars())
    if kind == "chain":
        budget[0] -= 1
        return _draw_chain(draw, draw(_ints(1, levels)))
    size = draw(_ints(0, min(4, budget[0])))
    if kind == "list":
        return [_draw_tree(draw, levels - 1, budget) for _ in range(size)]
    return {name: _draw_tree(draw, levels - 1, budget) for name in draw(_unique_keys(size, False))}


def json_values(*, max_depth: int = MAX_DEPTH - 1, max_leaves: int = 8) -> st.SearchStrategy[Any]:
    """Any JSON value with at most ``max_depth`` nested containers (lists of lists included)."""

    @st.composite
    def values(draw: st.DrawFn) -> Any:
        return _draw_tree(draw, max_depth, [draw(_ints(1, max_leaves))])

    return values()


@st.composite
def documents(draw: st.DrawFn, *, max_depth: int = MAX_DEPTH, max_leaves: int = 8) -> dict[str, Any]:
    """A valid document body (no ``_id``/``_rev``), nested up to ``max_depth`` levels counting itself.

    ``max_leaves`` is the size budget: scalars in the whole document, roughly.
    """
    budget = [draw(_ints(0, max_leaves))]
    names = draw(_unique_keys(min(5, budget[0]), True))
    return {name: _draw_tree(draw, max_depth - 1, budget) for name in names}


@functools.cache
def doc_ids(max_size: int = 16) -> st.SearchStrategy[str]:
    """Valid document ids: spaces, ``+ % ? # : @ &``, any Unicode; never ``/``, controls, ``_`` first, ``.``/``..``."""
    alphabet = st.one_of(
        st.sampled_from(ID_SPECIAL_CHARS), st.characters(min_codepoint=0x61, max_codepoint=0x7A), _ID_CHARS
    )
    return st.text(alphabet, min_size=1, max_size=max_size).filter(_valid_id)


def _valid_id(doc_id: str) -> bool:
    try:
        validate_doc_id(doc_id)
    except Exception:
        return False
    return True


@functools.cache
def collection_names() -> st.SearchStrategy[str]:
    """Valid collection names (``[a-z][a-z0-9_-]{2,62}``)."""
    return st.from_regex(r"[a-z][a-z0-9_-]{2,20}", fullmatch=True)
