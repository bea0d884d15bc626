#!/usr/bin/env python3
"""Build every distribution into one folder and check it is fit to publish.

    python scripts/release.py DIR    # what ``nox -s release`` runs (needs build, hatchling, twine)

For the core and each plugin under plugins/: a wheel and an sdist built with hatchling
(``python -m build``); then the sdist is unpacked and built again into a wheel that must
hold exactly the same files, byte for byte. Each distribution must carry its licence, its
README and ``py.typed``; all share the version set in ``core/src/gofannon_db/__about__.py``;
each plugin's ``gofannon-db`` range must admit that version and stop at the next major.
``twine check --strict`` runs last. Any failure exits non-zero with the reasons.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = [ROOT / "core", *sorted(path.parent for path in (ROOT / "plugins").glob("gofannon-db-*/pyproject.toml"))]
ABOUT = ROOT / "core" / "src" / "gofannon_db" / "__about__.py"


def project_version() -> str:
    """The one version of the project, as written in the core's ``__about__``."""
    match = re.search(r'^__version__ = "([^"]+)"$', ABOUT.read_text(encoding="utf-8"), re.MULTILINE)
    if match is None:
        raise SystemExit(f"no __version__ in {ABOUT}")
    return match.group(1)


def _build(source: Path, out: Path, *formats: str) -> None:
    # No isolation: the build backend (hatchling, pinned by each pyproject's build-system) comes from
    # this environment, which ``build`` checks, instead of one fresh virtual environment per build.
    formats_args = (f"--{fmt}" for fmt in formats)
    command = [sys.executable, "-m", "build", "--no-isolation", *formats_args, "--outdir", str(out), str(source)]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"building {source} failed:\n{completed.stdout}\n{completed.stderr}")


def build_all(out: Path) -> None:
    """A wheel and an sdist of every distribution, into ``out`` (emptied first)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for project in PROJECTS:
        _build(project, out, "sdist", "wheel")


def _wheel_files(wheel: Path) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as archive:
        return {name: hashlib.sha256(archive.read(name)).hexdigest() for name in archive.namelist()}


def _metadata(wheel: Path) -> tuple[dict[str, str], list[str]]:
    with zipfile.ZipFile(wheel) as archive:
        [name] = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        message = Parser().parsestr(archive.read(name).decode("utf-8"))
    return {key: str(value) for key, value in message.items()}, message.get_all("Requires-Dist") or []


def check_rebuild(sdist: Path, wheel: Path) -> list[str]:
    """Unpack ``sdist``, build a wheel from it, and compare it with ``wheel`` file by file."""
    with tempfile.TemporaryDirectory() as scratch:
        with tarfile.open(sdist) as archive:
            if hasattr(tarfile, "data_filter"):  # Python 3.10.12+, 3.11.4+
                archive.extraction_filter = tarfile.data_filter
            archive.extractall(scratch)
        [unpacked] = Path(scratch).iterdir()
        rebuilt_dir = Path(scratch) / "rebuilt"
        _build(unpacked, rebuilt_dir, "wheel")
        [rebuilt] = rebuilt_dir.glob("*.whl")
        if rebuilt.name != wheel.name:
            return [f"{sdist.name} rebuilds into {rebuilt.name}, not {wheel.name}"]
        ours, theirs = _wheel_files(wheel), _wheel_files(rebuilt)
    differing = sorted(name for name in ours.keys() | theirs.keys() if ours.get(name) != theirs.get(name))
    return [f"{sdist.name} rebuilds into a different wheel: {', '.join(differing)}"] if differing else []


def check_contents(sdist: Path, wheel: Path, version: str) -> list[str]:
    """Licence, README, ``py.typed``, the shared version and the core range of a plugin."""
    from packaging.requirements import Requirement
    from packaging.version import Version

    problems: list[str] = []
    with tarfile.open(sdist) as archive:
        top = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    problems += [f"{sdist.name} lacks {name}" for name in ("LICENSE", "README.md", "PKG-INFO") if name not in top]
    names = set(_wheel_files(wheel))
    if not any(name.endswith(".dist-info/licenses/LICENSE") for name in names):
        problems.append(f"{wheel.name} lacks its LICENSE")
    if not any(name.endswith("/py.typed") for name in names):
        problems.append(f"{wheel.name} lacks py.typed")
    fields, requires = _metadata(wheel)
    if fields.get("Version") != version:
        problems.append(f"{wheel.name} has version {fields.get('Version')}, the project {version}")
    if fields.get("License-Expression") != "Apache-2.0":
        problems.append(f"{wheel.name} has licence {fields.get('License-Expression')!r}, not Apache-2.0")
    if fields.get("Name") != "gofannon-db":
        cores = [Requirement(line) for line in requires if Requirement(line).name == "gofannon-db"]
        next_major = f"<{Version(version).major + 1}"
        if len(cores) != 1 or not cores[0].specifier.contains(version) or next_major not in str(cores[0].specifier):
            problems.append(f"{wheel.name} must require gofannon-db >=X.Y,{next_major} admitting {version}: {cores}")
    return problems


def check_licences() -> list[str]:
    """Every distribution's LICENSE is the repository's Apache-2.0 text."""
    text = (ROOT / "LICENSE").read_bytes()
    return [
        f"{project}/LICENSE differs from LICENSE" for project in PROJECTS if (project / "LICENSE").read_bytes() != text
    ]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[0]).resolve()
    version = project_version()
    build_all(out)
    problems = check_licences()
    wheels = sorted(out.glob("*.whl"))
    if len(wheels) != len(PROJECTS) or len(list(out.glob("*.tar.gz"))) != len(PROJECTS):
        problems.append(f"expected a wheel and an sdist for each of {len(PROJECTS)} distributions in {out}")
    for wheel in wheels:
        sdist = out / f"{wheel.name.split('-')[0]}-{version}.tar.gz"
        if not sdist.exists():
            problems.append(f"no sdist {sdist.name} next to {wheel.name}")
            continue
        problems += check_contents(sdist, wheel, version)
        problems += check_rebuild(sdist, wheel)
    twine = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(out.iterdir()))],
        capture_output=True,
        text=True,
        check=False,
    )
    if twine.returncode != 0:
        problems.append(f"twine check failed:\n{twine.stdout}{twine.stderr}")
    for problem in problems:
        print(f"release: {problem}", file=sys.stderr)
    if not problems:
        print(f"release: {len(wheels)} wheels and sdists of version {version} in {out}: all checks passed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
