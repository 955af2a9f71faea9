"""The About screen: site, parents up to the city, windows with staff on duty, notices."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static

from core.i18n import _
from plugins.about.service import overview
from workstation.screens.base import SihaoScreen


class AboutScreen(SihaoScreen):
    CSS_PATH = "about.tcss"

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="about")

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="about-body"):
            yield Static("", id="about-site", classes="screen-title")
            yield Static("", id="about-details")
            yield DataTable(id="about-windows", cursor_type="row")
            yield Static("", id="about-notices")

    def on_mount(self) -> None:
        settings = self.runtime.settings("about")
        info = overview(
            self.runtime.config.site_code,
            include_off_duty=bool(settings.get("show_off_duty_staff")),
        )
        title = self.query_one("#about-site", Static)
        if info is None:
            title.update(_("This workstation is not set up for a site yet."))
            return
        title.update(f"{info.name}（{info.level}）")
        lines = [
            _("Site code: {code}    Region code: {region}").format(
                code=info.code, region=info.region_code
            ),
            _("Address: {address}    Phone: {phone}").format(
                address=info.address, phone=info.phone
            ),
        ]
        if info.parents:
            lines.append(_("Part of: {chain}").format(chain=" › ".join(info.parents)))
        if info.unassigned_on_duty:
            lines.append(
                _("On duty without a window: {names}").format(
                    names="、".join(info.unassigned_on_duty)
                )
            )
        self.query_one("#about-details", Static).update("\n".join(lines))
        table = self.query_one("#about-windows", DataTable)
        table.add_columns(_("Window"), _("Name"), _("Departments"), _("Staff on duty"))
        for window in info.windows:
            table.add_row(
                window.number,
                window.name,
                window.departments,
                "、".join(window.staff_on_duty) or _("nobody"),
            )
        notices = self.query_one("#about-notices", Static)
        if info.notices:
            notices.update(_("Notices:") + "\n" + "\n".join(f"• {text}" for text in info.notices))
