"""Write ``docs/benchmarks.md`` from one run's results, with the targets checked (read, never asserted).

The hand-written explanation of misses lives in ``bench/analysis.md`` and is copied in
verbatim, so regenerating the file never loses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from .results import BULK_TARGETS, OP_RATIO_TARGET, STARTUP_TARGET_SECONDS, BackendResults, Results
from .sections import marked_sections

__all__ = ["render", "write"]

ANALYSIS = Path(__file__).with_name("analysis.md")


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _ms(seconds_ms: float) -> str:
    return f"{seconds_ms:.3f}" if seconds_ms < 1 else f"{seconds_ms:.2f}"


def _targets(results: Results) -> list[tuple[str, str, str, str]]:
    """(target, measured, verdict, miss) rows."""
    rows: list[tuple[str, str, str, str]] = []
    for backend in results.backends:
        if backend.name == "memory" or not backend.ops:
            continue
        for op, paired in backend.ops.items():
            ratio = paired.ratio
            met = ratio <= OP_RATIO_TARGET
            miss = "" if met else f"+{(ratio - OP_RATIO_TARGET) * 100:.0f} points over ({ratio:.2f}x)"
            rows.append((f"{backend.name} `{op}` ratio ≤ {OP_RATIO_TARGET}", f"{ratio:.3f}", _verdict(met), miss))
    for backend in results.backends:
        target = BULK_TARGETS.get(backend.name)
        if target is None:
            continue
        for figure in backend.bulk:
            met = figure.speedup >= target
            miss = "" if met else f"{figure.speedup / target:.0%} of the target"
            name = f"{backend.name} `{figure.operation}` ≥ {target:.0f}x loop"
            rows.append((name, f"{figure.speedup:.1f}x", _verdict(met), miss))
    if results.startup is not None:
        startup = results.startup
        met = startup.seconds <= STARTUP_TARGET_SECONDS
        miss = "" if met else f"{(startup.seconds - STARTUP_TARGET_SECONDS) * 1000:.0f} ms over"
        rows.append(("start-up ≤ 100 ms", f"{startup.seconds * 1000:.0f} ms", _verdict(met), miss))
        sdks = startup.cloud_sdks
        rows.append(("start-up imports no cloud SDK", ", ".join(sdks) or "none", _verdict(not sdks), ""))
    return rows


def _verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def _ops_section(backends: list[BackendResults]) -> str:
    rows = []
    for backend in backends:
        for op, paired in backend.ops.items():
            low, high = paired.spread
            ours, raw = _ms(paired.ours_ms), _ms(paired.raw_ms)
            cpu = f"{paired.ours_cpu_us:,.0f} / {paired.raw_cpu_us:,.0f}"
            extra = f"{paired.ours_cpu_us - paired.raw_cpu_us:+,.0f}"
            rows.append(
                (backend.name, f"`{op}`", ours, raw, f"{paired.ratio:.3f}", f"{low:.2f}-{high:.2f}", cpu, extra)
            )
    header = (
        "backend",
        "operation",
        "gofannon-db ms",
        "raw SDK ms",
        "ratio",
        "ratio range over rounds",
        "client CPU µs, ours / raw",
        "extra CPU µs",
    )
    return _table(header, rows)


def _batch_sizes(backends: list[BackendResults]) -> str:
    sizes = [f"{backend.name} {backend.ops['get'].per_call}" for backend in backends if "get" in backend.ops]
    return f"Calls per batch (per side, per operation): {', '.join(sizes)}." if sizes else ""


def _bulk_section(backends: list[BackendResults]) -> str:
    rows = []
    for backend in backends:
        for figure in backend.bulk:
            target = BULK_TARGETS.get(backend.name)
            rows.append(
                (
                    backend.name,
                    f"`{figure.operation}`",
                    figure.documents,
                    f"{figure.bulk_seconds:.2f}",
                    f"{figure.loop_seconds:.2f}",
                    f"{figure.bulk_rate:,.0f}",
                    f"{figure.loop_rate:,.0f}",
                    f"{figure.speedup:.1f}x",
                    f"≥ {target:.0f}x" if target else "-",
                )
            )
    header = ("backend", "bulk call", "docs", "bulk s", "loop s", "bulk docs/s", "loop docs/s", "speed-up", "target")
    return _table(header, rows)


def _raw_calls_section(backends: list[BackendResults]) -> str:
    parts = []
    for backend in backends:
        if not backend.raw_calls:
            continue
        rows = [(f"`{op}`", text) for op, text in backend.raw_calls.items()]
        parts.append(f"**{backend.name}** — {backend.server}\n\n" + _table(("operation", "raw baseline"), rows))
    return "\n\n".join(parts)


def render(results: Results) -> str:
    env = results.environment
    config = results.ops_config
    out: list[str] = [
        "# Benchmarks",
        "",
        "Written by `nox -s bench` (`python -m bench.run`) from the run described below: every figure here "
        "comes from that run. Do not edit by hand; the explanation of misses is `bench/analysis.md`, copied in.",
        "",
        "## The run",
        "",
        _table(
            ("", ""),
            [
                ("date", env.date),
                ("mode", f"{results.mode} ({results.seconds / 60:.1f} min)"),
                ("machine", env.machine),
                ("cores", env.cores),
                ("Python", env.python),
                ("load average (1/5/15 min) before → after", f"{env.load_before} → {env.load_after}"),
                *((f"{name} server", version) for name, version in env.servers.items()),
                *((f"`{name}`", version) for name, version in env.packages.items()),
            ],
        ),
        "",
        "## Targets",
        "",
        "Checked by reading, never asserted by a test. Why the misses happen: see *Analysis* below.",
        "",
        _table(("target", "measured", "verdict", "by how much"), _targets(results)),
        "",
        "## 1. Per operation: gofannon-db against the raw SDK",
        "",
        f"{config.rounds} interleaved rounds after a warm-up round; a round does, on each side, "
        f"{config.per_batch} `save` of new documents, {config.per_batch} `get`, {config.per_batch} `save` of an update "
        f"carrying `_rev`, {config.per_batch} `delete` and {config.list_calls} `list_all` of a "
        f"{config.list_docs:,}-document collection. Which side goes first alternates by round. "
        "Milliseconds per call (median of rounds); the ratio is gofannon-db / raw, taken per round on paired "
        "batches, median of rounds. Memory has no SDK: its raw side is a dict doing the same storage work, so its "
        "ratio is the service layer's own cost, not a target. The CPU columns are this process's CPU time per call "
        "(median of rounds): the client-side work of each side, which excludes waiting for the server and so is "
        "much less disturbed by other load than the wall time; *extra CPU* is what gofannon-db adds per call.",
        "",
        _ops_section(results.backends),
        "",
        _batch_sizes(results.backends),
        "",
        "## 2. Bulk calls against a loop of single calls",
        "",
        f"`save_many` of {results.bulk_documents:,} new documents against as many `save` calls, and `get_many` of "
        "those ids against as many `get` calls, through gofannon-db, one run each.",
        "",
        _bulk_section(results.backends),
        "",
        "## 3. Migration",
        "",
        results.migration_markdown or f"_Not measured in this run: {results.migration_note}_",
        "",
    ]
    if results.startup is not None:
        startup = results.startup
        samples = ", ".join(f"{value * 1000:.0f}" for value in startup.samples)
        split = []
        if startup.import_seconds == startup.import_seconds:  # not NaN (older results lack it)
            creation = (startup.seconds - startup.import_seconds) * 1000
            split = [
                ("of which `import gofannon_db`", f"{startup.import_seconds * 1000:.0f} ms"),
                ("of which creating the service (plugin discovery)", f"{creation:.0f} ms"),
            ]
        out += [
            "## 4. Start-up",
            "",
            "`import gofannon_db` plus `create_database_service(Settings(DATABASE_PROVIDER='memory'))` in a fresh "
            "interpreter, timed inside it; median of the samples. Interpreter start-up (`python -c pass`) is not "
            "included and shown apart.",
            "",
            _table(
                ("", ""),
                [
                    ("median", f"{startup.seconds * 1000:.0f} ms"),
                    *split,
                    ("samples (ms)", samples),
                    ("bare interpreter start-up", f"{startup.interpreter_seconds * 1000:.0f} ms"),
                    ("providers installed (entry points)", ", ".join(startup.providers)),
                    ("third-party modules imported", ", ".join(f"`{name}`" for name in startup.third_party)),
                    ("cloud SDKs among them", ", ".join(startup.cloud_sdks) or "none"),
                ],
            ),
            "",
        ]
    if results.memory:
        out += [
            "## 5. Memory provider",
            "",
            "Single thread; median of repeats.",
            "",
            _table(
                ("operation", "operations/s", "calls per repeat"),
                [(item.operation, f"{item.ops_per_second:,.0f}", f"{item.calls:,}") for item in results.memory],
            ),
            "",
        ]
    failed = [backend for backend in results.backends if backend.error]
    if failed:
        out += ["## Backends that could not be measured", ""]
        out += [f"- **{backend.name}**: {backend.error}" for backend in failed]
        out.append("")
    out += ["## What the raw baselines do", "", _raw_calls_section(results.backends), ""]
    if ANALYSIS.exists():
        out += [ANALYSIS.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(out)


def write(results: Results, path: Path) -> None:
    """Rewrite the report, keeping the sections other benchmarks own (see :mod:`bench.sections`)."""
    kept = marked_sections(path.read_text(encoding="utf-8")) if path.exists() else []
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join([render(results).rstrip("\n"), *kept]) + "\n", encoding="utf-8")
