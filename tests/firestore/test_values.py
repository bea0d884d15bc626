"""How documents are stored in Firestore: lists of lists, escaped keys, depth and sizes."""

from __future__ import annotations

from typing import Any

import pytest
from gofannon_db.errors import DocumentTooLarge
from gofannon_db.testing.base import fresh_name
from gofannon_db.validation import MAX_DEPTH
from gofannon_db_firestore.service import FirestoreDatabaseService
from gofannon_db_firestore.values import (
    decode_document,
    decode_value,
    encode_document,
    encode_value,
    stored_size,
    value_size,
)

TRICKY: dict[str, Any] = {
    "matrix": [[1, 2], [3, [4, [5, []]]], []],
    "tilde_keys": {"~0": "looks like an index", "~": 1, "~~": 2, "~~~x": 3, "a~": 4},
    "~top": [[{"~1": [["deep"]]}]],
    "map_in_list_of_lists": [[{"k": [[True, None]]}], {"~0": [[]]}],
    "list_of_empty_lists": [[], [[]], [[], []]],
    "mixed": [1, [2.5, "s"], {"m": [[0]]}],
}


def _nested(depth: int, leaf: Any, container: str) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value] if container == "list" else {"k": value}
    return value


def _alternating(depth: int) -> Any:
    value: Any = "leaf"
    for level in range(depth):
        value = [value] if level % 3 else {"~k": value}
    return value


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(item) for item in value), default=0)
    return 0


def _no_array_in_array(value: Any, in_array: bool = False) -> bool:
    if isinstance(value, list):
        return not in_array and all(_no_array_in_array(item, True) for item in value)
    if isinstance(value, dict):
        return all(_no_array_in_array(item) for item in value.values())
    return True


def _user_maps_never_look_encoded(value: Any) -> bool:
    """Every map that came from a caller's map has no key of the form ``~<digits>``."""
    if isinstance(value, dict):
        return all(_user_maps_never_look_encoded(item) for item in value.values())
    if isinstance(value, list):
        return all(_user_maps_never_look_encoded(item) for item in value)
    return True


# ---------------------------------------------------------------- encoding, no server


@pytest.mark.parametrize("name", list(TRICKY))
def test_encoding_round_trips_and_has_no_array_in_an_array(name: str) -> None:
    value = TRICKY[name]
    encoded = encode_value(value)
    assert _no_array_in_array(encoded)
    assert decode_value(encoded) == value


def test_encoded_lists_cannot_be_confused_with_a_callers_map() -> None:
    as_list = encode_value([[1], [2]])
    as_map = encode_value({"~0": [1], "~1": [2]})
    assert as_list == {"~0": [1], "~1": [2]}
    assert as_map == {"~~0": [1], "~~1": [2]}
    assert decode_value(as_list) == [[1], [2]]
    assert decode_value(as_map) == {"~0": [1], "~1": [2]}


def test_encoding_keeps_the_nesting_depth() -> None:
    values: list[Any] = [_nested(19, 1, "list"), _alternating(19), TRICKY["matrix"], [[[[[]]]]]]
    for value in values:
        assert _depth(encode_value(value)) == _depth(value)


def test_document_encoding_adds_only_the_revision() -> None:
    body = {"a": [[1]], "~b": {"~c": 2}}
    fields = encode_document(body, "1-abc")
    assert fields == {"a": {"~0": [1]}, "~~b": {"~~c": 2}, "_rev": "1-abc"}
    assert decode_document(fields) == body


def test_sizes_follow_firestores_storage_size_rules() -> None:
    # The example of https://firebase.google.com/docs/firestore/storage-size, with its
    # collection "tasks" at top level (the page's is a subcollection of users/jeff: +11 bytes).
    fields = {"type": "Personal", "done": False, "priority": 1, "description": "Learn Cloud Firestore"}
    assert value_size(fields) == 71
    assert stored_size(len("tasks"), "my_task_id", fields) == 6 + 11 + 16 + 71 + 32
    assert value_size({"m": {"k": [1.5, None, True, "é"]}}) == 2 + 2 + 8 + 1 + 1 + 3


