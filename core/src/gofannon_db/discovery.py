"""Find the ``gofannon_db`` entry points fast: scan installed metadata once, then reuse the result.

Scanning every installed distribution's metadata (``importlib.metadata.entry_points``)
costs tens of milliseconds, and importing :mod:`importlib.metadata` itself pulls in the
``email`` package. Both are most of a process's start-up. The scan's result is therefore
cached in a small JSON file, keyed by the interpreter's path entries and each entry's
modification time: installing or removing a distribution rewrites its ``*.dist-info``
folder, which changes the time of the folder holding it, so the next start sees the
change at once.

After a full discovery the registry adds which distributions registered each provider
name (:func:`remember_providers`). With that index, the factory builds a provider that
the core itself ships (``memory``, ``sqlite``) without importing any plugin or pluggy,
as long as no other installed distribution claims the name (:func:`provider_index`).
The cache sees installs and uninstalls, not edits: a plugin installed editable whose code
starts registering other names is seen on the next install, or with the cache off.

Set ``GOFANNON_DB_DISCOVERY_CACHE=0`` to always scan; ``GOFANNON_DB_CACHE_DIR`` moves the
cache (default: ``$XDG_CACHE_HOME/gofannon-db`` or ``~/.cache/gofannon-db``). A cache
that cannot be read or written is ignored: discovery then scans, as without it.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
import zlib
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "GROUP",
    "EntryPointRecord",
    "cache_path",
    "find_entry_points",
    "load",
    "provider_index",
    "remember_providers",
]

GROUP = "gofannon_db"
"""The entry-point group plugins register under (and pluggy's project name)."""

_CACHE_FORMAT = 2


class EntryPointRecord(NamedTuple):
    """One entry point as discovery needs it, without :mod:`importlib.metadata` objects."""

    name: str
    value: str
    """``module`` or ``module:attribute``."""
    distribution: str
    version: str


def load(record: EntryPointRecord) -> Any:
    """Import what the entry point names, as :meth:`importlib.metadata.EntryPoint.load` does."""
    module_name, _, attribute = record.value.partition(":")
    target: Any = importlib.import_module(module_name.strip())
    for part in filter(None, attribute.strip().split(".")):
        target = getattr(target, part)
    return target


def _enabled() -> bool:
    return os.environ.get("GOFANNON_DB_DISCOVERY_CACHE", "1").strip().lower() not in ("0", "false", "no", "off")


def find_entry_points(group: str) -> list[EntryPointRecord]:
    """Every installed entry point of ``group``, from the cache when nothing was installed since."""
    if not _enabled():
        return _scan(group)
    signature = _signature()
    path = _cache_file(group)
    cached = _read(path, signature)
    if cached is not None:
        return [EntryPointRecord(**record) for record in cached["entry_points"]]
    records = _scan(group)
    _write(path, {"format": _CACHE_FORMAT, "signature": signature, "entry_points": [r._asdict() for r in records]})
    return records


def provider_index(group: str) -> dict[str, list[str]] | None:
    """Provider name -> the distributions whose entry points registered it, as the last full
    discovery in this environment found; ``None`` when unknown or when anything was installed
    or removed since."""
    if not _enabled():
        return None
    cached = _read(_cache_file(group), _signature())
    index = None if cached is None else cached.get("providers")
    return index if isinstance(index, dict) else None


def remember_providers(group: str, loaded: list[EntryPointRecord], index: dict[str, list[str]]) -> None:
    """Add a full discovery's provider index to the cache, if the cache still describes this environment
    and ``loaded`` (the entry points the index comes from) are the ones it lists."""
    if not _enabled():
        return
    signature = _signature()
    path = _cache_file(group)
    cached = _read(path, signature)
    if cached is None or cached["entry_points"] != [record._asdict() for record in loaded]:
        return
    if cached.get("providers") != index:
        _write(path, {**cached, "providers": index})


def cache_path(group: str) -> Path:
    """Where the cache for ``group`` in this interpreter's environment lives."""
    from pathlib import Path

    return Path(_cache_file(group))


def _cache_file(group: str) -> str:
    base = os.environ.get("GOFANNON_DB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "gofannon-db"
    )
    # sys.path[0] is the running script's folder (or ""), which varies from one command to the next;
    # it stays in the signature, but not in the file name, so every script shares one cache file.
    key = "\0".join([sys.prefix, group, *sys.path[1:]]).encode()
    environment = f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}"  # a clash only costs a rescan
    return os.path.join(base, f"entry-points-{environment}.json")


def _signature() -> list[list[Any]]:
    """Each path entry with its modification time: what an install or uninstall changes."""
    signature: list[list[Any]] = []
    for entry in sys.path:
        try:
            signature.append([entry, os.stat(entry or ".").st_mtime_ns])
        except OSError:
            signature.append([entry, None])
    return signature


def _scan(group: str) -> list[EntryPointRecord]:
    from importlib.metadata import entry_points

    records = []
    for entry_point in entry_points(group=group):
        dist = entry_point.dist
        records.append(
            EntryPointRecord(
                name=entry_point.name,
                value=entry_point.value,
                distribution=dist.metadata["Name"] if dist is not None else "(unknown distribution)",
                version=dist.version if dist is not None else "",
            )
        )
    return records


def _read(path: str, signature: list[list[Any]]) -> dict[str, Any] | None:
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
        if data["format"] != _CACHE_FORMAT or data["signature"] != signature:
            return None
        for record in data["entry_points"]:
            EntryPointRecord(**record)  # the shape is checked here, once
        return data  # type: ignore[no-any-return]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(path: str, data: dict[str, Any]) -> None:
    import tempfile  # only a cache miss writes

    folder = os.path.dirname(path)
    with contextlib.suppress(OSError):
        os.makedirs(folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".entry-points-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(data, file)
            os.replace(temporary, path)  # atomic: a concurrent reader sees the old file or the new one
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
