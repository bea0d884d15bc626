"""The env-file parser: a small, fully specified dotenv subset; errors never echo values."""

from __future__ import annotations

from pathlib import Path

import pytest
from gofannon_db import ConfigurationError
from gofannon_db.migration import load_env_file, parse_env, side_settings


def test_parses_plain_quoted_exported_and_commented_lines() -> None:
    text = "\n".join(
        [
            "# a comment",
            "",
            "DATABASE_PROVIDER=couchdb",
            "export COUCHDB_URL = http://127.0.0.1:5984  # inline comment",
            "COUCHDB_USER='ad min # not a comment'",
            'COUCHDB_PASSWORD="p\\"w\\\\d\\n"  # trailing comment',
            "EMPTY=",
            "HASH=a#b",
            "DOLLAR=$HOME",
            "DATABASE_PROVIDER=memory",
        ]
    )
    assert parse_env(text) == {
        "DATABASE_PROVIDER": "memory",
        "COUCHDB_URL": "http://127.0.0.1:5984",
        "COUCHDB_USER": "ad min # not a comment",
        "COUCHDB_PASSWORD": 'p"w\\d\n',
        "EMPTY": "",
        "HASH": "a#b",
        "DOLLAR": "$HOME",
    }


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("JUST_A_NAME", "line 1: expected KEY=VALUE"),
        ("\n1BAD=x", "line 2: expected KEY=VALUE"),
        ('PASSWORD="hunter2', "no closing quote"),
        ("PASSWORD='hunter2", "no closing quote"),
        ('PASSWORD="hunter2" junk', "unexpected text"),
    ],
)
def test_malformed_lines_are_named_without_their_value(text: str, problem: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_env(text, "side.env")
    assert problem in caught.value.detail
    assert "side.env" in caught.value.detail
    assert "hunter2" not in caught.value.detail


def test_missing_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="Cannot read the env file"):
        load_env_file(tmp_path / "nope.env")


def test_each_side_layers_environment_then_file_then_provider(tmp_path: Path) -> None:
    env_file = tmp_path / "target.env"
    env_file.write_text("DATABASE_PROVIDER=couchdb\nCOUCHDB_URL=http://127.0.0.1:2\nDATABASE_TIMEOUT=3\n")
    environ = {"COUCHDB_URL": "http://127.0.0.1:1", "COUCHDB_USER": "shared", "DATABASE_TIMEOUT": "9"}
    settings = side_settings(None, env_file, environ)
    assert settings.provider == "couchdb"
    assert settings["COUCHDB_URL"] == "http://127.0.0.1:2"
    assert settings["COUCHDB_USER"] == "shared"
    assert settings.timeout == 3.0
    assert side_settings("memory", env_file, environ).provider == "memory"
    assert side_settings(None, None, environ).provider == "memory"
