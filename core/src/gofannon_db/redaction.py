"""Keep secrets out of reprs, logs and error text."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

__all__ = ["MASK", "is_secret_name", "redact", "redact_url"]

MASK = "***"
_SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|API_?KEY|ACCESS_KEY|PRIVATE", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    """True for setting names that conventionally hold secrets (``*_PASSWORD``, ``*_SECRET*``, ...)."""
    return bool(_SECRET_NAME.search(name))


def redact_url(url: str) -> str:
    """Replace the password in ``scheme://user:password@host`` (or ``user:password@host:port``) with ``***``."""
    if "://" not in url and "@" in url:
        # No scheme: urlsplit would take "user" for the scheme and hide the password in the path.
        redacted = _redact_split("//" + url)
        return redacted[2:] if redacted.startswith("//") else redacted
    return _redact_split(url)


def _redact_split(url: str) -> str:
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = f"{parts.username}:{MASK}@{parts.hostname or ''}"
        if parts.port is not None:
            netloc += f":{parts.port}"
    except ValueError:
        return MASK
    return urlunsplit(parts._replace(netloc=netloc))


def redact(name: str, value: str, *, secret: bool = False) -> str:
    """The form of a setting that is safe to print."""
    if secret or is_secret_name(name):
        return MASK
    if "@" in value:
        return redact_url(value)
    return value
