"""``gofannon_db.fastapi`` in an application of its own, and the core without FastAPI installed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import Depends, FastAPI
from gofannon_db import DatabaseService, reset_database_service
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.fastapi import EXCEPTION_HANDLERS, Database, add_exception_handlers, get_db

from .conftest import LiveServer


def build_app() -> FastAPI:
    """The seed's architecture-guide pattern: routes take the database with Depends(get_db)."""
    app = FastAPI()
    add_exception_handlers(app)

    @app.get("/agents/{agent_id}")
    def read_agent(agent_id: str, db: Database) -> dict[str, Any]:
        return db.get("agents", agent_id)

    @app.put("/agents/{agent_id}")
    def write_agent(agent_id: str, body: dict[str, Any], db: Database) -> dict[str, str]:
        return dict(db.save("agents", agent_id, body))

    return app


@pytest.fixture
def memory_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_PROVIDER", "memory")
    monkeypatch.delenv("DATABASE_COLLECTION_PREFIX", raising=False)
    reset_database_service()
    yield
    reset_database_service()


def test_get_db_returns_the_configured_process_wide_service(memory_env: None) -> None:
    from gofannon_db import get_database_service

    assert get_db() is get_database_service()
    assert get_db().provider_name == "memory"


def test_database_errors_become_their_status_with_detail(memory_env: None) -> None:
    with LiveServer(build_app()) as live, httpx.Client(base_url=live.url, timeout=30) as client:
        missing = client.get("/agents/nobody")
        assert missing.status_code == 404
        assert missing.json() == {"detail": "Document 'nobody' not found in collection 'agents'."}
        written = client.put("/agents/ada", json={"name": "Ada"})
        assert written.status_code == 200
        stale = client.put("/agents/ada", json={"name": "x", "_rev": "1-0000"})
        assert stale.status_code == 409
        assert "ada" in stale.json()["detail"]
        bad = client.put("/agents/ada", json={"_secret": 1})
        assert bad.status_code == 400
        assert "_secret" in bad.json()["detail"]
        reserved = client.get("/agents/_design")
        assert reserved.status_code == 400
        assert "'_'" in reserved.json()["detail"]
        assert client.get("/agents/ada").json()["name"] == "Ada"


def test_get_db_can_be_overridden_in_tests() -> None:
    mine = MemoryDatabaseService()
    mine.save("agents", "a1", {"name": "from the override"})
    app = build_app()
    app.dependency_overrides[get_db] = lambda: mine
    with LiveServer(app) as live:
        assert httpx.get(f"{live.url}/agents/a1", timeout=30).json()["name"] == "from the override"


def test_exception_handlers_mapping_for_the_constructor() -> None:
    app = FastAPI(exception_handlers=EXCEPTION_HANDLERS)
    service = MemoryDatabaseService()

    @app.get("/boom")
    def boom(db: DatabaseService = Depends(get_db)) -> None:  # noqa: B008 -- the seed guide's spelling
        db.get("agents", "missing")

    app.dependency_overrides[get_db] = lambda: service
    with LiveServer(app) as live:
        response = httpx.get(f"{live.url}/boom", timeout=30)
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Document 'missing' not found")


BLOCK_WEB_STACK = textwrap.dedent(
    """
    import sys

    class BlockWebStack:
        # Make the optional extra look uninstalled: its packages cannot be imported.
        blocked = {"fastapi", "starlette", "uvicorn", "pydantic", "pydantic_core"}

        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in self.blocked:
                raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)", name=name)
            return None

    sys.meta_path.insert(0, BlockWebStack())
    """
)


def run_without_fastapi(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK_WEB_STACK + textwrap.dedent(code)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "", "DATABASE_PROVIDER": "memory"},
    )


def test_the_core_works_without_fastapi() -> None:
    result = run_without_fastapi(
        """
        import gofannon_db
        from gofannon_db import get_database_service
        from gofannon_db.cli.main import build_parser

        db = get_database_service()
        rev = db.save("agents", "a1", {"name": "Ada"})["rev"]
        assert db.get("agents", "a1") == {"_id": "a1", "_rev": rev, "name": "Ada"}
        assert "serve" in build_parser().format_help()
        assert not {"fastapi", "starlette", "uvicorn", "pydantic"} & set(sys.modules)
        print("core ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "core ok"


def test_gofannon_db_fastapi_without_fastapi_says_what_to_install() -> None:
    result = run_without_fastapi(
        """
        try:
            import gofannon_db.fastapi
        except ImportError as error:
            print(error)
        else:
            raise SystemExit("imported without fastapi")
        """
    )
    assert result.returncode == 0, result.stderr
    assert "pip install 'gofannon-db[fastapi]'" in result.stdout


def test_serve_without_fastapi_prints_one_line_and_exits_1() -> None:
    result = run_without_fastapi(
        """
        from gofannon_db.cli.main import main
        raise SystemExit(main(["serve"]))
        """
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "gofannon-db serve needs FastAPI and uvicorn: pip install 'gofannon-db[fastapi]'"
    ]
