"""What the figures were measured on: date, machine, load, Python and package versions."""

from __future__ import annotations

import datetime
import os
import platform
import sys
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

__all__ = ["PACKAGES", "Environment", "describe", "load_average"]

PACKAGES = (
    "gofannon-db",
    "gofannon-db-couchdb",
    "gofannon-db-dynamodb",
    "gofannon-db-firestore",
    "pluggy",
    "CouchDB",
    "boto3",
    "botocore",
    "google-cloud-firestore",
    "grpcio",
)


@dataclass
class Environment:
    date: str
    machine: str
    cores: int
    python: str
    packages: dict[str, str]
    load_before: str
    load_after: str = ""
    servers: dict[str, str] = field(default_factory=dict)


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def describe() -> Environment:
    return Environment(
        date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        machine=f"{_cpu_model()}, {platform.system()} {platform.release()} ({platform.machine()})",
        cores=os.cpu_count() or 0,
        python=f"{platform.python_implementation()} {sys.version.split()[0]}",
        packages={name: _version(name) for name in PACKAGES},
        load_before=load_average(),
    )
