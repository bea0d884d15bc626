"""DynamoDB Local (as in the tests) against a boto3 low-level client used directly."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3  # type: ignore[import-untyped]
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from gofannon_db import Settings, create_database_service

from tests.launchers.dynamodb import PACKAGE, DynamoDBServer, dynamodb_server, jar_directory

from . import Backend

RAW_CALLS = {
    "get": "`get_item(ConsistentRead=True)`, then `TypeDeserializer` on each attribute",
    "save_new": "`TypeSerializer` on each field, a new `_rev` (`1-<uuid4 hex>`), one `put_item`",
    "save_update": "the same `put_item` with `ConditionExpression='#rev = :rev'` (the revision the caller holds)",
    "delete": "`delete_item` with `ConditionExpression='attribute_exists(#id)'` (so a missing id is reported)",
    "list_all": "`scan(ConsistentRead=True)` pages until `LastEvaluatedKey` is absent, each item deserialized",
    "client": "one `boto3` client with the backend's botocore `Config` (timeouts, standard retries)",
}


class RawDynamoDB:
    def __init__(self, server: DynamoDBServer) -> None:
        config = Config(
            region_name=server.region,
            connect_timeout=10.0,
            read_timeout=10.0,
            retries={"mode": "standard", "total_max_attempts": 3},
            max_pool_connections=25,
        )
        self._client: Any = boto3.session.Session(
            aws_access_key_id=server.access_key_id,
            aws_secret_access_key=server.secret_access_key,
            region_name=server.region,
        ).client("dynamodb", endpoint_url=server.endpoint_url, config=config)
        self._ser = TypeSerializer()
        self._de = TypeDeserializer()

    def _item(self, doc_id: str, rev: str, body: dict[str, Any]) -> dict[str, Any]:
        item = {key: self._ser.serialize(value) for key, value in body.items()}
        item["_id"] = {"S": doc_id}
        item["_rev"] = {"S": rev}
        return item

    def _decode(self, item: dict[str, Any]) -> dict[str, Any]:
        return {key: self._de.deserialize(value) for key, value in item.items()}

    def prepare(self, collection: str) -> None:
        try:
            self._client.describe_table(TableName=collection)
        except self._client.exceptions.ResourceNotFoundException:
            self._client.create_table(
                TableName=collection,
                KeySchema=[{"AttributeName": "_id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "_id", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            self._client.get_waiter("table_exists").wait(TableName=collection, WaiterConfig={"Delay": 1})

    def get(self, collection: str, doc_id: str) -> dict[str, Any]:
        response = self._client.get_item(TableName=collection, Key={"_id": {"S": doc_id}}, ConsistentRead=True)
        return self._decode(response["Item"])

    def save_new(self, collection: str, doc_id: str, body: dict[str, Any]) -> str:
        rev = f"1-{uuid.uuid4().hex}"
        self._client.put_item(TableName=collection, Item=self._item(doc_id, rev, body))
        return rev

    def save_update(self, collection: str, doc_id: str, body: dict[str, Any], rev: str) -> str:
        new = f"{int(rev.partition('-')[0]) + 1}-{uuid.uuid4().hex}"
        self._client.put_item(
            TableName=collection,
            Item=self._item(doc_id, new, body),
            ConditionExpression="#rev = :rev",
            ExpressionAttributeNames={"#rev": "_rev"},
            ExpressionAttributeValues={":rev": {"S": rev}},
        )
        return new

    def delete(self, collection: str, doc_id: str, rev: str) -> None:
        self._client.delete_item(
            TableName=collection,
            Key={"_id": {"S": doc_id}},
            ConditionExpression="attribute_exists(#id)",
            ExpressionAttributeNames={"#id": "_id"},
        )

    def list_all(self, collection: str) -> list[dict[str, Any]]:
        request: dict[str, Any] = {"TableName": collection, "ConsistentRead": True}
        docs: list[dict[str, Any]] = []
        while True:
            response = self._client.scan(**request)
            docs.extend(self._decode(item) for item in response.get("Items", []))
            last = response.get("LastEvaluatedKey")
            if not last:
                return docs
            request["ExclusiveStartKey"] = last

    def close(self) -> None:
        self._client.close()


@contextmanager
def open_backend() -> Iterator[Backend]:
    with dynamodb_server() as server:
        settings = Settings(
            environ={},
            DATABASE_PROVIDER="dynamodb",
            DYNAMODB_ENDPOINT_URL=server.endpoint_url,
            DYNAMODB_REGION=server.region,
            AWS_ACCESS_KEY_ID=server.access_key_id,
            AWS_SECRET_ACCESS_KEY=server.secret_access_key,
        )
        service = create_database_service(settings)
        raw = RawDynamoDB(server)
        version = f"DynamoDB Local {jar_directory().name.removeprefix('dynamodb_local_')} (npm {PACKAGE})"
        try:
            yield Backend("dynamodb", service, raw, server=version, raw_calls=RAW_CALLS)
        finally:
            service.close()
            raw.close()
