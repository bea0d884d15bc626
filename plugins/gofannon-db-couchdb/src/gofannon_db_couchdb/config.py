"""Settings of the ``couchdb`` provider, checked once, with errors that name the variable at fault.

Kept free of CouchDB-Python so the plugin module can declare and check options
without importing the SDK.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

from gofannon_db.errors import ConfigurationError
from gofannon_db.redaction import MASK, redact_url
from gofannon_db.settings import Settings

__all__ = ["CouchDBConfig", "split_credentials"]


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """Split ``http://user:pass@host:port/path`` into the bare URL, user and password.

    Done here rather than by CouchDB-Python, whose parser breaks on passwords holding
    ``@`` or ``:`` (they must be percent-encoded in a URL, and are decoded here).
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # raises ValueError on a malformed port
    except ValueError:
        raise ConfigurationError(f"COUCHDB_URL is not a valid URL: {_safe(url)!r}.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"COUCHDB_URL must be an http:// or https:// URL with a host, such as http://127.0.0.1:5984; "
            f"got {_safe(url)!r}."
        )
    host = parts.hostname
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    bare = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
    return bare, user, password


def _safe(url: str) -> str:
    """The URL as it may be printed: without its password, even when it fails to parse."""
    redacted = redact_url(url)
    return redacted if "@" not in redacted or MASK in redacted else MASK


@dataclass(frozen=True)
class CouchDBConfig:
    """Where the server is and how to log in. The password never shows in a repr."""

    url: str
    """Server URL without credentials (a path prefix behind a proxy is kept)."""
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0
    """Seconds to wait for the server (connect and each read) before BackendUnavailable."""

    def __post_init__(self) -> None:
        if (self.user is None) != (self.password is None):
            missing = "COUCHDB_PASSWORD" if self.password is None else "COUCHDB_USER"
            given = "COUCHDB_USER" if self.password is None else "COUCHDB_PASSWORD"
            raise ConfigurationError(
                f"{missing} is not set: {given} is, and CouchDB needs both (or neither, for a server without "
                "authentication). Credentials may also be given in COUCHDB_URL as http://user:password@host:5984."
            )

    @property
    def credentials(self) -> tuple[str, str] | None:
        if self.user is None or self.password is None:
            return None
        return (self.user, self.password)

    @classmethod
    def from_settings(cls, settings: Settings) -> CouchDBConfig:
        """Read ``COUCHDB_URL``, ``COUCHDB_USER``, ``COUCHDB_PASSWORD`` and the timeout.

        ``COUCHDB_USER``/``COUCHDB_PASSWORD`` override credentials embedded in the URL;
        ``COUCHDB_TIMEOUT`` overrides ``DATABASE_TIMEOUT``.
        """
        url, url_user, url_password = split_credentials(
            settings.require("COUCHDB_URL", "the CouchDB server URL, such as http://127.0.0.1:5984")
        )
        user = settings.get_str("COUCHDB_USER") or url_user
        password = settings.get_str("COUCHDB_PASSWORD")
        if password is None:
            password = url_password
        timeout = settings.get_float("COUCHDB_TIMEOUT", settings.timeout)
        return cls(url=url, user=user, password=password, timeout=timeout)
