"""Re-render the report from a run's JSON (``python -m bench.run --json``), e.g. after editing ``analysis.md``.

The figures are the run's own; only the hand-written text around them changes.
Usage: ``python -m bench.rerender RESULTS.json [--output docs/benchmarks.md]``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .bulk import BulkFigure
from .environment import Environment
from .ops import OpsConfig
from .report import write
from .results import BackendResults, Results
from .startup import Startup
from .throughput import Throughput
from .timing import Paired


def load(data: dict[str, Any]) -> Results:
    startup = data.get("startup")
    return Results(
        environment=Environment(**data["environment"]),
        mode=data["mode"],
        ops_config=OpsConfig(**data["ops_config"]),
        bulk_documents=data["bulk_documents"],
        backends=[
            BackendResults(
                **{
                    **backend,
                    "ops": {op: Paired(**paired) for op, paired in backend["ops"].items()},
                    "bulk": [BulkFigure(**figure) for figure in backend["bulk"]],
                }
            )
            for backend in data["backends"]
        ],
        startup=Startup(**{"import_seconds": float("nan"), **startup}) if startup else None,
        memory=[Throughput(**item) for item in data["memory"]],
        migration_markdown=data.get("migration_markdown"),
        migration_note=data.get("migration_note", ""),
        async_markdown=data.get("async_markdown"),
        async_note=data.get("async_note", ""),
        seconds=data["seconds"],
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.rerender", description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    write(load(json.loads(args.results.read_text(encoding="utf-8"))), args.output)


if __name__ == "__main__":
    main()
