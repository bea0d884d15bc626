"""Benchmarks of gofannon-db: the service against the raw SDKs, and against itself.

Run ``python -m bench.run`` (or ``nox -s bench``) from the repository root; it starts
the same real servers the tests use and writes ``docs/benchmarks.md``.
"""
