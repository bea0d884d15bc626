"""Registers the ``firestore`` provider. Light on purpose: the Google SDK is imported on first use."""

from __future__ import annotations

from gofannon_db.hookspecs import hookimpl
from gofannon_db.provider import Provider
from gofannon_db.service import DatabaseService
from gofannon_db.settings import Settings

from .config import OPTIONS, FirestoreConfig


def _create(settings: Settings) -> DatabaseService:
    from .service import FirestoreDatabaseService

    return FirestoreDatabaseService(FirestoreConfig.from_settings(settings))


GOFANNON_DB_API = 1
"""The gofannon-db plugin API this plugin was written for (see gofannon_db.hookspecs.API_VERSION)."""


@hookimpl
def gofannon_db_providers() -> list[Provider]:
    return [
        Provider(
            "firestore",
            _create,
            options=OPTIONS,
            description="Google Cloud Firestore (native mode) or its emulator, via google-cloud-firestore.",
        )
    ]
