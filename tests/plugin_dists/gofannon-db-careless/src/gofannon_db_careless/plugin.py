"""The ``careless`` provider: options with defaults, a secret whose name looks harmless."""

from __future__ import annotations

from gofannon_db import DatabaseError, DatabaseService, Option, Provider, Settings
from gofannon_db.hookspecs import hookimpl
from gofannon_db.identity import normalise_path

GOFANNON_DB_API = 1

OPTIONS = (
    Option("CARELESS_GREETING", "Text that ping() returns.", default="hello from the default"),
    Option("CARELESS_PASSPHRASE", "A secret whose name no pattern recognises.", secret=True, required=True),
    Option("CARELESS_FAIL", "Where to fail on purpose: create, ping or get.", default="never"),
    Option(
        "CARELESS_HOME",
        "Where the store lives: identifies it.",
        default="/tmp/careless",
        identity=True,
        normalise=normalise_path,
    ),
)


def _create(settings: Settings) -> DatabaseService:
    from gofannon_db_careless.service import CarelessService

    passphrase = settings.require("CARELESS_PASSPHRASE")
    if settings.get_str("CARELESS_FAIL") == "create":
        raise DatabaseError(f"could not log in with passphrase {passphrase}")
    return CarelessService(
        greeting=settings.get_str("CARELESS_GREETING") or "(no default applied)",
        passphrase=passphrase,
        fail=settings.get_str("CARELESS_FAIL") or "(no default applied)",
        collection_prefix=settings.collection_prefix,
    )


@hookimpl
def gofannon_db_providers() -> list[Provider]:
    return [Provider("careless", _create, options=OPTIONS, description="Test fixture: leaks its secret in messages.")]
