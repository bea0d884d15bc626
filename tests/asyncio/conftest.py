"""Tests that touch the process-wide services start and end without them (``usefixtures("fresh_singletons")``)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from gofannon_db import reset_async_database_service, reset_database_service


@pytest.fixture
def fresh_singletons() -> Iterator[None]:
    reset_database_service()
    asyncio.run(reset_async_database_service())
    yield
    reset_database_service()
    asyncio.run(reset_async_database_service())
