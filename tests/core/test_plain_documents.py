"""``is_plain_document``: the check that lets a wire-only backend encode the caller's document without a copy.

It must never say "plain" for a document that ``validate_document`` would refuse or change: the
fast path would then send something the contract forbids.
"""

from __future__ import annotations

import enum
import math
from collections import OrderedDict
from typing import Any

import pytest
from gofannon_db import InvalidDocument
from gofannon_db.testing import strategies
from gofannon_db.validation import MAX_DEPTH, is_plain_document, validate_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def _agrees(doc: Any, doc_id: str) -> None:
    """Plain implies: validate_document accepts it and its copy equals the document minus _id."""
    if not is_plain_document(doc, doc_id):
        return
    copy = validate_document(doc, doc_id)
    assert copy == {key: value for key, value in doc.items() if key != "_id"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=strategies.documents(), doc_id=strategies.doc_ids())
def test_every_valid_document_the_suite_generates_is_plain_or_validated(doc: dict[str, Any], doc_id: str) -> None:
    _agrees(doc, doc_id)
    _agrees({"_id": doc_id, **doc}, doc_id)


_anything = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(),
        st.binary(max_size=3),
        st.tuples(st.integers()),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.one_of(st.text(max_size=6), st.integers(), st.sampled_from(["_rev", "__x__", ""])), children
        ),
    ),
    max_leaves=10,
)


@settings(max_examples=400, deadline=None)
@given(doc=st.dictionaries(st.one_of(st.text(max_size=6), st.sampled_from(["_id", "_rev", "_x", "__a__"])), _anything))
def test_hostile_documents_are_never_called_plain_unless_validation_agrees(doc: dict[Any, Any]) -> None:
    try:
        _agrees(doc, "doc-1")
    except InvalidDocument as error:  # pragma: no cover -- the failure this test exists to find
        pytest.fail(f"is_plain_document accepted a document validation refuses: {error.detail}")


class Colour(str, enum.Enum):
    RED = "red"


def _nested(levels: int) -> dict[str, Any]:
    doc: dict[str, Any] = {"leaf": 1}
    for _ in range(levels):
        doc = {"n": doc}
    return doc


@pytest.mark.parametrize(
    "doc",
    [
        {"_rev": "1-abc", "a": 1},  # a conditional write: validation splits the revision off
        {"_id": "other", "a": 1},  # an _id that is not the id
        {"_x": 1},  # reserved top-level key
        {"a": {"__proto__": 1}},  # dunder key below the top
        {"a": {1: "x"}},  # a non-string key
        {"é": 1},  # a non-ASCII key: validation checks it the long way
        {"a": 2**53},  # an integer outside the safe range
        {"a": math.nan},
        {"a": (1, 2)},  # a tuple is not JSON
        {"a": Colour.RED},  # a subclass: validation converts it
        {"a": OrderedDict(b=1)},
        {"a": True.__class__(1), "b": "\ud800"},  # a lone surrogate
        _nested(MAX_DEPTH),  # at the depth limit
        {"k" * 400: 1},  # near the field-path limit: validation computes it exactly
    ],
)
def test_unusual_documents_go_the_long_way(doc: dict[Any, Any]) -> None:
    assert not is_plain_document(doc, "doc-1")


def test_plain_documents_are_recognised() -> None:
    assert is_plain_document(
        {"_id": "doc-1", "name": "Adé", "tags": ["a", 1, 2.5, None, True], "m": {"k": [{}]}}, "doc-1"
    )
    assert is_plain_document({}, "doc-1")
    assert is_plain_document(_nested(MAX_DEPTH - 2), "doc-1")


@pytest.mark.parametrize("levels", range(MAX_DEPTH + 2))
def test_the_depth_limit_is_where_validation_puts_it(levels: int) -> None:
    doc = _nested(levels)
    _agrees(doc, "doc-1")
    try:
        validate_document(doc, "doc-1")
    except InvalidDocument:
        assert not is_plain_document(doc, "doc-1")
