"""The whole conformance suite as one class to subclass."""

from __future__ import annotations

from .bulk import BulkTests
from .closing import ClosingTests
from .crud import CrudTests
from .keys import AwkwardKeyTests
from .lifecycle import CollectionTests
from .messages import MessageTests
from .names import NameTests
from .queries import QueryTests
from .revisions import RevisionTests
from .stateful import StatefulTests
from .values import ValueTests

__all__ = ["ConformanceSuite"]


class ConformanceSuite(
    CrudTests,
    ValueTests,
    NameTests,
    RevisionTests,
    MessageTests,
    BulkTests,
    QueryTests,
    AwkwardKeyTests,
    CollectionTests,
    ClosingTests,
    StatefulTests,
):
    """Every rule of the contract. Subclass it and supply ``service`` and ``prefixed_service``.

    Groups can also be used alone (``from gofannon_db.testing.values import ValueTests``)
    while a backend is being written; a finished backend passes the whole class.
    """
