"""Everything one run measured, handed from the runner to the report writer."""

from __future__ import annotations

from dataclasses import dataclass, field

from .bulk import BulkFigure
from .environment import Environment
from .ops import OpsConfig
from .startup import Startup
from .throughput import Throughput
from .timing import Paired

__all__ = ["BULK_TARGETS", "OP_RATIO_TARGET", "STARTUP_TARGET_SECONDS", "BackendResults", "Results"]

OP_RATIO_TARGET = 1.05
BULK_TARGETS = {"couchdb": 10.0, "dynamodb": 10.0, "firestore": 5.0}
STARTUP_TARGET_SECONDS = 0.100


@dataclass
class BackendResults:
    name: str
    server: str = ""
    raw_calls: dict[str, str] = field(default_factory=dict)
    ops: dict[str, Paired] = field(default_factory=dict)
    bulk: list[BulkFigure] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0


@dataclass
class Results:
    environment: Environment
    mode: str
    ops_config: OpsConfig
    bulk_documents: int
    backends: list[BackendResults] = field(default_factory=list)
    startup: Startup | None = None
    memory: list[Throughput] = field(default_factory=list)
    migration_markdown: str | None = None
    migration_note: str = ""
    async_markdown: str | None = None
    async_note: str = ""
    seconds: float = 0.0
