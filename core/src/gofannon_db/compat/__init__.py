"""Adapters that let an application written against another database layer switch to gofannon-db.

Each submodule mimics one such layer closely enough to be a one-line import change
(:mod:`gofannon_db.compat.gofannon` for the Gofannon application). They are a first step:
new code should use :mod:`gofannon_db` directly.
"""
