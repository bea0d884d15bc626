"""Typed errors that are also ``fastapi.HTTPException``, for applications that catch the latter.

The core's errors stay free of web frameworks; this module builds, once per error class, a
subclass of both (``DocumentNotFound`` and ``HTTPException``) and converts an error raised by
the core into it, keeping its ``detail``, its other attributes (``path``, ``results``), its
``__cause__`` and its traceback. ``except DocumentNotFound`` and ``except HTTPException`` with
``e.status_code == 404`` then both catch it, and FastAPI answers it with its own status.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

try:
    from fastapi import HTTPException
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        f"gofannon_db.compat needs FastAPI ({exc}); install it with: pip install 'gofannon-db[fastapi]'"
    ) from exc

from ..errors import DatabaseError

__all__ = ["as_http_error", "http_error_class", "raising_http_errors"]

_classes: dict[type[DatabaseError], type[DatabaseError]] = {}
_lock = threading.Lock()


def http_error_class(error_class: type[DatabaseError]) -> type[DatabaseError]:
    """The subclass of ``error_class`` and ``HTTPException``, made on first use and then reused."""
    if issubclass(error_class, HTTPException):
        return error_class
    with _lock:
        made = _classes.get(error_class)
        if made is None:
            made = type(
                error_class.__name__,
                (error_class, HTTPException),
                {
                    "__module__": __name__,
                    "__qualname__": error_class.__qualname__,
                    "__doc__": f"{error_class.__name__} that is also a fastapi.HTTPException "
                    f"(status_code {error_class.status_code}).",
                },
            )
            _classes[error_class] = made
        return made


def as_http_error(error: DatabaseError) -> DatabaseError:
    """``error`` as an instance of :func:`http_error_class` of its class, with everything it carried."""
    if isinstance(error, HTTPException):
        return error
    error_class = http_error_class(type(error))
    converted = error_class.__new__(error_class)
    converted.__dict__.update(error.__dict__)  # detail, and path, results, ... of the subclasses
    HTTPException.__init__(cast(HTTPException, converted), status_code=error.status_code, detail=error.detail)
    converted.args = error.args
    converted.__cause__ = error.__cause__
    converted.__suppress_context__ = True
    return converted.with_traceback(error.__traceback__)


@contextmanager
def raising_http_errors() -> Iterator[None]:
    """Re-raise any :class:`DatabaseError` from the block as :func:`as_http_error` of it."""
    try:
        yield
    except DatabaseError as error:
        raise as_http_error(error) from error.__cause__
