"""Start-up cost: ``import gofannon_db`` plus creating the memory service, in fresh interpreters.

Each sample is a new ``python`` process (so nothing is cached in ``sys.modules``); the
child times the import and the creation itself with ``perf_counter`` and reports which
third-party top-level modules that pulled in. Interpreter start-up is measured
separately, as ``python -c pass``, and not included in the figure.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass

from .timing import median

__all__ = ["CLOUD_SDKS", "Startup", "run_startup"]

CLOUD_SDKS = ("boto3", "botocore", "google", "couchdb", "grpc", "proto")
"""Top-level modules whose presence means a backend SDK was imported."""

_CHILD = r"""
import json, sys, time
before = set(sys.modules)
start = time.perf_counter()
import gofannon_db
imported = time.perf_counter() - start
service = gofannon_db.create_database_service(gofannon_db.Settings(DATABASE_PROVIDER="memory"))
elapsed = time.perf_counter() - start
from importlib.metadata import entry_points
providers = sorted(ep.name for ep in entry_points(group="gofannon_db"))
new = {name.partition(".")[0] for name in set(sys.modules) - before}
third_party = sorted(
    name for name in new
    if name not in sys.stdlib_module_names and not name.startswith("_") and name != "gofannon_db"
)
print(json.dumps({"seconds": elapsed, "import": imported, "third_party": third_party, "providers": providers}))
"""


@dataclass(frozen=True)
class Startup:
    seconds: float
    samples: list[float]
    import_seconds: float
    """Median of the ``import gofannon_db`` part alone; the rest is creating the service (plugin discovery)."""
    interpreter_seconds: float
    third_party: list[str]
    providers: list[str]

    @property
    def cloud_sdks(self) -> list[str]:
        return [name for name in self.third_party if name in CLOUD_SDKS]


def run_startup(samples: int) -> Startup:
    """Median of ``samples`` fresh interpreters (after one discarded run that warms the file cache)."""
    env = {"DATABASE_PROVIDER": "memory", "PYTHONDONTWRITEBYTECODE": ""}
    times: list[float] = []
    imports: list[float] = []
    bare: list[float] = []
    report: dict[str, object] = {}
    for index in range(samples + 1):
        output = subprocess.run(
            [sys.executable, "-c", _CHILD], capture_output=True, text=True, check=True, env={**_base_env(), **env}
        ).stdout
        report = json.loads(output.strip().splitlines()[-1])
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        if index:
            times.append(float(report["seconds"]))  # type: ignore[arg-type]
            imports.append(float(report["import"]))  # type: ignore[arg-type]
            bare.append(time.perf_counter() - start)
    return Startup(
        seconds=median(times),
        samples=times,
        import_seconds=median(imports),
        interpreter_seconds=median(bare),
        third_party=list(report["third_party"]),  # type: ignore[call-overload]
        providers=list(report["providers"]),  # type: ignore[call-overload]
    )


def _base_env() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
