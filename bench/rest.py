"""The REST service's request cost: ``python -m bench.rest [--quick] [--write docs/benchmarks.md]``.

Two real uvicorn processes run side by side: ours (``gofannon_db.server.app:app`` on the
memory provider, with a bearer token configured, so the token check is paid) and a bare
FastAPI app (:data:`bare_app`) whose routes return the same JSON from a dict. A load
generator in a separate process (:func:`load`: raw asyncio sockets, far lighter than an
HTTP client library, so the server and not the client is measured) keeps 32 keep-alive
connections busy. Each round runs a batch of GETs and one of PUTs against both servers,
alternating who goes first; ratios are taken per round and reported as medians with
their range, with p50/p99 latency and the server process's CPU per request.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.launchers when run as python -m bench.rest

from bench.environment import describe, load_average  # noqa: E402
from bench.sections import write_section  # noqa: E402
from tests.launchers.process import ServerProcess, free_port, http_status  # noqa: E402

TOKEN = "bench-token-0123456789"
CONCURRENCY = 32
DOCS = 100
DOCUMENT: dict[str, Any] = {"name": "Ada Lovelace", "n": 1, "tags": ["math", "engines"], "owner": {"team": "core"}}
ANALYSIS = (
    "Where the time went (cProfile, requests driven straight into the ASGI app, no sockets): before this "
    "work a GET cost 507 µs and a PUT 760 µs of server CPU in process, against 50 / 58 µs for the bare "
    "route. Four sync dependencies each hopped to AnyIO's thread pool (about 90 µs of CPU per hop), "
    "FastAPI validated every body through pydantic before the core validated it again, each path and "
    "header parameter went through FastAPI's per-field validation, and the document routes were the last "
    "ones the router tried. Now the routes are async and take only the request (parameters declared in "
    "the schema), the body is parsed once (`json.loads`, then the core's validation), the service is "
    "reached through one executor hop (20-50 µs; AnyIO's costs about 90 µs), and the single-document "
    "routes come first. The routes now await the async twin. It calls the memory service on the event "
    "loop (`calls_block = False`): driven in process one request at a time, a GET costs 76 µs and a PUT "
    "106 µs of CPU, against 232 / 265 µs through the twin's thread pool, which a server backend needs "
    "(the *calls through the pool* row, over real HTTP)."
)
"""What the profile found; measured by hand, kept with the figures."""

# ------------------------------------------------------------------ the bare baseline

bare_app = FastAPI()
"""The baseline: the same URLs, answering the same JSON from a dict, with nothing else."""
_STORED = {
    f"doc-{n}": {"_id": f"doc-{n}", "_rev": "1-0123456789abcdef0123456789abcdef", **DOCUMENT} for n in range(DOCS)
}


@bare_app.get("/collections/{collection}/documents/{doc_id}")
async def _bare_get(collection: str, doc_id: str) -> JSONResponse:
    return JSONResponse(_STORED[doc_id], headers={"ETag": f'"{_STORED[doc_id]["_rev"]}"'})


@bare_app.put("/collections/{collection}/documents/{doc_id}")
async def _bare_put(collection: str, doc_id: str, request: Request) -> JSONResponse:
    await request.body()
    rev = _STORED[doc_id]["_rev"]
    return JSONResponse({"id": doc_id, "rev": rev}, headers={"ETag": f'"{rev}"'})


# ------------------------------------------------------------------ the load generator


async def _client(port: int, requests: list[bytes], results: tuple[list[float], list[str]], count: int) -> None:
    """One keep-alive connection sending ``count`` requests, cycling through ``requests``."""
    latencies, errors = results
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for index in range(count):
            request = requests[index % len(requests)]
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status != 200 and len(errors) < 5:
                errors.append(f"HTTP {status}")
    finally:
        writer.close()


def _requests(method: str) -> list[bytes]:
    out = []
    for n in range(DOCS):
        head = f"{method} /collections/agents/documents/doc-{n} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        head += f"Authorization: Bearer {TOKEN}\r\n"
        body = json.dumps(DOCUMENT, separators=(",", ":")).encode() if method == "PUT" else b""
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        out.append(head.encode() + b"\r\n" + body)
    return out


async def _load(port: int, method: str, total: int, concurrency: int) -> dict[str, Any]:
    requests = _requests(method)
    latencies: list[float] = []
    errors: list[str] = []
    each = total // concurrency
    started = time.perf_counter()
    rotated = [requests[n % DOCS :] + requests[: n % DOCS] for n in range(concurrency)]
    await asyncio.gather(*(_client(port, mine, (latencies, errors), each) for mine in rotated))
    seconds = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": seconds,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
        "errors": errors,
    }


def load(port: int, method: str, total: int, concurrency: int = CONCURRENCY) -> dict[str, Any]:
    """Run one batch in a separate process (so the client never shares the server's interpreter)."""
    argv = [sys.executable, "-m", "bench.rest", "--load", str(port), method, str(total), str(concurrency)]
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"the load generator failed:\n{result.stderr[-2000:]}")
    figures: dict[str, Any] = json.loads(result.stdout)
    if figures["errors"]:
        raise RuntimeError(f"{method} on port {port} answered {figures['errors']}")
    return figures


