"""Import a batch file: read it (``core.safefiles.read_table``), check every row, keep
the good ones as a batch and every refused one with its reason.

Nothing is lost: the good rows and the problems are stored in one transaction,
and the refused rows are written to an error file beside the input (``名单-错误行.xlsx``
or ``.csv``), each with its row number, the column and what to fix, followed by the
row's own cells under the file's own headers, so the applicant can correct the error
file and it imports as it stands. A folder that cannot be written (a read-only USB
stick) gets the error file in the exports folder instead, and the result says where.

The item comes from ``--item``, else from the workbook's subject property (the
template sets it), else from an item code at the start of the file name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.catalog import store
from core.db import new_id
from core.i18n import _
from core.safefiles import Table, neutralise_row, read_table
from plugins.intake import batch_rows
from plugins.intake.batch_models import BatchProblem, BatchRow, BatchState, IntakeBatch
from plugins.intake.batch_rows import Applicant, FileProblem, Problem, RowChecker

log = logging.getLogger(__name__)

ERROR_SUFFIX = "-错误行"
ERROR_COLUMNS = ("行号", "出错的列", "问题")


class BatchError(Exception):
    """A batch operation refused; ``str()`` is the sentence for the clerk."""


@dataclass
class ImportResult:
    batch: IntakeBatch | None  # None when no row could be kept
    item: dict[str, Any]
    total_rows: int
    good_rows: int
    problems: list[Problem]
    ignored_columns: list[str]
    encoding: str
    merged_cells: int
    error_file: Path | None = None
    error_file_elsewhere: bool = False  # the input's folder could not be written
    warnings: list[str] = field(default_factory=list)
    header: list[Any] = field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        return len({p.row_no for p in self.problems})


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def find_item(code: str) -> dict[str, Any]:
    item = store.get_item(code.strip())
    if item is None:
        raise BatchError(
            _("The item code {code} is not in this workstation's catalog.").format(code=code)
        )
    return item


def item_for(table: Table, path: Path, item_code: str | None) -> dict[str, Any]:
    if item_code:
        return find_item(item_code)
    if table.subject and store.get_item(table.subject.strip()) is not None:
        return find_item(table.subject)
    stem = path.stem
    for sep in (" ", "_", "　", "（", "("):
        head = stem.split(sep, 1)[0]
        if head and store.get_item(head) is not None:
            return find_item(head)
    raise BatchError(
        _(
            "{name} does not say which item it is for: make it from the item's template, "
            "start its name with the item code, or choose the item."
        ).format(name=path.name)
    )


def next_batch_no(site_code: str, today: dt.date) -> str:
    """<site>-PL<YYYYMMDD>-<workstation tag>-<nnn>: the case-number rule (docs/intake.md)
    with PL (批量) before the day, so batches and cases never share a number."""
    from plugins.intake import numbering

    prefix = f"{site_code or 'LOCAL'}-PL{today:%Y%m%d}-{numbering.workstation_tag()}-"
    taken = IntakeBatch.select().where(IntakeBatch.batch_no.startswith(prefix)).count()
    return f"{prefix}{taken + 1:03d}"


def import_file(
    runtime: Any,
    path: Path | str,
    *,
    item_code: str | None = None,
    actor: str = "",
    error_dir: Path | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Check and store one file; ``FileRefused`` or ``BatchError`` if it cannot be taken."""
    path = Path(path)
    today = today or dt.date.today()
    table = read_table(path)
    item = item_for(table, path, item_code)
    digest = file_digest(path)
    earlier = IntakeBatch.get_or_none(
        (IntakeBatch.source_sha256 == digest) & (IntakeBatch.item_code == item["code"])
    )
    if earlier is not None:
        raise BatchError(
            _("{name} was imported already, as batch {batch}.").format(
                name=path.name, batch=earlier.batch_no
            )
        )
    try:
        layout = batch_rows.find_layout(table.rows, list(item.get("situations") or []))
    except FileProblem as exc:
        raise BatchError(str(exc)) from exc
    checker = RowChecker(layout, today=today)
    good: list[Applicant] = []
    problems: list[Problem] = []
    refused_values: dict[int, list[Any]] = {}
    total = 0
    for row_no, values in table.rows:
        if row_no <= layout.header_row or checker.blank(values):
            continue
        total += 1
        applicant, found = checker.check(row_no, values)
        if applicant is not None:
            good.append(applicant)
        else:
            problems.extend(found)
            refused_values[row_no] = values
    ignored = [h for h in layout.ignored if h not in ERROR_COLUMNS]
    result = ImportResult(
        None,
        item,
        total,
        len(good),
        problems,
        ignored,
        table.encoding,
        table.merged_cells,
    )
    header_values = next(v for n, v in table.rows if n == layout.header_row)
    result.header = list(header_values)
    if problems:
        result.error_file, result.error_file_elsewhere = write_error_file(
            path, table.kind, header_values, problems, refused_values, runtime, error_dir
        )
    if not good:
        log.info("batch file %s: no row kept (%d refused)", path.name, result.bad_rows)
        return result
    result.batch = _store(
        runtime, path, item, digest, table, good, problems, refused_values, result, actor, today
    )
    log.info(
        "batch %s imported from %s: %d rows kept, %d refused",
        result.batch.batch_no,
        path.name,
        len(good),
        result.bad_rows,
    )
    return result


