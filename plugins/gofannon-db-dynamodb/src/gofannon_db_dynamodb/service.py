"""The DynamoDB backend: one table per collection, keyed on ``_id``.

Design notes (the why):

* Tables are created on the first write and remembered per process, so a steady-state
  ``get`` or ``save`` is exactly one request (no DescribeTable per call).
* Revisions live in a ``_rev`` attribute; conditional writes (``ConditionExpression``)
  make ``save`` with ``_rev``, ``create`` and ``delete`` with ``rev`` atomic.
* Transient failures are retried by botocore's retry configuration, within the
  timeout: each request has one budget of ``timeout`` seconds that its attempts and
  backoff draw from (:mod:`.deadlines`), so a silent server costs one timeout, not one
  per attempt. The only loops here wait for batch leftovers
  (``UnprocessedItems``/``UnprocessedKeys``, until no progress for ``timeout``) and for
  tables and indexes to become ACTIVE.
* A bulk call broken midway by an unreachable server raises ``BackendUnavailable``
  whose ``results`` say which batches were written (the core completes them).
* Bulk calls send their 25-item writes and 100-key reads a few at a time in parallel
  (``bulk_concurrency``): DynamoDB Local does each item's work one by one, so a
  sequential pipeline of batches is bound by it; the low-level client is thread-safe.
* ``ensure_index`` indexes a derived attribute ``_ix[...]`` holding a typed key of the
  fields' values rather than the fields themselves: a GSI on a user attribute would
  make DynamoDB reject every later write whose value there has another type.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from botocore.exceptions import ClientError  # type: ignore[import-untyped]
from gofannon_db import query
from gofannon_db.codec import new_revision
from gofannon_db.concurrency import DEFAULT_BULK_CONCURRENCY, run_ordered, run_until_failure
from gofannon_db.deadline import Deadline
from gofannon_db.errors import (
    BackendUnavailable,
    DatabaseError,
    DocumentNotFound,
    InvalidQuery,
    already_exists,
    revision_conflict,
)
from gofannon_db.redaction import redact_url, strip_userinfo
from gofannon_db.service import DatabaseService
from gofannon_db.types import BulkResult, BulkWrite, Document, bulk_error, bulk_ok, unfinished

from . import deadlines, logfilter
from .errors import error_code, translate
from .expressions import Expression
from .values import FLOATS_ATTRIBUTE, AttributeValue, decode_item, encode_body, index_key, item_size

__all__ = ["DynamoDBDatabaseService"]

log = logging.getLogger(__name__)
_T = TypeVar("_T")

Item = dict[str, AttributeValue]
MAX_ITEM_BYTES = 409_600
"""DynamoDB's item limit: 400 KB, names and values included."""
REV_RESERVE = 40
"""Characters kept for ``_rev`` when sizing (``N-`` plus 32 hex digits, with room for N to grow)."""
WRITE_BATCH = 25
GET_BATCH = 100
_INDEX_PREFIX = "_ix"
_INDEX_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
_MAX_KEY_NAME_BYTES = 255
_BATCH_ROUNDS = 30


@dataclass(frozen=True)
class _Index:
    name: str
    fields: list[str]
    active: bool


@dataclass
class _Table:
    """What this process knows about one table: its indexes, by derived attribute name.

    ``writes`` are the index attributes every write must fill; ``indexes`` the ones
    ``find`` may query (ACTIVE). A new index is written before it is queried.
    """

    indexes: dict[str, _Index] = field(default_factory=dict)
    writes: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_description(cls, table: dict[str, Any]) -> _Table:
        indexes: dict[str, _Index] = {}
        for gsi in table.get("GlobalSecondaryIndexes", []):
            attribute = gsi["KeySchema"][0]["AttributeName"]
            fields = _index_fields(attribute)
            if fields is not None:
                active = gsi.get("IndexStatus") == "ACTIVE" and not gsi.get("Backfilling")
                indexes[attribute] = _Index(gsi["IndexName"], fields, active)
        return cls(indexes, {attribute: index.fields for attribute, index in indexes.items()})


