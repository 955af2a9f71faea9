"""The server's licence register and rules: licences from cases and from IT's files.

Server side only (imports ``server``). Licences issued by cases arrive inside the
push transaction (``add_issued``, from ``sihao_server_licences_issued``); existing
licences come from a spreadsheet IT imports (``import_file``), every row checked
and reported by its row number and column, the good rows kept.

A licence is one row per (type, number): issued again (a renewal), it keeps its
row and takes the new expiry date, and with it a new round of reminders (their
keys carry the expiry date).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plugins.reminders import rules
from plugins.reminders.server_models import Licence, OptOut, Rule, Setting

log = logging.getLogger(__name__)

_UPDATED = (
    "item_code",
    "holder_kind",
    "holder_name",
    "holder_id",
    "legal_rep",
    "mobile",
    "valid_until",
    "issued_on",
    "site_code",
    "case_no",
    "source",
    "updated_at",
)


def upsert(rows: list[dict[str, Any]]) -> int:
    """Insert or update licences by (type, number), in key order (no deadlocks)."""
    from server.models import utcnow

    if not rows:
        return 0
    now = utcnow()
    ordered = sorted(
        {(r["licence_type"], r["licence_no"]): r for r in rows}.values(),
        key=lambda r: (r["licence_type"], r["licence_no"]),
    )
    for start in range(0, len(ordered), 500):
        chunk = [{**r, "updated_at": now} for r in ordered[start : start + 500]]
        (
            Licence.insert_many(chunk)
            .on_conflict(
                conflict_target=[Licence.licence_type, Licence.licence_no],
                preserve=[getattr(Licence, name) for name in _UPDATED],
            )
            .execute()
        )
    return len(ordered)


def add_issued(licences: Iterable[Any]) -> int:
    """Licences (``core.cases.IssuedLicence``) cases issued, into the register.

    A licence without a number cannot be told apart from the next and is left out
    (logged); one without a mobile is kept: its reminder is recorded as failed
    ("no mobile"), which the site's clerks see.
    """
    rows = []
    for licence in licences:
        if not str(licence.licence_no).strip() or not str(licence.licence_type).strip():
            log.warning(
                "issued licence without a number or type left out (case %s)", licence.case_no
            )
            continue
        rows.append(
            {
                "licence_type": str(licence.licence_type).strip(),
                "licence_no": str(licence.licence_no).strip(),
                "item_code": str(licence.item_code),
                "holder_kind": str(licence.holder_kind),
                "holder_name": str(licence.holder_name),
                "holder_id": str(licence.holder_id),
                "legal_rep": str(licence.legal_rep),
                "mobile": str(licence.mobile or ""),
                "valid_until": licence.valid_until,
                "issued_on": licence.issued_on,
                "site_code": str(licence.site_code),
                "case_no": str(licence.case_no),
                "source": "case",
            }
        )
    return upsert(rows)


# -- rules ---------------------------------------------------------------------------
QUIET_KEY = "quiet_hours"


def load_rules() -> rules.RuleSet:
    """The rules in force: stored ones, else the statutory 30 days."""
    found: dict[str, rules.Rule] = {}
    for row in Rule.select():
        found[row.licence_type] = rules.Rule(
            licence_type=row.licence_type,
            lead_days=tuple(int(d) for d in row.lead_days.split(",") if d),
            renewal_item=row.renewal_item,
            template=row.template,
            mask_holder=bool(row.mask_holder),
        )
    quiet = rules.QuietHours()
    setting = Setting.get_or_none(Setting.key == QUIET_KEY)
    if setting is not None:
        start, _, end = setting.value.partition("-")
        quiet = rules.QuietHours(rules.parse_time(start, "start"), rules.parse_time(end, "end"))
    return rules.RuleSet(found, quiet)


def save_rules(ruleset: rules.RuleSet) -> None:
    """Replace every rule with ``ruleset`` (checked whole by ``rules.parse_rules``)."""
    from server import db
    from server.models import utcnow

    with db.transaction():
        Rule.delete().execute()
        for rule in sorted(ruleset.rules.values(), key=lambda r: r.licence_type):
            Rule.create(
                licence_type=rule.licence_type,
                lead_days=",".join(str(d) for d in rule.lead_days),
                renewal_item=rule.renewal_item,
                template=rule.template,
                mask_holder=rule.mask_holder,
                updated_at=utcnow(),
            )
        quiet = ruleset.quiet
        Setting.insert(key=QUIET_KEY, value=f"{quiet.start:%H:%M}-{quiet.end:%H:%M}").on_conflict(
            conflict_target=[Setting.key], preserve=[Setting.value]
        ).execute()


def opt_out(holder_id: str, reason: str = "") -> None:
    OptOut.insert(holder_id=holder_id, reason=reason).on_conflict(
        conflict_target=[OptOut.holder_id], preserve=[OptOut.reason]
    ).execute()


def opt_in(holder_id: str) -> bool:
    return bool(OptOut.delete().where(OptOut.holder_id == holder_id).execute())


# -- import ----------------------------------------------------------------------------
# Header names IT's spreadsheets use, Chinese or English, to our fields.
COLUMNS: dict[str, tuple[str, ...]] = {
    "holder_name": ("持证人", "持证单位", "持证主体", "holder"),
    "holder_id": ("统一社会信用代码", "证件号码", "统一社会信用代码/身份证号", "holder_id"),
    "legal_rep": ("法定代表人", "负责人", "法定代表人或负责人", "legal_rep"),
    "mobile": ("手机号", "手机号码", "联系电话", "mobile"),
    "licence_type": ("证照类型", "许可证类型", "licence_type"),
    "licence_no": ("证照编号", "许可证编号", "licence_no"),
    "valid_until": ("有效期至", "有效期截止日期", "valid_until"),
    "issued_on": ("发证日期", "issued_on"),
    "item_code": ("事项编码", "item_code"),
}
REQUIRED = ("holder_name", "holder_id", "mobile", "licence_type", "licence_no", "valid_until")
MAX_IMPORT_ROWS = 2_000_000


@dataclass
class BadRow:
    row: int  # as the spreadsheet numbers it (the header is row 1)
    column: str  # the header as written in the file
    reason: str


@dataclass
class ImportReport:
    kept: int = 0
    bad: list[BadRow] = field(default_factory=list)


class ImportRefused(ValueError):
    """The whole file cannot be read (no header, not a spreadsheet): one sentence."""


def read_rows(path: Path) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The rows of an .xlsx (first sheet) or .csv, through ``core.safefiles.read_table``
    (the same reader and refusals as batch intake), each with its row number in the file."""
    from core.safefiles import FileRefused, read_table

    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise ImportRefused(f"{path.name}: import an .xlsx or .csv file")
    try:
        table = read_table(path, name=path.name)
    except FileRefused as exc:
        raise ImportRefused(f"{exc} ({exc.detail})" if exc.detail else str(exc)) from exc
    yield from ((line, tuple(values)) for line, values in table.rows)


