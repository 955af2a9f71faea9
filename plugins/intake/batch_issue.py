"""批量发证: a numbered certificate for every approved row of a decided batch, one
PDF each plus one combined print file, resumable after a crash without issuing any
certificate twice.

A certificate is issued when its row is written to ``intake_batch_certificate``
(unique per batch row and per number) in the same transaction as the case's 办结
step carrying the certificate number. Rows are issued ``CHUNK`` at a time: the
chunk is committed, then its PDFs are written (each whole or not at all, by the
document toolkit). Killed at any point and run again, the issue finds the rows
already issued and skips them, writes the PDFs of issued rows whose file is
missing (a kill between the commit and the files), issues the rest and rebuilds
the combined file: no number twice, none missing.

Numbers are ``<batch number>-<place among the approved rows>`` (0001…), fixed by
the reviewer's decision, so a resumed run gives the same row the same number.
Certificates print the holder's ID number masked (the toolkit's personal-data
rule): a certificate is handed over and shown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.db import atomic
from core.i18n import _
from core.models import utcnow
from plugins.intake.batch_import import BatchError
from plugins.intake.batch_models import BatchCertificate, BatchRow, BatchState, IntakeBatch

log = logging.getLogger(__name__)

CHUNK = 25
COMBINED_SUFFIX = "-合并打印.pdf"
Progress = Callable[[int, int], None]


@dataclass
class IssueResult:
    batch: IntakeBatch
    issued_now: int  # certificates issued by this run
    total: int  # approved rows: certificates of the batch when done
    rewritten: int  # PDFs of earlier certificates written again (missing after a crash)
    out_dir: Path
    combined: Path


def cert_no(batch: IntakeBatch, seq: int) -> str:
    return f"{batch.batch_no}-{seq:04d}"


def valid_until(item: dict[str, Any], issued_on: dt.date) -> dt.date | None:
    """The validity the catalog gives (结果有效期 "5年"), else None (long-term)."""
    match = re.match(r"^\s*(\d{1,2})\s*年\s*$", str(item.get("result_validity") or ""))
    if not match:
        return None
    years = int(match.group(1))
    try:
        end = issued_on.replace(year=issued_on.year + years)
    except ValueError:  # 29 February
        end = issued_on.replace(year=issued_on.year + years, day=28)
    return end - dt.timedelta(days=1)


def default_out_dir(runtime: Any, batch: IntakeBatch) -> Path:
    return Path(runtime.paths.data_dir) / "intake" / "certificates" / batch.batch_no


@dataclass(frozen=True)
class Sheet:
    """One certificate's printed words: plain data, so the combined file can be laid
    out in another process while this one issues."""

    cert_no: str
    title: str
    pairs: tuple[tuple[str, str], ...]
    statement: str


@dataclass(frozen=True)
class Setup:
    """What every certificate of a batch shares on paper."""

    site_name: str
    catalog_version: str
    font_settings: dict[str, Any]
    printed_at: dt.datetime


def _document(setup: Setup, font: Any, title: str, document_id: str) -> Any:
    from core.documents import Document, Footer, PageSetup, PaperSize

    return Document(
        title=title,
        footer=Footer(
            site=setup.site_name,
            catalog_version=setup.catalog_version,
            document_id=document_id,
            printed_at=setup.printed_at,
        ),
        page=PageSetup(size=PaperSize.A4, header=f"{setup.site_name} · 批量发证"),
        font=font,
    )


def _add(doc: Any, sheet: Sheet) -> None:
    doc.title_block(sheet.title)
    doc.spacer(6)
    doc.fields(list(sheet.pairs), label_width=0.3)
    doc.spacer(10)
    doc.paragraph(sheet.statement)
    doc.paragraph(
        "本证书由批量发证生成；证件号码已作隐去处理，核验以发证机关登记为准。", small=True
    )


def render_combined(setup: Setup, title: str, document_id: str, sheets: list[Sheet]) -> bytes:
    """The combined print file: one page a certificate, each page's footer naming its
    number. Module-level, so a worker process can run it."""
    from core.documents import font_from_settings

    doc = _document(setup, font_from_settings(setup.font_settings), title, document_id)
    for sheet in sheets:
        doc.section(sheet.cert_no)
        _add(doc, sheet)
    data: bytes = doc.build()
    return data


class Certificates:
    """Lays out certificates of one batch with the document toolkit."""

    def __init__(self, runtime: Any, batch: IntakeBatch, item: dict[str, Any]) -> None:
        from core.catalog import store
        from core.documents import font_from_settings
        from core.models import Site

        self.batch = batch
        self.item = item
        site = Site.get_or_none(Site.code == batch.site_code)
        site_name = site.name if site is not None else batch.site_code
        department = store.get_department(str(item.get("department", ""))) or {}
        issuer = str(department.get("name") or item.get("implementing_body") or "")
        self.issuer = issuer or site_name
        settings = dict(runtime.settings("documents"))
        self.setup = Setup(site_name, store.catalog_version(), settings, dt.datetime.now())
        self.font = font_from_settings(settings)
        self.situations = {str(s["code"]): str(s["name"]) for s in item.get("situations") or []}

    def sheet(
        self,
        number: str,
        issued_on: dt.date,
        until: dt.date | None,
        row: BatchRow,
        case_no: str,
    ) -> Sheet:
        chosen = [self.situations.get(c, c) for c in json.loads(row.situations or "[]")]
        person = row.applicant_kind == "person"
        pairs = [
            ("证书编号", number),
            ("持证人" if person else "单位名称", row.name),
            ("公民身份号码" if person else "统一社会信用代码", row.id_number),
        ]
        if not person:
            pairs.append(("法定代表人", row.legal_rep))
        pairs += [
            ("许可事项", str(self.item["name"])),
            ("办理情形", "、".join(chosen) or "—"),
            ("办件编号", case_no or "—"),
            ("批次编号", self.batch.batch_no),
            ("发证日期", f"{issued_on:%Y年%m月%d日}"),
            ("有效期至", f"{until:%Y年%m月%d日}" if until else "长期有效"),
            ("发证机关", self.issuer),
        ]
        return Sheet(
            number,
            str(self.item.get("result_name") or self.item["name"]),
            tuple(pairs),
            f"经审查，{row.name}申请的{self.item['name']}符合规定条件，准予许可，特发此证。",
        )

    def one(self, sheet: Sheet) -> bytes:
        return render_one(self.setup, self.font, sheet)


def render_one(setup: Setup, font: Any, sheet: Sheet) -> bytes:
    doc = _document(setup, font, f"{sheet.title} {sheet.cert_no}", sheet.cert_no)
    _add(doc, sheet)
    data: bytes = doc.build()
    return data


def _die_with_parent() -> None:
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: a child ends when its work is done
        pass


class RenderWorkers:
    """Certificates laid out ahead of the issue by child processes (spawned: the
    workstation runs threads), each writing its PDFs into a hidden staging folder
    and saying so. A certificate's file is moved into place only after its row is
    committed, so a staged file is never a certificate: a killed run leaves staged
    files that the next run clears. A child that fails leaves its rows to this
    process; children die with their parent."""

    def __init__(self, setup: Setup, jobs: list[tuple[Sheet, str]], processes: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self.ready: set[str] = set()
        self._conns: list[Any] = []
        self._procs: list[Any] = []
        for k in range(processes):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=_render_child,
                args=(send, setup, jobs[k::processes]),
                name=f"intake-render-{k}",
                daemon=True,
            )
            process.start()
            send.close()
            self._conns.append(receive)
            self._procs.append(process)

    def wait_for(self, path: str) -> bool:
        """True once a child has written ``path``; False if no child will."""
        from multiprocessing.connection import wait

        while path not in self.ready:
            live = [c for c in self._conns if not c.closed]
            if not live:
                return False
            arrived = wait(live, timeout=300)
            if not arrived:  # a child that hangs: this process lays out the rest
                return False
            for ready in arrived:
                conn: Any = ready
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    message = None
                if message is None:  # that child is done (or failed)
                    conn.close()
                else:
                    self.ready.add(str(message))
        return True

    def close(self) -> None:
        for process in self._procs:
            if process.is_alive():
                process.kill()
            process.join(timeout=5)
        for conn in self._conns:
            if not conn.closed:
                conn.close()


def _render_child(send: Any, setup: Setup, jobs: list[tuple[Sheet, str]]) -> None:
    import os

    from core.documents import font_from_settings

    _die_with_parent()
    try:
        font = font_from_settings(setup.font_settings)
        for sheet, path in jobs:
            data = render_one(setup, font, sheet)
            with open(path + ".part", "wb") as fh:
                fh.write(data)
            os.replace(path + ".part", path)
            send.send(path)
    except Exception as exc:  # the parent lays out what is left
        log.warning("certificates not laid out in a worker: %s", exc)
    finally:
        try:
            send.send(None)
        except OSError:
            pass
        send.close()


# Below this many certificates the combined file is laid out here: starting a
# worker process (imports, font registration) costs about a second.
PARALLEL_FROM = 50
# Child processes an issue may use (site setting ``batch_issue_processes``): 0 lays
# everything out here (one process, 189 MB at 1,000 certificates: the default, within
# the memory budget); 1 lays the combined file out in a child; 2 or more add children
# for the single certificates. Each child costs about 140 MB (reportlab and the font)
# and shortens the issue only where cores are free.
DEFAULT_PROCESSES = 0
STAGING = ".staging"  # inside the certificates folder: laid out, not yet issued


class CombinedJob:
    """The combined file laid out in a child process (spawned: the workstation runs
    threads) while this one issues. The child dies with its parent (Linux
    ``PR_SET_PDEATHSIG``), and otherwise ends once it has sent its one result."""

    def __init__(self, setup: Setup, title: str, document_id: str, sheets: list[Sheet]) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_combined_child,
            args=(send, setup, title, document_id, sheets),
            name="intake-combined",
            daemon=True,
        )
        self._process.start()
        send.close()

    def result(self) -> bytes | None:
        """The PDF, or None if the child failed (the caller lays it out itself)."""
        try:
            data = self._receive.recv()
        except (EOFError, OSError):
            data = None
        finally:
            self._receive.close()
            self._process.join(timeout=30)
        return data if isinstance(data, bytes) else None

    def cancel(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=5)
        self._receive.close()


def _combined_child(
    send: Any, setup: Setup, title: str, document_id: str, sheets: list[Sheet]
) -> None:
    _die_with_parent()
    try:
        send.send(render_combined(setup, title, document_id, sheets))
    except Exception as exc:  # the parent lays it out itself
        log.warning("combined file not laid out in the worker: %s", exc)
        send.send(None)
    finally:
        send.close()


def _processes(runtime: Any) -> int:
    try:
        wanted = int(runtime.settings("intake").get("batch_issue_processes", DEFAULT_PROCESSES))
    except (TypeError, ValueError):
        wanted = DEFAULT_PROCESSES
    return max(0, min(wanted, 8))


def _start_workers(
    setup: Setup, jobs: list[tuple[Sheet, str]], processes: int
) -> RenderWorkers | None:
    try:
        return RenderWorkers(setup, jobs, processes)
    except (OSError, RuntimeError) as exc:
        log.warning("certificates laid out in this process: %s", exc)
        return None


def _combined_in_worker(
    setup: Setup, title: str, document_id: str, sheets: list[Sheet]
) -> CombinedJob | None:
    """Start laying the combined file out in a child process (a third of the issue's
    CPU time); None for a small batch or where no process can be started."""
    if len(sheets) < PARALLEL_FROM:
        return None
    try:
        return CombinedJob(setup, title, document_id, sheets)
    except (OSError, RuntimeError) as exc:
        log.warning("combined file laid out in this process: %s", exc)
        return None


@contextlib.contextmanager
def _issued_elsewhere(batch: IntakeBatch) -> Iterator[None]:
    """A certificate number already taken means another issue of this batch (another
    window, a command line, another process) got there first: nothing is issued
    twice, and the clerk is told to let it finish."""
    import peewee

    try:
        yield
    except peewee.IntegrityError as exc:
        log.warning("batch %s: certificate taken by another issue: %s", batch.batch_no, exc)
        raise BatchError(
            _(
                "Batch {batch} is being issued elsewhere (another window or command): "
                "let it finish, then start again to check it."
            ).format(batch=batch.batch_no)
        ) from exc


def whole_pdf(path: Path) -> bool:
    """A certificate file that is there and whole: a PDF header and its end marker."""
    try:
        with path.open("rb") as fh:
            head = fh.read(5)
            fh.seek(0, 2)
            fh.seek(max(0, fh.tell() - 1024))
            tail = fh.read()
    except OSError:
        return False
    return head == b"%PDF-" and b"%%EOF" in tail


def write_file(path: Path, data: bytes) -> None:
    """A certificate PDF: a temporary file beside it, then a rename, so a killed run
    leaves the old file or the new one, never half of one. Not fsynced one by one
    (7 ms each here, a third of a 1,000-certificate issue): the store says which
    certificates exist, and an issue run again rewrites any file that is missing or
    cut short (``whole_pdf``), as after a power cut; the combined file is fsynced."""
    import os
    import tempfile

    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".cert-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _case_numbers(case_ids: list[str]) -> dict[str, str]:
    from plugins.intake.models import IntakeCase

    found: dict[str, str] = {}
    for start in range(0, len(case_ids), 500):
        part = case_ids[start : start + 500]
        for case in IntakeCase.select(IntakeCase.id, IntakeCase.case_no).where(
            IntakeCase.id.in_(part)
        ):
            found[case.id] = case.case_no
    return found


_issuing = threading.Lock()  # one issue at a time in this process (screen and palette)


def issue(
    runtime: Any,
    batch: IntakeBatch,
    *,
    actor: str,
    out_dir: Path | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> IssueResult:
    """Issue the batch's certificates (or finish an issue that was interrupted).
    Another process issuing the same batch at once meets the unique numbers and
    fails; nothing is issued twice."""
    with _issuing:
        return _issue(runtime, batch, actor=actor, out_dir=out_dir, progress=progress, today=today)


def _issue(
    runtime: Any,
    batch: IntakeBatch,
    *,
    actor: str,
    out_dir: Path | None,
    progress: Progress | None,
    today: dt.date | None,
) -> IssueResult:
    from core.catalog import store
    from core.documents import write_atomic
    from plugins.intake import batch_review, service

    today = today or dt.date.today()
    batch = IntakeBatch.get_by_id(batch.id)
    if batch.state == BatchState.DECLARED:
        raise BatchError(_("Batch {batch} waits for the reviewer.").format(batch=batch.batch_no))
    item = store.get_item(batch.item_code)
    if item is None:
        raise BatchError(
            _("The item code {code} is not in this workstation's catalog.").format(
                code=batch.item_code
            )
        )
    target = (
        Path(batch.output_dir) if batch.output_dir else (out_dir or default_out_dir(runtime, batch))
    )
    target.mkdir(parents=True, exist_ok=True)
    if batch.state == BatchState.DECIDED:
        with atomic():
            IntakeBatch.update(
                state=BatchState.ISSUING, output_dir=str(target), issued_by=actor
            ).where(IntakeBatch.id == batch.id).execute()
        batch = IntakeBatch.get_by_id(batch.id)
    batch_review.open_cases(runtime, batch, actor=actor, today=today)
    approved = list(
        BatchRow.select()
        .where((BatchRow.batch_id == batch.id) & (BatchRow.approved == True))  # noqa: E712
        .order_by(BatchRow.cert_seq)
    )
    total = len(approved)
    issued = {
        c.row_id: c for c in BatchCertificate.select().where(BatchCertificate.batch_id == batch.id)
    }
    cases = _case_numbers([r.case_id for r in approved if r.case_id])
    layout = Certificates(runtime, batch, item)
    until = valid_until(item, today)
    # Every sheet is known before issuing: earlier certificates as they were issued,
    # the others with the number their place gives and today's date.
    sheets: dict[str, Sheet] = {}
    for row in approved:
        cert = issued.get(row.id)
        case_no = cases.get(row.case_id, "")
        if cert is not None:
            sheets[row.id] = layout.sheet(
                cert.cert_no, cert.issued_on, cert.valid_until, row, case_no
            )
        else:
            sheets[row.id] = layout.sheet(
                cert_no(batch, row.cert_seq or 0), today, until, row, case_no
            )
    title = f"{batch.item_name} 批量发证 {batch.batch_no}"
    ordered = [sheets[row.id] for row in approved]
    processes = _processes(runtime)
    combined_job = (
        _combined_in_worker(layout.setup, title, batch.batch_no, ordered) if processes else None
    )
    workers: RenderWorkers | None = None
    try:
        done = len(issued)
        if progress is not None:
            progress(done, total)
        rewritten = 0
        for row in approved:  # files of certificates issued before a crash
            cert = issued.get(row.id)
            if cert is not None and not whole_pdf(target / cert.file_name):
                write_file(target / cert.file_name, layout.one(sheets[row.id]))
                rewritten += 1
        todo = [r for r in approved if r.id not in issued]
        site = runtime.config.site_code
        staging = target / STAGING
        shutil.rmtree(staging, ignore_errors=True)  # what a killed run laid out
        if processes > 1 and len(todo) >= PARALLEL_FROM:
            staging.mkdir()
            jobs = [(sheets[r.id], str(staging / f"{sheets[r.id].cert_no}.pdf")) for r in todo]
            workers = _start_workers(layout.setup, jobs, processes - 1)
        for start in range(0, len(todo), CHUNK):
            chunk = todo[start : start + CHUNK]
            made: list[tuple[BatchCertificate, BatchRow]] = []
            with _issued_elsewhere(batch), atomic():
                for row in chunk:
                    number = sheets[row.id].cert_no
                    cert = BatchCertificate.create(
                        batch_id=batch.id,
                        row_id=row.id,
                        cert_no=number,
                        holder_name=row.name,
                        issued_on=today,
                        valid_until=until,
                        file_name=f"{number}.pdf",
                    )
                    service.advance(
                        row.case_id,
                        service.CaseState.DECIDED,
                        actor=actor,
                        site_code=site,
                        today=today,
                        result=service.Result.APPROVED,
                        licence_no=number,
                        valid_until=until,
                    )
                    made.append((cert, row))
            for cert, row in made:
                staged = str(staging / cert.file_name)
                if workers is not None and workers.wait_for(staged):
                    os.replace(staged, target / cert.file_name)
                else:
                    write_file(target / cert.file_name, layout.one(sheets[row.id]))
                issued[row.id] = cert
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    except BaseException:
        if combined_job is not None:
            combined_job.cancel()  # its result would never be read
        raise
    finally:
        if workers is not None:
            workers.close()
        shutil.rmtree(target / STAGING, ignore_errors=True)
    combined = target / f"{batch.batch_no}{COMBINED_SUFFIX}"
    if total:
        data = combined_job.result() if combined_job is not None else None
        if data is None:
            data = render_combined(layout.setup, title, batch.batch_no, ordered)
        write_atomic(combined, data)
    with atomic():
        IntakeBatch.update(
            state=BatchState.ISSUED,
            issued_at=utcnow(),
            combined_file=str(combined) if total else "",
        ).where(IntakeBatch.id == batch.id).execute()
    batch = IntakeBatch.get_by_id(batch.id)
    issued_now = len(todo)
    log.info(
        "batch %s issued: %d certificates now, %d in all, %d files rewritten",
        batch.batch_no,
        issued_now,
        total,
        rewritten,
    )
    return IssueResult(batch, issued_now, total, rewritten, target, combined)
