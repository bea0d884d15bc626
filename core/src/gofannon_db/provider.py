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
    """One environment variable a provider reads; the core honours every field.

    ``help`` and ``default`` are listed by ``gofannon-db providers``; ``default`` is what
    :class:`~gofannon_db.Settings` hands the provider's ``create`` when the variable is
    unset; the factory refuses to build a service while a ``required`` one is unset.
    """

    name: str
    help: str
    default: str | None = None
    required: bool = False
    secret: bool = False
    """Never printed: its value is replaced by ``***`` in reprs, CLI output, server responses and errors."""
    identity: bool = False
    """This option says *which store* a service talks to (a URL, a path, a project id).

    ``migrate`` and ``import`` compare the identity options of source and target (plus the
    collection prefix) to refuse copying a store onto itself. When no option of a provider
    is marked, every non-secret option counts; a provider without options holds its data
    in the service itself (memory), so two services are never the same store.
    """
    normalise: Callable[[str], str] | None = field(default=None, compare=False)
    """Turns a value into its canonical form before identities are compared, e.g.
    :func:`gofannon_db.identity.normalise_path` or :func:`~gofannon_db.identity.normalise_url`."""


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
