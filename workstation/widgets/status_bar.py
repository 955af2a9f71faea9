"""The status bar: site, staff, role and the sync state, on every screen.

On a narrow terminal the whole line does not fit; the sync state is what the bar
is for at a glance, so the sync times go first (the sync provider is asked for its
short form), then the labels and the role (80 columns), then the site.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.widgets import Static

from core.i18n import _
from core.models import Site
from core.roles import Role


def sync_state_text(runtime: Any, *, short: bool = False) -> str:
    """The sync plugin/service parks a callable under extras['sync_state']
    (``provider(short=True)`` for the narrow form)."""
    provider = runtime.extras.get("sync_state")
    if callable(provider):
        try:
            return str(provider(short=True) if short else provider())
        except Exception:  # a status line must never take a screen down
            return _("sync state unknown")
    return _("not enrolled")


class StatusBar(Static):
    """Sits between the screen body (height 1fr) and the docked footer."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    def __init__(self, runtime: Any) -> None:
        super().__init__("", id="status-bar")
        self.runtime = runtime

    def on_mount(self) -> None:
        self.refresh_state()
        self.set_interval(2.0, self.refresh_state)

    def on_resize(self) -> None:
        self.refresh_state()

    def refresh_state(self) -> None:
        self.update(self.describe(self.content_size.width or None))

    def describe(self, width: int | None = None) -> str:
        """The line, fitted to ``width`` cells when given."""
        runtime = self.runtime
        site = (
            Site.get_or_none(Site.code == runtime.config.site_code)
            if runtime.config.site_code
            else None
        )
        site_name = site.name if site else _("not set up")
        session = runtime.session
        parts = [_("Site: {name}").format(name=site_name)]
        if session is not None:
            parts.append(_("Staff: {name} ({no})").format(name=session.name, no=session.staff_no))
            parts.append(_("Role: {role}").format(role=Role(session.role).label))
        parts.append(_("Sync: {state}").format(state=sync_state_text(runtime)))
        line = "  │  ".join(parts)
        if width is None or cell_len(line) <= width:
            return line
        sync = _("Sync: {state}").format(state=sync_state_text(runtime, short=True))
        line = "  │  ".join([*parts[:-1], sync])  # first only the sync times go
        if cell_len(line) <= width:
            return line
        who = (
            _("{name} ({no})").format(name=session.name, no=session.staff_no)
            if session is not None
            else ""
        )
        for candidate in (
            [site_name, who, sync],
            [who, sync],
            [sync],
        ):
            line = " │ ".join(part for part in candidate if part)
            if cell_len(line) <= width:
                return line
        return line