# ------------------------------------------------------------------ the servers and the rounds


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its threads, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _uvicorn(name: str, app: str, env: dict[str, str]) -> tuple[ServerProcess, int]:
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", *app.split(), "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--no-access-log", "--log-level", "warning"]
    ready = f"http://127.0.0.1:{port}/openapi.json"
    env = {"PYTHONPATH": str(ROOT), **env}
    return ServerProcess(name, argv, ready=lambda: http_status(ready) == 200, env=env), port


@dataclass
class Series:
    """One route on one server, one entry per round."""

    rps: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    cpu_us: list[float] = field(default_factory=list)


def _batch(process: ServerProcess, port: int, method: str, total: int, series: Series) -> None:
    pid = process._process.pid if process._process else 0
    before = _cpu_seconds(pid)
    figures = load(port, method, total)
    series.cpu_us.append((_cpu_seconds(pid) - before) / figures["requests"] * 1e6)
    series.rps.append(figures["requests"] / figures["seconds"])
    series.p50.append(figures["p50_ms"])
    series.p99.append(figures["p99_ms"])


def pooled_app() -> FastAPI:
    """Ours, with the memory service's calls sent through the async twin's thread pool (``--factory``).

    The memory backend declares ``calls_block = False``, so the twin calls it on the event
    loop; a server backend's calls go through the pool. This side measures what that
    thread hop costs per request.
    """
    from gofannon_db.server import create_app

    app = create_app()
    state = app.state.gofannon
    db = state.db()
    db._inline = False  # as for a backend whose calls block
    return app


SIDES = ("ours", "pooled", "bare")
LABELS = {"ours": "ours", "pooled": "ours, calls through the pool", "bare": "bare route"}


def measure(rounds: int, per_batch: int) -> dict[str, dict[str, Series]]:
    """Rounds of GET and PUT batches against every server, the order rotating from round to round."""
    env = {"DATABASE_PROVIDER": "memory", "GOFANNON_SERVE_TOKENS": TOKEN, "GOFANNON_SERVE_COLLECTIONS": "agents"}
    servers = {
        "ours": _uvicorn("gofannon-db server (bench)", "gofannon_db.server.app:app", env),
        "pooled": _uvicorn("gofannon-db server, pooled (bench)", "--factory bench.rest:pooled_app", env),
        "bare": _uvicorn("bare FastAPI (bench)", "bench.rest:bare_app", {}),
    }
    results: dict[str, dict[str, Series]] = {m: {side: Series() for side in SIDES} for m in ("GET", "PUT")}
    with contextlib.ExitStack() as stack:
        for process, port in servers.values():
            stack.enter_context(process)
            load(port, "PUT", DOCS * CONCURRENCY)  # every client writes every document: all exist, all warm
        for round_index in range(rounds):
            order = SIDES[round_index % 3 :] + SIDES[: round_index % 3]
            for method in ("GET", "PUT"):
                for side in order:
                    process, port = servers[side]
                    _batch(process, port, method, per_batch, results[method][side])
            print(f"round {round_index + 1}/{rounds} done", file=sys.stderr)
    return results