def _store(
    runtime: Any,
    path: Path,
    item: dict[str, Any],
    digest: str,
    table: Table,
    good: list[Applicant],
    problems: list[Problem],
    refused_values: dict[int, list[Any]],
    result: ImportResult,
    actor: str,
    today: dt.date,
) -> IntakeBatch:
    db = IntakeBatch._meta.database
    with db.atomic():
        batch = IntakeBatch.create(
            batch_no=next_batch_no(runtime.config.site_code, today),
            site_code=runtime.config.site_code,
            item_code=item["code"],
            item_name=item["name"],
            source_name=path.name,
            source_sha256=digest,
            encoding=table.encoding,
            header=json.dumps([_json_cell(v) for v in result.header], ensure_ascii=False),
            state=BatchState.DECLARED,
            total_rows=result.total_rows,
            good_rows=len(good),
            bad_rows=result.bad_rows,
            error_file=str(result.error_file or ""),
            imported_by=actor,
        )
        rows = [
            {
                "id": new_id(),
                "batch_id": batch.id,
                "row_no": a.row_no,
                "applicant_kind": a.kind,
                "name": a.name,
                "id_number": a.id_number,
                "legal_rep": a.legal_rep,
                "mobile": a.mobile,
                "situations": json.dumps(a.situations, ensure_ascii=False),
                "applied_on": a.applied_on,
                "warnings": "\n".join(a.warnings),
            }
            for a in good
        ]
        bulk_insert(BatchRow, rows)
        kept = [
            {
                "id": new_id(),
                "batch_id": batch.id,
                "row_no": p.row_no,
                "column": p.column,
                "message": p.message,
                "values": json.dumps(
                    [_json_cell(v) for v in refused_values.get(p.row_no, [])], ensure_ascii=False
                ),
            }
            for p in problems
        ]
        bulk_insert(BatchProblem, kept)
    return batch


