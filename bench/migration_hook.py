"""The hook to the migration benchmark, which lives in ``bench/migration.py`` (another module's job).

HOOK: when ``bench.migration`` is present, it is asked for its figures as Markdown;
until then the report says the migration was not measured.
"""

from __future__ import annotations

import importlib.util

__all__ = ["run"]


def run(*, quick: bool) -> tuple[str | None, str]:
    """(Markdown section body or None, note when None)."""
    if importlib.util.find_spec("bench.migration") is None:
        return None, "bench/migration.py is not there yet (hook in bench/migration_hook.py)."
    return None, "bench/migration.py exists but is not wired in yet (hook in bench/migration_hook.py)."
