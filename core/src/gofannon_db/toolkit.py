"""Everything a backend author needs, in one import: ``from gofannon_db.toolkit import ...``.

Each name lives in (and is documented by) its own module; this module only gathers the
public toolkit so that an author never reaches into private helpers or first-party plugins.

========================  =====================================================================
group                     names
========================  =====================================================================
the interface             :class:`DatabaseService` (subclass it), :data:`Document`, :data:`DEFAULT_PAGE_SIZE`
plugin registration       :data:`hookimpl`, :class:`Provider`, :class:`Option`, :class:`Settings`
store identity            :func:`normalise_path`, :func:`normalise_url`
bulk hooks                :class:`BulkWrite` (what ``_save_many`` receives), :class:`BulkResult`,
                          :func:`bulk_ok`, :func:`bulk_error` (what bulk hooks return, in input order)
queries (``_find``)       :data:`Scalar`, :func:`matches`, :func:`project`, :func:`get_path`, :data:`MISSING`
revisions                 :func:`new_revision` (``N-<32 hex>``), :func:`revision_generation`
copying and sizes         :func:`copy_json` (fast deep copy of JSON), :func:`json_size`
errors                    the typed errors, :func:`error_for_status` (HTTP status -> typed error)
secrets                   :func:`redact`, :func:`redact_url`, :func:`scrub`, :func:`register_secret`
========================  =====================================================================
"""

from __future__ import annotations

from .codec import copy_json, json_size, new_revision, revision_generation
from .errors import (
    BackendUnavailable,
    DatabaseError,
    DocumentNotFound,
    DocumentTooLarge,
    InvalidDocument,
    InvalidName,
    InvalidQuery,
    OperationNotSupported,
    PermissionDenied,
    RevisionConflict,
    Unauthorized,
    error_for_status,
)
from .hookspecs import hookimpl
from .identity import normalise_path, normalise_url
from .provider import Option, Provider
from .query import MISSING, Scalar, get_path, matches, project
from .redaction import redact, redact_url, register_secret, scrub
from .service import DEFAULT_PAGE_SIZE, DatabaseService
from .settings import Settings
from .types import BulkResult, BulkWrite, Document, WriteResult, bulk_error, bulk_ok

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MISSING",
    "BackendUnavailable",
    "BulkResult",
    "BulkWrite",
    "DatabaseError",
    "DatabaseService",
    "Document",
    "DocumentNotFound",
    "DocumentTooLarge",
    "InvalidDocument",
    "InvalidName",
    "InvalidQuery",
    "OperationNotSupported",
    "Option",
    "PermissionDenied",
    "Provider",
    "RevisionConflict",
    "Scalar",
    "Settings",
    "Unauthorized",
    "WriteResult",
    "bulk_error",
    "bulk_ok",
    "copy_json",
    "error_for_status",
    "get_path",
    "hookimpl",
    "json_size",
    "matches",
    "new_revision",
    "normalise_path",
    "normalise_url",
    "project",
    "redact",
    "redact_url",
    "register_secret",
    "revision_generation",
    "scrub",
]