def _header_map(header: tuple[Any, ...]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for index, cell in enumerate(header):
        name = str(cell or "").strip()
        for fieldname, names in COLUMNS.items():
            if name in names and fieldname not in found:
                found[fieldname] = (index, name)
    missing = [COLUMNS[f][0] for f in REQUIRED if f not in found]
    if missing:
        raise ImportRefused(
            "the first row must name the columns; missing: "
            + ", ".join(missing)
            + " (docs/reminders.md lists the names accepted)"
        )
    return found


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    match = _DATE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a date (2027-03-01 or 2027年3月1日)")
    year, month, day = (int(g) for g in match.groups())
    return dt.date(year, month, day)


def check_row(
    cells: dict[str, Any], site_code: str, today: dt.date
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """One row's licence, or the (field, sentence) faults found in it."""
    from core.identifiers import check_mobile, check_resident_id, check_uscc
    from core.safefiles import restore_cell

    def text(name: str) -> str:
        value = restore_cell(cells.get(name))
        return "" if value is None else str(value).strip()

    faults: list[tuple[str, str]] = []
    for name in ("holder_name", "licence_type", "licence_no"):
        if not text(name):
            faults.append((name, "is empty"))
        elif len(text(name)) > 200:
            faults.append((name, "is longer than 200 characters"))
    holder_id = text("holder_id")
    kind = "org"
    if not holder_id:
        faults.append(("holder_id", "is empty: a credit code or resident ID is needed"))
    else:
        org = check_uscc(holder_id)
        if org.ok:
            holder_id = org.value
        else:
            person = check_resident_id(holder_id, today=today)
            if person.ok:
                holder_id, kind = person.value, "person"
            else:
                # Say what is wrong with what it looks like: digits only, a resident ID.
                error = person.error if org.value[:17].isdigit() else org.error
                faults.append(("holder_id", f"is neither a credit code nor a resident ID: {error}"))
    mobile = text("mobile")
    if not mobile:
        faults.append(("mobile", "is empty: without a mobile no reminder can be sent"))
    else:
        checked = check_mobile(mobile)
        if checked.ok:
            mobile = checked.value
        else:
            faults.append(("mobile", checked.error))
    valid_until = None
    try:
        valid_until = parse_date(restore_cell(cells.get("valid_until")))
    except ValueError as exc:
        faults.append(("valid_until", str(exc)))
    if valid_until is not None and valid_until < today:
        faults.append(
            (
                "valid_until",
                f"the licence expired on {valid_until.isoformat()}: a reminder is too late "
                "(renew it or leave it out)",
            )
        )
    issued_on = None
    if text("issued_on"):
        try:
            issued_on = parse_date(restore_cell(cells.get("issued_on")))
        except ValueError as exc:
            faults.append(("issued_on", str(exc)))
    if faults:
        return None, faults
    return {
        "licence_type": text("licence_type"),
        "licence_no": text("licence_no"),
        "item_code": text("item_code"),
        "holder_kind": kind,
        "holder_name": text("holder_name"),
        "holder_id": holder_id,
        "legal_rep": text("legal_rep"),
        "mobile": mobile,
        "valid_until": valid_until,
        "issued_on": issued_on,
        "site_code": site_code,
        "case_no": "",
        "source": "import",
    }, []


def import_file(path: Path, site_code: str, today: dt.date) -> ImportReport:
    """Check every row of ``path``; keep the good ones for ``site_code``."""
    from server import db

    rows = read_rows(path)
    first = next(rows, None)
    if first is None:
        raise ImportRefused(f"{path.name} is empty")
    columns = _header_map(first[1])
    report = ImportReport()
    good: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for count, (number, row) in enumerate(rows, start=2):
        if count > MAX_IMPORT_ROWS:
            raise ImportRefused(f"{path.name} has more than {MAX_IMPORT_ROWS} rows: split it")
        if not any(cell not in (None, "") for cell in row):
            continue
        cells = {name: row[i] if i < len(row) else None for name, (i, _h) in columns.items()}
        licence, faults = check_row(cells, site_code, today)
        for fieldname, reason in faults:
            report.bad.append(BadRow(number, columns.get(fieldname, (0, fieldname))[1], reason))
        if licence is None:
            continue
        key = (licence["licence_type"], licence["licence_no"])
        if key in seen:
            report.bad.append(
                BadRow(number, columns["licence_no"][1], f"the same licence as row {seen[key]}")
            )
            continue
        seen[key] = number
        good.append(licence)
    with db.transaction():
        report.kept = upsert(good)
    return report
