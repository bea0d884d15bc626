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

    def _create(settings):
        from gofannon_db_mystore.service import MyStoreService  # the SDK is imported here
        return MyStoreService(url=settings.require("MYSTORE_URL"),
                              collection_prefix=settings.collection_prefix)

    @hookimpl
    def gofannon_db_providers():
        return [Provider("mystore", _create, options=(Option("MYSTORE_URL", "Server URL", required=True),))]
"""

from __future__ import annotations

from collections.abc import Sequence

import pluggy

from .provider import Provider

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "gofannon_db"
"""The pluggy project name, and the entry-point group plugins register under."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def gofannon_db_providers() -> Sequence[Provider]:  # type: ignore[empty-body]
    """Return the providers this plugin offers.

    Called once per process, when providers are first discovered. Return
    :class:`~gofannon_db.provider.Provider` objects whose ``create`` imports the
    backend's SDK lazily; importing the plugin module must not import it.

    The core honours each :class:`~gofannon_db.provider.Option`: ``create`` receives
    settings with the declared defaults filled in, is not called while a required option
    is unset, and the values of secret options are masked in every message.
    """
