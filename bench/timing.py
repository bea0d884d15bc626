"""The harness: time a batch of calls, run paired batches in interleaved rounds, take medians.

Interleaving (gofannon-db, raw, then raw, gofannon-db in the next round, ...) means a
slow stretch of the machine or server hits both sides alike; the ratio is taken per
round, on paired batches, and its median reported.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["Paired", "Timing", "interleaved", "median", "time_batch", "time_batch_cpu"]


def time_batch(run: Callable[[], object]) -> float:
    """Seconds ``run()`` takes, garbage collected beforehand so no earlier batch's garbage is charged to it."""
    return time_batch_cpu(run)[0]


def time_batch_cpu(run: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) that ``run()`` takes.

    The CPU time is the client's own work (encoding, decoding, the service layer, the
    SDK): it does not include waiting for the server, so it is far less disturbed by
    other load on the machine than the wall time.
    """
    gc.collect()
    cpu = time.process_time()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start, time.process_time() - cpu


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Paired:
    """Per-operation seconds of gofannon-db and of the raw SDK, one entry per round."""

    name: str
    per_call: int
    ours: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    ours_cpu: list[float] = field(default_factory=list)
    raw_cpu: list[float] = field(default_factory=list)

    def add_round(self, ours: tuple[float, float], raw: tuple[float, float]) -> None:
        """Record one round's (wall, CPU) seconds of each side's whole batch."""
        self.ours.append(ours[0] / self.per_call)
        self.raw.append(raw[0] / self.per_call)
        self.ours_cpu.append(ours[1] / self.per_call)
        self.raw_cpu.append(raw[1] / self.per_call)

    @property
    def ours_cpu_us(self) -> float:
        return median(self.ours_cpu) * 1e6

    @property
    def raw_cpu_us(self) -> float:
        return median(self.raw_cpu) * 1e6

    @property
    def ours_ms(self) -> float:
        return median(self.ours) * 1000

    @property
    def raw_ms(self) -> float:
        return median(self.raw) * 1000

    @property
    def ratio(self) -> float:
        """Median over rounds of (gofannon-db time / raw time) of the same round."""
        return median([ours / raw for ours, raw in zip(self.ours, self.raw, strict=True) if raw > 0])

    @property
    def spread(self) -> tuple[float, float]:
        """Lowest and highest per-round ratio: how noisy the figure is."""
        ratios = [ours / raw for ours, raw in zip(self.ours, self.raw, strict=True) if raw > 0]
        return (min(ratios), max(ratios)) if ratios else (float("nan"), float("nan"))


Timing = tuple[float, float]
"""(wall seconds, CPU seconds) of one batch."""


def interleaved(round_index: int, ours: Callable[[], object], raw: Callable[[], object]) -> tuple[Timing, Timing]:
    """Time both sides of one round, alternating which goes first from round to round."""
    if round_index % 2 == 0:
        ours_timing = time_batch_cpu(ours)
        raw_timing = time_batch_cpu(raw)
    else:
        raw_timing = time_batch_cpu(raw)
        ours_timing = time_batch_cpu(ours)
    return ours_timing, raw_timing
