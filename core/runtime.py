"""The workstation's runtime without its UI: store, config, plugins, who is signed in.

The Textual shell, the CLI and tests all build one ``Runtime`` and talk to plugins
through it. It is what plugin hooks receive as ``context``; the shell attaches
``ui`` (notify, open a screen) so a plugin command can reach the screen without
importing the shell.

Which plugins are on. A site whose site.toml names a central server (``[server]
url``, written at enrollment) follows the policy last pulled from that server, which
``core.sync`` caches in the store; a standalone site follows its site.toml. The
cached policy is read when the runtime opens, before any plugin is loaded, so a
plugin the server switched off is never imported, not even for a moment; while the
server's policy is in force a local change is refused (``ServerPolicyInForce``)
rather than written to a file that changes nothing.

A plugin's life. Every plugin loaded, at start or later (a pulled policy, IT's
Plugins screen, an edited site.toml, a retry), is migrated and handed its parked
changes as soon as it is loaded, then started (``sihao_startup``) once all plugins
loaded in the same go are migrated: the order of a start-up. A started plugin taken
out while the workstation runs (switched off, or failed in a hook) is stopped
(``sihao_shutdown``) before it is unregistered, as at the end of a day.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peewee

from core import migrate
from core.auth import Session
from core.config import Paths, SiteConfig, load_site_config, save_site_config
from core.db import open_database
from core.outbox import RecordKindRegistry
from core.plugins import PluginEvent, PluginHost, UnknownPluginError, allowlist_from_env
from core.registry import ITEM_TARGET, Command, ItemAction, ScreenRegistry
from core.schema import MODELS as CORE_MODEL_LIST
from core.sync.models import ParkedChange, SyncState
from core.workdays import WorkingCalendar

log = logging.getLogger(__name__)

# Where core.sync puts the server's policy in force (core.sync.engine.install_cached_policy).
SERVER_POLICY_PLUGINS = "server_policy_plugins"
SERVER_PLUGIN_SETTINGS = "server_plugin_settings"


class ServerPolicyInForce(Exception):
    """This site's plugins are set on the central server: a local change would not count."""

    def __init__(self, site_code: str, plugin: str, enabled: bool) -> None:
        super().__init__(
            f"plugins of site {site_code or '?'} are set on the central server "
            f"(asked to {'enable' if enabled else 'disable'} {plugin} here)"
        )
        self.site_code = site_code
        self.plugin = plugin
        self.enabled = enabled


@dataclass
class UI:
    """What the shell lends plugins; the defaults suit the CLI and tests."""

    notify: Callable[[str, str], None] = field(default=lambda message, severity: log.info(message))
    open_screen: Callable[[str], None] = field(default=lambda screen_id: None)
    # Show a screen a plugin made (a dialog), over the current one; the callback gets
    # its result. The CLI has no screens: the default does nothing.
    push_screen: Callable[..., None] = field(default=lambda screen, callback=None: None)


