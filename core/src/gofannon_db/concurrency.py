"""Bulk requests in flight together: a small bounded thread pool, results kept in input order.

A batch request's time is mostly the server's per-item work; with several batches in
flight the server overlaps them. The SDK client is thread-safe, so the only state the
workers share is what they return.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

__all__ = ["DEFAULT_BULK_CONCURRENCY", "run_ordered"]

_T = TypeVar("_T")
_R = TypeVar("_R")

DEFAULT_BULK_CONCURRENCY = 4
"""Batches in flight at once by default: enough to overlap a local server's per-item work
and the client's encoding on a small machine, few enough not to crowd a shared server."""


def run_ordered(work: Callable[[_T], _R], items: Sequence[_T], concurrency: int) -> list[_R]:
    """``[work(item) for item in items]``, up to ``concurrency`` at a time, in input order.

    One item, or a concurrency of 1, runs in the calling thread. If a call raises, the
    calls not yet started are cancelled, the running ones are waited for, and the first
    exception (in input order) is raised: nothing is left running behind the caller.
    """
    if concurrency <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor, wait

    with ThreadPoolExecutor(max_workers=min(concurrency, len(items)), thread_name_prefix="gofannon-bulk") as pool:
        futures = [pool.submit(work, item) for item in items]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            wait(futures)
            raise
