"""DynamoDB-specific behaviour against DynamoDB Local: request counts, storage format, sizes,
indexes, batches, errors and secrets."""

from __future__ import annotations

import logging
import math
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from gofannon_db import create_database_service
from gofannon_db.errors import BackendUnavailable, DocumentNotFound, DocumentTooLarge, RevisionConflict, Unauthorized
from gofannon_db.settings import Settings
from gofannon_db.testing.base import fresh_name

from tests.launchers.dynamodb import ACCESS_KEY_ID, SECRET_ACCESS_KEY, DynamoDBServer
from tests.launchers.process import free_port

from .conftest import make_service


class Requests:
    """Counts the API calls and the HTTP sends a client makes, through botocore's event hooks."""

    def __init__(self, client: Any) -> None:
        self.calls: Counter[str] = Counter()
        self.sends = 0
        self._lock = threading.Lock()  # bulk calls send requests from several threads
        client.meta.events.register("before-call.dynamodb.*", self._call)
        client.meta.events.register("before-send.dynamodb.*", self._send)

    def _call(self, model: Any, **_: Any) -> None:
        with self._lock:
            self.calls[model.name] += 1

    def _send(self, **_: Any) -> None:
        with self._lock:
            self.sends += 1

    def reset(self) -> None:
        self.calls.clear()
        self.sends = 0


@pytest.fixture
def collection(ddb_service: Any) -> Iterator[str]:
    name = fresh_name("ddb")
    yield name
    ddb_service.drop_collection(name)


@pytest.fixture
def requests(ddb_service: Any) -> Requests:
    return Requests(ddb_service.client)


def raw_item(service: Any, collection: str, doc_id: str) -> dict[str, Any]:
    item: dict[str, Any] = service.client.get_item(TableName=collection, Key={"_id": {"S": doc_id}})["Item"]
    return item


# ---------------------------------------------------------------- requests per operation


def test_steady_state_get_and_save_are_one_request_each(ddb_service: Any, collection: str, requests: Requests) -> None:
    ddb_service.save(collection, "doc", {"v": 0})  # creates the table: DescribeTable + CreateTable + PutItem
    requests.reset()
    for n in range(5):
        ddb_service.save(collection, "doc", {"v": n})
        assert ddb_service.get(collection, "doc")["v"] == n
    assert requests.calls == Counter({"PutItem": 5, "GetItem": 5})
    assert requests.sends == 10


def test_a_conditional_save_create_and_delete_are_one_request_each(
    ddb_service: Any, collection: str, requests: Requests
) -> None:
    rev = ddb_service.save(collection, "doc", {"v": 0})["rev"]
    requests.reset()
    rev = ddb_service.save(collection, "doc", {"_rev": rev, "v": 1})["rev"]
    ddb_service.create(collection, "other", {})
    ddb_service.delete(collection, "doc", rev)
    ddb_service.delete(collection, "other")
    assert requests.calls == Counter({"PutItem": 2, "DeleteItem": 2})


