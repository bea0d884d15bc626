"""The gofannon-db pytest plugin, installed with ``gofannon-db[testing]`` (``pytest11`` entry point).

* Registers the conformance suite's modules for assertion rewriting, so a failure shows
  what was expected and what came back, not a bare ``AssertionError``.
* Adds to each failure of the suite the backend hooks to look at.
* Options: ``--gofannon-concurrency N`` (threads of the read-modify-write test),
  ``--gofannon-stateful-examples N`` and ``--gofannon-stateful-steps N`` (budget of the
  stateful test); they override the suite's class attributes of the same meaning.
* Fixtures: ``gofannon_settings`` (:class:`~gofannon_db.Settings` from the environment)
  and ``fresh_collection_name`` (a factory of unused collection names).
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

_PACKAGE = "gofannon_db.testing"
# Register before any module of the suite is imported: rewriting happens at import time.
pytest.register_assert_rewrite(
    *(
        f"{_PACKAGE}.{module.name}"
        for module in pkgutil.iter_modules([str(Path(__file__).parent)])
        if module.name != "pytest_plugin"
    )
)

from ..settings import Settings  # noqa: E402 - after the registration above
from .hints import hooks_for  # noqa: E402

_OPTIONS = {
    "concurrency_threads": ("--gofannon-concurrency", "threads in the conformance suite's read-modify-write test"),
    "stateful_examples": ("--gofannon-stateful-examples", "examples (runs) of the suite's stateful test"),
    "stateful_steps": ("--gofannon-stateful-steps", "steps per run of the suite's stateful test"),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gofannon-db", "gofannon-db conformance suite")
    for attribute, (flag, help_text) in _OPTIONS.items():
        group.addoption(flag, type=int, default=None, dest=f"gofannon_{attribute}", metavar="N", help=help_text)


def _is_suite_test(item: pytest.Item) -> bool:
    function = getattr(item, "function", None)
    return function is not None and getattr(function, "__module__", "").startswith(_PACKAGE + ".")


@pytest.fixture(autouse=True)
def _gofannon_suite_budget(request: pytest.FixtureRequest) -> None:
    """Apply the command line's budget to a conformance suite instance (instance attributes win)."""
    from .base import SuiteBase

    if not isinstance(request.instance, SuiteBase):
        return
    for attribute, (flag, _) in _OPTIONS.items():
        value = request.config.getoption(f"gofannon_{attribute}")
        if value is not None:
            if value < 1:
                raise pytest.UsageError(f"{flag} must be at least 1, got {value}.")
            setattr(request.instance, attribute, value)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.failed and call.when == "call" and _is_suite_test(item):
        hooks = ", ".join(hooks_for(item.name))
        report.sections.append(
            ("gofannon-db", f"Hooks to look at for {item.name}: {hooks} (see docs/writing-a-backend.md)")
        )


@pytest.fixture
def gofannon_settings() -> Settings:
    """Settings from the environment, as the factory would read them."""
    return Settings()


@pytest.fixture
def fresh_collection_name() -> Callable[[str], str]:
    """Call it for a collection name no other test uses: ``fresh_collection_name("users")``."""
    from .base import fresh_name

    return fresh_name
