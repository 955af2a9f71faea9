"""The guide on the hall kiosk: an item's plain-language guide as text, and a button
that prints it on the kiosk's printer.

The same words as the printed guide (``service``): what it is, the conditions, what
to bring and how, how long, where to go. Printing makes the PDF (``render``) and
puts it in the workstation's print queue (``core.printing.print_pdf``) for the
kiosk's printer (``kiosk.printer`` setting, parked by the kiosk shell), so a
printer that is out of paper loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from textual.widget import Widget
from textual.widgets import Button, Static

from core.catalog import store
from core.i18n import _
from plugins.guides import service
from workstation.screens.kiosk_base import KioskScreen

log = logging.getLogger(__name__)

PRINTER_KEY = "kiosk.printer"


def guide_text(item: dict[str, Any], site: service.SiteInfo) -> str:
    words = service.glossary()
    lines = [
        f"办理时限：{service.days_text(item)}",
        f"要跑几次：{service.visits_text(item['visits'], item['online'])}",
        f"收费：{service.fee_text(item)}",
        "",
        "【什么条件可以办】",
    ]
    conditions = [c for s in item["situations"] for c in s["conditions"]]
    lines += [f"· {c}" for c in conditions] or ["请向窗口咨询。"]
    lines += ["", "【要带什么材料】"]
    rows = service.material_rows(item, [], words)
    lines += [
        f"{n}. {r.name}：{r.how}" + (f"，{r.copies}" if r.bring else "")
        for n, r in enumerate(rows, 1)
    ] or ["请向窗口咨询。"]
    lines += ["", "【在哪儿办、找谁问】"]
    lines += [f"{label}：{value}" for label, value in service.where_rows(item, site)]
    return "\n".join(lines)


class KioskGuideScreen(KioskScreen):
    def __init__(self, runtime: Any, code: str) -> None:
        super().__init__(runtime)
        self.code = code
        self.item = store.get_item(code)

    def title_text(self) -> str:
        return _("Guide")

    def compose_body(self) -> Iterable[Widget]:
        if self.item is None:
            yield Static(_("This item is no longer in the catalog."), classes="kiosk-error")
            return
        yield Static(self.item["name"], id="kiosk-item-name", classes="kiosk-heading", markup=False)
        yield Button(
            _("Print this guide"), id="kiosk-print", classes="kiosk-action", variant="primary"
        )
        yield Static("", id="kiosk-print-note", classes="kiosk-note")
        yield Static(
            guide_text(self.item, service.site_info(self.runtime)), id="kiosk-guide", markup=False
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "kiosk-print":
            event.stop()
            self.print_guide()
            return
        super().on_button_pressed(event)

    def print_guide(self) -> None:
        from core.documents import DocumentError
        from core.printing import PrintRequestError, print_pdf
        from plugins.guides import render

        note = self.query_one("#kiosk-print-note", Static)
        try:
            item, pdf = render.item_guide(self.runtime, self.code)
            print_pdf(
                self.runtime,
                pdf,
                title=f"{item['name']} 办事指南",
                printer=str(self.runtime.extras.get(PRINTER_KEY) or "") or None,
            )
        except (service.GuideError, DocumentError, PrintRequestError, OSError) as exc:
            log.warning("kiosk guide of %s not printed: %s", self.code, exc)
            note.update(_("The guide cannot be printed now. Please ask at the information desk."))
            return
        self.query_one("#kiosk-print", Button).disabled = True
        note.update(_("Printing: take your guide from the printer."))
