"""The hot paths' shortcuts give exactly what the plain rules give (found faster, never different)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from gofannon_db import InvalidDocument
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.codec import json_size
from gofannon_db.testing.strategies import doc_ids, documents
from gofannon_db.validation import validate_document
from hypothesis import given, settings


@settings(max_examples=300, deadline=None)
@given(doc_id=doc_ids(), body=documents())
def test_the_default_size_is_the_encoded_document_with_id_and_revision(doc_id: str, body: dict[str, Any]) -> None:
    expected = json_size({"_id": doc_id, "_rev": "0" * 34, **body})
    assert MemoryDatabaseService()._document_size("c", doc_id, body) == expected


@settings(max_examples=300, deadline=None)
@given(body=documents())
def test_validation_returns_an_equal_private_copy(body: dict[str, Any]) -> None:
    original = copy.deepcopy(body)
    checked = validate_document(body, "d")
    assert checked == original
    assert body == original
    stack: list[tuple[Any, Any]] = [(checked, body)]
    while stack:  # no container of the copy is the caller's
        mine, theirs = stack.pop()
        if isinstance(mine, (dict, list)):
            assert mine is not theirs
            if isinstance(mine, dict):
                stack.extend(zip(mine.values(), theirs.values(), strict=True))
            else:
                stack.extend(zip(mine, theirs, strict=True))


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ({"a": {"b": [1, {"c": 2**53}]}}, "a.b[1].c"),
        ({"a": [float("nan")]}, "a[0]"),
        ({"a": {"": 1}}, "a"),
        ({"a": {"__x__": 1}}, "a.__x__"),
        ({"a": {1: 1}}, "a"),
        ({"a": ["\ud800"]}, "a[0]"),
        ({"_x": 1}, "_x"),
        ({"a": (1, 2)}, "a"),
        ({"a": {"b": True, "c": None, "d": 1.5, "e": {1, 2}}}, "a.e"),
    ],
)
def test_the_inline_paths_still_refuse_what_the_rules_refuse(doc: dict[str, Any], path: str) -> None:
    with pytest.raises(InvalidDocument) as excinfo:
        validate_document(doc, "d")
    assert excinfo.value.path == path
