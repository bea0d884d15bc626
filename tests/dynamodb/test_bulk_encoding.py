"""DynamoDB encodes each written document once: the attributes sized by the core's check are the ones sent."""

from __future__ import annotations

from typing import Any

import pytest
from gofannon_db.testing.base import fresh_name
from gofannon_db_dynamodb import service as ddb_module
from gofannon_db_dynamodb.service import REV_RESERVE, DynamoDBDatabaseService
from gofannon_db_dynamodb.values import _int_size, _number_size, encode_body, encode_body_sized, item_size
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.bulk_encoding import Counter, json_bodies


@settings(max_examples=60, deadline=None)
@given(body=json_bodies)
def test_prepared_size_is_the_size_of_the_whole_item(body: dict[str, Any]) -> None:
    service = DynamoDBDatabaseService(
        endpoint_url="http://127.0.0.1:9", aws_access_key_id="dummy", aws_secret_access_key="dummy"
    )  # never contacted
    assert encode_body_sized(body) == (encode_body(body), item_size(encode_body(body)))
    size, attributes = service._prepare_write("things", "doc-é", body)
    assert attributes == encode_body(body)
    item = {"_id": {"S": "doc-é"}, "_rev": {"S": "0" * REV_RESERVE}, **attributes}
    assert size == item_size(item) == service._document_size("things", "doc-é", body)


def test_writes_encode_each_document_once(
    ddb_service: DynamoDBDatabaseService, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = Counter(encode_body_sized)
    monkeypatch.setattr(ddb_module, "encode_body_sized", counter)

    def never(*args: Any) -> None:
        raise AssertionError("a document was encoded a second time")

    monkeypatch.setattr(ddb_module, "encode_body", never)
    collection = fresh_name("enc")
    docs = [{"_id": f"d{n}", "n": n, "f": 2.0, "t": "é"} for n in range(30)]
    results = ddb_service.save_many(collection, docs)
    assert counter.calls == 30
    assert all(result["ok"] for result in results)
    rev = ddb_service.save(collection, "d1", {"n": 5, "_rev": results[1]["rev"]})["rev"]
    ddb_service.create(collection, "new", {"x": 1})
    assert counter.calls == 32
    assert ddb_service.get(collection, "d1") == {"_id": "d1", "_rev": rev, "n": 5}
    assert ddb_service.get(collection, "d2") == {"_id": "d2", "_rev": results[2]["rev"], "n": 2, "f": 2.0, "t": "é"}


@settings(max_examples=200, deadline=None)
@given(
    value=st.one_of(st.integers(-(10**28) + 1, 10**28 - 1), st.integers(-5, 5).map(lambda e: 10**e if e >= 0 else 0))
)
def test_integer_sizes_without_decimal_match_dynamodbs_count(value: int) -> None:
    assert _int_size(value) == _number_size(str(value))
