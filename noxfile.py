"""Sessions: ``nox`` runs lint, types, the whole test suite on every Python 3.10-3.13 found, and the release build.

The test session installs the core, every plugin under plugins/ and the small plugin
distributions under tests/plugin_dists/ as real (non-editable) packages, so entry
points and packaging are tested the way users get them. Tests start their own servers.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nox

ROOT = Path(__file__).parent


def _interpreter(version: str) -> str | None:
    """A working ``pythonX.Y``: on PATH, or installed by pyenv but not selected (pyenv's shims refuse those)."""
    candidates = [
        shutil.which(f"python{version}"),
        *sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}")),
    ]
    for candidate in filter(None, candidates):
        if subprocess.run([str(candidate), "-c", "pass"], capture_output=True, check=False).returncode == 0:
            return str(candidate)
    return None


PYTHONS = {version: found for version in ("3.10", "3.11", "3.12", "3.13") if (found := _interpreter(version))}
PLUGINS = sorted(str(path) for path in (ROOT / "plugins").glob("gofannon-db-*") if (path / "pyproject.toml").exists())
TEST_PLUGINS = sorted(
    str(path) for path in (ROOT / "tests" / "plugin_dists").glob("*") if (path / "pyproject.toml").exists()
)
SOURCES = ["core/src", "plugins", "tests", "bench", "scripts", "noxfile.py"]

nox.options.sessions = ["lint", "types", "tests", "release"]
nox.options.reuse_existing_virtualenvs = True


def install_project(session: nox.Session) -> None:
    session.install("./core", *PLUGINS, *TEST_PLUGINS, "-r", "tests/requirements.txt")


FULL_PYTHON = "3.11" if "3.11" in PYTHONS else next(iter(PYTHONS), "")
"""The Python that runs everything, the async twin's conformance runs on the real servers included.

The other Pythons run the rest: the same contract through the sync services, the async twin on
memory and its own tests. This keeps CI's wall time down on two cores (the twin runs double
the real-server suites) while every Python still meets every backend's real server.
"""


@nox.session
@nox.parametrize("python", list(PYTHONS.values()), ids=list(PYTHONS))
def tests(session: nox.Session) -> None:
    """The whole suite: unit tests, the conformance suite on every backend's real server, the tools."""
    install_project(session)
    full = session.python == PYTHONS.get(FULL_PYTHON) or session.posargs
    session.run("pytest", *(session.posargs or ([] if full else ["-m", "not twin"])), env={"NO_GCE_CHECK": "true"})


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff>=0.6")
    session.run("ruff", "check", *SOURCES)
    session.run("ruff", "format", "--check", *SOURCES)


@nox.session
def types(session: nox.Session) -> None:
    """mypy, strict, on the core and every plugin."""
    session.install("mypy>=1.10", "./core", *PLUGINS, "-r", "tests/requirements.txt")
    session.run("mypy", "core/src", *(f"{plugin}/src" for plugin in PLUGINS))


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks on the real servers; writes docs/benchmarks.md. Not run by default. ``nox -s bench -- --quick``."""
    session.install("./core", *PLUGINS)
    args = session.posargs or ["--json", "bench/results/latest.json"]
    session.run("python", "-m", "bench.run", *args, env={"NO_GCE_CHECK": "true"})


@nox.session
def release(session: nox.Session) -> None:
    """Build every distribution into dist/, check it is fit to publish, then install it into a fresh venv.

    ``scripts/release.py`` builds a wheel and an sdist of each distribution, rebuilds each sdist into a
    wheel that must be identical, and runs ``twine check``; the test installs ``gofannon-db[all]`` from
    dist/ (third-party dependencies from the index) and sees all four providers load.
    """
    session.install("build>=1.2", "hatchling>=1.27", "twine>=6.1", "packaging>=24.2", "pytest>=8.0")
    wheelhouse = ROOT / "dist"
    session.run("python", "scripts/release.py", str(wheelhouse))
    session.run(
        "pytest",
        "-p",
        "no:cacheprovider",
        "tests/release/check_wheelhouse.py",
        *session.posargs,
        env={"GOFANNON_WHEELHOUSE": str(wheelhouse)},
    )
