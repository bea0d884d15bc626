#!/usr/bin/env python3
"""The seed's migration command, kept working: a thin wrapper around ``gofannon-db migrate``.

    python scripts/migrate_database.py --source couchdb --target dynamodb [--verify] [...]

Every option of ``gofannon-db migrate --help`` applies. Run it with the Python that has
gofannon-db and the providers' plugins installed.
"""

from __future__ import annotations

import sys

try:
    from gofannon_db.cli.main import main
except ImportError:  # pragma: no cover - depends on the interpreter used
    sys.exit("gofannon-db is not installed for this Python: pip install gofannon-db (plus the provider plugins).")

if __name__ == "__main__":
    sys.exit(main(["migrate", *sys.argv[1:]]))
