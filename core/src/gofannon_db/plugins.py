"""Provider discovery: entry points in the ``gofannon_db`` group, loaded through pluggy.

Each plugin is loaded and asked for its providers on its own, so one broken plugin is
reported (with its distribution and error) while every other provider keeps working.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple, cast

from . import discovery
from .__about__ import DISTRIBUTION, __version__
from .errors import ConfigurationError, ProviderNotFound
from .provider import Provider

if TYPE_CHECKING:
    from types import ModuleType

__all__ = [
    "KNOWN_DISTRIBUTIONS",
    "PluginInfo",
    "ProviderRegistry",
    "api_mismatch",
    "get_registry",
    "provider_named",
    "reset_registry",
]

KNOWN_DISTRIBUTIONS = {
    "couchdb": "gofannon-db-couchdb",
    "firestore": "gofannon-db-firestore",
    "dynamodb": "gofannon-db-dynamodb",
}
"""First-party providers that live in their own distributions, to tell users what to install."""


class PluginInfo:
    """One entry point: where it came from, what it registered, or why it failed."""

    __slots__ = ("distribution", "entry_point", "error", "providers", "version")

    def __init__(
        self,
        entry_point: str,
        distribution: str,
        version: str,
        providers: list[str] | None = None,
        error: str | None = None,
    ) -> None:
        self.entry_point = entry_point
        self.distribution = distribution
        self.version = version
        self.providers: list[str] = [] if providers is None else providers
        self.error = error

    @property
    def loaded(self) -> bool:
        return self.error is None

    def __repr__(self) -> str:
        return (
            f"PluginInfo(entry_point={self.entry_point!r}, distribution={self.distribution!r}, "
            f"version={self.version!r}, providers={self.providers!r}, error={self.error!r})"
        )


class _Registration(NamedTuple):
    provider: Provider
    plugin: PluginInfo


class ProviderRegistry:
    """The providers of the installed plugins, plus any registered at run time."""

    def __init__(self) -> None:
        import pluggy  # here, not at import: the factory builds the core's own providers without it

        from . import hookspecs

        self._manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self._manager.add_hookspecs(hookspecs)
        self._lock = threading.Lock()
        self.plugins: list[PluginInfo] = []
        self._registrations: dict[str, list[_Registration]] = {}

    def load_entry_points(self) -> None:
        entry_points = discovery.find_entry_points(discovery.GROUP)
        for entry_point in entry_points:
            info = PluginInfo(entry_point.name, entry_point.distribution, entry_point.version)
            try:
                module = discovery.load(entry_point)
            except Exception as exc:
                info.error = f"{type(exc).__name__}: {exc}"
                self.plugins.append(info)
                continue
            self.register(module, info)
        discovery.remember_providers(
            discovery.GROUP,
            entry_points,
            {name: [entry.plugin.distribution for entry in entries] for name, entries in self._registrations.items()},
        )

    def register(self, plugin: ModuleType | object, info: PluginInfo | None = None) -> PluginInfo:
        """Register a plugin object (a module or any object with hook implementations).

        Useful in tests and in applications that bundle a backend without installing
        it as a distribution.
        """
        if info is None:
            name = getattr(plugin, "__name__", type(plugin).__name__)
            info = PluginInfo(entry_point=name, distribution="(registered at run time)", version="")
        with self._lock:
            self.plugins.append(info)
            mismatch = api_mismatch(plugin, info)
            if mismatch is not None:
                info.error = mismatch
                return info
            try:
                self._manager.register(plugin, name=f"{info.distribution}:{info.entry_point}")
                providers: list[Provider] = [
                    provider
                    for impl in self._manager.hook.gofannon_db_providers.get_hookimpls()
                    if impl.plugin is plugin
                    for provider in cast("Iterable[Provider]", impl.function())
                ]
                for provider in providers:
                    if not isinstance(provider, Provider):
                        raise TypeError(f"gofannon_db_providers() returned {provider!r}, not a Provider")
            except Exception as exc:
                info.error = f"{type(exc).__name__}: {exc}"
                return info
            for provider in providers:
                info.providers.append(provider.name)
                self._registrations.setdefault(provider.name, []).append(_Registration(provider, info))
        return info

    def names(self) -> list[str]:
        """Every provider name that at least one loaded plugin registers."""
        return sorted(self._registrations)

    def get(self, name: str) -> Provider:
        """The provider called ``name``; a :class:`ConfigurationError` explains any problem."""
        registrations = self._registrations.get(name, [])
        if len(registrations) > 1:
            claimants = " and ".join(
                f"{entry.plugin.distribution} ({entry.plugin.entry_point})" for entry in registrations
            )
            raise ConfigurationError(
                f"Provider {name!r} is registered by more than one distribution: {claimants}. "
                "Uninstall all but one of them."
            )
        if registrations:
            return registrations[0].provider
        raise ProviderNotFound(self._not_found_message(name))

    def registrations(self, name: str) -> list[tuple[Provider, PluginInfo]]:
        """Every registration of ``name`` with the plugin that made it (more than one is a conflict)."""
        return [(entry.provider, entry.plugin) for entry in self._registrations.get(name, [])]

    def distribution_of(self, name: str) -> PluginInfo | None:
        registrations = self._registrations.get(name)
        return registrations[0].plugin if registrations else None

    def _not_found_message(self, name: str) -> str:
        installed = ", ".join(self.names()) or "none"
        message = f"No database provider named {name!r} is installed (installed providers: {installed})."
        if name in KNOWN_DISTRIBUTIONS:
            message += f" Install it with: pip install {KNOWN_DISTRIBUTIONS[name]}"
        failed = [plugin for plugin in self.plugins if not plugin.loaded]
        if failed:
            message += " Plugins that failed to load: " + "; ".join(
                f"{plugin.distribution} ({plugin.entry_point}): {plugin.error}" for plugin in failed
            )
        return message


def api_mismatch(plugin: object, info: PluginInfo) -> str | None:
    """Why ``plugin`` cannot be used with this core's plugin API, or ``None`` when it can.

    Checked before the plugin is registered, so an old plugin is refused at discovery with
    a reason instead of failing later inside some call. A plugin that states no version was
    written before versions were stated, for API 1.
    """
    from . import hookspecs

    stated = getattr(plugin, hookspecs.API_VERSION_ATTRIBUTE, 1)
    current = hookspecs.API_VERSION
    if stated == current and type(stated) is int:
        return None
    who = f"{info.distribution} {info.version}".rstrip() + f" (plugin {info.entry_point!r})"
    if type(stated) is not int:
        return f"{who} states {hookspecs.API_VERSION_ATTRIBUTE} = {stated!r}; it must be a whole number."
    if stated < current:
        advice = f"upgrade {info.distribution} to a release written for plugin API {current}"
    else:
        advice = f"upgrade gofannon-db to a release that implements plugin API {stated}"
    return (
        f"{who} was written for gofannon-db plugin API {stated}, but gofannon-db {__version__} "
        f"implements API {current}; {advice}."
    )


_registry: ProviderRegistry | None = None
_registry_lock = threading.Lock()


def get_registry() -> ProviderRegistry:
    """The process-wide registry, discovered from entry points on first use."""
    global _registry
    with _registry_lock:
        if _registry is None:
            registry = ProviderRegistry()
            registry.load_entry_points()
            _registry = registry
        return _registry


def provider_named(name: str) -> Provider:
    """The provider called ``name``, as :meth:`ProviderRegistry.get` finds it, only faster.

    A provider the core itself ships (``memory``, ``sqlite``) is built without discovering
    plugins (no plugin module, no pluggy imported) when the last full discovery in this
    unchanged environment found no other distribution claiming its name. Anything else,
    including a name claimed twice, goes through the full registry and its messages.
    """
    if _registry is None:
        from .backends.builtin import PROVIDERS

        builtin = PROVIDERS.get(name)
        if builtin is not None:
            index = discovery.provider_index(discovery.GROUP)
            if index is not None and index.get(name) == [DISTRIBUTION]:
                return builtin
    return get_registry().get(name)


def reset_registry() -> None:
    """Forget discovered plugins, so the next use rediscovers them (after an install, in tests)."""
    global _registry
    with _registry_lock:
        _registry = None
