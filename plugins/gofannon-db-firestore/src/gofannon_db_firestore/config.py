"""The provider's settings, read once from :class:`~gofannon_db.settings.Settings`.

No Google SDK is imported here, so the plugin module can declare its options cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass

from gofannon_db.concurrency import DEFAULT_BULK_CONCURRENCY
from gofannon_db.errors import ConfigurationError
from gofannon_db.provider import Option
from gofannon_db.settings import Settings

__all__ = ["DEFAULT_DATABASE", "OPTIONS", "FirestoreConfig"]

DEFAULT_DATABASE = "(default)"

OPTIONS = (
    Option("FIRESTORE_PROJECT_ID", "Google Cloud project id; wins over GOOGLE_CLOUD_PROJECT.", identity=True),
    Option(
        "GOOGLE_CLOUD_PROJECT",
        "Google Cloud project id, used when FIRESTORE_PROJECT_ID is unset. Without either, the project of "
        "the credentials.",
        identity=True,
    ),
    Option("FIRESTORE_DATABASE", "Firestore database id.", default=DEFAULT_DATABASE, identity=True),
    Option(
        "GOOGLE_APPLICATION_CREDENTIALS",
        "Path to a service-account key file; unset: Application Default Credentials. Ignored with the emulator.",
        secret=True,
    ),
    Option(
        "FIRESTORE_EMULATOR_HOST",
        "host:port of a Firestore emulator (e.g. 127.0.0.1:8080); then no credentials are used.",
        identity=True,
    ),
    Option("FIRESTORE_TIMEOUT", "Seconds per call, retries included; defaults to DATABASE_TIMEOUT."),
    Option(
        "FIRESTORE_BULK_CONCURRENCY",
        "Batch requests save_many/get_many/delete_many keep in flight at once (1: one after another).",
        default=str(DEFAULT_BULK_CONCURRENCY),
    ),
)


@dataclass(frozen=True)
class FirestoreConfig:
    """Where and how to connect. ``repr`` never shows the credentials path."""

    project: str | None = None
    database: str = DEFAULT_DATABASE
    emulator_host: str | None = None
    credentials_file: str | None = None
    timeout: float = 10.0
    collection_prefix: str = ""
    bulk_concurrency: int = DEFAULT_BULK_CONCURRENCY

    @classmethod
    def from_settings(cls, settings: Settings) -> FirestoreConfig:
        bulk_concurrency = settings.get_int("FIRESTORE_BULK_CONCURRENCY", DEFAULT_BULK_CONCURRENCY)
        if bulk_concurrency < 1:
            raise ConfigurationError(f"FIRESTORE_BULK_CONCURRENCY must be at least 1, got {bulk_concurrency}.")
        return cls(
            project=settings.get_str("FIRESTORE_PROJECT_ID") or settings.get_str("GOOGLE_CLOUD_PROJECT"),
            database=settings.get_str("FIRESTORE_DATABASE", DEFAULT_DATABASE) or DEFAULT_DATABASE,
            emulator_host=settings.get_str("FIRESTORE_EMULATOR_HOST"),
            credentials_file=settings.get_str("GOOGLE_APPLICATION_CREDENTIALS"),
            timeout=settings.get_float("FIRESTORE_TIMEOUT", settings.timeout),
            collection_prefix=settings.collection_prefix,
            bulk_concurrency=bulk_concurrency,
        )

    def __repr__(self) -> str:
        credentials = "'***'" if self.credentials_file else "None"
        return (
            f"FirestoreConfig(project={self.project!r}, database={self.database!r}, "
            f"emulator_host={self.emulator_host!r}, credentials_file={credentials}, timeout={self.timeout!r}, "
            f"collection_prefix={self.collection_prefix!r}, bulk_concurrency={self.bulk_concurrency!r})"
        )
