"""The hook to the migration benchmark, which lives in ``bench/migration.py`` (another module's job).

``bench.migration.run(quick=...)`` returns its figures as Markdown; a failure there is
reported in the document instead of losing the rest of the run's figures.
"""

from __future__ import annotations

import importlib
import importlib.util
import traceback

__all__ = ["run"]


def run(*, quick: bool) -> tuple[str | None, str]:
    """(Markdown section body, or None with a note saying why there is none)."""
    if importlib.util.find_spec("bench.migration") is None:
        return None, "bench/migration.py is not there (hook in bench/migration_hook.py)."
    module = importlib.import_module("bench.migration")
    try:
        markdown: str = module.run(quick=quick)
    except Exception as exc:
        traceback.print_exc()
        return None, f"bench.migration failed: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    return markdown, ""
