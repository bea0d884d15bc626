"""A working third-party provider: the memory backend under another name."""

from __future__ import annotations

from gofannon_db import DatabaseService, Option, Provider, Settings
from gofannon_db.hookspecs import hookimpl


def _create(settings: Settings) -> DatabaseService:
    from gofannon_db_example.service import ExampleService

    return ExampleService(
        greeting=settings.require("EXAMPLE_GREETING"),
        token=settings.get_str("EXAMPLE_TOKEN"),
        collection_prefix=settings.collection_prefix,
    )


@hookimpl
def gofannon_db_providers() -> list[Provider]:
    return [
        Provider(
            "example",
            _create,
            options=(
                Option("EXAMPLE_GREETING", "Any text; proves required options are checked.", required=True),
                Option("EXAMPLE_TOKEN", "A secret that must never be printed.", secret=True),
            ),
            description="Test fixture provider.",
        )
    ]
