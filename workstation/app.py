"""The Sihao Textual app: sign-in, home, plugin screens, palette, themes, live reload.

The app owns a ``core.runtime.Runtime`` (store, config, plugin host, session) and
adds what only a UI has: notifications, screens, themes. Plugin events from the
host become notifications naming the plugin and its error; changes to site.toml,
keymap.toml and theme files are picked up while running (watchdog), with the
changes debounced and applied on the app's thread.

Leaving asks first: F10 when a screen on the stack holds unsaved input
(``SihaoScreen.unsaved_input``); Quit (Ctrl+Q, Ctrl+C, the palette) always asks, and
is refused while such input exists. Only a terminal that went away closes the app
without asking (nobody is there to answer; drafts keep what they keep).
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from core.auth import Session
from core.config import ConfigError
from core.i18n import N_, _
from core.plugins import PluginEvent, UnknownPluginError
from core.roles import Role
from core.runtime import UI, Runtime, ServerPolicyInForce
from workstation.keymap import load_keymap
from workstation.localise import localise_bindings
from workstation.palette import SihaoCommandPalette, system_commands
from workstation.plugin_policy import refused_text, site_config_ignored_text
from workstation.screens.confirm import ConfirmScreen
from workstation.screens.home import HomeScreen
from workstation.screens.plugins import PluginsScreen
from workstation.screens.signin import SignInScreen
from workstation.themes import DEFAULT_THEME, load_themes, theme_from_file

log = logging.getLogger(__name__)


class SihaoApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "四好 Sihao"
    BINDINGS = [
        Binding("f10", "sign_out", N_("Sign out"), id="sihao.sign_out"),
        Binding("f1", "go_home", N_("Home"), id="sihao.home"),
        # Priority: acted on in the order typed. As ordinary bindings they act when the
        # key has bubbled back up, after the keys typed behind them have reached the
        # field Tab was leaving (a PIN typed fast landed in the staff number field).
        Binding("tab", "focus_next", show=False, priority=True),
        Binding("shift+tab", "focus_previous", show=False, priority=True),
    ]

    def __init__(self, runtime: Runtime, *, watch: bool = True) -> None:
        super().__init__()
        self.runtime = runtime
        self.watch_files = watch
        self._watcher: Any = None
        self._pending_paths: set[Path] = set()
        self._user_theme_names: set[str] = set()
        self._terminal_fd = -1
        self._closing_for_terminal = False
        # The signed-in IT administrator's PIN, once typed for a call to the central
        # server (the server checks it each time); forgotten at sign-out.
        self.admin_pin: str | None = None
        # Plugins may call these from the sync worker's thread (a pulled policy starts
        # or stops them there): everything that touches the screens runs on the app's,
        # in the order asked, and returns once done (a screen opened is mounted): a
        # notice queued from the worker's thread could land after the screen it
        # announced, or after the app closed.
        runtime.ui = UI(
            notify=lambda message, severity="information": self._on_app_thread(
                self._notify_from_plugin, message, severity
            ),
            open_screen=lambda screen_id: self._on_app_thread(self.open_screen, screen_id),
            push_screen=lambda screen, callback=None: self._on_app_thread(
                self.push_screen, screen, callback
            ),
        )
        localise_bindings(self)

    # -- start and stop ------------------------------------------------------------
    def on_mount(self) -> None:
        self.sub_title = _("Staff workstation")
        self.load_all_themes(report=True)
        self.theme = (
            self.runtime.config.theme
            if self.runtime.config.theme in self.available_themes
            else DEFAULT_THEME
        )
        self.apply_keymap()
        self.runtime.host.subscribe(self._plugin_event_from_any_thread)
        for event in self.runtime.apply_policy():
            self.on_plugin_event(event)
        self.runtime.startup()
        self.push_screen(SignInScreen(self.runtime))
        self.call_after_refresh(self.on_first_frame)
        self.watch_terminal()
        if self.watch_files:
            # The watcher is not needed for the first frame: start it right after.
            self.call_after_refresh(self.start_watching)

    def watch_terminal(self) -> None:
        """Close when the terminal goes away (its window closed, the SSH session
        dropped): otherwise the workstation would run on unseen, its sync worker
        still pushing, and Textual's input thread spins on the dead terminal."""
        if self.is_headless:
            return
        try:
            self._terminal_fd = sys.__stdin__.fileno() if sys.__stdin__ else -1
        except (OSError, ValueError):
            return
        if self._terminal_fd < 0 or not os.isatty(self._terminal_fd):
            return
        try:
            import asyncio

            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.terminal_gone)
        except (NotImplementedError, RuntimeError, AttributeError):  # not on this platform
            pass
        self.set_interval(2.0, self._check_terminal)

    def _check_terminal(self) -> None:
        if not os.isatty(self._terminal_fd):  # hung up: no more a terminal
            self.terminal_gone()

    def terminal_gone(self) -> None:
        if self._closing_for_terminal:
            return
        self._closing_for_terminal = True
        log.warning("the terminal went away: closing the workstation (sync stops, data kept)")
        self.exit(return_code=129)

    def on_first_frame(self) -> None:
        """The sign-in screen is up: hand the collector back (see workstation/cli.py)."""
        if not gc.isenabled():
            gc.freeze()  # start-up objects live as long as the app: never scan them
            gc.enable()

    def start_watching(self) -> None:
        from workstation.watch import DirectoryWatcher  # watchdog: ~25 ms to import

        self._watcher = DirectoryWatcher(
            [self.runtime.paths.config_dir, self.runtime.paths.themes_dir],
            self._file_changed_from_thread,
        )
        self._watcher.start()

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
        self.runtime.shutdown()

    # -- sessions ------------------------------------------------------------------
    def signed_in(self, session: Session) -> None:
        self.runtime.session = session
        self.admin_pin = None
        log.info("staff %s signed in as %s", session.staff_no, session.role)
        self.switch_screen(HomeScreen(self.runtime))

    def unsaved_inputs(self) -> list[str]:
        """What the screens on the stack hold typed but not saved (``unsaved_input``)."""
        found = []
        for screen in self.screen_stack:
            describe = getattr(screen, "unsaved_input", None)
            text = describe() if callable(describe) else None
            if text:
                found.append(str(text))
        return found

    def _confirming(self) -> bool:
        return isinstance(self.screen, ConfirmScreen)

    def action_sign_out(self) -> None:
        """F10. Asks first when a form holds typed input that is not saved."""
        if self.runtime.session is None or self._confirming():
            return
        pending = self.unsaved_inputs()
        if not pending:
            self.sign_out()
            return
        question = _(
            "Sign out? Not saved yet: {what}. Anything kept as a draft is there when the "
            "form is opened again; the rest is lost."
        ).format(what=_("; ").join(pending))
        self.push_screen(
            ConfirmScreen(question, yes=_("Sign out"), no=_("Stay")),
            lambda sure: self.sign_out() if sure else None,
        )

    def sign_out(self) -> None:
        if self.runtime.session is None:
            return
        log.info("staff %s signed out", self.runtime.session.staff_no)
        self.runtime.session = None
        self.admin_pin = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(SignInScreen(self.runtime))

    async def action_quit(self) -> None:
        """Ctrl+Q and the palette's Quit: refused while a form holds unsaved input
        (say what, so it is saved or discarded on purpose), else asked first."""
        if self._confirming():
            return
        pending = self.unsaved_inputs()
        if pending:
            self.notify(
                _("Not closed: save or discard first: {what}.").format(what=_("; ").join(pending)),
                title=_("Quit"),
                severity="warning",
                timeout=10,
            )
            return
        self.push_screen(
            ConfirmScreen(_("Close the Sihao workstation?"), yes=_("Close"), no=_("Stay")),
            lambda sure: self.exit() if sure else None,
        )

    async def action_help_quit(self) -> None:
        """Ctrl+C outside a field: the same as Quit (Textual's hint is English)."""
        await self.action_quit()

    def action_show_help_panel(self) -> None:
        super().action_show_help_panel()
        self.call_after_refresh(self._keys_panel_changed)

    def action_hide_help_panel(self) -> None:
        super().action_hide_help_panel()
        self.call_after_refresh(self._keys_panel_changed)

    def _keys_panel_changed(self) -> None:
        """Let the screen make room for the keys panel (the sign-in screen moves the
        demo accounts under the form rather than let the panel cover them)."""
        changed = getattr(self.screen, "keys_panel_changed", None)
        if callable(changed):
            changed(bool(self.screen.query("HelpPanel")))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(SihaoCommandPalette(id="--command-palette"))

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        self.push_screen(
            SihaoCommandPalette(providers=[ThemeProvider], placeholder=_("Search for themes…"))
        )

    def action_go_home(self) -> None:
        if self.runtime.session is None:
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()

    # -- screens -------------------------------------------------------------------
    def open_screen(self, screen_id: str) -> Any:
        """Open a plugin's screen; returns what awaits its mounting (None if refused)."""
        session = self.runtime.session
        spec = self.runtime.screens().get(screen_id)
        if session is None or spec is None:
            self.notify(_("That screen is not available."), severity="warning")
            return None
        if not spec.allowed(session.role):
            self.notify(_("Your role may not open this screen."), severity="error")
            return None
        try:
            screen = spec.factory(self.runtime)
        except Exception as exc:
            self.runtime.host.fail(spec.plugin, exc, f"screen {screen_id}")
            return None
        return self.push_screen(screen)

    def open_plugins_screen(self) -> None:
        session = self.runtime.session
        if session is None or session.role != Role.IT_ADMIN:
            self.notify(_("Only IT administrators can change plugins."), severity="error")
            return
        self.push_screen(PluginsScreen(self.runtime))

    def open_staff_screen(self) -> None:
        from workstation.screens.staff import StaffScreen

        session = self.runtime.session
        if session is None or session.role != Role.IT_ADMIN:
            self.notify(_("Only IT administrators can manage staff."), severity="error")
            return
        self.push_screen(StaffScreen(self.runtime))

    def set_plugin_enabled(self, name: str, enabled: bool) -> None:
        try:
            events = self.runtime.set_plugin_enabled(name, enabled)
        except UnknownPluginError as exc:
            self.notify(_("Unknown plugin {name}.").format(name=exc.name), severity="error")
            return
        except ServerPolicyInForce as exc:  # the server's policy decides at this site
            if isinstance(self.screen, PluginsScreen):
                self.screen.refuse(exc)
            else:
                self.notify(refused_text(exc), severity="warning", timeout=15)
            return
        if not events:
            self.refresh_views()

    # -- plugin events -------------------------------------------------------------
    def _on_app_thread(self, callback: Any, *args: Any) -> None:
        """Run ``callback`` on the app's thread: at once if this is it (or the app is
        not running), else handed over and waited for."""
        try:
            self.call_from_thread(callback, *args)
        except RuntimeError:  # on the app's thread already, or no loop running
            callback(*args)

    def _plugin_event_from_any_thread(self, event: PluginEvent) -> None:
        # Host events come from hook calls on the app thread, or from a worker.
        self._on_app_thread(self.on_plugin_event, event)

    def on_plugin_event(self, event: PluginEvent) -> None:
        if event.kind == "failed":
            self.notify(
                _("Plugin {name} was switched off: {error}").format(
                    name=event.plugin, error=event.error
                ),
                title=_("Plugin error"),
                severity="error",
                timeout=15,
            )
        elif event.kind == "loaded":
            self.notify(_("Plugin {name} is on.").format(name=event.plugin), timeout=3)
        elif event.kind == "unloaded":
            self.notify(_("Plugin {name} is off.").format(name=event.plugin), timeout=3)
        self.refresh_views()

    def refresh_views(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen) and screen.is_attached:
                self.call_later(screen.refresh_tiles)
            elif isinstance(screen, PluginsScreen) and screen.is_attached:
                screen.refresh_table()

    def _notify_from_plugin(self, message: str, severity: str = "information") -> None:
        self.notify(message, severity=severity)  # type: ignore[arg-type]

    # -- palette -------------------------------------------------------------------
    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from system_commands(self, screen)
        session = self.runtime.session
        for theme_name in sorted(self.available_themes):
            if theme_name.startswith("sihao") or theme_name in self._user_theme_names:
                yield SystemCommand(
                    _("Theme: {name}").format(name=theme_name),
                    _("Switch to this theme"),
                    lambda name=theme_name: self._set_theme(name),
                )
        if session is None:
            return
        yield SystemCommand(_("Sign out"), _("Return to the sign-in screen"), self.action_sign_out)
        for spec in self.runtime.screens().for_role(session.role):
            yield SystemCommand(
                _("Open: {title}").format(title=spec.title()),
                spec.description() or spec.title(),
                lambda screen_id=spec.id: self.open_screen(screen_id),
            )
        if session.role == Role.IT_ADMIN:
            yield SystemCommand(
                _("Plugins"), _("Enable or disable plugins for this site"), self.open_plugins_screen
            )
            yield SystemCommand(
                _("Staff"),
                _("Add, deactivate, reset a PIN, unlock an account"),
                self.open_staff_screen,
            )
        for command in self.runtime.commands():
            yield SystemCommand(
                command.title, command.help, lambda command=command: self._run_command(command)
            )

    def _run_command(self, command: Any) -> None:
        try:
            command.run(self.runtime)
        except Exception as exc:
            self.runtime.host.fail(command.plugin, exc, f"command {command.id}")

    def _set_theme(self, name: str) -> None:
        self.theme = name

    # -- themes and keymap ---------------------------------------------------------
    def load_all_themes(self, *, report: bool) -> None:
        themes, problems = load_themes(self.runtime.paths.themes_dir)
        for theme in themes:
            self.register_theme(theme)
        self._user_theme_names = {t.name for t in themes}
        if problems and report:
            listing = "; ".join(f"{p.path.name}: {p.reason}" for p in problems)
            self.notify(
                _("Some theme files could not be loaded: {listing}").format(listing=listing),
                title=_("Themes"),
                severity="warning",
                timeout=15,
            )
            for problem in problems:
                log.warning("theme %s not loaded: %s", problem.path, problem.reason)

    def reload_theme_file(self, path: Path) -> None:
        if not path.exists():
            return
        try:
            theme = theme_from_file(path)
        except ValueError as exc:
            self.notify(
                _("Some theme files could not be loaded: {listing}").format(
                    listing=f"{path.name}: {exc}"
                ),
                title=_("Themes"),
                severity="warning",
                timeout=15,
            )
            return
        self.register_theme(theme)
        self._user_theme_names.add(theme.name)
        if theme.name == self.theme:
            # Same name, new colours: the reactive does not fire, so refresh by hand.
            self._invalidate_css()
            self.refresh_css(animate=False)
        self.notify(_("Theme {name} reloaded.").format(name=theme.name), timeout=3)

    def apply_keymap(self) -> None:
        try:
            self.set_keymap(load_keymap(self.runtime.paths.keymap))
        except ConfigError as exc:
            self.notify(str(exc), severity="error", timeout=15)

    # -- live reload -----------------------------------------------------------------
    def _file_changed_from_thread(self, path: Path) -> None:
        try:
            self.call_from_thread(self._file_changed, path)
        except RuntimeError:
            pass  # app shutting down

    def _file_changed(self, path: Path) -> None:
        self._pending_paths.add(path)
        self.set_timer(0.2, self._apply_file_changes)

    def _apply_file_changes(self) -> None:
        paths, self._pending_paths = self._pending_paths, set()
        for path in paths:
            if path == self.runtime.paths.site_config:
                self.reload_site_config()
            elif path == self.runtime.paths.keymap:
                self.apply_keymap()
            elif path.parent == self.runtime.paths.themes_dir and path.suffix in (".yaml", ".yml"):
                self.reload_theme_file(path)

    def reload_site_config(self) -> None:
        before = sorted(self.runtime.config.enabled_plugins)
        try:
            events = self.runtime.reload_config()
        except ConfigError as exc:
            # Keep running on the last good config; tell IT what is wrong with the file.
            self.notify(str(exc), title=_("Site config"), severity="error", timeout=20)
            return
        if self.runtime.server_policy_in_force and before != sorted(
            self.runtime.config.enabled_plugins
        ):
            # IT edited the plugin list of a site whose server decides: say why nothing moved.
            self.notify(
                site_config_ignored_text(self.runtime),
                title=_("Site config"),
                severity="warning",
                timeout=20,
            )
        if not events:
            self.refresh_views()