def _index_attribute(fields: list[str]) -> str:
    return _INDEX_PREFIX + json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def _index_fields(attribute: str) -> list[str] | None:
    if not attribute.startswith(_INDEX_PREFIX + "["):
        return None
    try:
        fields = json.loads(attribute[len(_INDEX_PREFIX) :])
    except ValueError:
        return None
    return fields if isinstance(fields, list) and all(isinstance(f, str) for f in fields) else None


_loader_lock = threading.Lock()
_shared_loader: Any = None


def _botocore_session() -> Any:
    """A fresh botocore session that shares one data loader with every other service.

    Loading the service and endpoint models is most of the cost of a new client
    (~0.3 s); the loader caches them, so sharing it makes later services cheap.
    Sessions stay separate, so do credentials.
    """
    import botocore.session  # type: ignore[import-untyped]

    global _shared_loader
    session = botocore.session.Session()
    with _loader_lock:
        if _shared_loader is None:
            _shared_loader = session.get_component("data_loader")
        else:
            session.register_component("data_loader", _shared_loader)
    return session


def _backoff_delay(attempt: int) -> float:
    """Seconds to wait before re-sending batch leftovers: 50 ms doubling, at most 2 s."""
    return min(0.05 * 2.0**attempt, 2.0)


def _chunks(items: list[_T], size: int) -> Iterator[list[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class DynamoDBDatabaseService(DatabaseService):
    """Documents in DynamoDB tables through one thread-safe boto3 low-level client."""

    provider_name = "dynamodb"
    max_document_bytes = MAX_ITEM_BYTES

    def __init__(
        self,
        *,
        region: str = "us-east-1",
        endpoint_url: str | None = None,
        timeout: float = 10.0,
        max_attempts: int = 3,
        retry_mode: str = "standard",
        max_pool_connections: int = 25,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        profile_name: str | None = None,
        collection_prefix: str = "",
        bulk_concurrency: int = DEFAULT_BULK_CONCURRENCY,
    ) -> None:
        super().__init__(collection_prefix=collection_prefix)
        logfilter.install()
        import boto3  # type: ignore[import-untyped]
        from botocore.config import Config  # type: ignore[import-untyped]

        self.region = region
        # DynamoDB signs requests; credentials in the URL would only reach botocore's
        # logs and exception messages, so the SDK never sees them.
        self.endpoint_url = strip_userinfo(endpoint_url) if endpoint_url else None
        self.timeout = timeout
        self.bulk_concurrency = max(1, bulk_concurrency)
        # The async twin's threads: 16 calls in flight measured about the throughput of 25 with
        # under half the event-loop lag (botocore's per-request Python work contends for the GIL).
        self.connection_pool_size = min(max_pool_connections, 16)
        config = Config(
            region_name=region,
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"mode": retry_mode, "total_max_attempts": max_attempts},
            max_pool_connections=max(max_pool_connections, self.bulk_concurrency),
            # Every request is built here from validated documents, and the server validates
            # it again; botocore's own check walks every AttributeValue of every item and
            # was the largest client cost of a 25-item BatchWriteItem (about half a ms per item).
            parameter_validation=False,
        )
        # Credentials go straight into the session: they are never kept on self.
        session = boto3.session.Session(
            botocore_session=_botocore_session(),
            aws_access_key_id=aws_access_key_id,
            aws_secret_access_key=aws_secret_access_key,
            aws_session_token=aws_session_token,
            profile_name=profile_name,
            region_name=region,
        )
        self.client: Any = session.client("dynamodb", endpoint_url=self.endpoint_url, config=config)
        deadlines.install(self.client, timeout)
        self._tables: dict[str, _Table] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        prefix = f" prefix={self.collection_prefix!r}" if self.collection_prefix else ""
        endpoint = f" endpoint={redact_url(self.endpoint_url)!r}" if self.endpoint_url else ""
        return f"<{type(self).__name__} provider='dynamodb' region={self.region!r}{endpoint}{prefix}>"

    # ------------------------------------------------------------ tables

    def _table(self, collection: str, *, create: bool) -> _Table | None:
        """The cached table, else DescribeTable (and CreateTable when ``create``); ``None`` when absent."""
        with self._lock:
            cached = self._tables.get(collection)
        if cached is not None:
            return cached
        try:
            description = self.client.describe_table(TableName=collection)["Table"]
        except ClientError as exc:
            if error_code(exc) != "ResourceNotFoundException":
                raise
            if not create:
                return None
            description = self._create_table(collection)
        status = description.get("TableStatus")
        if status == "DELETING":
            self._wait("table_not_exists", collection)
            if not create:
                return None
            description = self._create_table(collection)
            status = description.get("TableStatus")
        if status == "CREATING":
            self._wait("table_exists", collection)
        table = _Table.from_description(description)
        with self._lock:
            return self._tables.setdefault(collection, table)

    def _create_table(self, collection: str) -> dict[str, Any]:
        try:
            response = self.client.create_table(
                TableName=collection,
                KeySchema=[{"AttributeName": "_id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "_id", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        except ClientError as exc:
            if error_code(exc) != "ResourceInUseException":
                raise
            # Another writer is creating it right now: wait for theirs.
            self._wait("table_exists", collection)
            return dict(self.client.describe_table(TableName=collection)["Table"])
        description: dict[str, Any] = response["TableDescription"]
        return description

    def _wait(self, waiter: str, collection: str) -> None:
        delay = 1
        attempts = max(int(max(self.timeout, 60.0) / delay), 5)
        self.client.get_waiter(waiter).wait(
            TableName=collection, WaiterConfig={"Delay": delay, "MaxAttempts": attempts}
        )

    def _forget(self, collection: str) -> None:
        with self._lock:
            self._tables.pop(collection, None)

    def _write(self, collection: str, write: Callable[[_Table], _T]) -> _T:
        """Run a write against the table, creating it on demand.

        If the cached table was dropped behind our back (ResourceNotFound), forget it,
        recreate it and try once more.
        """
        table = self._table(collection, create=True)
        assert table is not None
        try:
            return write(table)
        except ClientError as exc:
            if error_code(exc) != "ResourceNotFoundException":
                raise
        self._forget(collection)
        table = self._table(collection, create=True)
        assert table is not None
        return write(table)

    # ------------------------------------------------------------ items

    def _item(self, table: _Table, doc_id: str, rev: str, body: Document) -> Item:
        item: Item = {"_id": {"S": doc_id}, "_rev": {"S": rev}, **encode_body(body)}
        if table.writes:
            view = {"_id": doc_id, "_rev": rev, **body}
            for attribute, fields in list(table.writes.items()):
                key = index_key([query.get_path(view, path) for path in fields])
                if key is not None:
                    item[attribute] = {"S": key}
        return item

    def _document_size(self, collection: str, doc_id: str, body: Document) -> int:
        """The item size DynamoDB will count, with ``_rev`` at its longest (index attributes excluded)."""
        item: Item = {"_id": {"S": doc_id}, "_rev": {"S": "0" * REV_RESERVE}, **encode_body(body)}
        return item_size(item)

    @staticmethod
    def _key(doc_id: str) -> Item:
        return {"_id": {"S": doc_id}}

    # ------------------------------------------------------------ the four core hooks

    def _get(self, collection: str, doc_id: str) -> Document:
        try:
            response = self.client.get_item(TableName=collection, Key=self._key(doc_id), ConsistentRead=True)
        except ClientError as exc:
            if error_code(exc) != "ResourceNotFoundException":
                raise
            response = {}
        item = response.get("Item")
        if item is None:
            raise DocumentNotFound(f"Document {doc_id!r} not found in collection {collection!r}.")
        return decode_item(item)

    def _save(self, collection: str, doc_id: str, body: Document, expected_rev: str | None) -> str:
        rev = new_revision(expected_rev)
        if expected_rev is None:
            self._write(
                collection,
                lambda table: self.client.put_item(TableName=collection, Item=self._item(table, doc_id, rev, body)),
            )
            return rev
        table = self._table(collection, create=False)
        stale = revision_conflict(doc_id, expected_rev)
        if table is None:
            raise stale
        try:
            self.client.put_item(
                TableName=collection,
                Item=self._item(table, doc_id, rev, body),
                ConditionExpression="#rev = :rev",
                ExpressionAttributeNames={"#rev": "_rev"},
                ExpressionAttributeValues={":rev": {"S": expected_rev}},
            )
        except ClientError as exc:
            if error_code(exc) == "ResourceNotFoundException":
                self._forget(collection)
                raise stale from exc
            if error_code(exc) == "ConditionalCheckFailedException":
                raise stale from exc
            raise
        return rev

    def _create(self, collection: str, doc_id: str, body: Document) -> str:
        rev = new_revision(None)

        def put(table: _Table) -> None:
            self.client.put_item(
                TableName=collection,
                Item=self._item(table, doc_id, rev, body),
                ConditionExpression="attribute_not_exists(#id)",
                ExpressionAttributeNames={"#id": "_id"},
            )

        try:
            self._write(collection, put)
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                raise already_exists(doc_id) from exc
            raise
        return rev

    def _delete(self, collection: str, doc_id: str, rev: str | None) -> None:
        missing = DocumentNotFound(f"Document {doc_id!r} not found in collection {collection!r}.")
        request: dict[str, Any] = {"TableName": collection, "Key": self._key(doc_id)}
        if rev is None:
            request.update(ConditionExpression="attribute_exists(#id)", ExpressionAttributeNames={"#id": "_id"})
        else:
            request.update(
                ConditionExpression="#rev = :rev",
                ExpressionAttributeNames={"#rev": "_rev"},
                ExpressionAttributeValues={":rev": {"S": rev}},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        try:
            self.client.delete_item(**request)
        except ClientError as exc:
            code = error_code(exc)
            if code == "ResourceNotFoundException":
                raise missing from exc
            if code != "ConditionalCheckFailedException":
                raise
            if rev is None:
                raise missing from exc
            # The condition failed: stale revision, or no document at all?
            current = exc.response.get("Item")
            if current is None:
                try:
                    current = self._get(collection, doc_id)
                except DocumentNotFound:
                    raise missing from exc
            raise revision_conflict(doc_id, rev) from exc

    def _list_all(self, collection: str) -> list[Document]:
        return list(self._iter_all(collection, 0))

    # ------------------------------------------------------------ reads

    def _pages(self, operation: str, request: dict[str, Any]) -> Iterator[list[Item]]:
        """Follow ``LastEvaluatedKey``; a missing table yields nothing."""
        method = getattr(self.client, operation)
        while True:
            try:
                response = method(**request)
            except ClientError as exc:
                if error_code(exc) == "ResourceNotFoundException":
                    return
                raise
            yield response.get("Items", [])
            last = response.get("LastEvaluatedKey")
            if not last:
                return
            request = {**request, "ExclusiveStartKey": last}

    def _iter_all(self, collection: str, page_size: int) -> Iterator[Document]:
        request: dict[str, Any] = {"TableName": collection, "ConsistentRead": True}
        if page_size:
            request["Limit"] = page_size
        for items in self._pages("scan", request):
            for item in items:
                yield decode_item(item)

    def _count(self, collection: str) -> int:
        total = 0
        request = {"TableName": collection, "ConsistentRead": True, "Select": "COUNT"}
        method = self.client.scan
        while True:
            try:
                response = method(**request)
            except ClientError as exc:
                if error_code(exc) == "ResourceNotFoundException":
                    return total
                raise
            total += int(response.get("Count", 0))
            last = response.get("LastEvaluatedKey")
            if not last:
                return total
            request = {**request, "ExclusiveStartKey": last}

    def _get_many(self, collection: str, doc_ids: list[str]) -> dict[str, Document | None]:
        found: dict[str, Document | None] = dict.fromkeys(doc_ids)
        chunks = list(_chunks(doc_ids, GET_BATCH))
        for docs in run_ordered(lambda chunk: self._batch_get(collection, chunk), chunks, self.bulk_concurrency):
            for doc in docs:
                found[doc["_id"]] = doc
        return found

    def _batch_get(self, collection: str, doc_ids: list[str]) -> list[Document]:
        """One BatchGetItem of at most 100 keys, re-sending leftovers; a missing table finds nothing."""
        found: list[Document] = []
        pending: dict[str, Any] = {
            collection: {"Keys": [self._key(doc_id) for doc_id in doc_ids], "ConsistentRead": True}
        }
        deadline = Deadline(self.timeout)
        for attempt in range(_BATCH_ROUNDS):
            try:
                response = self.client.batch_get_item(RequestItems=pending)
            except ClientError as exc:
                if error_code(exc) == "ResourceNotFoundException":
                    return found
                raise
            items = response.get("Responses", {}).get(collection, [])
            found.extend(decode_item(item) for item in items)
            pending = response.get("UnprocessedKeys") or {}
            if not pending:
                return found
            if items:
                deadline.progress()
            if not deadline.allows(_backoff_delay(attempt)):
                break
            self._backoff(attempt)
        raise BackendUnavailable(
            f"DynamoDB kept leaving keys unprocessed in BatchGetItem for {self.timeout:g} s; giving up."
        )

    # ------------------------------------------------------------ batch writes

    @staticmethod
    def _backoff(attempt: int) -> None:
        """Wait between rounds of batch leftovers."""
        time.sleep(_backoff_delay(attempt))

    def _batch_write(self, collection: str, requests: list[dict[str, Any]]) -> None:
        """One BatchWriteItem of at most 25 requests, re-sending leftovers until none remain.

        Gives up when ``timeout`` passes without the server taking any of them.
        """
        pending: dict[str, Any] = {collection: requests}
        deadline = Deadline(self.timeout)
        for attempt in range(_BATCH_ROUNDS):
            response = self.client.batch_write_item(RequestItems=pending)
            left = response.get("UnprocessedItems") or {}
            if not left:
                return
            if len(left.get(collection, [])) < len(pending.get(collection, [])):
                deadline.progress()
            pending = left
            if not deadline.allows(_backoff_delay(attempt)):
                break
            self._backoff(attempt)
        raise BackendUnavailable(
            f"DynamoDB kept leaving items unprocessed in BatchWriteItem for {self.timeout:g} s; giving up."
        )

    def _save_one(self, collection: str, write: BulkWrite) -> BulkResult:
        try:
            rev = self._call(self._save, collection, write.doc_id, write.body, write.expected_rev)
        except DatabaseError as error:
            return bulk_error(write.doc_id, error)
        return bulk_ok(write.doc_id, rev)

    def _save_many(self, collection: str, writes: list[BulkWrite]) -> list[BulkResult]:
        """Unconditional writes go in BatchWriteItem groups of 25; those with ``_rev`` keep
        their condition as single conditional PutItems (BatchWriteItem has no conditions).

        Groups and conditional writes are sent ``bulk_concurrency`` at a time; each
        returns its own results, which are put back in input order.
        """
        plain = [position for position, write in enumerate(writes) if write.expected_rev is None]
        conditional = [[position] for position, write in enumerate(writes) if write.expected_rev is not None]
        if plain:
            self._table(collection, create=True)  # create it once, before the workers race to

        def put_group(group: list[int]) -> list[tuple[int, BulkResult]]:
            if writes[group[0]].expected_rev is not None:
                return [(group[0], self._save_one(collection, writes[group[0]]))]
            revs = {position: new_revision(None) for position in group}

            def put(table: _Table) -> None:
                requests = [
                    {"PutRequest": {"Item": self._item(table, writes[p].doc_id, revs[p], writes[p].body)}}
                    for p in group
                ]
                self._batch_write(collection, requests)

            try:
                self._write(collection, put)
            except ClientError as exc:
                if error_code(exc) != "ValidationException":
                    raise
                # One item spoiled the whole request: write them one by one for per-document results.
                return [(position, self._save_one(collection, writes[position])) for position in group]
            return [(position, bulk_ok(writes[position].doc_id, revs[position])) for position in group]

        results: list[BulkResult | None] = [None] * len(writes)
        groups = [*_chunks(plain, WRITE_BATCH), *conditional]
        outcomes, failure = run_until_failure(put_group, groups, self.bulk_concurrency)
        for done in outcomes:
            for position, result in done or ():
                results[position] = result
        if failure is not None:
            self._raise_partial(failure, results, [write.doc_id for write in writes])
        return [result for result in results if result is not None]

    def _raise_partial(self, failure: BaseException, results: list[BulkResult | None], ids: list[str]) -> None:
        """Re-raise a batch's failure; an unreachable server's carries the results known so far."""
        if not isinstance(failure, Exception):
            raise failure
        error = failure if isinstance(failure, DatabaseError) else self._translate_error(failure)
        if isinstance(error, BackendUnavailable):
            raise BackendUnavailable(error.detail, results=unfinished(results, ids, error)) from failure
        raise failure

    def _delete_many(self, collection: str, doc_ids: list[str]) -> list[BulkResult]:
        def delete(chunk: list[str]) -> list[BulkResult]:
            try:
                self._batch_write(collection, [{"DeleteRequest": {"Key": self._key(doc_id)}} for doc_id in chunk])
            except ClientError as exc:
                if error_code(exc) != "ResourceNotFoundException":
                    raise
                # no table, no documents: every one counts as deleted
            return [bulk_ok(doc_id, None) for doc_id in chunk]

        outcomes, failure = run_until_failure(delete, list(_chunks(doc_ids, WRITE_BATCH)), self.bulk_concurrency)
        results: list[BulkResult | None] = []
        for chunk, done in zip(_chunks(doc_ids, WRITE_BATCH), outcomes, strict=True):
            results.extend(done if done is not None else [None] * len(chunk))
        if failure is not None:
            self._raise_partial(failure, results, doc_ids)
        return [result for result in results if result is not None]

    # ------------------------------------------------------------ find and indexes

    def _find(
        self,
        collection: str,
        selector: dict[str, query.Scalar],
        fields: list[str] | None,
        limit: int | None,
    ) -> list[Document]:
        """A Query on a matching index, else a Scan; both filter on the real fields."""
        try:
            return self._search(collection, selector, fields, limit, use_index=True)
        except ClientError as exc:
            if error_code(exc) not in ("ValidationException", "ResourceNotFoundException"):
                raise
            # The cached index may be gone (table dropped and recreated elsewhere): scan.
            self._forget(collection)
            return self._search(collection, selector, fields, limit, use_index=False)

    def _search(
        self,
        collection: str,
        selector: dict[str, query.Scalar],
        fields: list[str] | None,
        limit: int | None,
        *,
        use_index: bool,
    ) -> list[Document]:
        table = self._table(collection, create=False)
        if table is None:
            return []
        expression = Expression()
        clauses = []
        for path, wanted in selector.items():
            clause = expression.equals(path, wanted)
            if clause is None:
                return []
            clauses.append(clause)
        request: dict[str, Any] = {"TableName": collection}
        if clauses:
            request["FilterExpression"] = " AND ".join(clauses)
        if fields is not None:
            tops = dict.fromkeys(["_id", FLOATS_ATTRIBUTE, *(path.split(".")[0] for path in fields)])
            request["ProjectionExpression"] = ", ".join(expression.name(top) for top in tops)
        operation = "scan"
        picked = self._pick_index(table, selector) if use_index else None
        if picked is None:
            request["ConsistentRead"] = True
        else:
            attribute, name, key = picked
            operation = "query"
            request["IndexName"] = name
            request["KeyConditionExpression"] = f"{expression.name(attribute)} = {expression.value({'S': key})}"
        request.update(expression.request())
        found: list[Document] = []
        for items in self._pages(operation, request):
            for item in items:
                found.append(query.project(decode_item(item), fields))
                if limit is not None and len(found) >= limit:
                    return found
        return found

    @staticmethod
    def _pick_index(table: _Table, selector: dict[str, query.Scalar]) -> tuple[str, str, str] | None:
        """An ACTIVE index whose fields the selector all pins: (attribute, index name, key)."""
        for attribute, index in list(table.indexes.items()):
            if index.active and all(path in selector for path in index.fields):
                key = index_key([selector[path] for path in index.fields])
                if key is not None:
                    return attribute, index.name, key
        return None

    def _ensure_index(self, collection: str, fields: list[str], index_name: str | None) -> None:
        """A GSI on the derived attribute for ``fields``; idempotent, returns once it is ACTIVE.

        Order matters: this process starts writing the derived attribute first, then
        fills it in on the documents already stored, then creates the index (which
        DynamoDB builds from those attributes), then waits for it.
        """
        fields = list(dict.fromkeys(fields))
        attribute = _index_attribute(fields)
        if len(attribute.encode("utf-8")) > _MAX_KEY_NAME_BYTES:
            raise InvalidQuery(
                f"The dynamodb backend cannot index {fields!r}: the field names are too long together "
                f"(index key names hold at most {_MAX_KEY_NAME_BYTES} bytes)."
            )
        table = self._table(collection, create=True)
        assert table is not None
        existing = table.indexes.get(attribute)
        if existing is not None and existing.active:
            return
        with self._lock:
            table.writes[attribute] = fields
        if existing is None:
            self._backfill(collection, table, attribute, fields)
            self._create_index(collection, attribute, self._index_name(table, fields, index_name))
        self._wait_for_index(collection, attribute)

    @staticmethod
    def _index_name(table: _Table, fields: list[str], wanted: str | None) -> str:
        taken = {index.name for index in table.indexes.values()}
        if wanted is not None and _INDEX_NAME.match(wanted) and wanted not in taken:
            return wanted
        digest = hashlib.sha256(_index_attribute(fields).encode("utf-8")).hexdigest()[:24]
        return f"gofannon-{digest}"

    def _backfill(self, collection: str, table: _Table, attribute: str, fields: list[str]) -> None:
        """Give the documents already stored the derived attribute of the new index.

        Each update is conditional on the revision it read: a document rewritten in
        between was written by a writer that (in this process) already adds the attribute.
        """
        for items in self._pages("scan", {"TableName": collection, "ConsistentRead": True}):
            for item in items:
                doc = decode_item(item)
                key = index_key([query.get_path(doc, path) for path in fields])
                current = item.get(attribute, {}).get("S")
                if key is None or current == key:
                    continue
                try:
                    self.client.update_item(
                        TableName=collection,
                        Key=self._key(doc["_id"]),
                        UpdateExpression="SET #a = :k",
                        ConditionExpression="#rev = :rev",
                        ExpressionAttributeNames={"#a": attribute, "#rev": "_rev"},
                        ExpressionAttributeValues={":k": {"S": key}, ":rev": item["_rev"]},
                    )
                except ClientError as exc:
                    if error_code(exc) != "ConditionalCheckFailedException":
                        raise

    def _create_index(self, collection: str, attribute: str, name: str, *, retry: bool = True) -> None:
        try:
            self.client.update_table(
                TableName=collection,
                AttributeDefinitions=[{"AttributeName": attribute, "AttributeType": "S"}],
                GlobalSecondaryIndexUpdates=[
                    {
                        "Create": {
                            "IndexName": name,
                            "KeySchema": [{"AttributeName": attribute, "KeyType": "HASH"}],
                            "Projection": {"ProjectionType": "ALL"},
                        }
                    }
                ],
            )
        except ClientError as exc:
            # Another process may have created the same index meanwhile: that is success.
            description = self.client.describe_table(TableName=collection)["Table"]
            if attribute in _Table.from_description(description).indexes:
                return
            if error_code(exc) not in ("ResourceInUseException", "LimitExceededException") or not retry:
                raise
            # Another index is being built and DynamoDB builds one at a time: wait for it, then ask again.
            self._wait_for_table_idle(collection)
            self._create_index(collection, attribute, name, retry=False)

    def _wait_for_table_idle(self, collection: str) -> None:
        """Poll until the table and all its indexes are ACTIVE."""
        deadline = time.monotonic() + max(self.timeout, 600.0)
        delay = 0.05
        while time.monotonic() < deadline:
            table = self.client.describe_table(TableName=collection)["Table"]
            indexes = table.get("GlobalSecondaryIndexes", [])
            if table.get("TableStatus") == "ACTIVE" and all(gsi.get("IndexStatus") == "ACTIVE" for gsi in indexes):
                return
            time.sleep(delay)
            delay = min(delay * 2, 2.0)

    def _wait_for_index(self, collection: str, attribute: str) -> None:
        """Poll DescribeTable until the index is ACTIVE and backfilled (DynamoDB has no waiter for it)."""
        deadline = time.monotonic() + max(self.timeout, 600.0)
        delay = 0.05
        while True:
            description = self.client.describe_table(TableName=collection)["Table"]
            fresh = _Table.from_description(description)
            index = fresh.indexes.get(attribute)
            if index is not None and index.active:
                with self._lock:
                    table = self._tables.setdefault(collection, fresh)
                    table.indexes[attribute] = index
                    table.writes[attribute] = index.fields
                return
            if time.monotonic() > deadline:
                raise BackendUnavailable(
                    f"The index on {index.fields if index else attribute!r} did not become ACTIVE."
                )
            time.sleep(delay)
            delay = min(delay * 2, 2.0)

    # ------------------------------------------------------------ collections and lifecycle

    def _list_collections(self) -> list[str]:
        names: list[str] = []
        for page in self.client.get_paginator("list_tables").paginate():
            names.extend(page.get("TableNames", []))
        return names

    def _drop_collection(self, collection: str) -> None:
        self._forget(collection)
        for _ in range(3):
            try:
                self.client.delete_table(TableName=collection)
                break
            except ClientError as exc:
                code = error_code(exc)
                if code == "ResourceNotFoundException":
                    return
                if code != "ResourceInUseException":
                    raise
                self._wait("table_exists", collection)  # being created or updated: wait, then delete
        self._wait("table_not_exists", collection)
        self._forget(collection)

    def _ping(self) -> dict[str, Any]:
        self.client.list_tables(Limit=1)
        info: dict[str, Any] = {"region": self.region}
        if self.endpoint_url:
            info["endpoint_url"] = redact_url(self.endpoint_url)
        return info

    def _close(self) -> None:
        self.client.close()

    def _translate_error(self, exc: Exception) -> DatabaseError:
        return translate(exc, endpoint=self.endpoint_url or self.client.meta.endpoint_url, timeout=self.timeout)
