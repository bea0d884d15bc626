"""Run the real console script (and the seed's wrapper script) in a subprocess, as a user does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = shutil.which("gofannon-db", path=str(Path(sys.executable).parent))
WRAPPER = ROOT / "scripts" / "migrate_database.py"
_PROVIDER_VARS = ("DATABASE_", "COUCHDB_", "DYNAMODB_", "FIRESTORE_", "SQLITE_", "AWS_", "GOOGLE_")


def clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(_PROVIDER_VARS)}
    return {**env, "NO_GCE_CHECK": "true", **extra}


def gofannon_db(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    assert SCRIPT, "the gofannon-db console script is not installed next to this Python"
    return subprocess.run(
        [SCRIPT, *args], capture_output=True, text=True, check=False, env=env or clean_env(), cwd=cwd, timeout=600
    )


def migrate_script(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python scripts/migrate_database.py ...``: the seed's command."""
    return subprocess.run(
        [sys.executable, str(WRAPPER), *args],
        capture_output=True,
        text=True,
        check=False,
        env=env or clean_env(),
        timeout=600,
    )


def write_env(path: Path, values: dict[str, str]) -> Path:
    path.write_text("".join(f'{key}="{value}"\n' for key, value in values.items()), encoding="utf-8")
    return path
