"""Settings: the environment, overridden by keyword arguments.

The core knows only its own variables (``DATABASE_*``). Each provider declares the
variables it reads as :class:`~gofannon_db.provider.Option` objects and the factory
checks them, so adding a backend never changes this module.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from .errors import ConfigurationError
from .redaction import is_secret_name, redact

if TYPE_CHECKING:
    from .provider import Option

__all__ = ["CORE_OPTION_NAMES", "Settings"]

CORE_OPTION_NAMES = ("DATABASE_PROVIDER", "DATABASE_COLLECTION_PREFIX", "DATABASE_TIMEOUT", "DATABASE_ASYNC_WORKERS")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


class Settings(Mapping[str, str]):
    """A frozen snapshot of configuration variables.

    ``Settings()`` reads ``os.environ``; ``Settings(DATABASE_PROVIDER="couchdb",
    COUCHDB_URL=...)`` overrides it; a value of ``None`` removes a variable. Pass
    ``environ={}`` to ignore the process environment entirely.
    """

    def __init__(self, environ: Mapping[str, str] | None = None, /, **overrides: object) -> None:
        values = dict(os.environ if environ is None else environ)
        for name, value in overrides.items():
            if value is None:
                values.pop(name, None)
            elif isinstance(value, bool):
                values[name] = "true" if value else "false"
            else:
                values[name] = str(value)
        self._values = values
        self._overridden = frozenset(overrides)

    def __getitem__(self, name: str) -> str:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        shown = [name for name in self._values if name in CORE_OPTION_NAMES or name in self._overridden]
        body = ", ".join(f"{name}={redact(name, self._values[name])!r}" for name in sorted(shown))
        return f"Settings({body})"

    @property
    def provider(self) -> str:
        """``DATABASE_PROVIDER``, lower-cased; ``memory`` when unset."""
        return (self._values.get("DATABASE_PROVIDER") or "memory").strip().lower()

    @property
    def collection_prefix(self) -> str:
        """``DATABASE_COLLECTION_PREFIX``: namespaces physical collection names (e.g. ``staging-``)."""
        return self._values.get("DATABASE_COLLECTION_PREFIX", "").strip()

    @property
    def timeout(self) -> float:
        """``DATABASE_TIMEOUT``: seconds to wait for the server before ``BackendUnavailable``."""
        return self.get_float("DATABASE_TIMEOUT", 10.0)

    @property
    def async_workers(self) -> int | None:
        """``DATABASE_ASYNC_WORKERS``: threads of the async service; ``None`` sizes them by the backend."""
        if self.get_str("DATABASE_ASYNC_WORKERS") is None:
            return None
        workers = self.get_int("DATABASE_ASYNC_WORKERS", 0)
        if workers < 1:
            raise ConfigurationError(f"DATABASE_ASYNC_WORKERS must be at least 1, got {workers}.")
        return workers

    def get_str(self, name: str, default: str | None = None) -> str | None:
        """The variable, stripped; ``default`` when unset or blank."""
        value = self._values.get(name, "").strip()
        return value or default

    def require(self, name: str, why: str = "") -> str:
        value = self.get_str(name)
        if value is None:
            raise ConfigurationError(f"{name} is not set{': ' + why if why else '.'}")
        return value

    def get_float(self, name: str, default: float) -> float:
        raw = self.get_str(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise ConfigurationError(f"{name} must be a number, got {raw!r}.") from None
        if not value > 0:
            raise ConfigurationError(f"{name} must be greater than 0, got {raw!r}.")
        return value

    def get_int(self, name: str, default: int) -> int:
        raw = self.get_str(name)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            raise ConfigurationError(f"{name} must be a whole number, got {raw!r}.") from None

    def get_bool(self, name: str, default: bool) -> bool:
        raw = self.get_str(name)
        if raw is None:
            return default
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise ConfigurationError(f"{name} must be true or false, got {raw!r}.")

    def fingerprint(self, names: Iterable[str]) -> tuple[tuple[str, str | None], ...]:
        """The values of ``names`` (plus the core's): two services built from equal fingerprints are interchangeable."""
        wanted = sorted({*CORE_OPTION_NAMES, *names})
        return tuple((name, self.get_str(name)) for name in wanted)

    def with_defaults(self, options: Iterable[Option]) -> Settings:
        """These settings with each option's ``default`` filled in where the variable is unset or blank.

        The factory hands the result to a provider's ``create``, so a plugin reads its
        declared defaults with a plain ``settings.get_str(name)``.
        """
        missing = {
            option.name: option.default
            for option in options
            if option.default is not None and not self._values.get(option.name, "").strip()
        }
        if not missing:
            return self
        filled = Settings({**self._values, **missing})
        filled._overridden = self._overridden
        return filled

    def secret_values(self, options: Iterable[Option]) -> list[str]:
        """Values to mask in every message: options declared ``secret`` or named like a secret,
        and passwords embedded in any option's URL (``scheme://user:password@host``)."""
        found: list[str] = []
        for option in options:
            value = self.get_str(option.name)
            if value is None:
                continue
            if option.secret or is_secret_name(option.name):
                found.append(value)
            elif "://" in value and "@" in value:
                from urllib.parse import unquote, urlsplit  # here: only URLs with credentials need it

                try:
                    password = urlsplit(value).password
                except ValueError:
                    continue
                if password:
                    found.extend({password, unquote(password)})
        return found
