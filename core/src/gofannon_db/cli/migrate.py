"""``gofannon-db migrate``: copy collections from one provider to another, streaming, with a report.

Also holds the options and output helpers that ``export`` and ``import`` (transfer.py) share.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import ConfigurationError
from ..migration import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_COLLECTIONS,
    Report,
    check_distinct,
    choose_progress,
    migrate,
    open_service,
    resolve_collections,
    side_settings,
)
from ..settings import Settings
from .output import print_json

EXIT_INTERRUPTED = 130


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def collection_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("name at least one collection")
    return names


def add_collection_options(parser: argparse.ArgumentParser, default_help: str) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--collections", type=collection_list, metavar="A,B", help=f"comma-separated; {default_help}")
    group.add_argument("--all-collections", action="store_true", help="every collection the source lists")


def add_run_options(parser: argparse.ArgumentParser, *, dry_run: str | None) -> None:
    if dry_run:
        parser.add_argument("--dry-run", action="store_true", help=dry_run)
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=DEFAULT_BATCH_SIZE,
        metavar="N",
        help=f"documents per read page and per save_many call (default {DEFAULT_BATCH_SIZE})",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--quiet", action="store_true", help="no progress bar; print the summary only on failure")
    output.add_argument("--json", action="store_true", help="print a machine-readable report (no progress bar)")


def refuse_memory(settings: Settings, *, reading: bool, named_by: str) -> Settings:
    """Refuse the ``memory`` provider on one side of a command: its data lives in another process.

    The application's memory store cannot be reached from this process, so a source would
    read as empty (and "succeed" copying nothing) and a target would vanish on exit. The
    library call :func:`gofannon_db.migration.migrate` with a live memory service is unaffected.
    """
    if settings.provider == "memory":
        lost = "would read an empty store" if reading else "would write into a store that vanishes on exit"
        raise ConfigurationError(
            f"{named_by}=memory cannot work here: the memory provider keeps data inside the process that "
            f"created it and this command is another process, so it {lost}; use the sqlite provider "
            "(DATABASE_PROVIDER=sqlite, SQLITE_PATH=file) for data that must outlive a process or move between them."
        )
    return settings


def finish(report: Report, args: argparse.Namespace) -> int:
    """Print the report as asked and return the exit code: 0 when everything went through."""
    if args.json:
        print_json(report.to_dict())
    elif not args.quiet:
        print(report.to_text())
    elif not report.ok:
        print(report.to_text(), file=sys.stderr)
    if report.status == "interrupted":
        return EXIT_INTERRUPTED
    return 0 if report.ok else 1


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "migrate",
        help="copy collections from one provider to another",
        description="Copy collections from a source provider to a target provider, streaming, in batches. "
        "Each side reads its provider's variables from the environment, overridden by its own env file "
        "(KEY=VALUE lines). Re-running is safe: documents are upserted, never duplicated.",
    )
    parser.add_argument("--source", required=True, metavar="PROVIDER", help="provider to read from")
    parser.add_argument("--target", required=True, metavar="PROVIDER", help="provider to write to")
    parser.add_argument("--source-env", metavar="FILE", help="variables for the source only (KEY=VALUE lines)")
    parser.add_argument("--target-env", metavar="FILE", help="variables for the target only (KEY=VALUE lines)")
    add_collection_options(parser, f"default: {','.join(DEFAULT_COLLECTIONS)}")
    add_run_options(parser, dry_run="read the source and report what would be written; write nothing")
    parser.add_argument("--verify", action="store_true", help="afterwards, compare every document of source and target")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    source_settings = refuse_memory(side_settings(args.source, args.source_env), reading=True, named_by="--source")
    target_settings = refuse_memory(side_settings(args.target, args.target_env), reading=False, named_by="--target")
    check_distinct(source_settings, target_settings)
    with open_service(source_settings) as source, open_service(target_settings) as target:
        collections = resolve_collections(source, args.collections, args.all_collections)
        report = migrate(
            source,
            target,
            collections,
            batch_size=args.batch_size,
            dry_run=args.dry_run,
            verify=args.verify,
            progress=choose_progress(quiet=args.quiet or args.json),
        )
    return finish(report, args)
