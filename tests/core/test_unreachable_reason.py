"""The core's 'could not reach' text: where (password removed) and why, from the exception chain."""

from __future__ import annotations

import socket

import pytest
from gofannon_db.errors import BackendUnavailable, connection_failure_reason, unreachable


class WrappingError(Exception):
    """Like an SDK's connection error: the OS error sits in ``__context__``, not in the type."""


def _raised_inside(inner: BaseException) -> WrappingError:
    try:
        try:
            raise inner
        except BaseException:
            raise WrappingError("could not connect")  # noqa: B904 - an SDK chains it implicitly, as here
    except WrappingError as outer:
        return outer


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (ConnectionRefusedError(111, "Connection refused"), "connection refused"),
        (_raised_inside(ConnectionRefusedError(111, "Connection refused")), "connection refused"),
        (_raised_inside(socket.gaierror(-2, "Name or service not known")), "did not resolve (DNS)"),
        (TimeoutError("timed out"), "timed out after 2.5 s"),
        (_raised_inside(TimeoutError("read timed out")), "timed out after 2.5 s"),
        # gRPC and urllib3 report only text: fixed phrases decide.
        (
            RuntimeError("failed to connect to all addresses; ipv4:127.0.0.1:1: Connection refused"),
            "connection refused",
        ),
        (RuntimeError("DNS resolution failed for nosuch.invalid:443"), "did not resolve (DNS)"),
        (RuntimeError("Deadline Exceeded"), "timed out after 2.5 s"),
        (RuntimeError("something else"), "the connection failed (RuntimeError)"),
    ],
)
def test_reason_is_read_from_the_exception_chain(exc: BaseException, reason: str) -> None:
    assert reason in connection_failure_reason(exc, timeout=2.5)


def test_unreachable_names_the_endpoint_without_its_password() -> None:
    error = unreachable("CouchDB", "http://admin:s3cret@db.example:5984", ConnectionRefusedError(111, "refused"))
    assert isinstance(error, BackendUnavailable)
    assert error.status_code == 503
    assert error.detail == (
        "Could not reach CouchDB at http://admin:***@db.example:5984: "
        "connection refused (is the server running on that port?)."
    )
    assert "s3cret" not in repr(error)


def test_the_exception_text_itself_never_reaches_the_detail() -> None:
    error = unreachable("DynamoDB", "http://127.0.0.1:8010", RuntimeError("token=abc123 Connection refused"))
    assert "abc123" not in error.detail
