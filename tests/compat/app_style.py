"""Small services written the way the Gofannon application writes its own, run unchanged on the compat module.

They follow the facts of how that application uses its database package (written here from
scratch): a settings object with plain attributes, ``except HTTPException`` with a 404 check
for a missing document, ``find`` with an equality selector and ``fields``, and bulk writes as
``get_many`` for the current revisions followed by one ``save_many``. Only the import of the
database package differs from that application's.
"""

from __future__ import annotations

import base64
from typing import Any

from fastapi import HTTPException
from gofannon_db.compat.gofannon import DatabaseService

STORE = "agent_data_store"
DEPLOYMENTS = "deployments"


class AppSettings:
    """The application's settings shape: upper-case attributes, ``None`` where the environment had nothing."""

    APP_ENV: str = "local"
    STORAGE_PROVIDER: str = "local"
    AUTH_CONFIG: dict[str, Any] = {"providers": []}  # noqa: RUF012 -- a non-string attribute the adapter must skip
    DATABASE_PROVIDER: str = "memory"
    COUCHDB_URL: str | None = None
    COUCHDB_USER: str | None = None
    COUCHDB_PASSWORD: str | None = None
    DYNAMODB_REGION: str | None = None
    DYNAMODB_ENDPOINT_URL: str | None = None
    AWS_ACCESS_KEY_ID: str | None = None
    AWS_SECRET_ACCESS_KEY: str | None = None
    GCP_PROJECT_ID: str | None = None

    def __init__(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self, name, value)


class KeyValueStore:
    """Per-user namespaced values, one document per key, in the application's data-store style."""

    def __init__(self, db: DatabaseService) -> None:
        self.db = db
        self.db.ensure_index(STORE, ["userId", "namespace"], index_name="user-namespace-index")

    @staticmethod
    def doc_id(user_id: str, namespace: str, key: str) -> str:
        return f"{user_id}:{namespace}:{base64.urlsafe_b64encode(key.encode()).decode()}"

    def get(self, user_id: str, namespace: str, key: str) -> Any:
        try:
            doc = self.db.get(STORE, self.doc_id(user_id, namespace, key))
        except HTTPException as e:
            if e.status_code == 404:
                return None
            raise
        return doc["value"]

    def set(self, user_id: str, namespace: str, key: str, value: Any) -> None:
        doc_id = self.doc_id(user_id, namespace, key)
        try:
            doc = self.db.get(STORE, doc_id)
        except HTTPException as e:
            if e.status_code != 404:
                raise
            doc = {"userId": user_id, "namespace": namespace, "key": key, "accessCount": 0}
        doc["value"] = value
        self.db.save(STORE, doc_id, doc)

    def set_many(self, user_id: str, items: list[tuple[str, str, Any]]) -> int:
        """One ``get_many`` for the current revisions, one ``save_many``; returns how many were written."""
        doc_ids = [self.doc_id(user_id, namespace, key) for namespace, key, _ in items]
        existing = self.db.get_many(STORE, doc_ids)
        docs = []
        for (namespace, key, value), doc_id in zip(items, doc_ids, strict=True):
            current = existing.get(doc_id)
            if current:
                docs.append({**current, "value": value})
            else:
                docs.append({"_id": doc_id, "userId": user_id, "namespace": namespace, "key": key, "value": value})
        results = self.db.save_many(STORE, docs)
        return sum(1 for result in results if result.get("ok"))

    def get_many(self, user_id: str, namespace: str, keys: list[str]) -> dict[str, Any]:
        doc_ids = [self.doc_id(user_id, namespace, key) for key in keys]
        docs = self.db.get_many(STORE, doc_ids)
        found = {}
        for key, doc_id in zip(keys, doc_ids, strict=True):
            doc = docs.get(doc_id)
            if doc is not None and doc.get("userId") == user_id:
                found[key] = doc.get("value")
        return found

    def list_keys(self, user_id: str, namespace: str) -> list[str]:
        docs = self.db.find(STORE, {"userId": user_id, "namespace": namespace}, fields=["key"])
        return sorted(doc.get("key", "") for doc in docs)

    def get_all(self, user_id: str, namespace: str) -> dict[str, Any]:
        return {
            doc["key"]: doc.get("value") for doc in self.db.find(STORE, {"userId": user_id, "namespace": namespace})
        }


def create_agent(db: DatabaseService, agent_id: str, name: str) -> dict[str, Any]:
    """Save a new agent as a pydantic model dumps it by alias: ``_rev`` is ``None`` until it is saved."""
    agent: dict[str, Any] = {"_id": agent_id, "_rev": None, "name": name, "createdAt": "2026-01-01T00:00:00"}
    saved = db.save("agents", agent_id, agent)
    agent["_rev"] = saved.get("rev")
    return agent


def update_agent(db: DatabaseService, agent_id: str, **changes: Any) -> dict[str, Any]:
    """Read, merge and write back with the stored ``_rev``, as the application's update route does."""
    existing = db.get("agents", agent_id)
    updated = {**existing, **changes, "_rev": existing.get("_rev")}
    updated["_rev"] = db.save("agents", agent_id, updated).get("rev")
    return updated


def deploy(db: DatabaseService, agent_id: str, friendly_name: str) -> str:
    """Claim ``friendly_name`` for the agent: a missing deployment is created, another agent's is a 409."""
    try:
        existing = db.get(DEPLOYMENTS, friendly_name)
        if existing.get("agentId") == agent_id:
            return "already deployed"
        raise HTTPException(status_code=409, detail=f"{friendly_name!r} belongs to another agent.")
    except HTTPException as e:
        if e.status_code == 404:
            db.save(DEPLOYMENTS, friendly_name, {"agentId": agent_id})
            return "deployed"
        raise


def undeploy(db: DatabaseService, agent_id: str) -> int:
    """Delete every deployment of the agent found by ``find``; one already gone is not an error."""
    removed = 0
    for deployment in db.find(DEPLOYMENTS, {"agentId": agent_id}):
        try:
            db.delete(DEPLOYMENTS, deployment["_id"])
            removed += 1
        except HTTPException as e:
            if e.status_code == 404:
                continue
            raise
    return removed
