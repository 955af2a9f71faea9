"""Batch import (一次申报): choose the item and the file, import, see every refused
row with its column and what to fix, and fix a row here.

Ctrl+T writes the item's template to the exports folder (to hand to the
applicant); F2 browses for the file (a USB stick under /media); Ctrl+O imports the
file named (XLSX or CSV; the item comes from the
template, the file name, or the item field). Import runs on a worker thread (a
10,000-row file takes a few seconds) and the screen stays live. The refused rows
are listed with the column named; Enter on one opens its cells to correct, and
Ctrl+S re-checks and keeps it in the batch if it passes now. The error file
beside the input holds the same rows for the applicant.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual import work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, DirectoryTree, Input, Label, Static

from core.i18n import N_, _
from plugins.intake import batch_rows as cols
from plugins.intake.batch_hooks import PRESET_ITEM
from workstation.screens.base import SihaoScreen

log = logging.getLogger(__name__)

FIX_FIELDS = (cols.NAME, cols.ID_NUMBER, cols.LEGAL_REP, cols.MOBILE)


class SpreadsheetTree(DirectoryTree):
    """Folders and the files an import takes (.xlsx, .csv), hidden files left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".")
            and (p.is_dir() or p.suffix.lower() in (".xlsx", ".csv", ".txt"))
        ]


