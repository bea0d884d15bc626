"""SQL text for the ``sqlite`` backend: table and index names, JSON paths, and selectors as WHERE clauses.

A selector becomes a WHERE clause that keeps a *superset* of the matching rows: SQL
compares a little loosely where SQLite's JSON functions could not be trusted to be
exact (a key its path syntax cannot spell, a float parsed by SQLite's own reader), and
the backend confirms every candidate with :func:`gofannon_db.query.matches`. The clause
never drops a row that matches, so the result is exact by the contract's rules.

JSON paths are written as SQL literals, not bound parameters, so that a query's
``json_extract(body, '$."role"')`` is the very expression an index was built on and
the planner uses the index.
"""

from __future__ import annotations

import math
from typing import Any

from ..query import Scalar

__all__ = [
    "TABLE_PREFIX",
    "index_name",
    "index_sql",
    "json_path",
    "quote_identifier",
    "selector_clause",
    "table_name",
]

TABLE_PREFIX = "col:"
"""Marks the tables that hold collections, so a foreign table in the same file is never listed as one."""

_SMALL_INT = 2**31
"""Integers this small are compared with ``=``: no stored number equal to one can be read as different."""
_TOLERANCE = 1e-9
"""Relative slack for other numbers: SQLite's float reader may differ from Python's by an ulp."""


def quote_identifier(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def table_name(collection: str) -> str:
    """The quoted table that holds ``collection`` (a physical name, already validated)."""
    return quote_identifier(TABLE_PREFIX + collection)


def _spellable(key: str) -> bool:
    # SQLite's path reader takes a quoted key up to the next '"' and compares it with the
    # key as written in the JSON text, escapes included; the encoder escapes only '"', '\\'
    # and control characters, so every other key can be spelt exactly.
    return not any(char in '"\\' or char < " " for char in key)


def json_path(path: str) -> str | None:
    """The SQL literal of the JSON path of a dotted field (``'$."a"."b"'``), or ``None`` if unspellable."""
    keys = path.split(".")
    if not all(_spellable(key) for key in keys):
        return None
    return _literal("$" + "".join(f'."{key}"' for key in keys))


def _value_clause(expr: str, kind: str, value: Scalar) -> tuple[str, list[Any], bool]:
    """Conditions on ``expr`` (a ``json_extract``) and ``kind`` (its ``json_type``) for one selector value,
    and whether they are exact (else a superset, to be confirmed in Python)."""
    if value is None:
        return f"{expr} IS NULL AND {kind} = 'null'", [], True
    if isinstance(value, bool):
        return f"{expr} = ? AND {kind} = ?", [int(value), "true" if value else "false"], True
    if isinstance(value, str):
        if "\x00" in value:  # SQLite's text may end at a NUL: compare the type only
            return f"{kind} = 'text'", [], False
        return f"{expr} = ? AND {kind} = 'text'", [value], True
    if isinstance(value, int) and abs(value) <= _SMALL_INT:
        return f"{expr} = ? AND {kind} IN ('integer', 'real')", [value], False
    number = float(value)
    if not math.isfinite(number):
        return "0", [], True  # no stored document holds an infinity
    slack = abs(number) * _TOLERANCE
    return f"{expr} BETWEEN ? AND ? AND {kind} IN ('integer', 'real')", [number - slack, number + slack], False


def selector_clause(selector: dict[str, Scalar]) -> tuple[str, list[Any], bool]:
    """A WHERE clause and its parameters keeping every row that can match ``selector``, and whether it
    keeps only those (strings, booleans, null, ids: yes; numbers and unspellable keys: confirm in Python)."""
    clauses: list[str] = []
    params: list[Any] = []
    exact = True
    for path, value in selector.items():
        head, _, rest = path.partition(".")
        if head in ("_id", "_rev"):
            column = "id" if head == "_id" else "rev"
            if rest or not isinstance(value, str):
                return "0", [], True  # ids and revisions are strings without fields
            clauses.append(f"{column} = ?")
            params.append(value)
            continue
        literal = json_path(path)
        if literal is None:
            exact = False  # left to the check in Python
            continue
        clause, values, exact_here = _value_clause(
            f"json_extract(body, {literal})", f"json_type(body, {literal})", value
        )
        clauses.append(clause)
        params.extend(values)
        exact = exact and exact_here
    return (" AND ".join(clauses) or "1"), params, exact


def index_name(collection: str, fields: list[str], name: str | None) -> str:
    """Index names are global in a SQLite file: scope them by the collection's table."""
    return quote_identifier(f"{TABLE_PREFIX}{collection}/{name if name is not None else ','.join(fields)}")


def index_sql(collection: str, fields: list[str], name: str | None) -> str | None:
    """``CREATE INDEX`` on the ``json_extract`` expressions ``find`` uses; ``None`` if no field is spellable."""
    paths = [literal for literal in map(json_path, fields) if literal is not None]
    if not paths:
        return None
    columns = ", ".join(f"json_extract(body, {literal})" for literal in paths)
    return f"CREATE INDEX IF NOT EXISTS {index_name(collection, fields, name)} ON {table_name(collection)} ({columns})"
