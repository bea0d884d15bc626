"""``gofannon-db new-plugin NAME``: write a ready-to-edit plugin distribution.

The files come from the ``plugin_template`` package data (``string.Template`` text), so
what a new author starts from is the same skeleton the project's own test builds,
installs, lints and runs the conformance suite on.
"""

from __future__ import annotations

import argparse
import re
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import Any

from .. import __version__
from ..errors import ConfigurationError
from ..hookspecs import API_VERSION

__all__ = ["render", "write_plugin"]

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
_LAYOUT = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "__init__.py.tmpl": "src/{package}/__init__.py",
    "plugin.py.tmpl": "src/{package}/plugin.py",
    "service.py.tmpl": "src/{package}/service.py",
    "test_conformance.py.tmpl": "tests/test_conformance.py",
}


def register(commands: Any) -> None:
    parser = commands.add_parser("new-plugin", help="write a ready-to-edit plugin distribution for a new backend")
    parser.add_argument("name", help="provider name: lowercase letters, digits and '_', such as 'mystore'")
    parser.add_argument("--dir", type=Path, help="where to write it (default: ./gofannon-db-NAME)")
    parser.set_defaults(run=run)


def _values(name: str) -> dict[str, str]:
    if not _NAME.match(name):
        raise ConfigurationError(
            f"Plugin name {name!r} must be 2 to 31 lowercase letters, digits or '_', starting with a letter."
        )
    major, minor = __version__.split(".")[:2]
    return {
        "name": name,
        "dist": f"gofannon-db-{name.replace('_', '-')}",
        "package": f"gofannon_db_{name}",
        "Class": "".join(part.capitalize() for part in name.split("_")),
        "PREFIX": name.upper(),
        "core_range": f">={major}.{minor},<{int(major) + 1}",
        "api_version": str(API_VERSION),
    }


def render(name: str) -> dict[str, str]:
    """The distribution's files, by relative path."""
    values = _values(name)
    template_dir = files("gofannon_db.cli") / "plugin_template"
    rendered: dict[str, str] = {}
    for template, target in _LAYOUT.items():
        text = (template_dir / template).read_text(encoding="utf-8")
        rendered[target.format(**values)] = Template(text).substitute(values)
    return rendered


def write_plugin(name: str, directory: Path | None = None) -> Path:
    """Write the distribution and return its directory; refuses to overwrite anything."""
    rendered = render(name)
    root = directory if directory is not None else Path(f"gofannon-db-{name.replace('_', '-')}")
    if root.exists() and any(root.iterdir()):
        raise ConfigurationError(f"{root} already exists and is not empty; choose another --dir.")
    for relative, text in rendered.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run(args: argparse.Namespace) -> int:
    root = write_plugin(args.name, args.dir)
    print(f"Wrote {root}/. Next: fill in the hooks in {root}/src/gofannon_db_{args.name}/service.py,")
    print(f"then `pip install -e '{root}[testing]'` and run its conformance suite with pytest.")
    return 0
