"""Provider options honoured by the core (contract v2 section 6): defaults, the providers
listing, and declared secrets scrubbed from every message, even ones a plugin built carelessly.

The ``careless`` provider (tests/plugin_dists/gofannon-db-careless) is really installed: its
options have defaults the plugin never applies itself, and it puts its passphrase, whose
name no secret pattern recognises, in its own error text.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from gofannon_db import (
    ConfigurationError,
    DatabaseError,
    Option,
    ServiceClosed,
    Settings,
    create_database_service,
)
from gofannon_db.redaction import MASK, forget_secrets, scrub, scrub_exception

PASSPHRASE = "swordfish-77x"
SCRIPT = shutil.which("gofannon-db", path=str(Path(sys.executable).parent))


def careless(**overrides: str) -> Settings:
    return Settings({}, DATABASE_PROVIDER="careless", CARELESS_PASSPHRASE=PASSPHRASE, **overrides)


@pytest.fixture(autouse=True)
def no_registered_secrets() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    assert SCRIPT, "the gofannon-db console script is not installed next to this Python"
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "CARELESS_"))}
    return subprocess.run(
        [SCRIPT, *args], capture_output=True, text=True, check=False, env={**clean, **env}, timeout=60
    )


# ------------------------------------------------------------------ defaults


def test_settings_fill_in_declared_defaults_only_where_unset() -> None:
    options = [Option("X_HOST", "h", default="localhost"), Option("X_PORT", "p", default="80"), Option("X_N", "n")]
    settings = Settings({}, X_PORT="8080", X_HOST="  ").with_defaults(options)
    assert settings.get_str("X_HOST") == "localhost"  # blank counts as unset
    assert settings.get_str("X_PORT") == "8080"
    assert settings.get_str("X_N") is None


def test_the_factory_hands_the_provider_its_declared_defaults() -> None:
    with create_database_service(careless()) as service:
        assert service.ping() == {"provider": "careless", "greeting": "hello from the default", "fail": "never"}
    with create_database_service(careless(CARELESS_GREETING="hi")) as service:
        assert service.ping()["greeting"] == "hi"


# ------------------------------------------------------------------ listing


def test_providers_json_lists_description_and_every_option() -> None:
    result = run_cli("providers", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["provider"]: row for row in json.loads(result.stdout)["providers"] if row["loads"]}
    assert rows["careless"]["description"] == "Test fixture: leaks its secret in messages."
    options = {option["name"]: option for option in rows["careless"]["options"]}
    assert options["CARELESS_GREETING"] == {
        "name": "CARELESS_GREETING",
        "help": "Text that ping() returns.",
        "default": "hello from the default",
        "required": False,
        "secret": False,
        "identity": False,
    }
    assert options["CARELESS_PASSPHRASE"]["required"] is True
    assert options["CARELESS_PASSPHRASE"]["secret"] is True
    assert options["CARELESS_HOME"]["identity"] is True
    assert rows["memory"]["options"] == []
    assert rows["couchdb"]["options"][0]["name"] == "COUCHDB_URL"


def test_providers_table_shows_each_providers_options() -> None:
    result = run_cli("providers")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index("careless: Test fixture: leaks its secret in messages.")
    section = lines[start : start + 6]
    assert any("CARELESS_GREETING" in line and "default: hello from the default" in line for line in section)
    assert any("CARELESS_PASSPHRASE" in line and "required, secret" in line for line in section)


# ------------------------------------------------------------------ scrubbing


def test_scrub_masks_registered_values_and_url_passwords() -> None:
    assert scrub(f"login with {PASSPHRASE} failed") == f"login with {PASSPHRASE} failed"
    from gofannon_db.redaction import register_secret

    register_secret(PASSPHRASE)
    register_secret("ab")  # too short to mask without destroying messages
    assert scrub(f"login with {PASSPHRASE} failed, ab") == f"login with {MASK} failed, ab"
    assert scrub("GET http://admin:pa55@host:5984/db failed") == f"GET http://admin:{MASK}@host:5984/db failed"


def test_a_careless_error_from_a_hook_is_scrubbed_with_its_chain(caplog: pytest.LogCaptureFixture) -> None:
    with create_database_service(careless(CARELESS_FAIL="get")) as service, pytest.raises(DatabaseError) as excinfo:
        service.get("agents", "a1")
    error = excinfo.value
    assert error.detail == f"careless backend failed: server said: bad passphrase '{MASK}'"
    assert PASSPHRASE not in str(error) + repr(error) + str(error.__cause__) + repr(error.__cause__)
    logging.getLogger("test").exception("boom", exc_info=error)
    assert PASSPHRASE not in caplog.text
    assert "RuntimeError" in caplog.text


def test_a_careless_typed_error_from_create_is_scrubbed() -> None:
    with pytest.raises(DatabaseError) as excinfo:
        create_database_service(careless(CARELESS_FAIL="create"))
    assert excinfo.value.detail == f"could not log in with passphrase {MASK}"


def test_the_cli_scrubs_its_output_and_errors() -> None:
    env = {"DATABASE_PROVIDER": "careless", "CARELESS_PASSPHRASE": PASSPHRASE}
    failed = run_cli("check", **env, CARELESS_FAIL="ping")
    assert failed.returncode == 1
    assert failed.stderr.strip() == f"gofannon-db check: DatabaseError: ping refused for passphrase {MASK}"
    created = run_cli("check", **env, CARELESS_FAIL="create")
    assert PASSPHRASE not in created.stdout + created.stderr
    assert MASK in created.stderr


def test_scrub_exception_reaches_every_link_of_the_chain() -> None:
    from gofannon_db.redaction import register_secret

    register_secret(PASSPHRASE)
    outer = ConfigurationError(f"outer {PASSPHRASE}")
    outer.__cause__ = ValueError(f"inner {PASSPHRASE}")
    outer.__cause__.__context__ = KeyError(PASSPHRASE)
    assert scrub_exception(outer) is outer
    assert outer.detail == f"outer {MASK}"
    assert str(outer) == f"outer {MASK}"
    assert str(outer.__cause__) == f"inner {MASK}"
    assert str(outer.__cause__.__context__) == repr(MASK)


# ------------------------------------------------------------------ closed services


def test_a_closed_service_raises_service_closed_and_close_is_idempotent() -> None:
    service = create_database_service(careless())
    service.close()
    service.close()
    with pytest.raises(ServiceClosed) as excinfo:
        service.list_collections()
    assert excinfo.value.status_code == 503


def test_a_secret_options_default_is_masked_in_the_listing() -> None:
    from gofannon_db.cli.providers import describe_option

    shown = describe_option(Option("X_TOKEN", "A token.", default="built-in-token", secret=True))
    assert shown["default"] == MASK
    assert describe_option(Option("X_HOST", "Host.", default="localhost"))["default"] == "localhost"
