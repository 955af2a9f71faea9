"""打包审核: one reviewer decision for the whole package, with per-row exceptions.

The reviewer approves (or refuses) the package and may name rows that go the
other way, each with a reason. The decision is written in one transaction: every
row's outcome, and the place of each approved row among them (``cert_seq``), which
fixes its certificate number before anything is issued.

Every row of the batch then becomes an application case (办件) through the intake
service, one case per applicant, so each has its own case number, its steps and
its rating: taken (受理) with the package's materials as received, moved to 审查;
a refused row goes on to 办结 with the result refused and its reason. Cases are
opened in chunks of ``CHUNK`` rows, each chunk one transaction that also records
the case on its row: a run interrupted halfway is finished by the next (decision
or issue), and a row that has its case is never taken twice.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from core.db import atomic
from core.i18n import _
from core.models import utcnow
from plugins.intake.batch_import import BatchError
from plugins.intake.batch_models import BatchProblem, BatchRow, BatchState, IntakeBatch

log = logging.getLogger(__name__)

APPROVE = "approve"
REFUSE = "refuse"
CHUNK = 50
Progress = Callable[[int, int], None]
# One opening at a time in this process (the review screen's worker and an issue
# started meanwhile); each row is re-read inside its transaction for the others.
_opening = threading.RLock()


def get_batch(ref: str) -> IntakeBatch:
    """A batch by its number (or id)."""
    batch = IntakeBatch.get_or_none(
        (IntakeBatch.batch_no == ref.strip()) | (IntakeBatch.id == ref.strip())
    )
    if batch is None:
        raise BatchError(_("There is no batch {batch} at this workstation.").format(batch=ref))
    return batch


def rows_of(batch: IntakeBatch) -> list[BatchRow]:
    return list(BatchRow.select().where(BatchRow.batch_id == batch.id).order_by(BatchRow.row_no))


def problems_of(batch: IntakeBatch) -> list[BatchProblem]:
    return list(
        BatchProblem.select()
        .where(BatchProblem.batch_id == batch.id)
        .order_by(BatchProblem.row_no, BatchProblem.id)
    )


def decide(
    batch: IntakeBatch,
    decision: str,
    *,
    reviewer: str,
    exceptions: dict[int, str] | None = None,
    note: str = "",
) -> IntakeBatch:
    """Record the package decision; ``exceptions`` maps row numbers to the reason
    that row goes the other way. ``BatchError`` if the batch was decided already,
    a row number is not in it, or an exception has no reason."""
    if decision not in (APPROVE, REFUSE):
        raise BatchError(_("Decide the package: approve or refuse."))
    exceptions = {int(k): v.strip() for k, v in (exceptions or {}).items()}
    with atomic():
        batch = IntakeBatch.get_by_id(batch.id)
        if batch.state != BatchState.DECLARED:
            raise BatchError(
                _("Batch {batch} was decided already ({when}).").format(
                    batch=batch.batch_no, when=f"{batch.decided_at:%Y-%m-%d %H:%M}"
                )
            )
        if reviewer and reviewer == batch.imported_by:
            log.info("batch %s reviewed by the clerk who imported it", batch.batch_no)
        rows = rows_of(batch)
        known = {r.row_no for r in rows}
        unknown = sorted(set(exceptions) - known)
        if unknown:
            raise BatchError(
                _("Row {rows} is not among the rows kept in this batch.").format(
                    rows="、".join(str(n) for n in unknown)
                )
            )
        blank = sorted(n for n, reason in exceptions.items() if not reason)
        if blank:
            raise BatchError(
                _("Give the reason for the exception of row {rows}.").format(
                    rows="、".join(str(n) for n in blank)
                )
            )
        if decision == REFUSE and not note.strip():
            raise BatchError(_("Give the reason the package is refused."))
        seq = 0
        updates = []
        for row in rows:
            excepted = row.row_no in exceptions
            approved = (decision == APPROVE) != excepted
            if approved:
                seq += 1
            updates.append(
                (
                    excepted,
                    exceptions.get(row.row_no, ""),
                    approved,
                    seq if approved else None,
                    row.id,
                )
            )
        # One prepared statement for every row: 10,000 row saves took a second and a half.
        BatchRow._meta.database.cursor().executemany(
            'UPDATE "intake_batch_row" SET "exception" = ?, "exception_reason" = ?, '
            '"approved" = ?, "cert_seq" = ? WHERE "id" = ?',
            updates,
        )
        batch.decision = decision
        batch.decision_note = note.strip()
        batch.reviewer = reviewer
        batch.decided_at = utcnow()
        batch.state = BatchState.DECIDED
        batch.save()
    log.info(
        "batch %s decided: %s, %d exceptions, %d approved",
        batch.batch_no,
        decision,
        len(exceptions),
        seq,
    )
    return batch


def refusal_reason(batch: IntakeBatch, row: BatchRow) -> str:
    return row.exception_reason if row.exception else (batch.decision_note or "打包审核不予通过")


def open_cases(
    runtime: Any,
    batch: IntakeBatch,
    *,
    actor: str,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> int:
    """Make every decided row a case (受理 → 审查, a refused row → 办结 refused);
    rows that have their case are skipped. Returns how many cases were opened."""
    from core.catalog import store

    if batch.state == BatchState.DECLARED:
        raise BatchError(_("Batch {batch} waits for the reviewer.").format(batch=batch.batch_no))
    item = store.get_item(batch.item_code)
    if item is None:
        raise BatchError(
            _("The item code {code} is not in this workstation's catalog.").format(
                code=batch.item_code
            )
        )
    with _opening:
        return _open_cases(runtime, batch, item, actor=actor, progress=progress, today=today)


def _open_cases(
    runtime: Any,
    batch: IntakeBatch,
    item: dict[str, Any],
    *,
    actor: str,
    progress: Progress | None,
    today: dt.date | None,
) -> int:
    from core.catalog import store
    from plugins.intake import service

    pending = list(
        BatchRow.select()
        .where((BatchRow.batch_id == batch.id) & (BatchRow.case_id == ""))
        .order_by(BatchRow.row_no)
    )
    site = runtime.config.site_code
    counter = service.Counter(site, actor)
    total = len(pending)
    done = 0
    taken = 0
    for start in range(0, total, CHUNK):
        chunk = pending[start : start + CHUNK]
        with atomic():
            for row in chunk:
                if BatchRow.get_by_id(row.id).case_id:  # opened meanwhile by another run
                    continue
                situations = tuple(json.loads(row.situations or "[]"))
                draft = service.IntakeDraft(
                    batch.item_code,
                    service.Applicant(
                        service.ApplicantKind(row.applicant_kind),
                        row.name,
                        row.id_number,
                        row.mobile,
                        row.legal_rep,
                    ),
                    situations,
                    tuple(service.checklist(item, situations)),
                )
                case = service.take(
                    draft, item, counter, runtime.calendar, today=today, bump_usage=False
                )
                service.advance(
                    case.id, service.CaseState.REVIEWING, actor=actor, site_code=site, today=today
                )
                if not row.approved:
                    service.advance(
                        case.id,
                        service.CaseState.DECIDED,
                        actor=actor,
                        site_code=site,
                        today=today,
                        result=service.Result.REFUSED,
                        note=refusal_reason(batch, row),
                    )
                BatchRow.update(case_id=case.id).where(BatchRow.id == row.id).execute()
                taken += 1
            if taken:
                store.bump_usage(batch.item_code, taken)  # counted once a chunk
                taken = 0
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    return total
