"""The plugin host: discovery, enablement per site, isolation of failures.

Discovery costs a few milliseconds because nothing is imported to list plugins:
built-ins are a table of module names below, third-party plugins are entry points
in the group ``sihao.plugins`` (read from installed metadata). Only enabled plugins
are imported (a plugin's import may cost hundreds of milliseconds: Textual screens,
reportlab…).

Which plugins are enabled is the site's policy: the central server's, cached at the
workstation, or the local site config for a standalone site. ``SIHAO_PLUGINS=a,b``
narrows that to an allowlist for debugging (empty loads none).

Every hook is called plugin by plugin. A plugin that fails to import or raises in a
hook is switched off, its error kept for the Plugins screen, and listeners (the
shell) are told so it can show a notice naming it; everything else keeps running.

Listeners hear of each plugin loaded, unloaded or failed (``subscribe``); a change
of the loaded set (``apply``, ``retry``) is also reported whole once each of its
events has been heard (``subscribe_settled``): the runtime migrates each plugin as
its event comes, and starts the new ones (``sihao_startup``) only when all of them
are migrated, the order a workstation's start-up follows. A plugin about to be taken
out (switched off, or failed) is announced while it can still be called
(``subscribe_unloading``): the runtime stops it (``sihao_shutdown``) so its threads,
watchers and files do not outlive it.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
import os
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy

from core import hookspecs

log = logging.getLogger(__name__)

hookimpl = pluggy.HookimplMarker("sihao")

ENTRY_POINT_GROUP = "sihao.plugins"

# name -> module holding the hookimpls. The shell never imports these itself.
BUILTIN_PLUGINS: dict[str, str] = {
    "about": "plugins.about.plugin",
    "feedback": "plugins.feedback.plugin",
    "guides": "plugins.guides.plugin",
    "lookup": "plugins.lookup.plugin",
    "printing": "plugins.printing.plugin",
    "sync": "plugins.sync.plugin",
    "checklist": "plugins.checklist.plugin",
    "reminders": "plugins.reminders.plugin",
    "intake": "plugins.intake.plugin",
    "kiosk": "plugins.kiosk.plugin",
}

# Plugins whose CLI commands work before a site has any policy: enrolling a new
# workstation (``sihao enroll``) is how the policy arrives in the first place.
BOOTSTRAP_PLUGINS: tuple[str, ...] = ("sync",)

BUILTIN = "built-in"
ENTRY_POINT = "entry point"


@dataclass
class PluginInfo:
    name: str
    module: str
    source: str  # BUILTIN or ENTRY_POINT
    version: str
    enabled: bool = False  # the policy says so
    loaded: bool = False  # imported and registered
    error: str = ""  # why it is switched off, if it failed
    _entry_point: importlib.metadata.EntryPoint | None = field(default=None, repr=False)


@dataclass(frozen=True)
class PluginEvent:
    """Something the shell should tell the user about."""

    plugin: str
    kind: str  # "loaded", "unloaded", "failed"
    error: str = ""


def _sihao_version() -> str:
    try:
        return importlib.metadata.version("sihao")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


def discover(
    builtins: dict[str, str] | None = None, *, entry_points: bool = True
) -> dict[str, PluginInfo]:
    """All plugins installed, by name, without importing any of them."""
    found: dict[str, PluginInfo] = {}
    version = _sihao_version()
    for name, module in (BUILTIN_PLUGINS if builtins is None else builtins).items():
        found[name] = PluginInfo(name, module, BUILTIN, version)
    if entry_points:
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if ep.name in found:
                log.warning(
                    "entry point plugin %s ignored: the name is taken by a built-in", ep.name
                )
                continue
            dist_version = ep.dist.version if ep.dist is not None else "?"
            found[ep.name] = PluginInfo(
                ep.name, ep.value, ENTRY_POINT, dist_version, _entry_point=ep
            )
    return found


def allowlist_from_env() -> set[str] | None:
    """``SIHAO_PLUGINS``: unset means no restriction; empty means load none."""
    raw = os.environ.get("SIHAO_PLUGINS")
    if raw is None:
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


def _short_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class UnknownPluginError(KeyError):
    def __init__(self, name: str, known: Iterable[str]) -> None:
        super().__init__(name)
        self.name = name
        self.known = sorted(known)


class PluginHost:
    """Owns the pluggy manager and which plugins are registered in it."""

    def __init__(
        self, plugins: dict[str, PluginInfo] | None = None, *, allowlist: set[str] | None = None
    ) -> None:
        self.pm = pluggy.PluginManager("sihao")
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = discover() if plugins is None else plugins
        self.allowlist = allowlist
        self._listeners: list[Callable[[PluginEvent], None]] = []
        self._settled_listeners: list[Callable[[list[PluginEvent]], None]] = []
        self._unloading_listeners: list[Callable[[str], None]] = []
        self._unloading: set[str] = set()  # being announced: a failing shutdown must not loop
        self._objects: dict[str, object] = {}

    # -- listeners -----------------------------------------------------------------
    def subscribe(self, listener: Callable[[PluginEvent], None]) -> None:
        self._listeners.append(listener)

    def subscribe_settled(self, listener: Callable[[list[PluginEvent]], None]) -> None:
        """``listener(events)`` after every event of one ``apply`` or ``retry`` was heard."""
        self._settled_listeners.append(listener)

    def subscribe_unloading(self, listener: Callable[[str], None]) -> None:
        """``listener(name)`` just before a loaded plugin is unregistered (switched off
        or failed), while its hooks can still be called."""
        self._unloading_listeners.append(listener)

    def _emit(self, event: PluginEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken listener must not take the host down
                log.exception("plugin event listener failed")

    def _emit_all(self, events: list[PluginEvent]) -> None:
        for event in events:
            self._emit(event)
        if not events:
            return
        for listener in list(self._settled_listeners):
            try:
                listener(events)
            except Exception:
                log.exception("plugin event listener failed")

    # -- enablement ----------------------------------------------------------------
    def known_names(self) -> list[str]:
        return sorted(self.plugins)

    def check_names(self, names: Iterable[str]) -> None:
        for name in names:
            if name not in self.plugins:
                raise UnknownPluginError(name, self.plugins)

    def register_object(self, name: str, obj: object, *, source: str = BUILTIN) -> None:
        """Register an already-imported plugin object (tests, embedded use)."""
        info = self.plugins.setdefault(
            name, PluginInfo(name, getattr(obj, "__name__", name), source, "0")
        )
        info.enabled = True
        self._register(info, obj)

    def apply(self, enabled: Iterable[str]) -> list[PluginEvent]:
        """Make the registered set match ``enabled`` (filtered by the allowlist)."""
        wanted = {name for name in enabled if name in self.plugins}
        if self.allowlist is not None:
            wanted &= self.allowlist
        events: list[PluginEvent] = []
        for name, info in sorted(self.plugins.items()):
            info.enabled = name in wanted
            if info.enabled and not info.loaded and not info.error:
                events.append(self._load(info))
            elif not info.enabled:
                if info.loaded:
                    self._unregister(info)
                    events.append(PluginEvent(name, "unloaded"))
                info.error = ""  # disabling clears a failure; enabling again retries
        self._emit_all(events)
        return events

    def retry(self, name: str) -> PluginEvent | None:
        info = self.plugins[name]
        info.error = ""
        if info.enabled and not info.loaded:
            event = self._load(info)
            self._emit_all([event])
            return event
        return None

    def _load(self, info: PluginInfo) -> PluginEvent:
        try:
            obj: Any
            if info._entry_point is not None:
                obj = info._entry_point.load()
            else:
                obj = importlib.import_module(info.module)
            self._register(info, obj)
        except Exception as exc:
            info.error = _short_error(exc)
            info.loaded = False
            log.error(
                "plugin %s failed to load: %s\n%s", info.name, info.error, traceback.format_exc()
            )
            return PluginEvent(info.name, "failed", info.error)
        return PluginEvent(info.name, "loaded")

    def _register(self, info: PluginInfo, obj: object) -> None:
        if self.pm.get_plugin(info.name) is not None:
            self.pm.unregister(name=info.name)
        self.pm.register(obj, name=info.name)
        self._objects[info.name] = obj
        info.loaded = True
        info.error = ""

    def _unregister(self, info: PluginInfo) -> None:
        if self.pm.get_plugin(info.name) is None:
            self._objects.pop(info.name, None)
            info.loaded = False
            return
        if info.name not in self._unloading:
            self._unloading.add(info.name)
            try:
                for listener in list(self._unloading_listeners):
                    try:
                        listener(info.name)
                    except Exception:
                        log.exception("plugin unloading listener failed")
            finally:
                self._unloading.discard(info.name)
        if self.pm.get_plugin(info.name) is not None:  # a failing shutdown took it out already
            self.pm.unregister(name=info.name)
        self._objects.pop(info.name, None)
        info.loaded = False

    def loaded(self) -> list[str]:
        return sorted(name for name, info in self.plugins.items() if info.loaded)

    def module_of(self, name: str) -> ModuleType | None:
        obj = self._objects.get(name)
        return obj if isinstance(obj, ModuleType) else None

    # -- hook calls ----------------------------------------------------------------
    def call(
        self,
        hook: str,
        *,
        before: Callable[[str], None] | None = None,
        only: str | None = None,
        passthrough: tuple[type[BaseException], ...] = (),
        **kwargs: Any,
    ) -> list[tuple[str, Any]]:
        """Call ``hook`` on every loaded plugin; return (plugin, result) pairs.

        A plugin that raises is switched off (unregistered, error kept) and the
        others still answer. ``only`` limits the call to one plugin. ``before(name)`` runs before each plugin's impl (the
        screen registry uses it to tag entries with their plugin). Exceptions of the
        ``passthrough`` types are the hook's answer, not a fault: they reach the caller
        and the plugin stays on (``RecordRejected`` from ``sihao_apply_change``).
        """
        caller = getattr(self.pm.hook, hook)
        results: list[tuple[str, Any]] = []
        for impl in reversed(caller.get_hookimpls()):  # registration order
            name = impl.plugin_name
            if only is not None and name != only:
                continue
            try:
                if before is not None:
                    before(name)
                args = {arg: kwargs[arg] for arg in impl.argnames}
                result = impl.function(**args)
            except passthrough:
                raise
            except Exception as exc:
                self.fail(name, exc, hook)
                continue
            if result is not None:
                results.append((name, result))
        return results

    def fail(self, name: str, exc: BaseException, where: str = "") -> None:
        """Switch off a plugin that misbehaved, keeping the reason."""
        info = self.plugins.get(name)
        error = _short_error(exc)
        log.error(
            "plugin %s raised in %s: %s\n%s",
            name,
            where or "a hook",
            error,
            "".join(traceback.format_exception(exc)),
        )
        if info is not None:
            self._unregister(info)
            info.error = error
        self._emit(PluginEvent(name, "failed", error))

    def collect(self, hook: str, **kwargs: Any) -> list[Any]:
        """Flatten list-returning hooks into one list."""
        items: list[Any] = []
        for _name, result in self.call(hook, **kwargs):
            items.extend(result)
        return items
