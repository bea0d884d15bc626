"""The whole conformance suite as one class to subclass."""

from __future__ import annotations

from .bulk import BulkTests
from .crud import CrudTests
from .lifecycle import CollectionTests
from .messages import MessageTests
from .names import NameTests
from .queries import QueryTests
from .revisions import RevisionTests
from .values import ValueTests

__all__ = ["ConformanceSuite"]


class ConformanceSuite(
    CrudTests, ValueTests, NameTests, RevisionTests, MessageTests, BulkTests, QueryTests, CollectionTests
):
    """Every rule of the contract. Subclass it and supply ``service`` and ``prefixed_service``.

    Groups can also be used alone (``from gofannon_db.testing.values import ValueTests``)
    while a backend is being written; a finished backend passes the whole class.
    """
