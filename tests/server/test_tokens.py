"""Token lists, the guard for users' own FastAPI apps, and the anonymous-off-loopback rule of the service."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import Depends, FastAPI
from gofannon_db import ConfigurationError, Settings
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.fastapi import ReadAccess, TokenGuard, WriteAccess, add_exception_handlers
from gofannon_db.server import create_app
from gofannon_db.server.guard import is_loopback
from gofannon_db.tokens import AccessScope, TokenSet, bearer_token

from .conftest import LiveServer


def test_parse_scopes_comments_and_separators() -> None:
    tokens = TokenSet.parse("alpha-1, read:beta-2\n# a comment, gamma-3\n write:delta-4 # trailing\n\n")
    assert (tokens.check("alpha-1"), tokens.check("beta-2"), tokens.check("delta-4")) == ("write", "read", "write")
    assert tokens.check("gamma-3") is None
    assert tokens.check("read:beta-2") is None
    assert tokens.check(None) is None
    assert len(tokens) == 3
    assert repr(tokens) == "<TokenSet read-write=2 read-only=1>"


def test_a_token_listed_read_and_write_keeps_write() -> None:
    assert TokenSet.parse("read:same-token, same-token").check("same-token") == "write"
    assert TokenSet.parse("same-token, read:same-token").check("same-token") == "write"


@pytest.mark.parametrize("text", ["hunter with-space", "read:", "h\u00fcnter", 'hun"ter'])
def test_unusable_entries_name_their_position_never_the_token(text: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        TokenSet.parse(f"good-token, {text}")
    assert info.value.detail.startswith("GOFANNON_SERVE_TOKENS: entry 2 is not a usable bearer token: use letters")
    assert "nter" not in info.value.detail


def test_from_settings_merges_the_variable_and_the_file(tmp_path: Path) -> None:
    path = tmp_path / "tokens.txt"
    path.write_text("# ops\nread:from-file\n")
    tokens = TokenSet.from_settings(Settings({}, GOFANNON_SERVE_TOKENS="from-env", GOFANNON_SERVE_TOKEN_FILE=str(path)))
    assert (tokens.check("from-env"), tokens.check("from-file")) == ("write", "read")
    assert "from-env" not in repr(Settings({}, GOFANNON_SERVE_TOKENS="from-env"))
    with pytest.raises(ConfigurationError, match="Cannot read the token file"):
        TokenSet.from_file(tmp_path / "missing")


@pytest.mark.parametrize(
    ("header", "token"),
    [("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", None), ("Bearer", None), (None, None)],
)
def test_bearer_token(header: str | None, token: str | None) -> None:
    assert bearer_token(header) == token


# ---------------------------------------------------------------- the guard in users' own apps


def user_app(guard_tokens: TokenSet) -> FastAPI:
    app = FastAPI()
    add_exception_handlers(app)
    writer = TokenGuard("write", guard_tokens)
    reader = TokenGuard("read", guard_tokens)  # what ReadAccess is, with these tokens instead of the environment

    @app.get("/notes/{note_id}")
    def read_note(note_id: str, access: AccessScope = Depends(reader)) -> dict[str, Any]:  # noqa: B008
        return {"id": note_id, "access": access}

    @app.put("/notes/{note_id}", dependencies=[Depends(writer)])
    def write_note(note_id: str) -> dict[str, str]:
        return {"id": note_id}

    return app


def test_the_shorthands_are_guards_of_their_scope() -> None:
    for shorthand, scope in ((ReadAccess, "read"), (WriteAccess, "write")):
        guard = shorthand.__metadata__[0].dependency
        assert isinstance(guard, TokenGuard)
        assert guard.scope == scope


def test_token_guard_in_a_users_app() -> None:
    app = user_app(TokenSet.parse("user-write, read:user-read"))
    with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=30) as client:
        missing = client.get("/notes/n1")
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"].startswith("Bearer")
        assert client.get("/notes/n1", headers={"Authorization": "Bearer nope"}).status_code == 401
        read = client.get("/notes/n1", headers={"Authorization": "Bearer user-read"})
        assert read.json() == {"id": "n1", "access": "read"}
        assert client.put("/notes/n1", headers={"Authorization": "Bearer user-read"}).status_code == 403
        assert client.put("/notes/n1", headers={"Authorization": "Bearer user-write"}).status_code == 200
        schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert schema["paths"]["/notes/{note_id}"]["put"]["security"] == [{"bearer": []}]


def test_token_guard_without_tokens_admits_no_one() -> None:
    with LiveServer(user_app(TokenSet())) as live:
        response = httpx.put(f"{live.url}/notes/n1", headers={"Authorization": "Bearer anything"}, timeout=30)
    assert response.status_code == 500
    assert "GOFANNON_SERVE_TOKENS" in response.json()["detail"]


# ---------------------------------------------------------------- anonymous service off loopback


def call(app: FastAPI, server_host: str, path: str = "/collections") -> tuple[int, dict[str, Any]]:
    """One request straight into the ASGI app, as if it arrived on ``server_host`` (no network)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"db.example")],
        "client": ("203.0.113.9", 40000),
        "server": (server_host, 8000),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    body = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    return sent[0]["status"], json.loads(body)


def test_an_anonymous_app_answers_only_on_loopback() -> None:
    app = create_app(service=MemoryDatabaseService(), tokens=TokenSet())
    assert call(app, "127.0.0.1")[0] == 200
    assert call(app, "::1")[0] == 200
    status, body = call(app, "192.0.2.10")
    assert status == 403
    assert "only answers on loopback" in body["detail"]
    assert "GOFANNON_SERVE_ALLOW_ANONYMOUS" in body["detail"]
    assert call(app, "192.0.2.10", "/health") == (200, {"status": "ok"})  # quiet, not refused
    allowed = create_app(service=MemoryDatabaseService(), tokens=TokenSet(), allow_anonymous=True)
    assert call(allowed, "192.0.2.10")[0] == 200


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.0.2.10", False),
        ("db.example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
