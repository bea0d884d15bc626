"""``gofannon-db providers``: which providers are installed, from which distribution, and whether they load."""

from __future__ import annotations

import argparse
from typing import Any

from ..plugins import get_registry
from .output import print_json, print_table


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "providers",
        help="list installed providers and plugins",
        description="List every installed provider with its distribution, version and whether it loads "
        "(a plugin that fails to load is shown with its error).",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    registry = get_registry()
    rows: list[dict[str, Any]] = []
    for plugin in registry.plugins:
        names = plugin.providers or [plugin.entry_point]
        for name in names:
            rows.append(
                {
                    "provider": name,
                    "distribution": plugin.distribution,
                    "version": plugin.version,
                    "loads": plugin.loaded,
                    "error": plugin.error,
                }
            )
    for name in registry.names():
        try:
            registry.get(name)
        except Exception as error:  # a provider claimed twice: flag every claimant
            for row in rows:
                if row["provider"] == name:
                    row["loads"], row["error"] = False, getattr(error, "detail", str(error))
    rows.sort(key=lambda row: (row["provider"], row["distribution"]))
    if args.json:
        print_json(rows)
    else:
        print_table(
            ["PROVIDER", "DISTRIBUTION", "VERSION", "LOADS"],
            [
                [row["provider"], row["distribution"], row["version"], "yes" if row["loads"] else f"no: {row['error']}"]
                for row in rows
            ],
        )
    return 0