@dataclass
class Runtime:
    paths: Paths
    config: SiteConfig
    db: peewee.SqliteDatabase
    host: PluginHost
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    session: Session | None = None
    ui: UI = field(default_factory=UI)
    extras: dict[str, Any] = field(default_factory=dict)  # plugins park shared services here
    started: bool = field(default=False, init=False)  # sihao_startup has run
    closed: bool = field(default=False, init=False)  # shutdown has run

    @classmethod
    def open(cls, paths: Paths, *, host: PluginHost | None = None) -> Runtime:
        """Read the config (ConfigError if invalid), open and migrate the store."""
        paths.ensure()
        config = load_site_config(paths.site_config)
        db = open_database(paths.database)
        migrate.run(db, "core", migrate.CORE_MIGRATIONS)
        runtime = cls(paths, config, db, host or PluginHost(allowlist=allowlist_from_env()))
        runtime.load_server_policy()
        runtime.host.subscribe(runtime._on_plugin_event)
        runtime.host.subscribe_settled(runtime._on_plugins_settled)
        runtime.host.subscribe_unloading(runtime._on_plugin_unloading)
        return runtime

    # -- plugins -------------------------------------------------------------------
    def load_server_policy(self) -> bool:
        """Put the server's policy cached in the store in force if site.toml names a
        server; otherwise the site config decides. True if the server's policy is in force."""
        if self.config.server_url and _server_policy_cached():
            # Only on a site with a server, whose sync plugin imports the engine anyway.
            from core.sync import engine

            if engine.install_cached_policy(self):
                return True
        self.extras.pop(SERVER_POLICY_PLUGINS, None)
        self.extras.pop(SERVER_PLUGIN_SETTINGS, None)
        return False

    @property
    def server_policy_in_force(self) -> bool:
        """The central server's policy, not site.toml, decides which plugins are on."""
        return isinstance(self.extras.get(SERVER_POLICY_PLUGINS), list)

    def enabled_plugins(self) -> list[str]:
        """The policy in force: the server's cached policy, else the site config."""
        cached = self.extras.get(SERVER_POLICY_PLUGINS)
        if isinstance(cached, list):
            return [str(name) for name in cached]
        return list(self.config.enabled_plugins)

    def apply_policy(self) -> list[PluginEvent]:
        return self.host.apply(self.enabled_plugins())

    def _on_plugin_event(self, event: PluginEvent) -> None:
        if event.kind == "loaded":
            self._migrate_plugin(event.plugin)
            self._apply_parked_changes(event.plugin)

    def _on_plugins_settled(self, events: list[PluginEvent]) -> None:
        """Plugins loaded after start-up are started like those loaded at start: each
        once, after every plugin loaded in the same go is migrated, in load order."""
        if not self.started:
            return  # start-up itself starts everything loaded by then
        for event in events:
            info = self.host.plugins.get(event.plugin)
            if event.kind == "loaded" and info is not None and info.loaded:
                self.host.call("sihao_startup", only=event.plugin, context=self)

    def _on_plugin_unloading(self, name: str) -> None:
        """A started plugin about to be taken out is stopped first, as at shutdown."""
        if self.started:
            self.host.call("sihao_shutdown", only=name, context=self)

    def _migrate_plugin(self, name: str) -> None:
        for _plugin, directory in self.host.call("sihao_migrations", only=name):
            try:
                migrate.run(self.db, name, Path(directory))
            except Exception as exc:
                self.host.fail(name, exc, "its migrations")

    def _apply_parked_changes(self, name: str) -> None:
        """Pulled changes that waited for this plugin (``core.sync``) are applied as soon as
        it is loaded and migrated, whoever switched it on, not at the next start."""
        info = self.host.plugins.get(name)
        if info is None or not info.loaded or not ParkedChange.select().exists():
            return  # nearly always: nothing waits (no need to import the sync engine)
        from core.sync import engine

        try:
            # Only this plugin is asked: others loaded in the same go may not be migrated yet.
            engine.apply_parked(self, only=name)
        except Exception:  # e.g. the store stayed locked: they wait for the next load
            log.exception("parked changes for plugin %s not applied now (kept)", name)

    def reload_config(self) -> list[PluginEvent]:
        """Re-read site.toml (ConfigError if it is now invalid) and apply the policy in
        force: its own, or the server's if it names a server."""
        self.config = load_site_config(self.paths.site_config)
        self.load_server_policy()
        return self.apply_policy()

    def set_plugin_enabled(self, name: str, enabled: bool) -> list[PluginEvent]:
        """Change the local policy and apply it at once; ``ServerPolicyInForce`` if the
        central server's policy decides for this site."""
        self.host.check_names([name])
        if name not in self.host.plugins:
            raise UnknownPluginError(name, self.host.plugins)
        if self.server_policy_in_force:
            raise ServerPolicyInForce(self.config.site_code, name, enabled)
        names = set(self.config.enabled_plugins)
        names = names | {name} if enabled else names - {name}
        self.config.enabled_plugins = sorted(names)
        save_site_config(self.paths.site_config, self.config)
        return self.apply_policy()

    def models(self) -> list[type[peewee.Model]]:
        return [*CORE_MODEL_LIST, *self.host.collect("sihao_models")]

    def settings(self, plugin: str) -> dict[str, Any]:
        """A plugin's settings: its declared defaults overlaid with the site's values."""
        defaults: dict[str, Any] = {}
        for _name, declared in self.host.call("sihao_settings", only=plugin):
            defaults.update(declared)
        defaults.update(self.config.plugin_settings.get(plugin, {}))
        defaults.update(self.extras.get(SERVER_PLUGIN_SETTINGS, {}).get(plugin, {}))
        return defaults

    # -- what the shell shows ------------------------------------------------------
    def screens(self) -> ScreenRegistry:
        registry = ScreenRegistry()

        def tag(name: str) -> None:
            registry.current_plugin = name

        self.host.call("sihao_screens", before=tag, registry=registry)
        return registry

    def commands(self) -> list[Command]:
        role = self.session.role if self.session else None
        found: list[Command] = []
        for name, commands in self.host.call("sihao_commands", context=self):
            for command in commands:
                tagged = Command(
                    command.id, command.title, command.help, command.run, command.roles, name
                )
                if role is not None and tagged.allowed(role):
                    found.append(tagged)
        return found

    def item_actions(self, item: Any, target: str = ITEM_TARGET) -> list[ItemAction]:
        """Actions the signed-in role may take on ``item`` (a handling item, or a
        bundle with ``target=BUNDLE_TARGET``), each tagged with its plugin."""
        role = self.session.role if self.session else None
        actions: list[ItemAction] = []
        for name, offered in self.host.call("sihao_item_actions", item=item, context=self):
            for action in offered:
                if target not in action.targets:
                    continue
                if role is not None and any(r.value == role for r in action.roles):
                    actions.append(dataclasses.replace(action, plugin=name))
        return actions

    def record_kinds(self) -> RecordKindRegistry:
        registry = RecordKindRegistry()

        def tag(name: str) -> None:
            registry.current_plugin = name

        self.host.call("sihao_record_kinds", before=tag, registry=registry)
        return registry

    def startup(self) -> None:
        """Start every plugin loaded now; plugins loaded from here on start as they load."""
        self.started = True  # first: one a startup hook switches on starts as it loads
        self.host.call("sihao_startup", context=self)

    def shutdown(self) -> None:
        """Stop every plugin and close the store; once (the shell and the CLI both ask)."""
        if self.closed:
            return
        self.closed = True
        self.started = False
        self.host.call("sihao_shutdown", context=self)
        if not self.db.is_closed():
            self.db.close()


def _server_policy_cached() -> bool:
    """One query, without importing the sync engine (a standalone site never does)."""
    return bool(SyncState.select().where(SyncState.policy != "").exists())
