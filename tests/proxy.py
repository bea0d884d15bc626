"""The fault proxy now ships with the conformance suite: :mod:`gofannon_db.testing.proxy`."""

from gofannon_db.testing.proxy import FaultProxy

__all__ = ["FaultProxy"]
