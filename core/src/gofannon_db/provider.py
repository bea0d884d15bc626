"""What a plugin registers: a named provider, its settings, and a lazy constructor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .aio import AsyncDatabaseService
    from .service import DatabaseService
    from .settings import Settings

__all__ = ["Option", "Provider"]


@dataclass(frozen=True)
class Option:
    """One environment variable a provider reads."""

    name: str
    help: str
    default: str | None = None
    required: bool = False
    secret: bool = False
    """Never printed: ``gofannon-db check`` and reprs show ``***``."""


@dataclass(frozen=True)
class Provider:
    """A backend as the factory sees it.

    ``create`` must import the backend's SDK itself, inside the function, so that
    discovering providers stays cheap and imports no cloud SDK. ``create_async``, when
    given, builds the provider's native :class:`~gofannon_db.aio.AsyncDatabaseService`;
    without it the async service runs ``create``'s service on a bounded thread pool.
    """

    name: str
    create: Callable[[Settings], DatabaseService]
    options: tuple[Option, ...] = ()
    description: str = ""
    create_async: Callable[[Settings], AsyncDatabaseService] | None = None
    option_names: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "option_names", tuple(option.name for option in self.options))
