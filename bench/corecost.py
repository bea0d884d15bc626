"""The core's own cost: ``python -m bench.corecost [--quick] [--write docs/benchmarks.md]``.

Two comparisons, each side by side in interleaved rounds, medians with their range:

- the memory provider (the default, used by every test suite of every user) against the
  plain-Python work it cannot avoid: a JSON round-trip copy (``json.loads(json.dumps(doc))``)
  for ``get``, the same copy plus a dict insert under a lock for ``save``, and those copies of
  1,000 documents for ``list_all``;
- start-up: a fresh interpreter that imports gofannon_db and creates the memory service
  (entry-point discovery included, its cache warm) against ``python -c pass``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from gofannon_db import Settings, create_database_service

from .environment import describe, load_average
from .sections import write_section
from .workload import document

TARGETS = {"get": 1.0, "save": 1.5, "list_all (1,000 docs)": 0.8}
STARTUP_TARGET_MS = 35.0
_STARTUP = "import gofannon_db; gofannon_db.create_database_service(gofannon_db.Settings(DATABASE_PROVIDER='memory'))"


def _timed(run: Callable[[], object], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        run()
    return (time.perf_counter() - start) / number


def memory_ratios(rounds: int, scale: int) -> dict[str, list[float]]:
    """Per round, our time over the baseline's, for each memory operation."""
    db = create_database_service(Settings(environ={}, DATABASE_PROVIDER="memory"))
    doc = document(7)
    db.save("bench-get", "x", doc)
    docs = [document(number) for number in range(1000)]
    db.save_many("bench-list", [{"_id": f"d{number}", **body} for number, body in enumerate(docs)])
    lock, store = threading.Lock(), {}
    dumps, loads = json.dumps, json.loads

    def copy_and_insert() -> None:
        copy = loads(dumps(doc))
        with lock:
            store["x"] = copy

    cases: dict[str, tuple[Callable[[], object], Callable[[], object], int]] = {
        "get": (lambda: db.get("bench-get", "x"), lambda: loads(dumps(doc)), 2000 * scale),
        "save": (lambda: db.save("bench-save", "x", doc), copy_and_insert, 2000 * scale),
        "list_all (1,000 docs)": (
            lambda: db.list_all("bench-list"),
            lambda: [loads(dumps(body)) for body in docs],
            3 * scale,
        ),
    }
    ratios: dict[str, list[float]] = {name: [] for name in cases}
    for round_number in range(rounds):
        for name, (ours, baseline, number) in cases.items():
            if round_number % 2:  # alternate which side goes first
                base = _timed(baseline, number)
                mine = _timed(ours, number)
            else:
                mine = _timed(ours, number)
                base = _timed(baseline, number)
            ratios[name].append(mine / base)
    return ratios


def startup_ms(rounds: int) -> tuple[list[float], list[float]]:
    """Wall milliseconds of fresh interpreters: (ours, ``python -c pass``), interleaved.

    Both run as an installed application does: with up-to-date bytecode. An editable install
    under ``PYTHONDONTWRITEBYTECODE=1`` would otherwise compile every gofannon_db module from
    source on each start (the standard library's bytecode ships precompiled), which measures
    the compiler, not the library.
    """
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    # warm the bytecode, the discovery cache and the file cache
    subprocess.run([sys.executable, "-c", _STARTUP], check=True, env=env)
    ours: list[float] = []
    bare: list[float] = []
    for _ in range(rounds):
        for code, into in ((_STARTUP, ours), ("pass", bare)):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=env)
            into.append((time.perf_counter() - start) * 1000)
    return ours, bare


def _summary(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f} to {max(values):.2f})"


def render(ratios: dict[str, list[float]], ours: list[float], bare: list[float], header: str) -> str:
    lines = [
        "## Core cost: the memory provider and start-up",
        "",
        f"Written by `python -m bench.corecost --write docs/benchmarks.md` (only this section). {header}",
        "",
        "| memory provider | ours / baseline, median (range) | target | baseline |",
        "| --- | --- | --- | --- |",
    ]
    baselines = {
        "get": "`json.loads(json.dumps(doc))`",
        "save": "the same copy + a dict insert under a lock",
        "list_all (1,000 docs)": "1,000 such copies",
    }
    for name, values in ratios.items():
        verdict = "met" if statistics.median(values) <= TARGETS[name] else "**missed**"
        lines.append(f"| `{name}` | {_summary(values)} | ≤ {TARGETS[name]} ({verdict}) | {baselines[name]} |")
    above = [mine - base for mine, base in zip(ours, bare, strict=True)]
    verdict = "met" if statistics.median(above) <= STARTUP_TARGET_MS else "**missed**"
    lines += [
        "",
        f"Start-up, wall ms of a fresh interpreter: import + memory service {_summary(ours)}, "
        f"`python -c pass` {_summary(bare)}; ours above it, per round: {_summary(above)} "
        f"(target ≤ {STARTUP_TARGET_MS:.0f} ms: {verdict}). No cloud SDK is imported (see section 4).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corecost", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    parser.add_argument("--write", type=Path, help="replace this benchmark's section of this file")
    args = parser.parse_args(argv)
    rounds, scale = (3, 1) if args.quick else (15, 5)
    environment = describe()
    started = time.monotonic()
    ratios = memory_ratios(rounds, scale)
    ours, bare = startup_ms(rounds * 2)
    header = (
        f"Run {environment.date}, {time.monotonic() - started:.0f} s, {environment.cores} cores, "
        f"{environment.python}, {rounds} interleaved rounds, load average before → after "
        f"{environment.load_before} → {load_average()}."
    )
    section = render(ratios, ours, bare, header)
    print(section)
    if args.write:
        write_section(args.write, "corecost", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