# ------------------------------------------------------------------ the report


def _med(values: list[float]) -> float:
    return statistics.median(values)


def _ratio(values: list[float]) -> str:
    return f"{_med(values):.2f} ({min(values):.2f} to {max(values):.2f})"


def render(results: dict[str, dict[str, Series]], rounds: int, per_batch: int, header: str) -> str:
    lines = [
        "## REST service: request cost against a bare FastAPI route",
        "",
        "Written by `python -m bench.rest --write docs/benchmarks.md` (only this section). " + header,
        "",
        f"Three real uvicorn processes (one worker each, `--no-access-log`), measured in the same run: {rounds} "
        f"rounds, each a batch of {per_batch} GETs and {per_batch} PUTs against each server, the order rotating. "
        f"The load generator is a separate process holding {CONCURRENCY} keep-alive connections. *Ours* is "
        "`gofannon_db.server.app:app` on the memory provider with a bearer token configured and sent (the "
        "routes await the async twin, which calls memory on the event loop: `calls_block = False`); *ours, "
        "calls through the pool* is the same app with every call sent through the twin's thread pool, as "
        "for a server backend, to show what that thread hop costs; the *bare route* returns "
        "the same JSON from a dict. Throughput ratio = our requests/s ÷ the bare route's, per round, median "
        "(range). Cost ratio = the bare server's CPU per request ÷ ours (from /proc, per round, median): it "
        "says the same with far less noise from other load on the machine.",
        "",
        "| route | server | req/s | throughput ratio | cost ratio | p50 / p99 ms | server CPU per request |",
        "|---|---|---|---|---|---|---|",
    ]
    for method, sides in results.items():
        bare = sides["bare"]
        for side in SIDES:
            series = sides[side]
            if side == "bare":
                throughput = cost = "1"
            else:
                throughput = _ratio([o / b for o, b in zip(series.rps, bare.rps, strict=True)])
                cost = _ratio([b / o for o, b in zip(series.cpu_us, bare.cpu_us, strict=True)])
            lines.append(
                f"| {method} | {LABELS[side]} | {_med(series.rps):.0f} | {throughput} | {cost} | "
                f"{_med(series.p50):.1f} / {_med(series.p99):.1f} | {_med(series.cpu_us):.0f} µs |"
            )
    ours_ratios = {
        method: _med([o / b for o, b in zip(sides["ours"].rps, sides["bare"].rps, strict=True)])
        for method, sides in results.items()
    }
    verdicts = ", ".join(
        f"{method} {ratio:.2f} ({'met' if ratio >= 0.6 else 'missed'})" for method, ratio in ours_ratios.items()
    )
    lines += ["", f"Target: ours at ≥ 0.6x the bare route's throughput. Measured: {verdicts}.", "", ANALYSIS]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    parser.add_argument("--rounds", type=int, help="rounds (default 7, quick 2)")
    parser.add_argument("--per-batch", type=int, help="requests per batch (default 4000, quick 640)")
    parser.add_argument("--write", type=Path, help="put the section into this Markdown file")
    parser.add_argument("--load", nargs=4, metavar=("PORT", "METHOD", "TOTAL", "CONCURRENCY"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.load:
        port, method, total, concurrency = args.load
        print(json.dumps(asyncio.run(_load(int(port), method, int(total), int(concurrency)))))
        return 0
    rounds = args.rounds or (2 if args.quick else 7)
    per_batch = args.per_batch or (640 if args.quick else 4000)
    environment = describe()
    started = time.monotonic()
    results = measure(rounds, per_batch)
    header = (
        f"Run {environment.date}, {time.monotonic() - started:.0f} s, {environment.cores} cores, "
        f"{environment.python}, load average before → after {environment.load_before} → {load_average()}."
    )
    section = render(results, rounds, per_batch, header)
    print(section)
    if args.write:
        write_section(args.write, "rest", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
