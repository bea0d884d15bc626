"""Every core test starts and ends without a process-wide service."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gofannon_db import reset_database_service


@pytest.fixture(autouse=True)
def fresh_singleton() -> Iterator[None]:
    reset_database_service()
    yield
    reset_database_service()
