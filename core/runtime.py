"""The workstation's runtime without its UI: store, config, plugins, who is signed in.

The Textual shell, the CLI and tests all build one ``Runtime`` and talk to plugins
through it. It is what plugin hooks receive as ``context``; the shell attaches
``ui`` (notify, open a screen) so a plugin command can reach the screen without
importing the shell.
"""

from __future__ import annotations

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
from core.registry import Command, ItemAction, ScreenRegistry
from core.schema import MODELS as CORE_MODEL_LIST
from core.sync.models import ParkedChange
from core.workdays import WorkingCalendar

log = logging.getLogger(__name__)


@dataclass
class UI:
    """What the shell lends plugins; the defaults suit the CLI and tests."""

    notify: Callable[[str, str], None] = field(default=lambda message, severity: log.info(message))
    open_screen: Callable[[str], None] = field(default=lambda screen_id: None)


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

    @classmethod
    def open(cls, paths: Paths, *, host: PluginHost | None = None) -> Runtime:
        """Read the config (ConfigError if invalid), open and migrate the store."""
        paths.ensure()
        config = load_site_config(paths.site_config)
        db = open_database(paths.database)
        migrate.run(db, "core", migrate.CORE_MIGRATIONS)
        runtime = cls(paths, config, db, host or PluginHost(allowlist=allowlist_from_env()))
        runtime.host.subscribe(runtime._on_plugin_event)
        return runtime

    # -- plugins -------------------------------------------------------------------
    def enabled_plugins(self) -> list[str]:
        """The policy in force: the server's cached policy, else the site config."""
        cached = self.extras.get("server_policy_plugins")
        if isinstance(cached, list):
            return [str(name) for name in cached]
        return list(self.config.enabled_plugins)

    def apply_policy(self) -> list[PluginEvent]:
        return self.host.apply(self.enabled_plugins())

    def _on_plugin_event(self, event: PluginEvent) -> None:
        if event.kind == "loaded":
            self._migrate_plugin(event.plugin)
            self._apply_parked_changes(event.plugin)

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
        """Re-read site.toml (ConfigError if it is now invalid) and apply it."""
        self.config = load_site_config(self.paths.site_config)
        return self.apply_policy()

    def set_plugin_enabled(self, name: str, enabled: bool) -> list[PluginEvent]:
        """Change the local policy and apply it at once."""
        self.host.check_names([name])
        if name not in self.host.plugins:
            raise UnknownPluginError(name, self.host.plugins)
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
        defaults.update(self.extras.get("server_plugin_settings", {}).get(plugin, {}))  # sync
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

    def item_actions(self, item: Any) -> list[ItemAction]:
        role = self.session.role if self.session else None
        actions: list[ItemAction] = []
        for name, offered in self.host.call("sihao_item_actions", item=item, context=self):
            for action in offered:
                if role is not None and any(r.value == role for r in action.roles):
                    actions.append(
                        ItemAction(
                            action.id, action.label, action.run, action.roles, action.key, name
                        )
                    )
        return actions

    def record_kinds(self) -> RecordKindRegistry:
        registry = RecordKindRegistry()

        def tag(name: str) -> None:
            registry.current_plugin = name

        self.host.call("sihao_record_kinds", before=tag, registry=registry)
        return registry

    def startup(self) -> None:
        self.host.call("sihao_startup", context=self)

    def shutdown(self) -> None:
        self.host.call("sihao_shutdown", context=self)
        if not self.db.is_closed():
            self.db.close()
