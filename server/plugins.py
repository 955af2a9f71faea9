"""The server's side of plugins: record kinds, the record hook, plugin routes.

The server loads every built-in plugin (and installed third-party ones) through the
same ``core.plugins.PluginHost`` as the workstation, whatever sites enable: it must
accept the records of any site. A plugin that fails to import or raises in a hook is
logged and switched off; the server keeps serving the others.
"""

from __future__ import annotations

import logging

from core.outbox import RecordKindRegistry
from core.plugins import PluginHost

log = logging.getLogger(__name__)

_current: PluginHost | None = None


def current_host() -> PluginHost | None:
    """The host this server process serves with (the app's or the worker's): for a
    plugin that calls another plugin's server hook (``pm.hook.…``) from its own."""
    return _current


def load_host() -> PluginHost:
    global _current
    host = PluginHost()
    _current = host
    host.apply(host.known_names())
    for name, info in sorted(host.plugins.items()):
        if info.error:
            log.error("server: plugin %s switched off: %s", name, info.error)
    return host


class RecordKinds:
    """The record kinds registered by the loaded plugins, rebuilt when that set changes."""

    def __init__(self, host: PluginHost) -> None:
        global _current
        _current = host  # the app's host (create_app builds its RecordKinds from it)
        self.host = host
        self._key: tuple[str, ...] | None = None
        self._registry = RecordKindRegistry()

    def registry(self) -> RecordKindRegistry:
        key = tuple(self.host.loaded())
        if key != self._key:
            registry = RecordKindRegistry()

            def before(name: str) -> None:
                registry.current_plugin = name

            self.host.call("sihao_record_kinds", before=before, registry=registry)
            self._registry = registry
            self._key = tuple(self.host.loaded())
        return self._registry
