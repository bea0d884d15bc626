"""The project's version: the one place it is set.

Hatch reads it for every distribution (the core and the first-party plugins, whose
``pyproject.toml`` point here), so they always release with one number.
"""

__version__ = "0.1.0"

DISTRIBUTION = "gofannon-db"
"""The core's distribution name, as its metadata (and so entry-point discovery) spells it."""
