"""Deadlines: one monotonic time budget per request, that retries and SDK timeouts draw from.

Contract v2 §5: ``DATABASE_TIMEOUT`` (or the provider's own timeout) bounds how long a
call waits on a silent server, retries included. A backend makes a :class:`Deadline`
of that many seconds when it sends a request, gives each attempt no more than
:meth:`Deadline.clip` of it as the SDK's timeout, and retries only while
:meth:`Deadline.allows` the backoff plus another attempt. A bulk call restarts the
budget on every answer (:meth:`Deadline.progress`), so it fails within the timeout of
its last progress, however long the whole call runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["MIN_ATTEMPT", "Deadline"]

MIN_ATTEMPT = 0.05
"""Seconds an attempt needs at the very least to be worth sending."""


class Deadline:
    """``seconds`` from now (or from the last :meth:`progress`), on the monotonic clock."""

    __slots__ = ("_clock", "_end", "seconds")

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._end = clock() + seconds

    def __repr__(self) -> str:
        return f"Deadline({self.seconds:g} s, {self.remaining():.3f} s left)"

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(self._end - self._clock(), 0.0)

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def clip(self, timeout: float) -> float:
        """The timeout to give one attempt: ``timeout``, but never past the deadline."""
        return max(min(timeout, self.remaining()), 0.001)

    def allows(self, delay: float) -> bool:
        """True when sleeping ``delay`` still leaves time for one more attempt."""
        return self.remaining() >= delay + MIN_ATTEMPT

    def sleep(self, delay: float) -> bool:
        """Sleep ``delay`` before a retry and return True, or return False at once when it does not fit."""
        if not self.allows(delay):
            return False
        time.sleep(delay)
        return True

    def progress(self) -> None:
        """The server answered: the budget starts again from now."""
        self._end = self._clock() + self.seconds
