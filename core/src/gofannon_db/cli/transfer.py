"""``gofannon-db export`` and ``gofannon-db import``: collections to and from a JSON Lines file (.gz: gzip)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..migration import (
    DEFAULT_COLLECTIONS,
    choose_progress,
    export_collections,
    import_file,
    open_service,
    resolve_collections,
    side_settings,
    verify_file,
)
from .migrate import add_collection_options, add_run_options, collection_list, finish, refuse_memory
from .output import CommandError


def register(commands: Any) -> None:
    export = commands.add_parser(
        "export",
        help="write collections to a JSON Lines file",
        description="Write collections to FILE: a header line, one document per line, an end line. "
        "A name ending in .gz is gzip-compressed. The file appears only once complete.",
    )
    export.add_argument("file", metavar="FILE")
    export.add_argument("--force", action="store_true", help="overwrite FILE if it exists (default: refuse)")
    export.add_argument("--source", metavar="PROVIDER", help="provider to read (default: DATABASE_PROVIDER)")
    export.add_argument("--source-env", metavar="FILE", help="variables for the source (KEY=VALUE lines)")
    add_collection_options(export, f"default: {','.join(DEFAULT_COLLECTIONS)}")
    add_run_options(export, dry_run=None)
    export.add_argument("--verify", action="store_true", help="afterwards, compare the file with the source")
    export.set_defaults(run=run_export)

    load = commands.add_parser(
        "import",
        help="load a file written by export",
        description="Load FILE (written by export; .gz: gzip) into a provider, upserting each document. "
        "At a malformed line the import stops writing, after writing everything before it, and reports "
        "every bad line with its number; fix the file and import again.",
    )
    load.add_argument("file", metavar="FILE")
    load.add_argument("--target", metavar="PROVIDER", help="provider to write (default: DATABASE_PROVIDER)")
    load.add_argument("--target-env", metavar="FILE", help="variables for the target (KEY=VALUE lines)")
    load.add_argument(
        "--collections", type=collection_list, metavar="A,B", help="import only these (default: all in the file)"
    )
    add_run_options(load, dry_run="check the whole file and report every bad line; write nothing")
    load.add_argument("--verify", action="store_true", help="afterwards, compare the target with the file")
    load.set_defaults(run=run_import)


def run_export(args: argparse.Namespace) -> int:
    if not args.force and os.path.lexists(args.file):
        raise CommandError(f"{args.file!r} already exists; pass --force to overwrite it, or choose another name.")
    settings = side_settings(args.source, args.source_env)
    named_by = "--source" if args.source else "DATABASE_PROVIDER"
    with open_service(refuse_memory(settings, reading=True, named_by=named_by)) as source:
        collections = resolve_collections(source, args.collections, args.all_collections)
        progress = choose_progress(quiet=args.quiet or args.json)
        report = export_collections(source, args.file, collections, batch_size=args.batch_size, progress=progress)
        if args.verify and report.ok:
            verify_file(source, args.file, report, batch_size=args.batch_size, progress=progress)
    return finish(report, args)


def run_import(args: argparse.Namespace) -> int:
    settings = side_settings(args.target, args.target_env)
    named_by = "--target" if args.target else "DATABASE_PROVIDER"
    with open_service(refuse_memory(settings, reading=False, named_by=named_by)) as target:
        report = import_file(
            target,
            args.file,
            collections=args.collections,
            batch_size=args.batch_size,
            dry_run=args.dry_run,
            verify=args.verify,
            progress=choose_progress(quiet=args.quiet or args.json),
        )
    return finish(report, args)
