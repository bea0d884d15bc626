"""What a plugin registers: a named provider, its settings, and a lazy constructor."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .aio import AsyncDatabaseService
    from .service import DatabaseService
    from .settings import Settings

__all__ = ["Option", "Provider"]


class _Frozen:
    """Immutable value objects, written out instead of ``@dataclass(frozen=True)``.

    :mod:`dataclasses` imports :mod:`inspect` (and with it ``ast``, ``dis`` and ``tokenize``):
    about a fifth of a process's start-up on the default provider. Fields are compared,
    hashed and shown in the order of ``_compared``.
    """

    __slots__ = ()
    _compared: tuple[str, ...] = ()
    _init_fields: tuple[str, ...] = ()
    """The constructor's arguments, in order."""

    def _key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._compared)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._compared)
        return f"{type(self).__name__}({fields})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: {type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: {type(self).__name__} is immutable")

    def _set(self, **values: object) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        """Copy and pickle through the constructor (slots set with ``setattr`` would be refused)."""
        return type(self), tuple(getattr(self, name) for name in self._init_fields)


class Option(_Frozen):
    """One environment variable a provider reads; the core honours every field.

    ``help`` and ``default`` are listed by ``gofannon-db providers``; ``default`` is what
    :class:`~gofannon_db.Settings` hands the provider's ``create`` when the variable is
    unset; the factory refuses to build a service while a ``required`` one is unset.

    ``secret``: never printed; its value is replaced by ``***`` in reprs, CLI output,
    server responses and errors.

    ``identity``: this option says *which store* a service talks to (a URL, a path, a
    project id). ``migrate`` and ``import`` compare the identity options of source and
    target (plus the collection prefix) to refuse copying a store onto itself. When no
    option of a provider is marked, every non-secret option counts; a provider without
    options holds its data in the service itself (memory), so two services are never the
    same store.

    ``normalise`` turns a value into its canonical form before identities are compared,
    e.g. :func:`gofannon_db.identity.normalise_path` or
    :func:`~gofannon_db.identity.normalise_url`; it takes no part in equality.
    """

    __slots__ = ("default", "help", "identity", "name", "normalise", "required", "secret")
    _compared = ("name", "help", "default", "required", "secret", "identity")
    _init_fields = (*_compared, "normalise")

    name: str
    help: str
    default: str | None
    required: bool
    secret: bool
    identity: bool
    normalise: Callable[[str], str] | None

    def __init__(  # noqa: PLR0917 -- the positional order of the former dataclass, kept for plugins
        self,
        name: str,
        help: str,
        default: str | None = None,
        required: bool = False,
        secret: bool = False,
        identity: bool = False,
        normalise: Callable[[str], str] | None = None,
    ) -> None:
        self._set(
            name=name,
            help=help,
            default=default,
            required=required,
            secret=secret,
            identity=identity,
            normalise=normalise,
        )


class Provider(_Frozen):
    """A backend as the factory sees it.

    ``create`` must import the backend's SDK itself, inside the function, so that
    discovering providers stays cheap and imports no cloud SDK. ``create_async``, when
    given, builds the provider's native :class:`~gofannon_db.aio.AsyncDatabaseService`;
    without it the async service runs ``create``'s service on a bounded thread pool.
    """

    __slots__ = ("create", "create_async", "description", "name", "option_names", "options")
    _compared = ("name", "create", "options", "description", "create_async")
    _init_fields = _compared

    name: str
    create: Callable[[Settings], DatabaseService]
    options: tuple[Option, ...]
    description: str
    create_async: Callable[[Settings], AsyncDatabaseService] | None
    option_names: tuple[str, ...]

    def __init__(
        self,
        name: str,
        create: Callable[[Settings], DatabaseService],
        options: Iterable[Option] = (),
        description: str = "",
        create_async: Callable[[Settings], AsyncDatabaseService] | None = None,
    ) -> None:
        options = tuple(options)
        self._set(
            name=name,
            create=create,
            options=options,
            description=description,
            create_async=create_async,
            option_names=tuple(option.name for option in options),
        )
