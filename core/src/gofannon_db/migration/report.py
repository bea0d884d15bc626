"""What a migrate, export or import did, per collection: for people and for scripts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["CollectionReport", "Difference", "Failure", "Report", "Status"]

Status = Literal["completed", "stopped", "interrupted"]
_SHOWN = 20  # per list in the text summary; --json has them all


@dataclass
class Failure:
    """A document that was not written, and why (``line``: where it sits in an import file)."""

    id: str | None
    error: str
    status_code: int | None = None
    line: int | None = None


@dataclass
class Difference:
    """A document that is not the same on both sides.

    ``kind``: ``missing`` (absent on the target), ``extra`` (only on the target),
    ``differs`` (``details`` says where), or ``count`` (totals differ; ``id`` is ``None``).
    """

    id: str | None
    kind: Literal["missing", "extra", "differs", "count"]
    details: list[str] = field(default_factory=list)


@dataclass
class CollectionReport:
    """Counts for one collection. ``written`` stays 0 in a dry run; ``would_write`` counts what it would write."""

    name: str
    read: int = 0
    written: int = 0
    would_write: int = 0
    """Dry run: documents read that the target would accept (``written`` stays 0)."""
    finished: bool = False
    """The run got all the way through this collection (a stopped run names the ones it finished)."""
    failed: list[Failure] = field(default_factory=list)
    verified: int | None = None
    """Documents compared by ``--verify`` (``None``: not verified)."""
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.differences


@dataclass
class Report:
    """A whole run. ``ok`` is what the exit code reflects."""

    operation: str
    source: str | None = None
    target: str | None = None
    dry_run: bool = False
    collections: list[CollectionReport] = field(default_factory=list)
    status: Status = "completed"
    error: str | None = None
    """Why the run stopped early (an unreachable server, a malformed line, ...)."""
    notes: list[str] = field(default_factory=list)
    malformed_lines: list[Failure] = field(default_factory=list)
    """Import: lines of the file that are not valid entries (``line`` and ``error`` set)."""
    seconds: float = 0.0
    file: str | None = None

    @property
    def ok(self) -> bool:
        return (
            self.status == "completed"
            and self.error is None
            and not self.malformed_lines
            and all(c.ok for c in self.collections)
        )

    def collection(self, name: str) -> CollectionReport:
        """The report for ``name``, added on first use."""
        for existing in self.collections:
            if existing.name == name:
                return existing
        created = CollectionReport(name)
        self.collections.append(created)
        return created

    @property
    def documents_per_second(self) -> float:
        done = sum(c.written if not self.dry_run else c.read for c in self.collections)
        return done / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        data["documents_per_second"] = round(self.documents_per_second, 1)
        data["seconds"] = round(self.seconds, 3)
        for entry, collection in zip(data["collections"], self.collections, strict=True):
            entry["ok"] = self.collection_ok(collection)
            del entry["finished"]  # folded into ok
            if not self.dry_run:
                del entry["would_write"]
        if self.dry_run:
            data["would_write"] = sum(c.would_write for c in self.collections)
        return data

    def collection_ok(self, collection: CollectionReport) -> bool:
        """A collection is ok when nothing failed in it and the run finished it (or the whole run completed).

        So a stopped run never reports ``ok`` for the collection it stopped in, or for one it
        never reached, while its top-level ``ok`` is false.
        """
        completed = self.status == "completed" and self.error is None
        return collection.ok and (completed or collection.finished)

    def to_text(self) -> str:
        """A summary table, then each failure and difference (the first few of each list)."""
        route = " -> ".join(part for part in (self.source, self.file, self.target) if part)
        lines = [f"{self.operation} {route}{' (dry run: nothing written)' if self.dry_run else ''}"]
        verified = any(c.verified is not None for c in self.collections)
        written = "WOULD WRITE" if self.dry_run else "WRITTEN"
        headers = ["COLLECTION", "READ", written, "FAILED"] + (["VERIFIED", "DIFFERENCES"] if verified else [])
        rows = [
            [c.name, str(c.read), str(c.would_write if self.dry_run else c.written), str(len(c.failed))]
            + ([("-" if c.verified is None else str(c.verified)), str(len(c.differences))] if verified else [])
            for c in self.collections
        ]
        widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
        for row in [headers, *rows]:
            lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        for c in self.collections:
            lines.extend(_listing(f"failed in {c.name}", [_failure_text(f) for f in c.failed]))
            lines.extend(_listing(f"differences in {c.name}", [_difference_text(d) for d in c.differences]))
        lines.extend(_listing("malformed lines", [f"line {bad.line}: {bad.error}" for bad in self.malformed_lines]))
        lines.extend(f"note: {note}" for note in self.notes)
        if self.error:
            lines.append(f"{'Interrupted' if self.status == 'interrupted' else 'Stopped'}: {self.error}")
        elif self.status == "interrupted":
            lines.append("Interrupted.")
        if self.dry_run:
            would = sum(c.would_write for c in self.collections)
            lines.append(f"{'OK' if self.ok else 'FAILED'}: dry run: {would} documents would be written; nothing was.")
            return "\n".join(lines)
        total = sum(c.written for c in self.collections)
        lines.append(
            f"{'OK' if self.ok else 'FAILED'}: {total} documents written in {self.seconds:.1f} s"
            + (f" ({self.documents_per_second:.0f}/s)." if self.seconds > 0 and total else ".")
        )
        return "\n".join(lines)


def _failure_text(failure: Failure) -> str:
    where = f"line {failure.line}: " if failure.line is not None else ""
    status = f" ({failure.status_code})" if failure.status_code is not None else ""
    return f"{where}{failure.id!r}{status}: {failure.error}"


def _difference_text(difference: Difference) -> str:
    label = {"missing": "missing on target", "extra": "only on target", "differs": "differs", "count": "count"}
    head = f"{difference.id!r}: {label[difference.kind]}" if difference.id is not None else label[difference.kind]
    return head + (f": {'; '.join(difference.details)}" if difference.details else "")


def _listing(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    shown = [f"  {item}" for item in items[:_SHOWN]]
    if len(items) > _SHOWN:
        shown.append(f"  ... and {len(items) - _SHOWN} more (--json lists them all)")
    return [f"{title}:", *shown]
