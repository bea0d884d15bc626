"""The export file format: JSON Lines, optionally gzip-compressed.

Line 1 is a header object::

    {"format": "gofannon-db-export", "version": 1, "source_provider": "couchdb",
     "created_at": "2025-01-31T12:00:00Z", "collections": ["agents", ...], "gofannon_db_version": "0.1.0"}

then one line per document, ``{"collection": "agents", "document": {"_id": "a1", ...}}``
(without ``_rev``: revisions belong to the store that issued them), and a last line
``{"end": {"documents": {"agents": 120, ...}}}`` so that a truncated file is noticed
on import. Files whose name ends in ``.gz`` are gzip-compressed. Lines are UTF-8 and
split on ``\\n`` only. Everything streams: one line is in memory at a time.
"""

from __future__ import annotations

import datetime
import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from ..errors import DatabaseError, InvalidName
from ..types import Document
from ..validation import validate_collection_name, validate_doc_id

__all__ = [
    "FORMAT",
    "VERSION",
    "BadLine",
    "End",
    "Entry",
    "ExportFileError",
    "encode_line",
    "is_gzipped",
    "make_header",
    "open_for_reading",
    "open_for_writing",
    "read_entries",
    "read_header",
]

FORMAT = "gofannon-db-export"
VERSION = 1


class ExportFileError(DatabaseError):
    """The file cannot be read or written, or is not a gofannon-db export this version can read."""

    status_code = 400
    default_detail = "Not a usable gofannon-db export file."


@dataclass(frozen=True)
class Entry:
    """One document line."""

    line: int
    collection: str
    document: Document


@dataclass(frozen=True)
class End:
    """The closing line, with the per-collection counts the exporter wrote (``None`` when absent)."""

    line: int
    counts: dict[str, int] | None


@dataclass(frozen=True)
class BadLine:
    """A line that is not a valid entry; ``fatal`` when nothing after it can be read (corrupt gzip)."""

    line: int
    reason: str
    fatal: bool = False


def is_gzipped(path: str | Path) -> bool:
    """Whether an export at ``path`` is (to be) gzip-compressed: its name ends in ``.gz``."""
    return Path(path).name.endswith(".gz")


def open_for_writing(path: str | Path, compressed: bool) -> IO[bytes]:
    path = Path(path)
    try:
        return cast(IO[bytes], gzip.open(path, "wb", compresslevel=6) if compressed else path.open("wb"))
    except OSError as error:
        raise ExportFileError(f"Cannot write {str(path)!r}: {error.strerror or error}.") from error


def open_for_reading(path: str | Path) -> IO[bytes]:
    path = Path(path)
    try:
        return cast(IO[bytes], gzip.open(path, "rb") if is_gzipped(path) else path.open("rb"))
    except OSError as error:
        raise ExportFileError(f"Cannot open {str(path)!r}: {error.strerror or error}.") from error


def encode_line(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8") + b"\n"


def make_header(source_provider: str, collections: list[str]) -> dict[str, Any]:
    from .. import __version__

    return {
        "format": FORMAT,
        "version": VERSION,
        "source_provider": source_provider,
        "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "collections": collections,
        "gofannon_db_version": __version__,
    }


def _lines(handle: IO[bytes]) -> Iterator[tuple[int, bytes | BadLine]]:
    """Number the raw lines; a damaged compressed stream ends the iteration with a fatal :class:`BadLine`."""
    number = 0
    iterator = iter(handle)
    while True:
        try:
            raw = next(iterator)
        except StopIteration:
            return
        except (EOFError, zlib.error, gzip.BadGzipFile, OSError) as error:
            reason = (
                "the compressed data ends early (truncated .gz file)"
                if isinstance(error, EOFError)
                else (f"the compressed data is damaged ({type(error).__name__})")
            )
            yield number + 1, BadLine(number + 1, reason, fatal=True)
            return
        number += 1
        yield number, raw


def _decode(raw: bytes) -> Any:
    """Parse one line; ``ValueError`` with a short reason when it is not JSON."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg} at column {error.colno})") from None


def read_header(lines: Iterator[tuple[int, bytes | BadLine]], where: str) -> dict[str, Any]:
    first = next(lines, None)
    if first is None:
        raise ExportFileError(f"{where} is empty: an export starts with a header line.")
    _, raw = first
    if isinstance(raw, BadLine):
        raise ExportFileError(f"{where}, line 1: {raw.reason}.")
    try:
        header = _decode(raw)
    except ValueError as error:
        raise ExportFileError(f"{where}, line 1: {error}; expected the export header.") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ExportFileError(f'{where} is not a gofannon-db export (line 1 has no "format": "{FORMAT}").')
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= VERSION:
        raise ExportFileError(
            f"{where} has format version {version!r}; this gofannon-db reads version {VERSION}. Upgrade gofannon-db."
        )
    return header


def _entry(number: int, raw: bytes) -> Entry | End | BadLine:
    try:
        value = _decode(raw)
    except ValueError as error:
        return BadLine(number, str(error))
    if not isinstance(value, dict):
        return BadLine(number, f"expected a JSON object, got {type(value).__name__}")
    if "end" in value and "collection" not in value:
        counts = value["end"].get("documents") if isinstance(value["end"], dict) else None
        valid = isinstance(counts, dict) and all(isinstance(n, int) for n in counts.values())
        return End(number, counts if valid else None)
    collection, document = value.get("collection"), value.get("document")
    if not isinstance(document, dict):
        return BadLine(number, 'expected {"collection": ..., "document": {...}}')
    try:
        validate_collection_name(collection)
        validate_doc_id(document.get("_id"))
    except InvalidName as error:
        return BadLine(number, error.detail)
    assert isinstance(collection, str)
    return Entry(number, collection, document)


def read_entries(path: str | Path) -> Iterator[dict[str, Any] | Entry | End | BadLine]:
    """Yield the header (checked; :class:`ExportFileError` otherwise), then each line as it is read.

    Blank lines are skipped. Anything after the end line is a :class:`BadLine`.
    """
    where = repr(str(path))
    with open_for_reading(path) as handle:
        lines = _lines(handle)
        yield read_header(lines, where)
        ended = False
        for number, raw in lines:
            if isinstance(raw, BadLine):
                yield raw
                return
            if not raw.strip():
                continue
            item = _entry(number, raw)
            if ended:
                yield BadLine(number, "text after the end line")
                continue
            ended = isinstance(item, End)
            yield item
