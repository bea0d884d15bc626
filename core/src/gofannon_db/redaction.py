"""Keep secrets out of reprs, logs and error text."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

__all__ = ["MASK", "is_secret_name", "redact", "redact_url", "strip_userinfo"]

MASK = "***"
_SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|API_?KEY|ACCESS_KEY|PRIVATE", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    """True for setting names that conventionally hold secrets (``*_PASSWORD``, ``*_SECRET*``, ...)."""
    return bool(_SECRET_NAME.search(name))


def redact_url(url: str) -> str:
    """Replace the password in ``scheme://user:password@host`` with ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    if parts.password is None:
        return url
    netloc = f"{parts.username}:{MASK}@{parts.hostname or ''}"
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def strip_userinfo(url: str) -> str:
    """``scheme://user:password@host/path`` without ``user:password@``.

    For handing a URL to an SDK that authenticates otherwise (AWS signs requests): a URL
    the SDK never sees cannot reach its logs or its exception messages.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def redact(name: str, value: str, *, secret: bool = False) -> str:
    """The form of a setting that is safe to print."""
    if secret or is_secret_name(name):
        return MASK
    if "@" in value and "://" in value:
        return redact_url(value)
    if "@" in value and ":" in value.partition("@")[0]:
        # ``user:password@host:port`` without a scheme: parsed as a network location.
        return redact_url("//" + value)[2:]
    return value
