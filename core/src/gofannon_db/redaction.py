"""Keep secrets out of reprs, logs and error text.

Part of the public toolkit for backend authors: :func:`redact` for a setting shown in a
repr, :func:`redact_url` for a URL with credentials, :func:`scrub` for any message.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

__all__ = [
    "MASK",
    "forget_secrets",
    "is_secret_name",
    "redact",
    "redact_url",
    "register_secret",
    "registered_secrets",
    "scrub",
    "scrub_exception",
    "strip_userinfo",
]

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
    from urllib.parse import urlsplit, urlunsplit  # here: most processes never print a URL with a password

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


def strip_userinfo(url: str) -> str:
    """``scheme://user:password@host/path`` without ``user:password@``.

    For handing a URL to an SDK that authenticates otherwise (AWS signs requests): a URL
    the SDK never sees cannot reach its logs or its exception messages.
    """
    from urllib.parse import urlsplit, urlunsplit

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
    if "@" in value:
        return redact_url(value)
    if "@" in value and ":" in value.partition("@")[0]:
        # ``user:password@host:port`` without a scheme: parsed as a network location.
        return redact_url("//" + value)[2:]
    return value


# --------------------------------------------------------------- secret scrubbing
#
# Values of options a provider declares secret are registered here when the factory
# builds a service; every message that leaves the library (the CLI's output, the
# server's error responses, a DatabaseError raised through a service) passes through
# :func:`scrub`, so a secret is masked even in text a plugin built carelessly.

_MIN_SECRET_LENGTH = 3
"""Shorter values are not masked: replacing every "a" in a message would hide the message, not a secret."""

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_pattern: re.Pattern[str] | None = None
_URL_CREDENTIALS = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/:@]*:)[^\s/@]+@")


def register_secret(value: str | None) -> None:
    """Mask ``value`` in every message scrubbed from now on (for the life of the process)."""
    global _pattern
    if not value or len(value) < _MIN_SECRET_LENGTH:
        return
    with _secrets_lock:
        if value not in _secrets:
            _secrets.add(value)
            ordered = sorted(_secrets, key=len, reverse=True)  # a longer secret first, when one holds another
            _pattern = re.compile("|".join(re.escape(secret) for secret in ordered))


def registered_secrets() -> frozenset[str]:
    """The values :func:`scrub` masks (for tests and diagnostics; never print them)."""
    with _secrets_lock:
        return frozenset(_secrets)


def forget_secrets() -> None:
    """Clear the registry (tests)."""
    global _pattern
    with _secrets_lock:
        _secrets.clear()
        _pattern = None


def scrub(text: str, extra: Iterable[str] = ()) -> str:
    """``text`` with every registered secret, every value of ``extra`` and every URL password masked."""
    if not isinstance(text, str) or not text:
        return text
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    for value in extra:
        if value and len(value) >= _MIN_SECRET_LENGTH:
            text = text.replace(value, MASK)
    if "://" in text and "@" in text:
        text = _URL_CREDENTIALS.sub(lambda match: f"{match.group('head')}{MASK}@", text)
    return text


def _scrub_args(exc: BaseException) -> None:
    try:
        exc.args = tuple(scrub(arg) if isinstance(arg, str) else arg for arg in exc.args)
    except Exception:  # an exotic exception type keeps its args
        return


def scrub_exception(exc: BaseException) -> BaseException:
    """Mask secrets in ``exc`` and the exceptions chained to it, in place, and return it.

    A :class:`~gofannon_db.errors.DatabaseError` gets its ``detail`` scrubbed; every
    exception in the chain (``__cause__``, ``__context__``) its string arguments, so a
    logging handler that prints the chain prints no secret either.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < 16:
        seen.add(id(current))
        detail = getattr(current, "detail", None)
        if isinstance(detail, str):
            current.detail = scrub(detail)  # type: ignore[attr-defined]
        _scrub_args(current)
        current = current.__cause__ or current.__context__
    return exc
