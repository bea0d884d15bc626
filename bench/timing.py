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

__all__ = ["Paired", "interleaved", "median", "time_batch"]


def time_batch(run: Callable[[], object]) -> float:
    """Seconds ``run()`` takes, garbage collected beforehand so no earlier batch's garbage is charged to it."""
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Paired:
    """Per-operation seconds of gofannon-db and of the raw SDK, one entry per round."""

    name: str
    per_call: int
    ours: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)

    def add_round(self, ours_seconds: float, raw_seconds: float) -> None:
        self.ours.append(ours_seconds / self.per_call)
        self.raw.append(raw_seconds / self.per_call)

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


def interleaved(round_index: int, ours: Callable[[], object], raw: Callable[[], object]) -> tuple[float, float]:
    """Time both sides of one round, alternating which goes first from round to round."""
    if round_index % 2 == 0:
        ours_seconds = time_batch(ours)
        raw_seconds = time_batch(raw)
    else:
        raw_seconds = time_batch(raw)
        ours_seconds = time_batch(ours)
    return ours_seconds, raw_seconds
