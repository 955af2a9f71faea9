"""The print dialog and the print queue screen, driven by Pilot, printing through a
real CUPS to cups-pdf printers; at 80×24 and 120×40, in Chinese and in English."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Select, Static

from core.documents import Document, Footer
from core.i18n import set_language
from core.printing import JobState, print_pdf, queue_for
from core.runtime import Runtime
from plugins.printing.ui.queue_screen import PrintQueueScreen
from tests.cups import CupsPdfPrinter, job_title
from tests.workstation.helpers import notifications, sign_in, tile_ids, wait_for
from workstation.app import SihaoApp
from workstation.widgets.print_dialog import PrintDialog

SIZES = [(80, 24), (120, 40)]


def a_document() -> bytes:
    doc = Document(
        title="受理回执",
        footer=Footer(
            site="张店区政务服务中心", document_id="R-1", printed_at=datetime(2026, 12, 7)
        ),
    )
    doc.heading("受理回执")
    doc.paragraph("您的申请已受理。")
    return doc.build()


def assert_fits(app: SihaoApp, widgets: list[Widget]) -> None:
    """Every widget is on screen, whole, with room to show something."""
    screen = app.screen.region
    for widget in widgets:
        region = widget.region
        assert region.width > 0 and region.height > 0, f"{widget.id} has no room: {region}"
        assert screen.contains_region(region), f"{widget.id} {region} runs off {screen}"


async def open_dialog(pilot, runtime: Runtime, title: str) -> PrintDialog:  # type: ignore[no-untyped-def]
    dialog = PrintDialog(runtime, a_document(), title=title, file_name="回执.pdf")
    pilot.app.push_screen(dialog)
    await pilot.pause()
    select = dialog.query_one("#print-printer", Select)
    assert await wait_for(pilot, lambda: len(select._options) > 1), "no printers listed"
    return dialog


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_the_print_dialog_fits_and_prints(
    pr_runtime: Runtime, cups_printer: CupsPdfPrinter, size: tuple[int, int], language: str
) -> None:
    set_language(language)
    app = SihaoApp(pr_runtime, watch=False)
    title = job_title(f"dialog-{size[0]}-{language}")
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "1001")
        dialog = await open_dialog(pilot, pr_runtime, title)
        assert_fits(
            app,
            [
                dialog.query_one("#print-title", Static),
                dialog.query_one("#print-printer", Select),
                dialog.query_one("#print-copies", Input),
                dialog.query_one("#print-path", Input),
                *dialog.query(Button),
            ],
        )
        label = "打印" if language == "zh_CN" else "Print"
        assert str(dialog.query_one("#print-go", Button).label) == label
        dialog.query_one("#print-printer", Select).value = cups_printer.name
        copies = dialog.query_one("#print-copies", Input)
        copies.value = ""
        await pilot.click("#print-copies")
        await pilot.press("2")
        go = dialog.query_one("#print-go", Button)
        await pilot.hover("#print-go")
        # Two presses queued before the first is handled (a bouncing key or a fast
        # double tap): printed once.
        go.press()
        go.press()
        assert await wait_for(pilot, lambda: not isinstance(app.screen, PrintDialog)), (
            "the dialog closes once the job is queued"
        )
        [job] = queue_for(pr_runtime).jobs()
        assert (job.printer, job.copies, job.staff) == (cups_printer.name, 2, "1001")
        assert job.state in (JobState.SENT, JobState.PRINTING, JobState.DONE)
        cups_printer.printed(title)

        # The next time, the printer used last is already chosen.
        dialog = await open_dialog(pilot, pr_runtime, title)
        assert dialog.query_one("#print-printer", Select).value == cups_printer.name


async def test_a_paused_printer_keeps_the_job_visible_until_retried(
    pr_runtime: Runtime, cups_printer: CupsPdfPrinter
) -> None:
    cups_printer.stop()
    app = SihaoApp(pr_runtime, watch=False)
    title = job_title("paused-dialog")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "1001")
        assert "tile-printing-queue" in tile_ids(app), "clerks have the queue on their home"
        dialog = await open_dialog(pilot, pr_runtime, title)
        dialog.query_one("#print-printer", Select).value = cups_printer.name
        await pilot.click("#print-go")
        assert await wait_for(
            pilot, lambda: any(cups_printer.name in n and "已暂停" in n for n in notifications(app))
        )

        app.pop_screen()  # back to home, then the queue screen as a clerk opens it
        app.open_screen("printing.queue")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PrintQueueScreen)
        table = screen.query_one("#queue-jobs", DataTable)
        assert table.row_count == 1
        assert list(table.get_row_at(0))[1:] == [title, cups_printer.name, "1", "排队中"]
        reason = str(screen.query_one("#queue-reason", Static).render())
        assert cups_printer.name in reason and "已暂停" in reason

        cups_printer.resume()
        await pilot.click("#queue-retry")
        await pilot.pause()
        cups_printer.printed(title)
        # The plugin's worker follows the job to the end on its own; the screen shows it.
        assert await wait_for(pilot, lambda: list(table.get_row_at(0))[4] == "已完成", timeout=20)


@pytest.mark.parametrize("size", SIZES)
async def test_the_queue_screen_reroutes_a_job_for_a_missing_printer(
    pr_runtime: Runtime,
    cups_printers: tuple[CupsPdfPrinter, CupsPdfPrinter],
    size: tuple[int, int],
) -> None:
    _, target = cups_printers
    target.resume()
    title = job_title(f"reroute-{size[0]}")
    job = print_pdf(pr_runtime, a_document(), title=title, printer="SihaoNoSuchPrinter")
    assert job.state == JobState.QUEUED and job.reason == "printer_missing"
    app = SihaoApp(pr_runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "9001")  # IT
        tile = app.screen.query_one("#tile-printing-queue", Button)
        assert "1 个等待中" in str(tile.label) and tile.has_class("alert")
        await pilot.click("#tile-printing-queue")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PrintQueueScreen)
        assert_fits(
            app,
            [
                screen.query_one("#queue-jobs", DataTable),
                screen.query_one("#queue-reason", Static),
                screen.query_one("#queue-printer", Select),
                *screen.query(Button),
            ],
        )
        reason = str(screen.query_one("#queue-reason", Static).render())
        assert "SihaoNoSuchPrinter" in reason and "找不到" in reason
        assert "打印机回复：" in reason and "Invalid destination" in reason  # IT sees CUPS's words
        select = screen.query_one("#queue-printer", Select)
        assert await wait_for(pilot, lambda: len(select._options) > 1)
        select.value = target.name
        await pilot.pause()
        await pilot.click("#queue-reroute")
        assert await wait_for(pilot, lambda: queue_for(pr_runtime).get(job.id).printer_job != "")
        target.printed(title)
        assert queue_for(pr_runtime).get(job.id).printer == target.name


async def test_save_as_pdf_reports_a_bad_folder_and_then_saves(
    pr_runtime: Runtime, tmp_path: Path
) -> None:
    app = SihaoApp(pr_runtime, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "1001")
        dialog = PrintDialog(pr_runtime, a_document(), title="受理回执", file_name="回执.pdf")
        app.push_screen(dialog)
        await pilot.pause()
        path = dialog.query_one("#print-path", Input)
        path.value = str(tmp_path / "nowhere" / "回执.pdf")
        status = dialog.query_one("#print-status", Static)
        await pilot.click("#print-save")
        assert await wait_for(pilot, lambda: "文件夹不存在" in str(status.render()))
        assert isinstance(app.screen, PrintDialog), "stays open to choose another place"
        assert not (tmp_path / "nowhere").exists()

        path.value = str(tmp_path / "回执.pdf")
        save = dialog.query_one("#print-save", Button)
        # A button ignores clicks while it shows the last press (Textual's -active).
        assert await wait_for(pilot, lambda: not save.has_class("-active"))
        await pilot.click("#print-save")
        assert await wait_for(pilot, lambda: not isinstance(app.screen, PrintDialog)), str(
            status.render()
        )
        assert (tmp_path / "回执.pdf").read_bytes().startswith(b"%PDF-")
        assert any("已保存到" in n for n in notifications(app))


@pytest.mark.parametrize("size", SIZES)
async def test_the_queue_screen_fits_in_english(
    pr_runtime: Runtime, cups_printers: tuple[CupsPdfPrinter, CupsPdfPrinter], size: tuple[int, int]
) -> None:
    set_language("en")
    print_pdf(pr_runtime, a_document(), title="受理回执 R-1", printer="SihaoNoSuchPrinter")
    app = SihaoApp(pr_runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "1001")
        app.open_screen("printing.queue")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PrintQueueScreen)
        assert_fits(
            app,
            [
                screen.query_one("#queue-jobs", DataTable),
                screen.query_one("#queue-reason", Static),
                screen.query_one("#queue-printer", Select),
                *screen.query(Button),
            ],
        )
        assert [str(b.label) for b in screen.query(Button)] == [
            "Retry",
            "Send there",
            "Cancel job",
        ]
        table = screen.query_one("#queue-jobs", DataTable)
        assert list(table.get_row_at(0))[4] == "Queued"
        reason = str(screen.query_one("#queue-reason", Static).render())
        assert "SihaoNoSuchPrinter was not found" in reason
