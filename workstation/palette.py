"""The command palette and the system commands, in the UI's language.

Textual's own palette speaks English: its placeholder, its "No matches found"
line, its system commands (Theme, Quit, Keys, Maximize, Screenshot…) and the
footer's "palette" key. The shell builds them here from our catalog instead:
``SihaoCommandPalette`` passes a translated placeholder and redraws the empty
result with a translated line (``_start_no_matches_countdown`` is the private
detail this depends on, as ``localise.py`` depends on ``_bindings``), and
``system_commands`` yields the commands Textual's ``get_system_commands`` would,
translated, with Quit asking first (``SihaoApp.action_quit``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.align import Align
from rich.text import Text
from textual.app import SystemCommand
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from core.i18n import _
from workstation.localise import localise_bindings

if TYPE_CHECKING:
    from textual.screen import Screen


class SihaoCommandPalette(CommandPalette):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("placeholder", _("Search for commands…"))
        super().__init__(**kwargs)
        localise_bindings(self)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """Textual's countdown, with the line in the UI's language."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(_("No matches found"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


def system_commands(app: Any, screen: Screen[Any]) -> Iterable[SystemCommand]:
    """What ``App.get_system_commands`` offers, translated."""
    yield SystemCommand(
        _("Theme"), _("Change the colours of the workstation"), app.action_change_theme
    )
    yield SystemCommand(_("Quit"), _("Close the workstation (asks first)"), app.action_quit)
    if screen.query("HelpPanel"):
        yield SystemCommand(_("Keys"), _("Hide the keys panel"), app.action_hide_help_panel)
    else:
        yield SystemCommand(
            _("Keys"),
            _("Show the keys of this screen and the focused field"),
            app.action_show_help_panel,
        )
    if screen.maximized is not None:
        yield SystemCommand(
            _("Minimize"), _("Restore the widget to its normal size"), screen.action_minimize
        )
    elif screen.focused is not None and screen.focused.allow_maximize:
        yield SystemCommand(
            _("Maximize"), _("Let the focused widget fill the screen"), screen.action_maximize
        )
