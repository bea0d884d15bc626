"""``gofannon-db providers``: which providers are installed, from which distribution, whether they
load, and the options each one reads (with help, default, required and secret)."""

from __future__ import annotations

import argparse
from typing import Any

from ..plugins import get_registry
from ..provider import Option, Provider
from ..redaction import MASK
from .output import print_json, print_table


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "providers",
        help="list installed providers, their plugins and their options",
        description="List every installed provider with its distribution, version and whether it loads "
        "(a plugin that fails to load is shown with its error), and each provider's description and options.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.set_defaults(run=run)


def describe_option(option: Option) -> dict[str, Any]:
    """An option as ``providers --json`` shows it; a secret option's default is masked too."""
    default = MASK if option.secret and option.default is not None else option.default
    return {
        "name": option.name,
        "help": option.help,
        "default": default,
        "required": option.required,
        "secret": option.secret,
        "identity": option.identity,
    }


def _provider_fields(provider: Provider | None) -> dict[str, Any]:
    if provider is None:
        return {"description": "", "options": []}
    return {"description": provider.description, "options": [describe_option(option) for option in provider.options]}


def rows() -> list[dict[str, Any]]:
    """One row per (provider, distribution): load state, description and options."""
    registry = get_registry()
    found: list[dict[str, Any]] = []
    for plugin in registry.plugins:
        for name in plugin.providers or [plugin.entry_point]:
            provider = next((p for p, info in registry.registrations(name) if info is plugin), None)
            found.append(
                {
                    "provider": name,
                    "distribution": plugin.distribution,
                    "version": plugin.version,
                    "loads": plugin.loaded,
                    "error": plugin.error,
                    **_provider_fields(provider),
                }
            )
    for name in registry.names():
        try:
            registry.get(name)
        except Exception as error:  # a provider claimed twice: flag every claimant
            for row in found:
                if row["provider"] == name:
                    row["loads"], row["error"] = False, getattr(error, "detail", str(error))
    found.sort(key=lambda row: (row["provider"], row["distribution"]))
    return found


def _option_line(option: dict[str, Any]) -> list[str]:
    flags = [flag for flag in ("required", "secret") if option[flag]]
    if option["default"] is not None:
        flags.append(f"default: {option['default']}")
    return [f"  {option['name']}", ", ".join(flags) or "optional", option["help"]]


def run(args: argparse.Namespace) -> int:
    listed = rows()
    if args.json:  # one object, like every other command's --json (failures included)
        print_json({"ok": True, "command": "providers", "providers": listed})
        return 0
    print_table(
        ["PROVIDER", "DISTRIBUTION", "VERSION", "LOADS"],
        [
            [row["provider"], row["distribution"], row["version"], "yes" if row["loads"] else f"no: {row['error']}"]
            for row in listed
        ],
    )
    for row in listed:
        if not row["loads"]:
            continue
        print()
        print(f"{row['provider']}: {row['description'] or '(no description)'}")
        if row["options"]:
            print_table(["  OPTION", "KIND", "HELP"], [_option_line(option) for option in row["options"]])
        else:
            print("  (no options)")
    print()
    print(
        "Every provider also reads DATABASE_PROVIDER (default memory), DATABASE_COLLECTION_PREFIX, "
        "DATABASE_TIMEOUT (default 10) and DATABASE_ASYNC_WORKERS (threads of the async service; "
        "default the backend's connection pool size)."
    )
    return 0
