"""The server's error responses never carry a declared secret, even one a plugin put in its own message."""

from __future__ import annotations

import httpx
from gofannon_db import Settings
from gofannon_db.redaction import MASK, forget_secrets
from gofannon_db.server import create_app

from .conftest import LiveServer

PASSPHRASE = "swordfish-server-9"


def test_error_responses_mask_the_careless_plugins_passphrase() -> None:
    forget_secrets()
    settings = Settings({}, DATABASE_PROVIDER="careless", CARELESS_PASSPHRASE=PASSPHRASE, CARELESS_FAIL="get")
    try:
        with LiveServer(create_app(settings)) as live, httpx.Client(base_url=live.url, timeout=30) as client:
            response = client.get("/collections/agents/documents/a1")
    finally:
        forget_secrets()
    assert response.status_code == 500
    assert response.json() == {"detail": f"careless backend failed: server said: bad passphrase '{MASK}'"}
    assert PASSPHRASE not in response.text
