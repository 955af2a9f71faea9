"""The print queue against a real CUPS with cups-pdf printers, on a real SQLite store."""

from __future__ import annotations

import stat
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from core.db import database, open_database
from core.documents import Document, Footer, WriteFailed
from core.printing import (
    CupsPrinter,
    FilePrinter,
    JobState,
    PrintQueue,
    PrintRequestError,
    describe,
)
from core.printing.models import PrintJob
from core.schema import MODELS
from tests.core.documents import pdf as pdftools
from tests.cups import CupsPdfPrinter, job_title


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Path]:
    from core import migrate

    db = open_database(tmp_path / "sihao.db")
    migrate.run(db, "core", migrate.CORE_MIGRATIONS)
    assert PrintJob in MODELS
    yield tmp_path
    db.close()


MARK = job_title("document")  # printed in the footer: found again in what cups-pdf writes


@pytest.fixture(scope="module")
def guide_pdf() -> bytes:
    doc = Document(
        title="打印测试",
        footer=Footer(
            site="张店区政务服务中心", document_id=MARK, printed_at=datetime(2026, 12, 7)
        ),
    )
    doc.heading("食品经营许可 白话版办事指南")
    doc.paragraph("打印队列测试页：申请材料一览。")
    return doc.build()


def queue_in(store: Path) -> PrintQueue:
    return PrintQueue(store / "print-queue", printers=[CupsPrinter(), FilePrinter()])


def settle(queue: PrintQueue, job_id: str, timeout: float = 30.0) -> PrintJob:
    """Pump until the job is done (or the time is up) and return it."""
    deadline = time.monotonic() + timeout
    job = queue.get(job_id)
    while job.state != JobState.DONE and time.monotonic() < deadline:
        time.sleep(0.3)
        queue.pump()
        job = queue.get(job_id)
    return job


def test_a_printed_job_comes_out_of_the_printer(
    store: Path, guide_pdf: bytes, cups_printer: CupsPdfPrinter
) -> None:
    queue = queue_in(store)
    title = job_title("printed")
    job = queue.submit(guide_pdf, title=title, printer=cups_printer.name, copies=2, staff="1001")
    assert job.state in (JobState.SENT, JobState.PRINTING, JobState.DONE)
    assert job.printer_job.startswith(cups_printer.name + "-")
    out = cups_printer.printed(title)
    # Ghostscript (inside cups-pdf) drops the Chinese text's Unicode map, not the
    # ASCII of the footer: the printed file is our document, page for page.
    assert MARK in pdftools.text(out)
    assert pdftools.page_count(out) == 1
    job = settle(queue, job.id)
    assert job.state == JobState.DONE
    assert not Path(store / "print-queue" / f"{job.id}.pdf").exists(), "spool copy removed"
    assert queue.last_printer() == cups_printer.name


def test_a_stopped_printer_keeps_the_job_queued_and_visible(
    store: Path, guide_pdf: bytes, cups_printer: CupsPdfPrinter
) -> None:
    cups_printer.stop()
    queue = queue_in(store)
    title = job_title("stopped")
    job = queue.submit(guide_pdf, title=title, printer=cups_printer.name)
    assert job.state == JobState.QUEUED
    assert job.reason == "printer_stopped"
    sentence = describe(job.reason, job.printer)
    assert cups_printer.name in sentence and "暂停" in sentence
    assert [j.id for j in queue.jobs()] == [job.id]
    # A retry while the printer is still off keeps it queued and counts the attempt.
    assert queue.retry(job.id).state == JobState.QUEUED
    assert queue.get(job.id).attempts == 2

    # The workstation restarts: the job and its PDF are still there.
    database.close()
    open_database(store / "sihao.db")
    again = queue_in(store)
    kept = again.get(job.id)
    assert kept.state == JobState.QUEUED and Path(kept.spool).is_file()

    cups_printer.resume()
    assert again.retry(job.id).state in (JobState.SENT, JobState.PRINTING, JobState.DONE)
    cups_printer.printed(title)
    assert settle(again, job.id).state == JobState.DONE


def test_a_job_waiting_at_a_paused_printer_is_held_and_rerouted(
    store: Path, guide_pdf: bytes, cups_printers: tuple[CupsPdfPrinter, CupsPdfPrinter]
) -> None:
    first, second = cups_printers
    first.stop()
    second.resume()
    queue = queue_in(store)
    title = job_title("held")
    job = queue.submit(guide_pdf, title=title, printer=first.name)
    assert job.state == JobState.QUEUED, "never handed to a paused printer"
    # The usual way a job gets stuck: the printer is paused just after the job was
    # handed over. Hand it over behind the queue's back to get there deterministically.
    stuck = CupsPrinter().send(Path(job.spool), first.name, copies=1, title=title)
    PrintJob.update(state=JobState.SENT.value, printer_job=stuck).where(
        PrintJob.id == job.id
    ).execute()
    queue.pump()
    job = queue.get(job.id)
    assert job.state == JobState.HELD
    assert first.name in describe(job.reason, job.printer)
    assert stuck in first.pending(), "visible in the printer's own queue"

    job = queue.reroute(job.id, second.name)
    assert stuck not in first.pending(), "taken back from the paused printer"
    assert job.printer == second.name
    second.printed(title)
    assert settle(queue, job.id).state == JobState.DONE
    first.resume()


