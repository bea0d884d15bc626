"""Build the google-cloud-firestore client from a :class:`FirestoreConfig`, without surprises.

The SDK alone would read ``FIRESTORE_EMULATOR_HOST`` from ``os.environ`` only and fall back
to ``google.auth.default()`` (which may probe the GCE metadata server) whenever no
credentials are passed. Here the settings decide: with an emulator host, anonymous
credentials and the emulator's plaintext channel, and nothing probes any metadata
address; without one, the key file named by ``GOOGLE_APPLICATION_CREDENTIALS`` or else
Application Default Credentials.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gofannon_db.errors import ConfigurationError

from .config import FirestoreConfig

if TYPE_CHECKING:
    from google.cloud.firestore import Client

__all__ = ["build_client", "retry_policy"]

_SCOPES = ("https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/datastore")


def _credentials_from_file(path: str) -> tuple[Any, str | None]:
    """Credentials from a key file, as ADC would load the file it names."""
    import json
    import warnings

    import google.auth

    with open(path, encoding="utf-8") as handle:
        info = json.load(handle)
    kind = info.get("type") if isinstance(info, dict) else None
    if kind == "service_account":
        from google.oauth2 import service_account

        credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=_SCOPES
        )
        return credentials, info.get("project_id")
    if kind == "authorized_user":
        from google.oauth2 import credentials as user_credentials

        user = user_credentials.Credentials.from_authorized_user_info(info, scopes=_SCOPES)  # type: ignore[no-untyped-call]
        return user, info.get("quota_project_id")
    # Other kinds (external_account, impersonated_service_account, ...): google-auth's
    # generic loader, which warns about files from untrusted sources; this one is the operator's.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        found: tuple[Any, str | None] = google.auth.load_credentials_from_file(  # type: ignore[no-untyped-call]
            path, scopes=_SCOPES
        )
    return found


def _credentials(config: FirestoreConfig) -> tuple[Any, str | None]:
    import google.auth
    from google.auth import exceptions as auth_errors

    try:
        if config.credentials_file:
            return _credentials_from_file(config.credentials_file)
        return google.auth.default(scopes=_SCOPES)
    except (auth_errors.GoogleAuthError, OSError, ValueError):
        # The SDK's message can quote the key file; name only what to set.
        source = (
            "the file named by GOOGLE_APPLICATION_CREDENTIALS"
            if config.credentials_file
            else ("Application Default Credentials")
        )
        raise ConfigurationError(
            f"No usable Google credentials from {source}: set GOOGLE_APPLICATION_CREDENTIALS to a "
            "service-account key file, run on Google Cloud, or set FIRESTORE_EMULATOR_HOST for the emulator."
        ) from None


def build_client(config: FirestoreConfig) -> Client:
    """A sync Firestore client for ``config``; raises :class:`ConfigurationError` when it cannot."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    project = config.project
    if config.emulator_host:
        if not project:
            raise ConfigurationError(
                "Set FIRESTORE_PROJECT_ID (or GOOGLE_CLOUD_PROJECT) to a project id such as 'demo-local' "
                "when FIRESTORE_EMULATOR_HOST is set."
            )
        credentials: Any = AnonymousCredentials()  # type: ignore[no-untyped-call]
    else:
        credentials, found_project = _credentials(config)
        project = project or found_project
        if not project:
            raise ConfigurationError(
                "Set FIRESTORE_PROJECT_ID or GOOGLE_CLOUD_PROJECT: the credentials name no project."
            )
    client = firestore.Client(project=project, credentials=credentials, database=config.database)
    # The SDK reads the emulator host from os.environ at construction; the settings may
    # differ (given as keyword arguments, or removed). The channel is created lazily, on
    # first use, from this attribute.
    client._emulator_host = config.emulator_host or None
    return client


def retry_policy(timeout: float) -> Any:
    """Retry transient failures with backoff, all attempts together within ``timeout`` seconds."""
    from google.api_core import exceptions as api
    from google.api_core import retry

    return retry.Retry(
        predicate=retry.if_exception_type(
            api.ServiceUnavailable, api.DeadlineExceeded, api.ResourceExhausted, api.Aborted
        ),
        initial=min(0.1, timeout / 10),
        maximum=max(min(2.0, timeout / 4), 0.01),
        multiplier=2.0,
        timeout=timeout,
    )
