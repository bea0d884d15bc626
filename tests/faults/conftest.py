"""The real servers of the fault tests: the backends' own session fixtures and launchers, reused."""

from __future__ import annotations

import os

from tests.couchdb.conftest import couchdb_server
from tests.dynamodb.conftest import ddb_server
from tests.firestore.conftest import firestore_emulator

# Nothing here may probe the cloud metadata address (see tests/firestore/conftest.py).
os.environ["NO_GCE_CHECK"] = "true"

__all__ = ["couchdb_server", "ddb_server", "firestore_emulator"]