def test_a_missing_printer_keeps_the_job_until_rerouted(
    store: Path, guide_pdf: bytes, cups_printer: CupsPdfPrinter
) -> None:
    queue = queue_in(store)
    title = job_title("missing")
    job = queue.submit(guide_pdf, title=title, printer=cups_printer.name + "Gone")
    assert job.state == JobState.QUEUED and job.reason == "printer_missing"
    assert "找不到" in describe(job.reason, job.printer) or "未找到" in describe(
        job.reason, job.printer
    )
    job = queue.reroute(job.id, cups_printer.name)
    cups_printer.printed(title)
    assert settle(queue, job.id).state == JobState.DONE


def test_a_printer_refusing_jobs_keeps_the_job_queued(
    store: Path, guide_pdf: bytes, cups_printer: CupsPdfPrinter
) -> None:
    cups_printer.reject()
    queue = queue_in(store)
    job = queue.submit(guide_pdf, title=job_title("refusing"), printer=cups_printer.name)
    assert job.state == JobState.QUEUED and job.reason == "printer_rejecting"
    assert cups_printer.pending() == []


def test_the_printer_list_comes_from_cups(cups_printers: tuple[CupsPdfPrinter, ...]) -> None:
    names = {p.name for p in CupsPrinter().printers()}
    assert {p.name for p in cups_printers} <= names


def test_a_folder_printer_waits_for_its_folder(store: Path, guide_pdf: bytes) -> None:
    share = store / "share"
    queue = PrintQueue(store / "print-queue", printers=[FilePrinter({"大厅打印室": share})])
    job = queue.submit(guide_pdf, title="回执", printer="大厅打印室", kind="file")
    assert job.state == JobState.QUEUED and job.reason == "printer_missing"
    share.mkdir()
    job = queue.retry(job.id)
    assert job.state == JobState.DONE
    [written] = share.glob("*.pdf")
    assert written.read_bytes() == guide_pdf


def test_save_as_pdf_always_works_and_an_unwritable_path_says_so(
    store: Path, guide_pdf: bytes
) -> None:
    queue = queue_in(store)
    target = store / "saved" / "guide.pdf"
    target.parent.mkdir()
    job = queue.save_as(guide_pdf, target, title="指南")
    assert target.read_bytes() == guide_pdf and job.state == JobState.DONE
    assert queue.last_folder() == str(target.parent)
    with pytest.raises(WriteFailed) as caught:
        queue.save_as(guide_pdf, store / "nowhere" / "guide.pdf", title="指南")
    assert "文件夹不存在" in str(caught.value)
    assert len(queue.jobs()) == 1


def test_a_file_that_is_not_a_pdf_is_refused(store: Path) -> None:
    queue = queue_in(store)
    with pytest.raises(PrintRequestError) as caught:
        queue.submit(b"MZ\x90\x00 not a pdf", title="x", printer="any")
    assert "PDF" in str(caught.value)
    assert queue.jobs() == []


def test_a_job_is_handed_over_once_when_two_workers_race(store: Path, guide_pdf: bytes) -> None:
    """Two queues on one store (a running workstation and ``sihao print``): the one
    that read the job before the other sent it cannot send it again."""
    share = store / "share"
    printers = [FilePrinter({"打印室": share})]
    first = PrintQueue(store / "print-queue", printers=printers)
    second = PrintQueue(store / "print-queue", printers=printers)
    job = first.submit(guide_pdf, title="回执", printer="打印室", kind="file")
    assert job.state == JobState.QUEUED
    seen_by_first = first.get(job.id)
    share.mkdir()
    assert second.retry(job.id).state == JobState.DONE
    assert not first._claim(seen_by_first), "a stale view cannot take the job"
    assert first.retry(job.id).state == JobState.DONE  # nothing to do any more
    assert len(list(share.glob("*.pdf"))) == 1


def test_a_printer_name_lp_would_read_as_an_option_is_never_passed_on(
    store: Path, guide_pdf: bytes, cups_printer: CupsPdfPrinter
) -> None:
    queue = queue_in(store)
    for name in ("-o", "HP LaserJet", "a/b"):
        job = queue.submit(guide_pdf, title=job_title("bad-name"), printer=name)
        assert job.state == JobState.QUEUED and job.reason == "printer_missing"
    assert cups_printer.pending() == []


def test_the_queue_keeps_its_copies_private(store: Path, guide_pdf: bytes) -> None:
    """A waiting receipt may name the person served: only the account running Sihao
    can read the queue's copy, as with the store."""
    queue = PrintQueue(store / "print-queue", printers=[FilePrinter({"打印室": store / "gone"})])
    job = queue.submit(guide_pdf, title="回执", printer="打印室", kind="file")
    assert job.state == JobState.QUEUED
    assert stat.S_IMODE((store / "print-queue").stat().st_mode) == 0o700
    assert stat.S_IMODE(Path(job.spool).stat().st_mode) == 0o600


def test_a_file_too_large_is_refused_before_it_is_queued(store: Path) -> None:
    queue = queue_in(store)
    huge = b"%PDF-1.4\n" + b"0" * (256 * 1024 * 1024) + b"\n%%EOF\n"
    with pytest.raises(PrintRequestError) as caught:
        queue.submit(huge, title="x", printer="any")
    assert "256 MB" in str(caught.value)
    assert queue.jobs() == [] and not (store / "print-queue").exists()