def bulk_insert(model: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows with one prepared statement: peewee's ``insert_many`` spends
    about 0.1 ms a row building SQL text (1 s of a 10,000-row import); ``executemany``
    of one statement takes a tenth of that."""
    if not rows:
        return
    fields = list(model._meta.sorted_fields)
    defaults = {
        f.name: (f.default() if callable(f.default) else f.default)
        for f in fields
        if f.name not in rows[0]
    }
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join("?" for _ in fields)
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
    values = [
        [f.db_value(row[f.name] if f.name in row else defaults[f.name]) for f in fields]
        for row in rows
    ]
    model._meta.database.cursor().executemany(sql, values)


def _json_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def error_rows(problems: list[Problem], refused_values: dict[int, list[Any]]) -> list[list[Any]]:
    by_row: dict[int, list[Problem]] = {}
    for p in problems:
        by_row.setdefault(p.row_no, []).append(p)
    lines = []
    for row_no in sorted(by_row):
        found = by_row[row_no]
        columns = "、".join(dict.fromkeys(p.column for p in found))
        reasons = "；".join(f"{p.column}：{p.message}" for p in found)
        lines.append([row_no, columns, reasons, *refused_values.get(row_no, [])])
    return lines


def write_error_file(
    source: Path,
    kind: str,
    header: list[Any],
    problems: list[Problem],
    refused_values: dict[int, list[Any]],
    runtime: Any,
    error_dir: Path | None = None,
) -> tuple[Path, bool]:
    """Write the refused rows beside ``source`` (or in ``error_dir``); if that folder
    cannot be written, in the exports folder. Returns the path and whether it moved."""
    from core.documents import DocumentError, write_atomic

    suffix = ".xlsx" if kind == "xlsx" else ".csv"
    name = f"{source.stem}{ERROR_SUFFIX}{suffix}"
    head = [*ERROR_COLUMNS, *("" if h is None else h for h in header)]
    body = [head, *error_rows(problems, refused_values)]
    data = _xlsx_bytes(body) if kind == "xlsx" else _csv_bytes(body)
    target = (error_dir or source.parent) / name
    try:
        return write_atomic(target, data), False
    except DocumentError as exc:
        log.warning("error file not written beside the input (%s); in the exports folder", exc)
    fallback = Path(runtime.paths.exports_dir) / name
    fallback.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(fallback, data), True


def _xlsx_bytes(body: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("错误行")
    for line in body:
        sheet.append(neutralise_row(line))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_bytes(body: list[list[Any]]) -> bytes:
    import csv

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    for line in body:
        writer.writerow(neutralise_row(["" if v is None else v for v in line]))
    # UTF-8 with BOM: what Excel and WPS open without asking for the encoding.
    return buffer.getvalue().encode("utf-8-sig")


def fix_row(
    batch: IntakeBatch, row_no: int, typed: dict[str, str], *, today: dt.date | None = None
) -> list[Problem]:
    """Re-check a refused row with the cells the clerk typed (canonical column name ->
    text) in place of the file's; kept in the batch if it passes now. Returns the
    problems left (empty: the row is kept)."""
    problems = list(
        BatchProblem.select().where(
            (BatchProblem.batch_id == batch.id)
            & (BatchProblem.row_no == row_no)
            & (BatchProblem.fixed == False)  # noqa: E712
        )
    )
    if not problems:
        raise BatchError(_("Row {rows} has nothing to fix.").format(rows=row_no))
    if batch.state != BatchState.DECLARED:
        raise BatchError(
            _("Batch {batch} was decided already: fix the row in a new file.").format(
                batch=batch.batch_no
            )
        )
    item = find_item(batch.item_code)
    header = json.loads(batch.header or "[]")
    layout = batch_rows.find_layout([(1, header)], list(item.get("situations") or []))
    values = list(json.loads(problems[0].values or "[]"))
    values.extend([None] * (len(header) - len(values)))
    for name, text in typed.items():
        index = layout.columns.get(name)
        if index is not None:
            values[index] = text
    checker = RowChecker(layout, today=today)
    for row in BatchRow.select(BatchRow.id_number, BatchRow.row_no).where(
        BatchRow.batch_id == batch.id
    ):
        checker.seen[row.id_number] = row.row_no
    applicant, found = checker.check(row_no, values)
    if applicant is None:
        return found
    with IntakeBatch._meta.database.atomic():
        BatchRow.create(
            batch_id=batch.id,
            row_no=applicant.row_no,
            applicant_kind=applicant.kind,
            name=applicant.name,
            id_number=applicant.id_number,
            legal_rep=applicant.legal_rep,
            mobile=applicant.mobile,
            situations=json.dumps(applicant.situations, ensure_ascii=False),
            applied_on=applicant.applied_on,
        )
        BatchProblem.update(fixed=True).where(
            (BatchProblem.batch_id == batch.id) & (BatchProblem.row_no == row_no)
        ).execute()
        IntakeBatch.update(
            good_rows=IntakeBatch.good_rows + 1, bad_rows=IntakeBatch.bad_rows - 1
        ).where(IntakeBatch.id == batch.id).execute()
    log.info("batch %s: row %d fixed at the screen and kept", batch.batch_no, row_no)
    return []
