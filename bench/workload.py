"""The documents every benchmark writes: small, realistic, and identical for both sides.

About 330 bytes of JSON each: strings, an int, a bool, a list and a nested map. No
floats, so that the raw DynamoDB baseline can use boto3's stock ``TypeSerializer``
(which rejects ``float``) without extra conversion work that would flatter us.
"""

from __future__ import annotations

from typing import Any

__all__ = ["document", "ids"]

_TEXT = "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. " * 2


def document(number: int, version: int = 1) -> dict[str, Any]:
    """The body of document ``number`` (no ``_id``/``_rev``); ``version`` changes it for updates."""
    return {
        "name": f"agent {number}",
        "kind": "benchmark",
        "n": number,
        "active": number % 2 == 0,
        "tags": ["alpha", "beta", f"t{number % 7}"],
        "meta": {"created": "2025-01-01T00:00:00Z", "owner": f"user-{number % 13}", "version": version},
        "text": _TEXT[: 100 + number % 50],
    }


def ids(prefix: str, count: int, start: int = 0) -> list[str]:
    """``count`` document ids like ``g-r3-000017``, unique per prefix."""
    return [f"{prefix}-{number:06d}" for number in range(start, start + count)]
