"""The sqlite provider against raw ``sqlite3`` doing the same work, and ``save_many`` against a loop of ``save``.

``python -m bench.sqlite`` prints a Markdown section; ``--write`` also puts it into
``docs/benchmarks.md`` between its ``bench.sqlite`` markers (see :mod:`bench.sections`), ``--quick``
runs fewer rounds and smaller batches for a smoke check.

The raw side is what an application would write by hand for the same guarantees: the
same file settings (WAL, ``synchronous=FULL``, autocommit), the same table, the same
statement (the revision computed inside it), compact JSON encoding of the body and
decoding of the rows. Both sides run in this process on their own files, in
interleaved rounds (which side goes first alternates); each ratio is taken per round,
on paired batches, and reported as the median with the range over rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gofannon_db.backends.sqlite import SqliteDatabaseService

from .environment import Environment, describe, load_average
from .sections import write_section
from .timing import Paired, interleaved, time_batch
from .workload import document, ids

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"
COLLECTION, LIST_COLLECTION = "bench-ops", "bench-list"
TARGET_RATIO, TARGET_SPEEDUP = 1.2, 10.0
GET_PASSES, FINDS, LISTS = 5, 50, 3
"""Reads are fast: each round repeats them so that a batch lasts long enough to time."""

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False).encode
_decode = json.JSONDecoder().decode


class RawSqlite:
    """The statements the backend runs, by hand, on a connection configured the same way."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL").fetchall()
        self.conn.execute("PRAGMA synchronous=FULL")

    def prepare(self, collection: str) -> None:
        self.conn.execute(
            f'CREATE TABLE IF NOT EXISTS "col:{collection}" '
            "(id TEXT PRIMARY KEY NOT NULL, rev TEXT NOT NULL, body TEXT NOT NULL)"
        )

    def save_new(self, collection: str, doc_id: str, body: dict[str, Any]) -> str:
        rows = self.conn.execute(
            f"INSERT INTO \"col:{collection}\" (id, rev, body) VALUES (?1, '1-' || ?2, ?3) ON CONFLICT (id) "
            "DO UPDATE SET rev = (CAST(rev AS INTEGER) + 1) || '-' || ?2, body = excluded.body RETURNING rev",
            (doc_id, os.urandom(16).hex(), _encode(body)),
        ).fetchall()
        return str(rows[0][0])

    def save_update(self, collection: str, doc_id: str, body: dict[str, Any], rev: str) -> str:
        rows = self.conn.execute(
            f"UPDATE \"col:{collection}\" SET rev = (CAST(rev AS INTEGER) + 1) || '-' || ?, body = ? "
            "WHERE id = ? AND rev = ? RETURNING rev",
            (os.urandom(16).hex(), _encode(body), doc_id, rev),
        ).fetchall()
        if not rows:
            raise RuntimeError(f"raw update of {doc_id} conflicted")
        return str(rows[0][0])

    def get(self, collection: str, doc_id: str) -> dict[str, Any]:
        rows = self.conn.execute(f'SELECT id, rev, body FROM "col:{collection}" WHERE id = ?', (doc_id,)).fetchall()
        return {"_id": rows[0][0], "_rev": rows[0][1], **_decode(rows[0][2])}

    def delete(self, collection: str, doc_id: str) -> None:
        if not self.conn.execute(f'DELETE FROM "col:{collection}" WHERE id = ?', (doc_id,)).rowcount:
            raise RuntimeError(f"raw delete of {doc_id} found nothing")

    def list_all(self, collection: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(f'SELECT id, rev, body FROM "col:{collection}"').fetchall()
        return [{"_id": doc_id, "_rev": rev, **_decode(body)} for doc_id, rev, body in rows]

    def find(self, collection: str, owner: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            f'SELECT id, rev, body FROM "col:{collection}" WHERE json_extract(body, \'$."meta"."owner"\') = ? '
            "AND json_type(body, '$.\"meta\".\"owner\"') = 'text'",
            (owner,),
        ).fetchall()
        return [{"_id": doc_id, "_rev": rev, **_decode(body)} for doc_id, rev, body in rows]


Step = tuple[Callable[[], object], Callable[[], object]]


def _round(
    service: SqliteDatabaseService,
    raw: RawSqlite,
    doc_ids: list[str],
    *,
    new_bodies: list[dict[str, Any]],
    updated: list[dict[str, Any]],
    owners: list[str],
) -> dict[str, Step]:
    """One round's work for each side, in order: each step uses what the one before it wrote."""
    ours_revs: list[str] = []
    raw_revs: list[str] = []
    pairs = list(zip(doc_ids, new_bodies, strict=True))

    def ours_delete() -> None:
        for doc_id in doc_ids:
            service.delete(COLLECTION, doc_id)

    def raw_delete() -> None:
        for doc_id in doc_ids:
            raw.delete(COLLECTION, doc_id)

    return {
        "save_new": (
            lambda: ours_revs.extend(service.save(COLLECTION, i, b)["rev"] for i, b in pairs),
            lambda: raw_revs.extend(raw.save_new(COLLECTION, i, b) for i, b in pairs),
        ),
        "get": (
            lambda: [service.get(COLLECTION, i) for i in doc_ids * GET_PASSES],
            lambda: [raw.get(COLLECTION, i) for i in doc_ids * GET_PASSES],
        ),
        "save_update": (
            lambda: [
                service.save(COLLECTION, i, {**b, "_rev": r})
                for i, b, r in zip(doc_ids, updated, ours_revs, strict=True)
            ],
            lambda: [raw.save_update(COLLECTION, i, b, r) for i, b, r in zip(doc_ids, updated, raw_revs, strict=True)],
        ),
        "delete": (ours_delete, raw_delete),
        "list_all": (
            lambda: [service.list_all(LIST_COLLECTION) for _ in range(LISTS)],
            lambda: [raw.list_all(LIST_COLLECTION) for _ in range(LISTS)],
        ),
        "find": (
            lambda: [service.find(LIST_COLLECTION, {"meta.owner": o}) for o in owners],
            lambda: [raw.find(LIST_COLLECTION, o) for o in owners],
        ),
    }


def per_operation(folder: Path, rounds: int, per_batch: int, list_docs: int) -> list[Paired]:
    """Interleaved rounds of get, save (new and with ``_rev``), delete, list_all and find on both sides."""
    service = SqliteDatabaseService(folder / "ours.sqlite3")
    raw = RawSqlite(folder / "raw.sqlite3")
    listed = [{"_id": doc_id, **document(number)} for number, doc_id in enumerate(ids("list", list_docs))]
    service.save_many(LIST_COLLECTION, listed)
    service.ensure_index(LIST_COLLECTION, ["meta.owner"])
    for side_collection in (COLLECTION, LIST_COLLECTION):
        raw.prepare(side_collection)
    for doc in listed:
        raw.save_new(LIST_COLLECTION, doc["_id"], {k: v for k, v in doc.items() if k != "_id"})
    raw.conn.execute(
        f'CREATE INDEX IF NOT EXISTS "col:{LIST_COLLECTION}/meta.owner" '
        f'ON "col:{LIST_COLLECTION}" (json_extract(body, \'$."meta"."owner"\'))'
    )
    service.save(COLLECTION, "warm-up", document(0))  # both tables exist before timing
    new_bodies = [document(number) for number in range(per_batch)]
    updated = [document(number, version=2) for number in range(per_batch)]
    owners = [f"user-{number % 13}" for number in range(FINDS)]
    results = {
        name: Paired(name, count)
        for name, count in [
            ("get", per_batch * GET_PASSES),
            ("save_new", per_batch),
            ("save_update", per_batch),
            ("delete", per_batch),
            ("list_all", LISTS),
            ("find", FINDS),
        ]
    }
    for round_index in range(rounds + 1):  # round 0 warms up and is not counted
        doc_ids = ids(f"r{round_index}", per_batch)
        steps = _round(service, raw, doc_ids, new_bodies=new_bodies, updated=updated, owners=owners)
        for name, (ours, theirs) in steps.items():
            timing = interleaved(round_index, ours, theirs)
            if round_index:
                results[name].add_round(*timing)
        if round_index == 0:
            check = service.find(LIST_COLLECTION, {"meta.owner": "user-3"})
            assert sorted(d["_id"] for d in check) == sorted(d["_id"] for d in raw.find(LIST_COLLECTION, "user-3"))
    service.close()
    raw.conn.close()
    return list(results.values())


def bulk(folder: Path, rounds: int, count: int) -> tuple[list[float], list[float]]:
    """Seconds of ``save_many`` of ``count`` new documents and of a loop of ``save``, per round, interleaved."""
    many: list[float] = []
    loop: list[float] = []
    with SqliteDatabaseService(folder / "bulk.sqlite3") as service:
        for round_index in range(rounds):
            docs = [{"_id": i, **document(n)} for n, i in enumerate(ids(f"bulk{round_index}", count))]
            loop_docs = [{"_id": i, **document(n)} for n, i in enumerate(ids(f"loop{round_index}", count))]
            for name in ("many", "loop"):
                service.save(f"bench-{name}-{round_index}", "warm-up", {})

            def save_many(docs: list[dict[str, Any]] = docs, collection: str = f"bench-many-{round_index}") -> None:
                if not all(result["ok"] for result in service.save_many(collection, docs)):
                    raise RuntimeError("save_many failed")

            def save_loop(
                docs: list[dict[str, Any]] = loop_docs, collection: str = f"bench-loop-{round_index}"
            ) -> None:
                for doc in docs:
                    service.save(collection, doc["_id"], doc)

            first, second = (save_many, save_loop) if round_index % 2 == 0 else (save_loop, save_many)
            timings = {first: time_batch(first), second: time_batch(second)}
            many.append(timings[save_many])
            loop.append(timings[save_loop])
    return many, loop


def render(
    env: Environment,
    ops: list[Paired],
    bulk_seconds: tuple[list[float], list[float]],
    count: int,
    args: argparse.Namespace,
) -> str:
    many, loop = bulk_seconds
    speedups = [b / a for a, b in zip(many, loop, strict=True)]
    lines = [
        "## sqlite: the provider against raw sqlite3 (`python -m bench.sqlite`)",
        "",
        f"Run {env.date} on {env.machine}, {env.cores} cores, {env.python}, SQLite {sqlite3.sqlite_version}; "
        f"load average before → after: {env.load_before} → {env.load_after}. Both sides on files in one temporary "
        "directory of the same disk, WAL and `synchronous=FULL` (a commit is on disk when it returns).",
        "",
        f"Per operation: {args.rounds} interleaved rounds after a warm-up round; a round does, on each side, "
        f"{args.per_batch} `save` of new documents, {args.per_batch * GET_PASSES} `get` of them, {args.per_batch} "
        f"`save` with `_rev`, {args.per_batch} `delete`, {LISTS} `list_all` of {args.list_docs} documents and {FINDS} "
        f"`find` on an indexed nested field (one in 13 of those documents match each). The raw side runs the "
        "backend's own statements by hand, with the "
        "same JSON encoding and decoding; its gap is the service layer (validation, names, revision check, "
        "connection pool, error mapping). Target: ratio ≤ 1.2. Every write waits for an fsync, whose time "
        "depends on the disk and on everything else using it: on a busy machine the wall-clock ratios spread "
        "widely (see the range), and the client CPU columns are the steadier measure of what the service adds.",
        "",
        "| operation | gofannon-db ms | raw sqlite3 ms | ratio (median) | range over rounds "
        "| client CPU µs, ours / raw | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for paired in ops:
        low, high = paired.spread
        verdict = "met" if paired.ratio <= TARGET_RATIO else "**missed**"
        lines.append(
            f"| `{paired.name}` | {paired.ours_ms:.3f} | {paired.raw_ms:.3f} | {paired.ratio:.3f} | "
            f"{low:.2f}-{high:.2f} | {paired.ours_cpu_us:,.0f} / {paired.raw_cpu_us:,.0f} | {verdict} |"
        )
    speedup = statistics.median(speedups)
    lines += [
        "",
        f"Bulk: `save_many` of {count:,} new documents (one transaction per 1,000) against a loop of {count:,} `save` "
        f"(one commit, so one fsync, each), {len(many)} rounds, alternating which goes first. Target: ≥ 10x.",
        "",
        "| `save_many` s | loop of `save` s | speedup (median) | range over rounds | docs/s, bulk / loop | verdict |",
        "|---|---|---|---|---|---|",
        f"| {statistics.median(many):.2f} | {statistics.median(loop):.2f} | {speedup:.1f}x | "
        f"{min(speedups):.1f}-{max(speedups):.1f}x | {count / statistics.median(many):,.0f} / "
        f"{count / statistics.median(loop):,.0f} | {'met' if speedup >= TARGET_SPEEDUP else '**missed**'} |",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sqlite", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 rounds, small batches: a smoke check")
    parser.add_argument("--write", action="store_true", help=f"also write the section into {DOCS.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    args.rounds, args.per_batch, args.list_docs = (2, 20, 200) if args.quick else (7, 100, 1000)
    count, bulk_rounds = (1000, 2) if args.quick else (10_000, 3)
    env = describe()
    with tempfile.TemporaryDirectory(prefix="bench-sqlite-") as folder:
        print("per operation ...", file=sys.stderr, flush=True)
        ops = per_operation(Path(folder), args.rounds, args.per_batch, args.list_docs)
        print(f"save_many of {count} against a loop of save ...", file=sys.stderr, flush=True)
        many, loop = bulk(Path(folder), bulk_rounds, count)
    env.load_after = load_average()
    section = render(env, ops, (many, loop), count, args)
    print(section)
    if args.write:
        write_section(DOCS, "sqlite", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