class BatchImportScreen(SihaoScreen):
    CSS_PATH = "batch.tcss"
    BINDINGS = [
        Binding("ctrl+o", "import_file", N_("Import"), priority=True),
        Binding("ctrl+t", "template", N_("Template"), priority=True),
        Binding("ctrl+s", "save_fix", N_("Save fix"), priority=True),
        Binding("f2", "browse", N_("Browse"), priority=True),
    ]

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="batch-import")
        self.batch: Any = None
        self.fixing: int | None = None
        self.busy = False

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(classes="batch-body"):
            yield Static(_("Batch import"), classes="screen-title")
            with Horizontal(classes="batch-row"):
                yield Label(_("Item code"))
                yield Input(id="item-code", placeholder="370303-SCJG-XK-001-01", compact=True)
                yield Static("", id="item-name")
            with Horizontal(classes="batch-row"):
                yield Label(_("File"))
                yield Input(id="file-path", placeholder="/media/usb/名单.xlsx", compact=True)
            yield Static(
                _(
                    "Ctrl+O imports the file; Ctrl+T writes the item's template to the exports folder."
                ),
                id="import-hint",
            )
            yield SpreadsheetTree(self._browse_root(), id="file-tree")
            yield Static("", id="import-summary")
            yield DataTable(id="problems", cursor_type="row")
            with Vertical(id="fix-panel"):
                yield Static("", id="fix-title")
                for index, name in enumerate(FIX_FIELDS):
                    with Horizontal(classes="batch-row"):
                        yield Label(name)
                        yield Input(id=f"fix-{index}", compact=True)
                yield Static("", id="fix-message")

    def on_mount(self) -> None:
        table = self.query_one("#problems", DataTable)
        table.add_columns(_("Row"), _("Column"), _("What to fix"))
        self.query_one("#fix-panel").display = False
        self.query_one("#file-tree").display = False
        preset = self.runtime.extras.pop(PRESET_ITEM, "")
        if preset:
            self.query_one("#item-code", Input).value = preset
            self._show_item(preset)
            self.set_focus(self.query_one("#file-path", Input))
        else:
            self.set_focus(self.query_one("#item-code", Input))

    def _browse_root(self) -> Path:
        """Where a USB stick appears (/media), else the drop folder's parent, else home."""
        for candidate in (Path("/media"), Path(self.runtime.paths.data_dir) / "intake"):
            if candidate.is_dir():
                return candidate
        return Path.home()

    def action_browse(self) -> None:
        tree = self.query_one("#file-tree", SpreadsheetTree)
        tree.display = not tree.display
        if tree.display:
            self.set_focus(tree)
        else:
            self.set_focus(self.query_one("#file-path", Input))

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.query_one("#file-path", Input).value = str(event.path)
        self.query_one("#file-tree").display = False
        self.set_focus(self.query_one("#file-path", Input))

    def _show_item(self, code: str) -> None:
        from core.catalog import store

        item = store.get_item(code.strip()) if code.strip() else None
        self.query_one("#item-name", Static).update(item["name"] if item else "")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "item-code":
            self._show_item(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "file-path":
            self.action_import_file()
        elif event.input.id and event.input.id.startswith("fix-"):
            self.action_save_fix()

    def _staff(self) -> str:
        session = getattr(self.runtime, "session", None)
        return str(session.staff_no) if session is not None else ""

    # -- template ----------------------------------------------------------------------
    def action_template(self) -> None:
        from core.documents import DocumentError
        from plugins.intake.batch_import import BatchError, find_item
        from plugins.intake.batch_template import write_template

        code = self.query_one("#item-code", Input).value.strip()
        try:
            item = find_item(code)
            safe = "".join("-" if c in '/\\:*?"<>|' else c for c in item["name"])
            out = Path(self.runtime.paths.exports_dir) / f"{safe}-批量申报模板.xlsx"
            out.parent.mkdir(parents=True, exist_ok=True)
            written = write_template(item, out)
        except (BatchError, DocumentError, OSError) as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(_("Written to {path}.").format(path=written))

    # -- import ------------------------------------------------------------------------
    def action_import_file(self) -> None:
        raw = self.query_one("#file-path", Input).value.strip()
        if not raw:
            self.notify(_("Type the path of the file to import."), severity="warning")
            return
        if self.busy:
            return
        self.busy = True
        self.query_one("#import-summary", Static).update(_("Importing…"))
        code = self.query_one("#item-code", Input).value.strip() or None
        self._import(Path(raw).expanduser(), code, self._staff())

    @work(thread=True, exclusive=True, group="batch-import")
    def _import(self, path: Path, code: str | None, actor: str) -> None:
        from core.documents import DocumentError
        from core.safefiles import FileRefused
        from plugins.intake.batch_import import BatchError, import_file

        try:
            result = import_file(self.runtime, path, item_code=code, actor=actor)
        except (FileRefused, BatchError, DocumentError) as exc:
            log.warning("batch import refused: %s", getattr(exc, "detail", "") or exc)
            self.app.call_from_thread(self._refused, str(exc))
            return
        except Exception as exc:  # the clerk gets a sentence, the log the detail
            log.exception("batch import failed")
            self.app.call_from_thread(
                self._refused, _("The file could not be imported: {reason}").format(reason=exc)
            )
            return
        finally:
            self.runtime.db.close()  # this thread's connection
        self.app.call_from_thread(self._imported, result)

    def _refused(self, sentence: str) -> None:
        self.busy = False
        self.query_one("#import-summary", Static).update("✗ " + sentence)
        self.notify(sentence, severity="error", timeout=10)

    def _imported(self, result: Any) -> None:
        self.busy = False
        self.batch = result.batch
        lines = []
        if result.batch is not None:
            lines.append(
                _("Batch {batch}: {good} rows kept, {bad} refused ({item}).").format(
                    batch=result.batch.batch_no,
                    good=result.good_rows,
                    bad=result.bad_rows,
                    item=result.item["name"],
                )
            )
        else:
            lines.append(_("No row could be kept: nothing imported."))
        if result.encoding:
            lines.append(_("Read as {encoding}.").format(encoding=result.encoding))
        for column in result.ignored_columns:
            lines.append(
                _("Column {column} is not in the template: ignored.").format(column=column)
            )
        if result.error_file is not None:
            lines.append(_("Refused rows written to {path}.").format(path=result.error_file))
        self.query_one("#import-summary", Static).update("\n".join(lines))
        table = self.query_one("#problems", DataTable)
        table.clear()
        for problem in result.problems:
            table.add_row(str(problem.row_no), problem.column, problem.message, key=None)
        if result.problems:
            self.set_focus(table)

    # -- fixing a row ------------------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if self.batch is None:
            self.notify(_("No batch was made of this file: correct the error file and import it."))
            return
        row_no = int(str(event.data_table.get_row_at(event.cursor_row)[0]))
        self._open_fix(row_no)

    def _open_fix(self, row_no: int) -> None:
        import json

        from plugins.intake.batch_import import find_item
        from plugins.intake.batch_models import BatchProblem
        from plugins.intake.batch_rows import find_layout

        problem = (
            BatchProblem.select()
            .where((BatchProblem.batch_id == self.batch.id) & (BatchProblem.row_no == row_no))
            .first()
        )
        if problem is None:
            return
        item = find_item(self.batch.item_code)
        layout = find_layout(
            [(1, json.loads(self.batch.header or "[]"))], list(item.get("situations") or [])
        )
        values = json.loads(problem.values or "[]")
        for index, name in enumerate(FIX_FIELDS):
            at = layout.columns.get(name)
            value = values[at] if at is not None and at < len(values) else None
            self.query_one(f"#fix-{index}", Input).value = "" if value is None else str(value)
        self.fixing = row_no
        self.query_one("#fix-title", Static).update(
            _("Fix row {row} (Ctrl+S re-checks it)").format(row=row_no)
        )
        self.query_one("#fix-message", Static).update("")
        self.query_one("#fix-panel").display = True
        self.set_focus(self.query_one("#fix-0", Input))

    def action_save_fix(self) -> None:
        if self.fixing is None or self.batch is None:
            return
        self.after_typed_keys(self._save_fix)

    def _save_fix(self) -> None:
        from plugins.intake.batch_import import BatchError, fix_row

        assert self.fixing is not None
        typed = {
            name: self.query_one(f"#fix-{index}", Input).value
            for index, name in enumerate(FIX_FIELDS)
        }
        try:
            left = fix_row(self.batch, self.fixing, typed)
        except BatchError as exc:
            self.query_one("#fix-message", Static).update("✗ " + str(exc))
            return
        if left:
            self.query_one("#fix-message", Static).update(
                "\n".join(f"✗ {p.column}：{p.message}" for p in left)
            )
            return
        table = self.query_one("#problems", DataTable)
        for key in list(table.rows):
            if str(table.get_row(key)[0]) == str(self.fixing):
                table.remove_row(key)
        self.notify(_("Row {row} is kept in the batch.").format(row=self.fixing))
        self.fixing = None
        self.query_one("#fix-panel").display = False
        self.set_focus(table)

    def unsaved_input(self) -> str | None:
        if self.fixing is not None:
            return _("a batch row being fixed")
        return None
