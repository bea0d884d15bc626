"""Bearer tokens with two scopes, for the REST service and for users' own FastAPI apps.

A token list is text: entries separated by commas or new lines, ``#`` starting a
comment. ``read:TOKEN`` may only read; ``TOKEN`` (or ``write:TOKEN``) may read and
write. Tokens are kept only as SHA-256 digests and compared with
:func:`hmac.compare_digest` against every entry, so neither the time a check takes nor
any repr, log line or error reveals a token. Pure Python: no web framework needed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from .errors import ConfigurationError
from .settings import Settings

__all__ = [
    "TOKENS_FILE_VARIABLE",
    "TOKENS_VARIABLE",
    "AccessScope",
    "TokenSet",
    "bearer_token",
    "permits",
]

AccessScope = Literal["read", "write"]
"""``read``: GET and queries; ``write``: everything ``read`` may, plus writes."""

TOKENS_VARIABLE = "GOFANNON_SERVE_TOKENS"
TOKENS_FILE_VARIABLE = "GOFANNON_SERVE_TOKEN_FILE"

# RFC 6750 b64token: what may follow "Bearer " in an Authorization header.
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
_SCOPES: dict[str, AccessScope] = {"read": "read", "write": "write"}


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


def permits(granted: AccessScope | None, needed: AccessScope) -> bool:
    """Whether a caller holding ``granted`` may do what needs ``needed`` (``write`` includes ``read``)."""
    return granted == "write" or (granted == "read" and needed == "read")


def bearer_token(authorization: str | bytes | None) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` header value; ``None`` for any other value."""
    if authorization is None:
        return None
    if isinstance(authorization, bytes):
        authorization = authorization.decode("latin-1")
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


class TokenSet:
    """The accepted tokens and the scope of each; empty means no token is configured."""

    __slots__ = ("_entries",)

    def __init__(self, entries: Iterable[tuple[str, AccessScope]] = ()) -> None:
        digests: dict[bytes, AccessScope] = {}
        for token, scope in entries:
            if scope not in _SCOPES.values():
                raise ConfigurationError(f"Unknown token scope {scope!r}: use 'read' or 'write'.")
            digest = _digest(token)
            if digests.get(digest) != "write":  # the same token listed twice keeps its widest scope
                digests[digest] = scope
        self._entries = tuple(digests.items())

    @classmethod
    def parse(cls, text: str, *, source: str = TOKENS_VARIABLE) -> TokenSet:
        """Read a token list; errors name ``source`` and the entry's position, never the token."""
        entries: list[tuple[str, AccessScope]] = []
        position = 0
        for line in text.splitlines():
            for raw in line.split("#", 1)[0].split(","):
                entry = raw.strip()
                if not entry:
                    continue
                position += 1
                prefix, colon, rest = entry.partition(":")
                scope: AccessScope = "write"
                if colon and prefix.lower() in _SCOPES:
                    scope, entry = _SCOPES[prefix.lower()], rest.strip()
                if not _TOKEN_CHARS.fullmatch(entry):
                    raise ConfigurationError(
                        f"{source}: entry {position} is not a usable bearer token: use letters, digits and "
                        "'-._~+/' (e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)."
                    )
                entries.append((entry, scope))
        return cls(entries)

    @classmethod
    def from_file(cls, path: str | Path) -> TokenSet:
        """Read a token file: one token per line (``read:`` for read-only), ``#`` comments."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigurationError(f"Cannot read the token file {str(path)!r}: {type(error).__name__}.") from None
        return cls.parse(text, source=f"token file {str(path)!r}")

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenSet:
        """``GOFANNON_SERVE_TOKENS`` plus the tokens of the file ``GOFANNON_SERVE_TOKEN_FILE`` names."""
        tokens = cls.parse(settings.get_str(TOKENS_VARIABLE) or "")
        path = settings.get_str(TOKENS_FILE_VARIABLE)
        return tokens | cls.from_file(path) if path else tokens

    def __or__(self, other: TokenSet) -> TokenSet:
        merged = TokenSet()
        digests = dict(self._entries)
        for digest, scope in other._entries:
            if digests.get(digest) != "write":
                digests[digest] = scope
        merged._entries = tuple(digests.items())
        return merged

    def check(self, token: str | None) -> AccessScope | None:
        """The scope ``token`` grants, or ``None``; compares against every entry in constant time."""
        if token is None:
            return None
        candidate = _digest(token)
        found: AccessScope | None = None
        for digest, scope in self._entries:
            if hmac.compare_digest(candidate, digest):
                found = scope
        return found

    def __bool__(self) -> bool:
        return bool(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def count(self, scope: AccessScope) -> int:
        """How many tokens grant exactly ``scope``."""
        return sum(1 for _, granted in self._entries if granted == scope)

    def __repr__(self) -> str:
        return f"<TokenSet read-write={self.count('write')} read-only={self.count('read')}>"