def test_first_write_creates_the_table_once(ddb_service: Any, collection: str, requests: Requests) -> None:
    ddb_service.save(collection, "a", {})
    ddb_service.save(collection, "b", {})
    assert requests.calls["CreateTable"] == 1
    assert requests.calls["DescribeTable"] == 1
    table = ddb_service.client.describe_table(TableName=collection)["Table"]
    assert table["KeySchema"] == [{"AttributeName": "_id", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_reads_of_a_missing_table_send_no_create(ddb_service: Any, requests: Requests) -> None:
    name = fresh_name("missing")
    with pytest.raises(DocumentNotFound):
        ddb_service.get(name, "x")
    assert ddb_service.list_all(name) == []
    assert ddb_service.find(name, {"a": 1}) == []
    assert requests.calls["CreateTable"] == 0


def test_batches_use_25_item_writes_and_100_key_reads(ddb_service: Any, collection: str, requests: Requests) -> None:
    docs = [{"_id": f"d{n:03d}", "n": n} for n in range(260)]
    ddb_service.save(collection, "warm", {})
    requests.reset()
    assert all(result["ok"] for result in ddb_service.save_many(collection, docs))
    assert requests.calls == Counter({"BatchWriteItem": 11})
    requests.reset()
    found = ddb_service.get_many(collection, [doc["_id"] for doc in docs])
    assert requests.calls == Counter({"BatchGetItem": 3})
    assert all(found[doc["_id"]]["n"] == doc["n"] for doc in docs)
    requests.reset()
    ddb_service.delete_many(collection, [doc["_id"] for doc in docs])
    assert requests.calls == Counter({"BatchWriteItem": 11})
    assert ddb_service.count(collection) == 1


def test_save_many_keeps_the_condition_of_documents_with_a_rev(
    ddb_service: Any, collection: str, requests: Requests
) -> None:
    rev = ddb_service.save(collection, "kept", {"v": 1})["rev"]
    ddb_service.save(collection, "kept", {"v": 2})
    requests.reset()
    results = ddb_service.save_many(collection, [{"_id": "kept", "_rev": rev, "v": 3}, {"_id": "free", "v": 1}])
    assert [result["ok"] for result in results] == [False, True]
    assert results[0]["status_code"] == 409
    assert requests.calls == Counter({"BatchWriteItem": 1, "PutItem": 1})
    assert ddb_service.get(collection, "kept")["v"] == 2


@pytest.mark.parametrize("concurrency", [1, 4])
def test_parallel_batches_keep_input_order_and_conditions(
    ddb_server: DynamoDBServer, concurrency: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gofannon_db_dynamodb import service as service_module

    monkeypatch.setattr(service_module, "WRITE_BATCH", 3)
    monkeypatch.setattr(service_module, "GET_BATCH", 4)
    name = fresh_name("par")
    with make_service(ddb_server, bulk_concurrency=concurrency) as service:
        try:
            first = service.save_many(name, [{"_id": f"d{n:02d}", "n": n} for n in range(20)])
            assert [result["id"] for result in first] == [f"d{n:02d}" for n in range(20)]
            assert all(result["ok"] for result in first)
            requests = Requests(service.client)
            writes: list[dict[str, Any]] = []
            for n in range(20):
                write: dict[str, Any] = {"_id": f"d{n:02d}", "n": -n}
                if n % 5 == 0:
                    write["_rev"] = first[n]["rev"] if n != 10 else "1-stale"
                writes.append(write)
            results = service.save_many(name, writes)
            assert [result["id"] for result in results] == [f"d{n:02d}" for n in range(20)]
            assert [result["ok"] for result in results] == [n != 10 for n in range(20)]
            assert results[10]["status_code"] == 409
            # 16 unconditional writes in groups of 3, and 4 conditional PutItems, never dropped
            assert requests.calls == Counter({"BatchWriteItem": 6, "PutItem": 4})
            found = service.get_many(name, [*(f"d{n:02d}" for n in range(20)), "absent"])
            assert list(found) == [*(f"d{n:02d}" for n in range(20)), "absent"]
            assert [doc["n"] if doc else None for doc in found.values()] == [
                *(10 if n == 10 else -n for n in range(20)),
                None,
            ]
            deleted = service.delete_many(name, [f"d{n:02d}" for n in range(0, 20, 2)])
            assert all(result["ok"] for result in deleted)
            assert service.count(name) == 10
        finally:
            service.drop_collection(name)


def test_a_failed_batch_among_parallel_ones_raises(ddb_service: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A request error that is not per-document fails the call, after the other batches finished."""
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    real = ddb_service.client.batch_get_item
    calls: list[int] = []
    lock = threading.Lock()

    def flaky(**kwargs: Any) -> Any:
        with lock:
            calls.append(1)
            number = len(calls)
        if number == 2:
            raise ClientError({"Error": {"Code": "InternalServerError", "Message": "boom"}}, "BatchGetItem")
        return real(**kwargs)

    name = fresh_name("flaky")
    ddb_service.save_many(name, [{"_id": f"d{n:03d}"} for n in range(250)])
    try:
        monkeypatch.setattr(ddb_service.client, "batch_get_item", flaky)
        with pytest.raises(BackendUnavailable):
            ddb_service.get_many(name, [f"d{n:03d}" for n in range(250)])
        assert len(calls) == 3
    finally:
        ddb_service.drop_collection(name)


# ---------------------------------------------------------------- batch leftovers (stubbed responses)


def test_unprocessed_items_and_keys_are_sent_again(ddb_service: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.stub import Stubber  # type: ignore[import-untyped]

    monkeypatch.setattr(type(ddb_service), "_backoff", staticmethod(lambda attempt: None))
    put = {"PutRequest": {"Item": {"_id": {"S": "b"}}}}
    key = {"_id": {"S": "b"}}
    with Stubber(ddb_service.client) as stub:
        stub.add_response("batch_write_item", {"UnprocessedItems": {"tbl": [put]}})
        stub.add_response("batch_write_item", {"UnprocessedItems": {}}, {"RequestItems": {"tbl": [put]}})
        ddb_service._batch_write("tbl", [{"PutRequest": {"Item": {"_id": {"S": "a"}}}}, put])
        stub.add_response(
            "batch_get_item",
            {
                "Responses": {"tbl": [{"_id": {"S": "a"}, "_rev": {"S": "1-a"}}]},
                "UnprocessedKeys": {"tbl": {"Keys": [key], "ConsistentRead": True}},
            },
        )
        stub.add_response(
            "batch_get_item",
            {"Responses": {"tbl": [{"_id": {"S": "b"}, "_rev": {"S": "1-b"}}]}},
            {"RequestItems": {"tbl": {"Keys": [key], "ConsistentRead": True}}},
        )
        found = ddb_service._get_many("tbl", ["a", "b"])
        stub.assert_no_pending_responses()
    assert found == {"a": {"_id": "a", "_rev": "1-a"}, "b": {"_id": "b", "_rev": "1-b"}}


# ---------------------------------------------------------------- storage format and values


def test_numbers_are_stored_as_dynamodb_numbers_and_never_come_back_as_decimal(
    ddb_service: Any, collection: str
) -> None:
    doc = {"i": 7, "f": 0.1, "two": 2.0, "tiny": 5e-324, "huge": 1e300, "list": [1, 2.5, [3.0]], "m": {"x": -0.0}}
    ddb_service.save(collection, "doc", doc)
    item = raw_item(ddb_service, collection, "doc")
    assert item["i"] == {"N": "7"}
    assert item["f"] == {"N": "0.1"}
    assert item["two"] == {"N": "2"}  # DynamoDB normalises; the float is remembered in _floats
    assert item["tiny"] == {"M": {"__float__": {"S": "5e-324"}}}  # beyond DynamoDB's number range
    stored = ddb_service.get(collection, "doc")

    def walk(value: Any) -> Iterator[Any]:
        yield value
        if isinstance(value, dict):
            for item in value.values():
                yield from walk(item)
        if isinstance(value, list):
            for item in value:
                yield from walk(item)

    assert not any(isinstance(value, Decimal) for value in walk(stored))
    assert {key: stored[key] for key in doc} == doc
    assert type(stored["two"]) is float
    assert type(stored["list"][2][0]) is float
    assert type(stored["i"]) is int
    assert math.copysign(1, stored["m"]["x"]) in (1, -1)


def test_revision_is_an_attribute_and_internal_attributes_stay_hidden(ddb_service: Any, collection: str) -> None:
    rev = ddb_service.save(collection, "doc", {"f": 1.0})["rev"]
    item = raw_item(ddb_service, collection, "doc")
    assert item["_rev"] == {"S": rev}
    assert "_floats" in item
    assert set(ddb_service.get(collection, "doc")) == {"_id", "_rev", "f"}
    assert ddb_service.find(collection, {"f": 1}, fields=["f"]) == [{"_id": "doc", "f": 1.0}]
    assert type(ddb_service.find(collection, {"f": 1}, fields=["f"])[0]["f"]) is float


def test_find_matches_numbers_across_int_and_float_and_beyond_the_number_range(
    ddb_service: Any, collection: str
) -> None:
    ddb_service.save_many(
        collection,
        [{"_id": "int", "n": 2}, {"_id": "float", "n": 2.0}, {"_id": "tiny", "n": 1e-300}, {"_id": "str", "n": "2"}],
    )
    assert sorted(doc["_id"] for doc in ddb_service.find(collection, {"n": 2})) == ["float", "int"]
    assert [doc["_id"] for doc in ddb_service.find(collection, {"n": 1e-300})] == ["tiny"]
    assert ddb_service.find(collection, {"n": 10**40}) == []


# ---------------------------------------------------------------- sizes


def test_document_size_matches_the_server_at_the_limit(ddb_service: Any, collection: str) -> None:
    """A document the size model puts at exactly 400 KB is accepted; one byte more, sent raw, is refused."""
    from gofannon_db_dynamodb.service import REV_RESERVE
    from gofannon_db_dynamodb.values import encode_body

    body: dict[str, Any] = {
        "numbers": [0, 1, -12, 123.456, 1 / 3, -0.25, 9007199254740991, 1e-100, 100, 2.0],
        "nested": {"a": {"b": [True, None, "ü", {}, []]}, "ключ": "значение"},
        "data": "",
    }
    limit = ddb_service.max_document_bytes
    assert limit == 409_600
    body["data"] = "x" * (limit - ddb_service.document_size(collection, "doc", body))
    assert ddb_service.document_size(collection, "doc", body) == limit
    rev = "0" * REV_RESERVE  # the revision length the size model reserves
    item = {"_id": {"S": "doc"}, "_rev": {"S": rev}, **encode_body(body)}
    ddb_service.save(collection, "warm", {})
    ddb_service.client.put_item(TableName=collection, Item=item)  # exactly the limit: accepted
    item["data"] = {"S": body["data"] + "x"}
    with pytest.raises(ddb_service.client.exceptions.ClientError, match="size"):
        ddb_service.client.put_item(TableName=collection, Item=item)
    ddb_service.save(collection, "doc", body)  # through the service, with a real (shorter) revision
    with pytest.raises(DocumentTooLarge):
        ddb_service.save(collection, "doc", {**body, "data": body["data"] + "x"})


def test_a_server_size_refusal_is_413(ddb_service: Any, collection: str) -> None:
    """Index attributes count too: if the server refuses the item, the caller still sees 413."""
    ddb_service.save(collection, "doc", {"k": "v"})
    ddb_service.ensure_index(collection, ["k"])
    body = {"k": "v" * 200, "data": ""}
    body["data"] = "x" * (ddb_service.max_document_bytes - ddb_service.document_size(collection, "doc", body))
    with pytest.raises(DocumentTooLarge):
        ddb_service.save(collection, "doc", body)
    assert ddb_service.get(collection, "doc")["k"] == "v"


# ---------------------------------------------------------------- revisions


def test_delete_with_a_rev_of_a_missing_document_is_404_and_stale_is_409(ddb_service: Any, collection: str) -> None:
    rev = ddb_service.save(collection, "doc", {})["rev"]
    with pytest.raises(DocumentNotFound):
        ddb_service.delete(collection, "absent", rev)
    with pytest.raises(RevisionConflict):
        ddb_service.delete(collection, "doc", "1-" + "0" * 32)
    ddb_service.delete(collection, "doc", rev)


def test_a_table_dropped_by_another_process_is_recreated_on_write(
    ddb_service: Any, ddb_server: DynamoDBServer, collection: str
) -> None:
    ddb_service.save(collection, "doc", {})
    with make_service(ddb_server) as other:
        other.drop_collection(collection)
    with pytest.raises(DocumentNotFound):
        ddb_service.get(collection, "doc")
    ddb_service.save(collection, "again", {"v": 1})
    assert [doc["_id"] for doc in ddb_service.list_all(collection)] == ["again"]


# ---------------------------------------------------------------- indexes


def test_ensure_index_creates_a_gsi_that_find_queries(ddb_service: Any, collection: str, requests: Requests) -> None:
    ddb_service.save_many(
        collection,
        [
            {"_id": "num", "age": 36, "team": {"name": "core"}},
            {"_id": "float", "age": 36.0},
            {"_id": "str", "age": "36", "team": {"name": "core"}},
            {"_id": "bool", "age": True},
            {"_id": "null", "age": None},
            {"_id": "list", "age": [36]},
            {"_id": "none"},
        ],
    )
    ddb_service.ensure_index(collection, ["age"])
    ddb_service.ensure_index(collection, ["age"])  # idempotent
    ddb_service.ensure_index(collection, ["team.name", "age"], index_name="by-team-age")
    gsis = ddb_service.client.describe_table(TableName=collection)["Table"]["GlobalSecondaryIndexes"]
    assert len(gsis) == 2
    assert all(gsi["IndexStatus"] == "ACTIVE" for gsi in gsis)
    assert "by-team-age" in {gsi["IndexName"] for gsi in gsis}
    ddb_service.save(collection, "later", {"age": 36})  # written after the index: indexed too
    requests.reset()

    def ids(selector: dict[str, Any]) -> list[str]:
        return sorted(doc["_id"] for doc in ddb_service.find(collection, selector))

    assert ids({"age": 36}) == ["float", "later", "num"]
    assert ids({"age": "36"}) == ["str"]
    assert ids({"age": True}) == ["bool"]
    assert ids({"age": None}) == ["null"]
    assert ids({"age": 1}) == []
    assert ids({"team.name": "core", "age": "36"}) == ["str"]
    assert requests.calls == Counter({"Query": 6})
    requests.reset()
    assert ids({"team.name": "core"}) == ["num", "str"]  # not all fields of an index: Scan
    assert requests.calls == Counter({"Scan": 1})


def test_an_index_is_used_by_a_new_service_and_kept_up_to_date(
    ddb_service: Any, ddb_server: DynamoDBServer, collection: str
) -> None:
    ddb_service.ensure_index(collection, ["role"])
    with make_service(ddb_server) as other:
        counter = Requests(other.client)
        other.save(collection, "a", {"role": "user"})
        other.save(collection, "b", {"role": "admin"})
        other.save(collection, "a", {"role": "admin"})
        assert sorted(doc["_id"] for doc in other.find(collection, {"role": "admin"})) == ["a", "b"]
        assert counter.calls["Query"] == 1
        other.delete(collection, "b")
        assert [doc["_id"] for doc in other.find(collection, {"role": "admin"}, limit=5)] == ["a"]


# ---------------------------------------------------------------- errors and secrets


def test_an_unreachable_endpoint_is_backend_unavailable(ddb_server: DynamoDBServer) -> None:
    with make_service(ddb_server, endpoint_url=f"http://127.0.0.1:{free_port()}", timeout=1.0, max_attempts=2) as dead:
        with pytest.raises(BackendUnavailable) as excinfo:
            dead.get("things", "doc")
        assert excinfo.value.status_code == 503
        with pytest.raises(BackendUnavailable):
            dead.ping()


def test_rejected_credentials_are_unauthorized_and_never_shown(
    ddb_server: DynamoDBServer, caplog: pytest.LogCaptureFixture
) -> None:
    bad_key, bad_secret = "badkey!", "topsecretvalue123"
    caplog.set_level(logging.DEBUG)
    with make_service(ddb_server, aws_access_key_id=bad_key, aws_secret_access_key=bad_secret) as service:
        with pytest.raises(Unauthorized) as excinfo:
            service.save(fresh_name(), "doc", {})
        for text in (str(excinfo.value), repr(excinfo.value), repr(service)):
            assert bad_secret not in text
            assert bad_key not in text
    assert bad_secret not in caplog.text
    assert bad_key not in caplog.text


def test_the_service_never_shows_the_working_credentials(
    ddb_service: Any, collection: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ddb_service.save(collection, "doc", {})
    with pytest.raises(RevisionConflict) as excinfo:
        ddb_service.create(collection, "doc", {})
    for text in (str(excinfo.value), repr(ddb_service), repr(ddb_service.ping())):
        assert SECRET_ACCESS_KEY not in text
        assert ACCESS_KEY_ID not in text
    assert "Credential=***" in caplog.text  # botocore logged the signed request, masked
    assert SECRET_ACCESS_KEY not in caplog.text
    assert ACCESS_KEY_ID not in caplog.text


def test_session_tokens_are_masked_in_botocore_logs(
    ddb_server: DynamoDBServer, caplog: pytest.LogCaptureFixture
) -> None:
    token = "sessiontokenvalue0123456789"
    caplog.set_level(logging.DEBUG)
    with make_service(ddb_server, aws_session_token=token) as service:
        service.list_collections()
    assert "X-Amz-Security-Token" in caplog.text
    assert token not in caplog.text


def test_ping_describes_the_endpoint(ddb_service: Any, ddb_server: DynamoDBServer) -> None:
    assert ddb_service.ping() == {
        "provider": "dynamodb",
        "region": "us-east-1",
        "endpoint_url": ddb_server.endpoint_url,
    }


# ---------------------------------------------------------------- the provider


def test_the_factory_builds_it_from_settings(ddb_server: DynamoDBServer) -> None:
    settings = Settings(
        {},
        DATABASE_PROVIDER="dynamodb",
        DYNAMODB_ENDPOINT_URL=ddb_server.endpoint_url,
        AWS_ACCESS_KEY_ID=ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY=SECRET_ACCESS_KEY,
        DATABASE_COLLECTION_PREFIX="fac-",
        DATABASE_TIMEOUT="3",
        DYNAMODB_MAX_ATTEMPTS="2",
        DYNAMODB_RETRY_MODE="adaptive",
    )
    assert SECRET_ACCESS_KEY not in repr(settings)
    with create_database_service(settings) as service:
        assert service.provider_name == "dynamodb"
        assert service.region == "us-east-1"
        config = service.client.meta.config
        assert (config.connect_timeout, config.read_timeout) == (3.0, 3.0)
        assert config.retries == {"mode": "adaptive", "total_max_attempts": 2}
        name = fresh_name()
        service.save(name, "doc", {"v": 1})
        assert name in service.list_collections()
        service.drop_collection(name)


def test_bulk_concurrency_setting(ddb_server: DynamoDBServer) -> None:
    from gofannon_db.concurrency import DEFAULT_BULK_CONCURRENCY

    settings = {
        "DATABASE_PROVIDER": "dynamodb",
        "DYNAMODB_ENDPOINT_URL": ddb_server.endpoint_url,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
    }
    with create_database_service(Settings({}, **settings)) as service:
        assert service.bulk_concurrency == DEFAULT_BULK_CONCURRENCY
    with create_database_service(Settings({}, **settings, DYNAMODB_BULK_CONCURRENCY="40")) as service:
        assert service.bulk_concurrency == 40
        assert service.client.meta.config.max_pool_connections == 40  # a connection per batch in flight
        # Requests are built from validated documents and checked by the server: botocore's
        # client-side walk of every parameter is off, so a bad parameter reaches the server.
        from botocore.exceptions import ClientError  # type: ignore[import-untyped]

        with pytest.raises(ClientError):
            service.client.list_tables(Limit="not a number")


@pytest.mark.parametrize(("name", "value"), [("DYNAMODB_BULK_CONCURRENCY", "0"), ("DYNAMODB_BULK_CONCURRENCY", "x")])
def test_bad_bulk_concurrency_is_a_configuration_error(name: str, value: str) -> None:
    from gofannon_db.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match=name):
        create_database_service(Settings({}, DATABASE_PROVIDER="dynamodb", **{name: value}))


@pytest.mark.parametrize(
    ("name", "value"), [("DYNAMODB_RETRY_MODE", "sometimes"), ("DYNAMODB_MAX_ATTEMPTS", "0"), ("DYNAMODB_TIMEOUT", "x")]
)
def test_bad_settings_are_configuration_errors(name: str, value: str) -> None:
    from gofannon_db.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match=name):
        create_database_service(Settings({}, DATABASE_PROVIDER="dynamodb", **{name: value}))


def test_discovering_the_provider_imports_no_sdk() -> None:
    code = (
        "import sys\n"
        "from gofannon_db.plugins import get_registry\n"
        "assert 'dynamodb' in get_registry().names()\n"
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'SDK imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_find_survives_an_index_dropped_behind_its_back(
    ddb_service: Any, ddb_server: DynamoDBServer, collection: str
) -> None:
    ddb_service.ensure_index(collection, ["role"])
    with make_service(ddb_server) as other:
        other.drop_collection(collection)
        other.save(collection, "a", {"role": "user"})  # recreated, without the index
    assert [doc["_id"] for doc in ddb_service.find(collection, {"role": "user"})] == ["a"]
