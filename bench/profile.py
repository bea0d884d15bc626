"""Where the service's time goes: ``python -m bench.profile couchdb save_new [--calls 300]``.

``save_many`` profiles one call writing ``--calls`` new documents (e.g. ``--calls 5000``).

Runs one operation through gofannon-db under cProfile on the backend's real server
(memory needs none) and prints the functions that cost the most. This is how the
overheads explained in ``docs/benchmarks.md`` were found.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from collections.abc import Callable

from .adapters import BACKENDS, Backend, opener
from .workload import document, ids

OPERATIONS = ("get", "save_new", "save_update", "delete", "list_all", "save_many")
COLLECTION = "bench-profile"


def _operation(backend: Backend, op: str, calls: int) -> Callable[[], object]:
    """Prepare the data ``op`` needs, untimed, and return the work to profile."""
    service = backend.service
    doc_ids = ids("p", calls)
    body = document(1)
    if op == "save_new":
        return lambda: [service.save(COLLECTION, doc_id, body) for doc_id in doc_ids]
    if op == "save_many":
        docs = [{"_id": doc_id, **document(number)} for number, doc_id in enumerate(doc_ids)]
        return lambda: service.save_many(COLLECTION, docs)
    revs = {doc_id: service.save(COLLECTION, doc_id, body)["rev"] for doc_id in doc_ids}
    if op == "get":
        return lambda: [service.get(COLLECTION, doc_id) for doc_id in doc_ids]
    if op == "save_update":
        return lambda: [service.save(COLLECTION, doc_id, {**body, "_rev": revs[doc_id]}) for doc_id in doc_ids]
    if op == "delete":

        def delete() -> None:
            for doc_id in doc_ids:
                service.delete(COLLECTION, doc_id)

        return delete
    service.save_many(COLLECTION, [{"_id": doc_id, **body} for doc_id in ids("q", 1000 - calls)])
    return lambda: [service.list_all(COLLECTION) for _ in range(5)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("backend", choices=BACKENDS)
    parser.add_argument("operation", choices=OPERATIONS)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    with opener(args.backend)() as backend:
        backend.service.save(COLLECTION, "warm-up", document(0))
        work = _operation(backend, args.operation, args.calls)
        profiler = cProfile.Profile()
        profiler.runcall(work)
        stats = pstats.Stats(profiler)
        stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
