"""The gofannon-db REST service (needs the ``fastapi`` extra): see :func:`create_app`."""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
