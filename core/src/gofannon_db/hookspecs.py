"""The hook a gofannon-db plugin implements. This module is the whole plugin API.

``gofannon-db new-plugin NAME`` writes a ready-to-edit distribution with this hook, its
options and a service skeleton; docs/writing-a-backend.md is the guide, and
:mod:`gofannon_db.toolkit` gathers the helpers a backend needs.

A plugin is a module named by an entry point in the ``gofannon_db`` group of its
distribution's metadata::

    # pyproject.toml of gofannon-db-mystore
    [project.entry-points.gofannon_db]
    mystore = "gofannon_db_mystore.plugin"

    # gofannon_db_mystore/plugin.py -- keep it light: no SDK import at module level
    from gofannon_db.hookspecs import hookimpl
    from gofannon_db.provider import Option, Provider

    GOFANNON_DB_API = 1  # the API_VERSION this plugin was written for

    def _create(settings):
        from gofannon_db_mystore.service import MyStoreService  # the SDK is imported here
        return MyStoreService(url=settings.require("MYSTORE_URL"),
                              collection_prefix=settings.collection_prefix)

    @hookimpl
    def gofannon_db_providers():
        return [Provider("mystore", _create, options=(Option("MYSTORE_URL", "Server URL", required=True),))]

The async twin comes for free: ``create_async_database_service()`` runs the service that
``create`` builds on a bounded thread pool (sized by the service's
``connection_pool_size``, or ``DATABASE_ASYNC_WORKERS``), so the event loop never waits
on the server. A backend whose SDK has a maintained native async client may register
it as ``Provider(..., create_async=_create_async)``, returning a subclass of
:class:`gofannon_db.aio.AsyncDatabaseService`. Keep the contract's rules in one place:
such a subclass still wraps the sync service (whose public methods hold every rule) and
overrides only ``_run``, the single point where a call leaves the event loop, for
instance to run the call on the loop with hooks that await the native client. Register
it only where it measures faster than the thread pool, and run the conformance suite
against it through :func:`gofannon_db.testing.aio.sync_facade`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pluggy

from .discovery import GROUP
from .provider import Provider

__all__ = ["API_VERSION", "API_VERSION_ATTRIBUTE", "PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = GROUP
"""The pluggy project name, and the entry-point group plugins register under."""

API_VERSION = 1
"""The plugin API this core implements: this hook, :class:`~gofannon_db.provider.Provider` and
:class:`~gofannon_db.service.DatabaseService`'s hooks. It goes up only when a change breaks plugins
written for the previous one; adding an optional hook or setting does not change it.

A plugin states the version it was written for as a module-level constant named by
:data:`API_VERSION_ATTRIBUTE` (``GOFANNON_DB_API = 1``), as a literal, not by importing this one.
Discovery refuses a plugin that states another version, naming the plugin, its distribution and
what to upgrade; the other providers keep working. A plugin that states none is taken to be
written for version 1, the API as it was before versions were stated.
"""

API_VERSION_ATTRIBUTE = "GOFANNON_DB_API"
"""The module-level name under which a plugin states the API version it was written for."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def gofannon_db_providers() -> Sequence[Provider]:  # type: ignore[empty-body]
    """Return the providers this plugin offers.

    Called once per process, when providers are first discovered. Return
    :class:`~gofannon_db.provider.Provider` objects whose ``create`` (and optional
    ``create_async``) import the backend's SDK lazily; importing the plugin module must
    not import it.

    The core honours each :class:`~gofannon_db.provider.Option`: ``create`` receives
    settings with the declared defaults filled in, is not called while a required option
    is unset, and the values of secret options are masked in every message.
    """
