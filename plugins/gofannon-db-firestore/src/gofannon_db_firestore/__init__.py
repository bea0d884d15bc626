"""Google Cloud Firestore backend for gofannon-db: provider ``firestore``.

Importing this package imports no Google SDK; :mod:`gofannon_db_firestore.service` does.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
