"""A plugin whose import fails, as one with a missing dependency would."""

import gofannon_db_missing_sdk  # type: ignore[import-not-found]  # noqa: F401
