"""Google Cloud Firestore backend for gofannon-db: provider ``firestore``.

Importing this package imports no Google SDK; :mod:`gofannon_db_firestore.service` does.
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    if name == "__version__":  # from the installed metadata: the version is set once, in the core's __about__
        from importlib.metadata import version

        return version("gofannon-db-firestore")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
