"""Bulk requests in flight together: a small bounded thread pool, results kept in input order.

A batch request's time is mostly the server's per-item work; with several batches in
flight the server overlaps them. The SDK client is thread-safe, so the only state the
workers share is what they return.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar, cast

__all__ = ["DEFAULT_BULK_CONCURRENCY", "run_ordered", "run_until_failure"]

_T = TypeVar("_T")
_R = TypeVar("_R")

DEFAULT_BULK_CONCURRENCY = 4
"""Batches in flight at once by default: enough to overlap a local server's per-item work
and the client's encoding on a small machine, few enough not to crowd a shared server."""


def run_ordered(work: Callable[[_T], _R], items: Sequence[_T], concurrency: int) -> list[_R]:
    """``[work(item) for item in items]``, up to ``concurrency`` at a time, in input order.

    One item, or a concurrency of 1, runs in the calling thread. If a call raises, no
    further call starts, the running ones are waited for, and the first exception (in
    input order) is raised: nothing is left running behind the caller.
    """
    outcomes, failure = run_until_failure(work, items, concurrency)
    if failure is not None:
        raise failure
    return cast("list[_R]", outcomes)


def run_until_failure(
    work: Callable[[_T], _R], items: Sequence[_T], concurrency: int
) -> tuple[list[_R | None], BaseException | None]:
    """Like :func:`run_ordered`, but a failure returns what is known instead of losing it.

    Returns each item's result in input order (``None`` for an item whose call raised,
    or that was never started because a call raised) and the first exception in input
    order (``None`` when every call returned). A bulk call that the server stops
    answering midway uses it to report which batches did get written.

    The first ``concurrency`` items are all in flight from the start. Once a call raises,
    no later item starts, even one a free worker would pick up at once: with a silent
    server each would wait out its own timeout in turn.
    """
    outcomes: list[_R | None] = [None] * len(items)
    if concurrency <= 1 or len(items) <= 1:
        for index, item in enumerate(items):
            try:
                outcomes[index] = work(item)
            except Exception as exc:
                return outcomes, exc
        return outcomes, None
    from concurrent.futures import ThreadPoolExecutor

    stop = threading.Event()

    def guarded(index: int, item: _T) -> _R:
        if index >= concurrency and stop.is_set():
            raise _NotStarted
        try:
            return work(item)
        except BaseException:
            stop.set()
            raise

    with ThreadPoolExecutor(max_workers=min(concurrency, len(items)), thread_name_prefix="gofannon-bulk") as pool:
        futures = [pool.submit(guarded, index, item) for index, item in enumerate(items)]
    first: BaseException | None = None
    for index, future in enumerate(futures):
        error = future.exception()
        if error is None:
            outcomes[index] = future.result()
        elif first is None and not isinstance(error, _NotStarted):
            first = error
    return outcomes, first


class _NotStarted(Exception):
    """An item skipped because another call of the same run had failed."""
