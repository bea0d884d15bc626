"""Child processes of the sqlite tests: ``python -m tests.sqlite.workers COMMAND PATH ...``.

``write``: save documents without end, printing each id once its call returned (the
parent kills it mid-stream). ``increment``: read-modify-write one counter with ``_rev``
from four threads, retrying on 409 (counted on stderr), starting when a line arrives on
stdin; prints ``done`` and exits 0 only if no other error surfaced.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

from gofannon_db.backends.sqlite import SqliteDatabaseService
from gofannon_db.errors import RevisionConflict


def write(path: str) -> None:
    with SqliteDatabaseService(path) as service:
        number = 0
        while True:
            if number % 10 == 0:  # every tenth step a batch, so bulk writes are killed mid-stream too
                batch = [{"_id": f"doc-{number + k}", "n": number + k, "pad": "x" * 200} for k in range(5)]
                results = service.save_many("crash", batch)
                assert all(result["ok"] for result in results), results
                ids = [result["id"] for result in results]
                number += 5
            else:
                service.save("crash", f"doc-{number}", {"n": number, "pad": "x" * 200})
                ids = [f"doc-{number}"]
                number += 1
            print("\n".join(str(doc_id) for doc_id in ids), flush=True)


def increment(path: str, times: int, threads: int = 4) -> None:
    conflicts = 0

    def run(service: SqliteDatabaseService, count: int) -> None:
        nonlocal conflicts
        done = 0
        while done < count:
            doc = service.get("counters", "shared")
            doc["value"] += 1
            try:
                service.save("counters", "shared", doc)
            except RevisionConflict:
                conflicts += 1
                continue
            done += 1

    with SqliteDatabaseService(path, timeout=30.0) as service:
        print("ready", flush=True)
        sys.stdin.readline()  # start together with the other processes
        with ThreadPoolExecutor(threads) as pool:
            for future in [pool.submit(run, service, times // threads) for _ in range(threads)]:
                future.result()  # re-raises any error but a 409
    print("done", flush=True)
    print(f"{conflicts} conflicts", file=sys.stderr)


if __name__ == "__main__":
    command, target, *rest = sys.argv[1:]
    if command == "write":
        write(target)
    elif command == "increment":
        increment(target, int(rest[0]))
    else:
        raise SystemExit(f"unknown command {command!r}")
