"""Amazon DynamoDB backend for gofannon-db: the ``dynamodb`` provider.

Importing this package does not import boto3; the provider imports it when a service
is created (see :mod:`gofannon_db_dynamodb.plugin`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["DynamoDBDatabaseService"]

if TYPE_CHECKING:
    from .service import DynamoDBDatabaseService


def __getattr__(name: str) -> object:
    if name == "__version__":  # from the installed metadata: the version is set once, in the core's __about__
        from importlib.metadata import version

        return version("gofannon-db-dynamodb")
    if name == "DynamoDBDatabaseService":
        from .service import DynamoDBDatabaseService

        return DynamoDBDatabaseService
    raise AttributeError(name)
