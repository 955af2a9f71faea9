"""The status bar: site, staff, role and the sync state, on every screen."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from core.i18n import _
from core.models import Site
from core.roles import Role


def sync_state_text(runtime: Any) -> str:
    """The sync plugin/service parks a callable under extras['sync_state']."""
    provider = runtime.extras.get("sync_state")
    if callable(provider):
        try:
            return str(provider())
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

    def refresh_state(self) -> None:
        self.update(self.describe())

    def describe(self) -> str:
        runtime = self.runtime
        site = (
            Site.get_or_none(Site.code == runtime.config.site_code)
            if runtime.config.site_code
            else None
        )
        parts = [_("Site: {name}").format(name=site.name if site else _("not set up"))]
        session = runtime.session
        if session is not None:
            parts.append(_("Staff: {name} ({no})").format(name=session.name, no=session.staff_no))
            parts.append(_("Role: {role}").format(role=Role(session.role).label))
        parts.append(_("Sync: {state}").format(state=sync_state_text(runtime)))
        return "  │  ".join(parts)
