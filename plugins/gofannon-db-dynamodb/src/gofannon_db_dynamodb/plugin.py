"""Registers the ``dynamodb`` provider. Light on purpose: boto3 is imported in ``_create``."""

from __future__ import annotations

from gofannon_db.concurrency import DEFAULT_BULK_CONCURRENCY
from gofannon_db.errors import ConfigurationError
from gofannon_db.hookspecs import hookimpl
from gofannon_db.identity import normalise_url
from gofannon_db.provider import Option, Provider
from gofannon_db.service import DatabaseService
from gofannon_db.settings import Settings

RETRY_MODES = ("standard", "adaptive", "legacy")

OPTIONS = (
    Option("DYNAMODB_REGION", "AWS region of the tables.", default="us-east-1", identity=True),
    Option(
        "DYNAMODB_ENDPOINT_URL",
        "Endpoint to use instead of AWS's, e.g. http://127.0.0.1:8000 for DynamoDB Local.",
        identity=True,
        normalise=normalise_url,
    ),
    Option("DYNAMODB_TIMEOUT", "Connect and read timeout in seconds; defaults to DATABASE_TIMEOUT."),
    Option("DYNAMODB_MAX_ATTEMPTS", "Total attempts per request, retries included (botocore).", default="3"),
    Option("DYNAMODB_RETRY_MODE", "botocore retry mode: standard, adaptive or legacy.", default="standard"),
    Option("DYNAMODB_MAX_POOL_CONNECTIONS", "HTTP connections kept for concurrent threads.", default="25"),
    Option(
        "DYNAMODB_BULK_CONCURRENCY",
        "Batch requests save_many/get_many/delete_many keep in flight at once (1: one after another).",
        default=str(DEFAULT_BULK_CONCURRENCY),
    ),
    # Credentials come from the standard AWS chain; these are read only so that values
    # passed to Settings() (not just the environment) reach boto3. Never required.
    Option("AWS_ACCESS_KEY_ID", "AWS access key id (else the standard AWS credential chain).", secret=True),
    Option("AWS_SECRET_ACCESS_KEY", "AWS secret access key (else the standard AWS credential chain).", secret=True),
    Option("AWS_SESSION_TOKEN", "AWS session token for temporary credentials.", secret=True),
    Option("AWS_PROFILE", "Named profile from the shared AWS config files.", identity=True),
)


def _create(settings: Settings) -> DatabaseService:
    from .service import DynamoDBDatabaseService

    retry_mode = (settings.get_str("DYNAMODB_RETRY_MODE") or "standard").lower()
    if retry_mode not in RETRY_MODES:
        raise ConfigurationError(f"DYNAMODB_RETRY_MODE must be one of {', '.join(RETRY_MODES)}, got {retry_mode!r}.")
    max_attempts = settings.get_int("DYNAMODB_MAX_ATTEMPTS", 3)
    if max_attempts < 1:
        raise ConfigurationError(f"DYNAMODB_MAX_ATTEMPTS must be at least 1, got {max_attempts}.")
    pool = settings.get_int("DYNAMODB_MAX_POOL_CONNECTIONS", 25)
    if pool < 1:
        raise ConfigurationError(f"DYNAMODB_MAX_POOL_CONNECTIONS must be at least 1, got {pool}.")
    concurrency = settings.get_int("DYNAMODB_BULK_CONCURRENCY", DEFAULT_BULK_CONCURRENCY)
    if concurrency < 1:
        raise ConfigurationError(f"DYNAMODB_BULK_CONCURRENCY must be at least 1, got {concurrency}.")
    return DynamoDBDatabaseService(
        region=settings.get_str("DYNAMODB_REGION") or "us-east-1",
        endpoint_url=settings.get_str("DYNAMODB_ENDPOINT_URL"),
        timeout=settings.get_float("DYNAMODB_TIMEOUT", settings.timeout),
        max_attempts=max_attempts,
        retry_mode=retry_mode,
        max_pool_connections=pool,
        aws_access_key_id=settings.get_str("AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=settings.get_str("AWS_SECRET_ACCESS_KEY"),
        aws_session_token=settings.get_str("AWS_SESSION_TOKEN"),
        profile_name=settings.get_str("AWS_PROFILE"),
        collection_prefix=settings.collection_prefix,
        bulk_concurrency=concurrency,
    )


GOFANNON_DB_API = 1
"""The gofannon-db plugin API this plugin was written for (see gofannon_db.hookspecs.API_VERSION)."""


@hookimpl
def gofannon_db_providers() -> list[Provider]:
    return [
        Provider(
            "dynamodb",
            _create,
            options=OPTIONS,
            description="Amazon DynamoDB (or DynamoDB Local): one table per collection.",
        )
    ]
