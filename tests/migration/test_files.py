"""export/import through JSON Lines files: format, gzip, round trips, malformed and truncated files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from gofannon_db import BackendUnavailable
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.migration import FORMAT, ExportFileError, export_collections, import_file, migrate, verify_file
from gofannon_db.migration.report import Report

from .conftest import fill, sample_documents
from .test_migrate import snapshot


def read_lines(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def write_lines(path: Path, lines: list[str]) -> None:
    data = "".join(line + "\n" for line in lines).encode()
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)


@pytest.fixture
def populated(source: MemoryDatabaseService) -> MemoryDatabaseService:
    fill(source, "agents", sample_documents(23, "a"))
    fill(source, "users", sample_documents(11, "u"))
    return source


@pytest.mark.parametrize("name", ["dump.jsonl", "dump.jsonl.gz"])
def test_round_trip_through_a_file(
    populated: MemoryDatabaseService, target: MemoryDatabaseService, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    exported = export_collections(populated, path, ["agents", "users", "demos"], batch_size=5)
    assert exported.ok, exported.to_text()
    assert [c.written for c in exported.collections] == [23, 11, 0]
    assert list(tmp_path.iterdir()) == [path]  # no partial file left behind
    if name.endswith(".gz"):
        assert path.read_bytes()[:2] == b"\x1f\x8b"
    verify_file(populated, path, exported)
    assert exported.ok, exported.to_text()

    imported = import_file(target, path, batch_size=4, verify=True)
    assert imported.ok, imported.to_text()
    assert imported.source == "memory"
    assert {c.name: c.written for c in imported.collections} == {"agents": 23, "users": 11, "demos": 0}
    for collection in ("agents", "users"):
        assert snapshot(target, collection) == snapshot(populated, collection)


def test_file_layout_header_documents_end(populated: MemoryDatabaseService, tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    assert export_collections(populated, path, ["users"]).ok
    lines = read_lines(path)
    header, documents, end = lines[0], lines[1:-1], lines[-1]
    assert header["format"] == FORMAT
    assert header["version"] == 1
    assert header["source_provider"] == "memory"
    assert header["collections"] == ["users"]
    assert header["created_at"].endswith("Z")
    assert len(documents) == 11
    assert all(line["collection"] == "users" and "_rev" not in line["document"] for line in documents)
    assert end == {"end": {"documents": {"users": 11}}}
    assert "\\u" not in path.read_text(encoding="utf-8")  # UTF-8, not escaped


def test_import_twice_is_idempotent(
    populated: MemoryDatabaseService, target: MemoryDatabaseService, tmp_path: Path
) -> None:
    path = tmp_path / "dump.jsonl.gz"
    export_collections(populated, path, ["agents"])
    assert import_file(target, path).ok
    again = import_file(target, path, verify=True)
    assert again.ok, again.to_text()
    assert target.count("agents") == 23


def _export_lines(populated: MemoryDatabaseService, tmp_path: Path) -> list[str]:
    path = tmp_path / "good.jsonl"
    export_collections(populated, path, ["agents"])
    return path.read_text(encoding="utf-8").splitlines()


def test_malformed_line_stops_writing_after_what_came_before_and_names_every_bad_line(
    populated: MemoryDatabaseService, target: MemoryDatabaseService, tmp_path: Path
) -> None:
    lines = _export_lines(populated, tmp_path)  # header, 23 documents, end
    lines[6] = lines[6][:-5]  # line 7: cut JSON
    lines[15] = '["not", "an", "object"]'  # line 16
    lines[18] = '{"collection": "Bad Name", "document": {"_id": "x"}}'  # line 19
    path = tmp_path / "bad.jsonl.gz"
    write_lines(path, lines)

    report = import_file(target, path, batch_size=4)
    assert not report.ok
    assert report.status == "stopped"
    assert [bad.line for bad in report.malformed_lines] == [7, 16, 19]
    assert "not valid JSON" in report.malformed_lines[0].error
    assert "expected a JSON object" in report.malformed_lines[1].error
    assert report.error is not None
    assert report.error.startswith("line 7 is malformed")
    assert "5 documents before it were written, 15 after it were not" in report.error
    assert target.count("agents") == 5  # lines 2-6, nothing after line 7
    assert "line 7:" in report.to_text()

    dry = import_file(MemoryDatabaseService(), path, dry_run=True)
    assert [bad.line for bad in dry.malformed_lines] == [7, 16, 19]
    assert dry.collection("agents").read == 20
    assert "3 malformed line(s), the first at line 7" in (dry.error or "")


def test_dry_run_import_writes_nothing(
    populated: MemoryDatabaseService, target: MemoryDatabaseService, tmp_path: Path
) -> None:
    path = tmp_path / "dump.jsonl"
    export_collections(populated, path, ["agents", "users"])
    report = import_file(target, path, dry_run=True)
    assert report.ok, report.to_text()
    assert [(c.name, c.read, c.written) for c in report.collections] == [("agents", 23, 0), ("users", 11, 0)]
    assert target.list_collections() == []


def test_truncated_files_are_caught(
    populated: MemoryDatabaseService, target: MemoryDatabaseService, tmp_path: Path
) -> None:
    lines = _export_lines(populated, tmp_path)
    plain = tmp_path / "cut.jsonl"
    write_lines(plain, lines[:10])  # no end line
    report = import_file(target, plain)
    assert not report.ok
    assert "ends at line 10 without its end line" in (report.error or "")
    assert target.count("agents") == 9

    packed = tmp_path / "cut.jsonl.gz"
    data = gzip.compress("".join(line + "\n" for line in lines).encode())
    packed.write_bytes(data[: len(data) // 2])
    report = import_file(MemoryDatabaseService(), packed)
    assert not report.ok
    assert any("truncated .gz" in bad.error for bad in report.malformed_lines)


def test_end_line_counts_must_match(
    populated: MemoryDatabaseService, target: MemoryDatabaseService, tmp_path: Path
) -> None:
    lines = _export_lines(populated, tmp_path)
    path = tmp_path / "short.jsonl"
    write_lines(path, [*lines[:5], lines[-1]])
    report = import_file(target, path)
    assert "the end line counts 23 documents in 'agents', the file holds 4" in (report.error or "")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        ('{"hello": 1}\n', "is not a gofannon-db export"),
        ("not json\n", "line 1: not valid JSON"),
        (json.dumps({"format": FORMAT, "version": 99}) + "\n", "format version 99"),
    ],
)
def test_not_an_export_is_refused_before_writing(
    target: MemoryDatabaseService, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(content)
    with pytest.raises(ExportFileError, match=message):
        import_file(target, path)
    assert target.list_collections() == []


def test_missing_file_and_plain_file_named_gz(target: MemoryDatabaseService, tmp_path: Path) -> None:
    with pytest.raises(ExportFileError, match="Cannot open"):
        import_file(target, tmp_path / "missing.jsonl")
    fake = tmp_path / "plain.jsonl.gz"
    fake.write_text('{"format": "gofannon-db-export", "version": 1}\n')
    with pytest.raises(ExportFileError, match="compressed data is damaged"):
        import_file(target, fake)


def test_import_only_selected_collections(
    populated: MemoryDatabaseService, target: MemoryDatabaseService, tmp_path: Path
) -> None:
    path = tmp_path / "dump.jsonl"
    export_collections(populated, path, ["agents", "users"])
    report = import_file(target, path, collections=["users"], verify=True)
    assert report.ok, report.to_text()
    assert target.list_collections() == ["users"]
    assert "23 documents of collections not selected were skipped." in report.notes


def test_repeated_id_in_a_file_last_copy_wins(target: MemoryDatabaseService, tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    header = json.dumps({"format": FORMAT, "version": 1, "collections": ["agents"]})
    write_lines(
        path,
        [
            header,
            '{"collection": "agents", "document": {"_id": "a", "v": 1, "_rev": "9-old"}}',
            '{"collection": "agents", "document": {"_id": "a", "v": 2}}',
            "",
            '{"end": {}}',
        ],
    )
    report = import_file(target, path, batch_size=10)
    assert report.ok, report.to_text()
    assert target.get("agents", "a")["v"] == 2


def test_invalid_documents_fail_alone_with_their_line(target: MemoryDatabaseService, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    write_lines(
        path,
        [
            json.dumps({"format": FORMAT, "version": 1, "collections": ["agents"]}),
            '{"collection": "agents", "document": {"_id": "ok1"}}',
            '{"collection": "agents", "document": {"_id": "bad", "_secret": 1}}',
            '{"collection": "agents", "document": {"_id": "ok2"}}',
            '{"end": {"documents": {"agents": 3}}}',
        ],
    )
    report = import_file(target, path)
    failed = report.collection("agents").failed
    assert [(f.id, f.line, f.status_code) for f in failed] == [("bad", 3, 400)]
    assert report.collection("agents").written == 2
    assert not report.ok


def test_export_failure_leaves_no_file(tmp_path: Path) -> None:
    class Breaks(MemoryDatabaseService):
        def _iter_all(self, collection: str, page_size: int) -> Any:
            yield from super()._iter_all(collection, page_size)
            raise BackendUnavailable("Source went away.")

    source = Breaks()
    fill(source, "agents", sample_documents(3))
    path = tmp_path / "out.jsonl.gz"
    report = export_collections(source, path, ["agents"])
    assert report.status == "stopped"
    assert "the source failed: BackendUnavailable: Source went away." in (report.error or "")
    assert list(tmp_path.iterdir()) == []


def test_import_into_unreachable_target_stops(populated: MemoryDatabaseService, tmp_path: Path) -> None:
    class Down(MemoryDatabaseService):
        def _save_many(self, collection: str, writes: Any) -> Any:
            raise BackendUnavailable("Nobody answers.")

    path = tmp_path / "dump.jsonl"
    export_collections(populated, path, ["agents"])
    report = import_file(Down(), path, batch_size=5)
    assert report.status == "stopped"
    assert "the target failed: BackendUnavailable" in (report.error or "")
    assert len(report.collection("agents").failed) == 5


def test_verify_file_reports_differences_and_counts(populated: MemoryDatabaseService, tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    export_collections(populated, path, ["agents"])
    other = MemoryDatabaseService()
    migrate(populated, other, ["agents"])
    doc = other.list_all("agents")[0]
    other.save("agents", doc["_id"], {"name": "changed"})
    other.save("agents", "extra-one", {})
    report = Report("import")
    verify_file(other, path, report)
    kinds = sorted(d.kind for d in report.collection("agents").differences)
    assert kinds == ["count", "differs"]
