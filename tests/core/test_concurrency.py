"""The bulk thread pool helper: input order, bounded concurrency, errors after the in-flight work."""

from __future__ import annotations

import threading
import time

import pytest
from gofannon_db.concurrency import run_ordered


def test_results_keep_input_order_whatever_finishes_first() -> None:
    def work(n: int) -> int:
        time.sleep(0.001 * (10 - n))
        return n * n

    assert run_ordered(work, list(range(10)), 4) == [n * n for n in range(10)]
    assert run_ordered(work, [], 4) == []


def test_at_most_concurrency_calls_run_at_once_and_one_runs_inline() -> None:
    lock = threading.Lock()
    running = peak = 0
    threads: set[int] = set()

    def work(n: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
            threads.add(threading.get_ident())
        time.sleep(0.01)
        with lock:
            running -= 1
        return n

    run_ordered(work, list(range(12)), 3)
    assert 1 < peak <= 3
    threads.clear()
    run_ordered(work, list(range(3)), 1)
    assert threads == {threading.get_ident()}


def test_the_first_error_is_raised_after_the_calls_in_flight_finish() -> None:
    finished: list[int] = []

    def work(n: int) -> int:
        if n == 1:
            raise ValueError("boom")
        time.sleep(0.02)
        finished.append(n)
        return n

    with pytest.raises(ValueError, match="boom"):
        run_ordered(work, list(range(40)), 2)
    count = len(finished)
    time.sleep(0.1)
    assert len(finished) == count  # nothing left running behind the caller
    assert count < 39  # calls not yet started were cancelled