# ---------------------------------------------------------------- against the emulator


@pytest.fixture
def collection(firestore_service: FirestoreDatabaseService) -> str:
    return fresh_name("val")


def _raw(service: FirestoreDatabaseService, collection: str, doc_id: str) -> dict[str, Any]:
    snapshot = service.client.collection(collection).document(doc_id).get()
    assert snapshot.exists
    return snapshot.to_dict() or {}


def test_tricky_values_round_trip_through_firestore(
    firestore_service: FirestoreDatabaseService, collection: str
) -> None:
    rev = firestore_service.save(collection, "doc", TRICKY)["rev"]
    assert firestore_service.get(collection, "doc") == {"_id": "doc", "_rev": rev, **TRICKY}
    stored = _raw(firestore_service, collection, "doc")
    assert stored["_rev"] == rev
    assert stored["matrix"] == {"~0": [1, 2], "~1": {"~0": 3, "~1": [4, {"~0": 5, "~1": []}]}, "~2": []}
    assert stored["tilde_keys"]["~~0"] == "looks like an index"
    assert "~~top" in stored


def test_contract_maximum_depth_fits_firestore(firestore_service: FirestoreDatabaseService, collection: str) -> None:
    """A top-level field may hold 19 more levels (the document is level 1): Firestore allows 20."""
    doc = {
        "lists": _nested(MAX_DEPTH - 1, "leaf", "list"),
        "maps": _nested(MAX_DEPTH - 1, "leaf", "map"),
        "mixed": _alternating(MAX_DEPTH - 1),
        "wide": [_nested(MAX_DEPTH - 4, [1, [2]], "list")],
    }
    assert all(_depth(value) == MAX_DEPTH - 1 for value in doc.values())
    firestore_service.save(collection, "deep", doc)
    got = firestore_service.get(collection, "deep")
    assert {key: value for key, value in got.items() if key not in ("_id", "_rev")} == doc
    stored = _raw(firestore_service, collection, "deep")
    assert max(_depth(stored[key]) for key in doc) == MAX_DEPTH - 1


def test_firestore_enforces_exactly_the_counted_size(
    firestore_service: FirestoreDatabaseService, collection: str
) -> None:
    """The emulator's own limit agrees byte for byte with :func:`stored_size`.

    The core's check counts the collection at its longest, so here the hook is called
    directly to send documents the core would stop: one at exactly 1 MiB as Firestore
    counts it, one byte over.
    """
    limit = firestore_service.max_document_bytes
    rev_bytes = len("1-" + "0" * 32)

    def body_of(size: int) -> dict[str, Any]:
        base = stored_size(len(collection), "big", encode_document({"data": "", "n": [[1]]}, "x" * rev_bytes))
        return {"data": "x" * (size - base), "n": [[1]]}

    at_limit = body_of(limit)
    assert stored_size(len(collection), "big", encode_document(at_limit, "x" * rev_bytes)) == limit
    firestore_service._save(collection, "big", at_limit, None)
    assert len(firestore_service.get(collection, "big")["data"]) == len(at_limit["data"])
    with pytest.raises(DocumentTooLarge):
        firestore_service._call(firestore_service._save, collection, "big2", body_of(limit + 1), None)
    assert firestore_service.get_many(collection, ["big2"]) == {"big2": None}


def test_core_counts_conservatively(firestore_service: FirestoreDatabaseService) -> None:
    """document_size counts the real collection id and never undercounts: the longest revision."""
    body = {"data": "x" * 100}
    counted = firestore_service.document_size("abc", "doc", body)
    actual = stored_size(len("abc"), "doc", encode_document(body, "1-" + "0" * 32))
    assert counted - actual == 49 - 34
