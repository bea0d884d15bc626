"""The author's toolkit: one light import that gathers the public helpers a backend needs."""

from __future__ import annotations

import subprocess
import sys

from gofannon_db import toolkit


def test_every_toolkit_name_is_importable_and_documented_where_it_lives() -> None:
    for name in toolkit.__all__:
        value = getattr(toolkit, name)
        if callable(value) and not isinstance(value, type(toolkit.Scalar)) and name != "hookimpl":
            assert (value.__doc__ or "").strip(), f"{name} needs a docstring: authors read it"


def test_the_toolkit_imports_no_cloud_sdk_and_no_pytest() -> None:
    code = (
        "import sys, gofannon_db.toolkit; "
        "print(sorted(m for m in ('boto3', 'botocore', 'google', 'couchdb', 'pytest') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
