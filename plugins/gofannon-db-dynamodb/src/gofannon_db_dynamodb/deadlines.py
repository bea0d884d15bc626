"""Bound each DynamoDB request by the timeout, botocore's retries included (contract v2 §5).

botocore gives every attempt the full read timeout and retries after it, so a silent
server made one request wait timeout times attempts. Two event handlers fix that without
replacing botocore's retry logic (its error classification, backoff and quota stay):

* ``before-send``: the first attempt of a request starts a
  :class:`~gofannon_db.deadline.Deadline` of ``timeout`` seconds, kept in the request's
  context (shared by its retries); each attempt's read timeout is what is left of it.
* ``needs-retry`` (registered first, so its answer wins): no retry when the backoff
  botocore may sleep plus another attempt no longer fit in what is left.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from gofannon_db.deadline import Deadline

__all__ = ["install"]

_KEY = "gofannon_db_deadline"
_MAX_BACKOFF = 20.0
"""botocore's cap on one backoff sleep (standard and legacy modes)."""


def install(client: Any, timeout: float) -> None:
    """Register the handlers on this client's events (its own copy; other clients are untouched)."""
    events = client.meta.events
    events.register_first("before-send.dynamodb", partial(_clip_attempt, timeout), unique_id="gofannon-db-deadline")
    events.register_first("needs-retry.dynamodb", _retry_within_budget, unique_id="gofannon-db-deadline-retry")


def _clip_attempt(timeout: float, request: Any, **_: Any) -> None:
    context = getattr(request, "context", None)
    if context is None:
        return
    deadline = context.get(_KEY)
    if deadline is None:
        deadline = context[_KEY] = Deadline(timeout)
    context["read_timeout"] = deadline.clip(timeout)


def _retry_within_budget(request_dict: dict[str, Any], attempts: int, **_: Any) -> bool | None:
    """``False`` (no retry) when the budget cannot hold botocore's longest backoff for this retry."""
    deadline = request_dict.get("context", {}).get(_KEY)
    if deadline is None:
        return None
    # Before attempt n + 1 botocore sleeps at most 2 ** (n - 1) seconds (random, capped).
    longest_sleep = min(2.0 ** (attempts - 1), _MAX_BACKOFF)
    return None if deadline.allows(longest_sleep) else False
