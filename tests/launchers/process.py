"""Start a real server on a free loopback port, wait until it answers, stop it afterwards.

Shared by the test fixtures and the benchmarks. A server that cannot start raises
:class:`ServerStartError` naming the server and why, with the tail of its log: the
run fails, it never skips.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("GOFANNON_SERVER_CACHE", ROOT / ".cache" / "servers"))


class ServerStartError(RuntimeError):
    """A test server could not be installed or started."""

    def __init__(self, server: str, reason: str, log_tail: str = "") -> None:
        message = f"Could not start the {server} test server: {reason}"
        if log_tail.strip():
            message += f"\n--- last lines of its log ---\n{log_tail.rstrip()}"
        super().__init__(message)


def free_port() -> int:
    """A TCP port nobody listens on at the moment, on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_status(url: str, timeout: float = 1.0) -> int | None:
    """The HTTP status ``url`` answers with, or ``None`` when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (OSError, ValueError):
        return None


@dataclass
class ServerProcess:
    """A server child process in its own scratch directory and process group."""

    name: str
    argv: Sequence[str]
    ready: Callable[[], bool]
    env: Mapping[str, str] = field(default_factory=dict)
    startup_timeout: float = 60.0
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="gofannon-server-")))
    _process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return self.workdir / "server.log"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def start(self) -> ServerProcess:
        executable = shutil.which(self.argv[0])
        if executable is None:
            raise ServerStartError(self.name, f"{self.argv[0]!r} is not installed or not on PATH.")
        log = self.log_path.open("wb")
        self._process = subprocess.Popen(
            [executable, *self.argv[1:]],
            cwd=self.workdir,
            env={**os.environ, **self.env},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ServerStartError(
                    self.name, f"it exited with code {self._process.returncode} while starting.", self.log_tail()
                )
            if self.ready():
                return self
            time.sleep(0.1)
        self.stop()
        raise ServerStartError(self.name, f"it did not answer within {self.startup_timeout:.0f} s.", self.log_tail())

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def npm_package(server: str, spec: str, *, pack: bool = False) -> Path:
    """Install (or, with ``pack``, download and unpack) an npm package once into the cache.

    Returns the directory that holds ``node_modules`` (install) or ``package`` (pack).
    Concurrent test runs share the cache safely through a file lock.
    """
    target = CACHE / spec.replace("/", "_").replace("@", "-")
    done = target / ".complete"
    with _file_lock(CACHE / f"{target.name}.lock"):
        if done.exists():
            return target
        if shutil.which("npm") is None:
            raise ServerStartError(server, "npm is not installed; install Node.js 18 or newer.")
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        if pack:
            argv = ["npm", "pack", spec, "--silent"]
            after = ["tar", "xzf"]
        else:
            argv = ["npm", "install", "--save-exact", "--ignore-scripts", "--no-audit", "--no-fund", spec]
            after = []
        result = subprocess.run(argv, check=False, cwd=target, capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            raise ServerStartError(server, f"'{' '.join(argv)}' failed.", result.stdout + result.stderr)
        if pack:
            archive = next(target.glob("*.tgz"))
            subprocess.run([*after, archive.name], cwd=target, check=True, timeout=600)
            archive.unlink()
        done.touch()
        return target
