"""The runner: ``python -m bench.run [--quick] [--backends couchdb,dynamodb]`` from the repository root.

Starts each backend's real server in turn (the launchers the tests use), measures, and
writes the report. A full run takes about 10-15 minutes on 2 cores; ``--quick`` is a
smoke run of a minute or two that writes to ``.cache/bench/`` unless ``--output`` says
otherwise, so it never replaces the published figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

from . import async_latency, migration_hook
from .adapters import BACKENDS, opener
from .bulk import run_bulk
from .environment import describe, load_average
from .ops import OpsConfig, run_ops
from .report import write
from .results import BackendResults, Results
from .startup import run_startup
from .throughput import run_memory_throughput

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mode:
    name: str
    ops: OpsConfig
    bulk_documents: int
    startup_samples: int
    memory_calls: int
    memory_repeats: int


FULL = Mode("full", OpsConfig(rounds=7, per_batch=100, list_calls=3), 10_000, 9, 20_000, 5)
QUICK = Mode("quick", OpsConfig(rounds=2, per_batch=20, list_calls=1), 1_000, 3, 2_000, 2)


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _measure_backend(name: str, config: OpsConfig, bulk_documents: int) -> BackendResults:
    result = BackendResults(name)
    start = time.perf_counter()
    try:
        with opener(name)() as backend:
            result.server, result.raw_calls = backend.server, backend.raw_calls
            _log(f"{name}: per-operation rounds ({backend.server})")
            result.ops = run_ops(backend, config)
            for op, paired in result.ops.items():
                _log(
                    f"  {op:12s} ours {paired.ours_ms:8.3f} ms  raw {paired.raw_ms:8.3f} ms  ratio {paired.ratio:.3f}"
                    f"  CPU {paired.ours_cpu_us:7.0f} / {paired.raw_cpu_us:7.0f} us"
                )
            if name != "memory":
                _log(f"{name}: bulk, {bulk_documents:,} documents")
                result.bulk = run_bulk(backend, bulk_documents)
                for figure in result.bulk:
                    _log(
                        f"  {figure.operation:10s} bulk {figure.bulk_seconds:7.2f} s  loop {figure.loop_seconds:7.2f} s"
                        f"  speed-up {figure.speedup:.1f}x"
                    )
    except Exception as exc:  # one backend failing must not lose the others' figures
        result.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
        _log(f"{name}: FAILED\n{traceback.format_exc()}")
    result.seconds = time.perf_counter() - start
    return result


def _measure_async(quick: bool, names: list[str]) -> tuple[str | None, str]:
    """(Markdown of bench.async_latency, or None with a note): its failure must not lose the run's other figures."""
    _log("async service under latency (bench.async_latency)")
    try:
        return async_latency.run(quick=quick, backends=names), ""
    except Exception as exc:
        traceback.print_exc()
        return None, f"bench.async_latency failed: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"


def _checkpoint(results: Results, output: Path, started: float) -> None:
    """Write what has been measured so far, so an interrupted run still leaves its figures (marked partial)."""
    results.environment.load_after = load_average()
    results.seconds = time.perf_counter() - started
    results.migration_note = results.migration_note or "not reached yet (partial report of an unfinished run)."
    write(results, output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: few rounds, small bulk sizes")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated, default: all")
    parser.add_argument("--output", type=Path, help="report path (default docs/benchmarks.md; quick: .cache/bench/)")
    parser.add_argument("--json", type=Path, help="also write the raw results as JSON")
    parser.add_argument("--no-startup", action="store_true")
    parser.add_argument("--no-migration", action="store_true")
    parser.add_argument("--no-async", action="store_true", help="skip bench.async_latency")
    args = parser.parse_args(argv)
    mode = QUICK if args.quick else FULL
    names = [name.strip() for name in args.backends.split(",") if name.strip()]
    unknown = set(names) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backends: {', '.join(sorted(unknown))}")
    default_output = (
        ROOT / ".cache" / "bench" / "benchmarks-quick.md" if args.quick else ROOT / "docs" / "benchmarks.md"
    )
    output: Path = args.output or default_output

    started = time.perf_counter()
    results = Results(describe(), mode.name, mode.ops, mode.bulk_documents)
    for name in names:
        backend = _measure_backend(name, mode.ops, mode.bulk_documents)
        results.backends.append(backend)
        if backend.server:
            results.environment.servers[name] = backend.server
        _checkpoint(results, output, started)
    if "memory" in names:
        _log(f"memory provider throughput ({mode.memory_calls:,} calls x {mode.memory_repeats})")
        results.memory = run_memory_throughput(mode.memory_calls, mode.memory_repeats)
    if not args.no_startup:
        _log(f"start-up, {mode.startup_samples} fresh interpreters")
        results.startup = run_startup(mode.startup_samples)
        _log(f"  {results.startup.seconds * 1000:.0f} ms; third-party: {', '.join(results.startup.third_party)}")
        _checkpoint(results, output, started)
    if args.no_migration:
        results.migration_note = "skipped (--no-migration)."
    else:
        _log("migration (bench.migration)")
        results.migration_markdown, results.migration_note = migration_hook.run(quick=args.quick)
    if args.no_async:
        results.async_note = "skipped (--no-async)."
    else:
        results.async_markdown, results.async_note = _measure_async(args.quick, names)
    results.environment.load_after = load_average()
    results.seconds = time.perf_counter() - started
    write(results, output)
    if results.async_markdown:
        async_latency.write(
            output, results.async_markdown, f"Measured by this run ({mode.name}), after the sections above."
        )
    _log(f"wrote {output} ({results.seconds / 60:.1f} min)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(asdict(results), indent=2, default=str), encoding="utf-8")
    return 1 if any(backend.error for backend in results.backends) else 0


if __name__ == "__main__":
    sys.exit(main())
