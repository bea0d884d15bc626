"""Move data between providers: ``migrate`` (service to service), ``export`` and ``import`` (JSON Lines files).

The same functions back the ``gofannon-db migrate/export/import`` commands::

    from gofannon_db import Settings, create_database_service
    from gofannon_db.migration import migrate

    with create_database_service(Settings(DATABASE_PROVIDER="couchdb")) as source, \\
         create_database_service(Settings(DATABASE_PROVIDER="dynamodb")) as target:
        report = migrate(source, target, ["agents", "users"], verify=True)
    assert report.ok, report.to_text()

Every function streams (one batch in memory), never raises for a failed server or
Ctrl-C (the :class:`Report` says what happened), and can be re-run safely: writes are
upserts without the source's revision.
"""

from __future__ import annotations

from .compare import document_differences, values_equal
from .connect import check_distinct, open_service, side_settings
from .engine import DEFAULT_BATCH_SIZE, DEFAULT_COLLECTIONS, migrate, resolve_collections
from .envfile import load_env_file, parse_env
from .files import export_collections, import_file, verify_file
from .jsonl import FORMAT, VERSION, ExportFileError
from .progress import Progress, TqdmProgress, choose_progress
from .report import CollectionReport, Difference, Failure, Report
from .verify import verify_collection

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_COLLECTIONS",
    "FORMAT",
    "VERSION",
    "CollectionReport",
    "Difference",
    "ExportFileError",
    "Failure",
    "Progress",
    "Report",
    "TqdmProgress",
    "check_distinct",
    "choose_progress",
    "document_differences",
    "export_collections",
    "import_file",
    "load_env_file",
    "migrate",
    "open_service",
    "parse_env",
    "resolve_collections",
    "side_settings",
    "values_equal",
    "verify_collection",
    "verify_file",
]
