"""What "Print guide" does at the counter: make the PDF, then the shell's print dialog.

The situations are the ones ticked in the lookup's detail view (the item arrives
with ``selected_situations``). Rendering takes about a tenth of a second, so it runs
on the UI thread and the dialog opens with the document ready: print it, or save it
as PDF (whole or not at all). A guide that cannot be made (no Chinese font, a bad
address setting…) is one sentence for the clerk; the detail goes to the log.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from core.documents import DocumentError
from core.i18n import _
from plugins.guides import render, service

log = logging.getLogger(__name__)

SELECTED_SITUATIONS = "selected_situations"  # set by the lookup's detail view


def _dialog(runtime: Any, pdf: bytes, title: str, file_name: str) -> None:
    from workstation.widgets.print_dialog import PrintDialog

    # The dialog proposes the exports folder for "save as PDF"; on a new workstation
    # it does not exist yet, and the clerk's first save would be refused.
    try:
        Path(runtime.paths.exports_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # the dialog then says why a save fails
        log.warning("exports folder not created: %s", exc)
    runtime.ui.push_screen(PrintDialog(runtime, pdf, title=title, file_name=file_name))


def _file_name(name: str, kind: str) -> str:
    # an item name is catalog text: keep it from naming another folder
    safe = "".join("-" if c in '/\\:*?"<>|' else c for c in name)
    return f"{safe}-{kind}.pdf"


def _failed(runtime: Any, what: str, exc: Exception) -> None:
    log.warning("guide for %s not made: %s", what, exc)
    runtime.ui.notify(_("The guide could not be made: {reason}").format(reason=exc), "error")


def print_item_guide(item: dict[str, Any], runtime: Any) -> None:
    code = str(item.get("code", ""))
    chosen = [str(c) for c in item.get(SELECTED_SITUATIONS, [])]
    try:
        found, pdf = render.item_guide(runtime, code, chosen)
    except (service.GuideError, DocumentError) as exc:
        _failed(runtime, code, exc)
        return
    _dialog(runtime, pdf, f"{found['name']} 办事指南", _file_name(found["name"], "办事指南"))


def print_bundle_guide(bundle: dict[str, Any], runtime: Any) -> None:
    code = str(bundle.get("code", ""))
    try:
        found, pdf = render.bundle_guide(runtime, code)
    except (service.GuideError, DocumentError) as exc:
        _failed(runtime, code, exc)
        return
    _dialog(
        runtime, pdf, f"{found['name']} 一件事办事指南", _file_name(found["name"], "一件事办事指南")
    )
