"""``sihao print F.pdf`` run as a user runs it: a real subprocess, real CUPS."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from core.documents import Document, Footer
from tests.cups import CupsPdfPrinter, job_title
from tests.workstation.test_cli import sihao


def write_pdf(folder: Path, name: str) -> Path:
    doc = Document(
        title=name,
        footer=Footer(
            site="张店区政务服务中心", document_id=name, printed_at=datetime(2026, 12, 7)
        ),
    )
    doc.paragraph("命令行打印测试。")
    return doc.write(folder / f"{name}.pdf")


def test_print_a_pdf_from_the_command_line(tmp_path: Path, cups_printer: CupsPdfPrinter) -> None:
    sihao(tmp_path, "demo", "seed")
    pdf = write_pdf(tmp_path, job_title("cli"))
    result = sihao(tmp_path, "print", str(pdf), "--printer", cups_printer.name, "--copies", "2")
    assert result.returncode == 0, result.stderr
    assert f"已发送到打印机 {cups_printer.name}（2 份" in result.stdout
    cups_printer.printed(pdf.stem)


def test_a_paused_printer_keeps_the_job_and_says_so(
    tmp_path: Path, cups_printer: CupsPdfPrinter
) -> None:
    sihao(tmp_path, "demo", "seed")
    cups_printer.stop()
    pdf = write_pdf(tmp_path, job_title("cli-paused"))
    result = sihao(tmp_path, "print", str(pdf), "--printer", cups_printer.name)
    assert result.returncode == 3
    assert cups_printer.name in result.stderr and "已暂停" in result.stderr
    assert "Traceback" not in result.stderr
    # Kept in the workstation's queue for the worker (or a retry) to send later.
    assert list((tmp_path / "print-queue").glob("*.pdf"))


def test_a_file_that_is_not_a_pdf_is_refused(tmp_path: Path, cups_printer: CupsPdfPrinter) -> None:
    sihao(tmp_path, "demo", "seed")
    fake = tmp_path / "guide.pdf"
    fake.write_bytes(b"MZ\x90\x00 this is a program, not a PDF")
    result = sihao(tmp_path, "--lang", "en", "print", str(fake), "--printer", cups_printer.name)
    assert result.returncode == 2
    assert "not a complete PDF" in result.stderr and "Traceback" not in result.stderr
    missing = sihao(tmp_path, "print", str(tmp_path / "gone.pdf"), "--printer", cups_printer.name)
    assert missing.returncode == 2 and "无法读取文件" in missing.stderr
