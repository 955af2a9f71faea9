"""The columns of a batch intake file and the checks every row goes through.

A batch file has one row per applicant under a header row of the item's template
(``batch_template``): 姓名/单位名称, 证件号码/统一社会信用代码, 法定代表人, 手机号码,
申请日期 and one column per situation of the item (是/否). Headers are matched by
name, in any order, with the names people write instead (身份证号, 联系电话…); a row
or two of title above the header is skipped. A column the template does not have is
ignored and named in a warning; a required column that is missing refuses the file
(no row of it could be kept).

Each row is checked on its own, and every problem names the column as written in
the file and says what to fix, in the clerk's language: a refused row never stops
the rows after it. Identifiers are checked with ``core.identifiers`` (python-stdnum
without its address-table rejections): a number that passes as a resident ID is a
person (自然人); one that passes as a unified social credit code is an organisation
(法人), which must name its legal representative. Within one file a number may
appear once: a second row with it is refused naming the first.

An ID number that Excel stored as a number has lost its last digits (a float
holds 15–16): it is refused with that explanation rather than checked as digits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from core.i18n import _
from core.identifiers import check_mobile, check_resident_id, check_uscc, normalise
from core.safefiles import cell_date

NAME = "姓名/单位名称"
ID_NUMBER = "证件号码/统一社会信用代码"
LEGAL_REP = "法定代表人"
MOBILE = "手机号码"
APPLIED_ON = "申请日期"
FIXED_COLUMNS = (NAME, ID_NUMBER, LEGAL_REP, MOBILE, APPLIED_ON)
REQUIRED_COLUMNS = (NAME, ID_NUMBER, MOBILE)

# What people write instead of the template's headers.
ALIASES: dict[str, str] = {
    "姓名/单位名称": NAME,
    "姓名": NAME,
    "单位名称": NAME,
    "申请人": NAME,
    "申请人名称": NAME,
    "证件号码/统一社会信用代码": ID_NUMBER,
    "证件号码": ID_NUMBER,
    "身份证号": ID_NUMBER,
    "身份证号码": ID_NUMBER,
    "公民身份号码": ID_NUMBER,
    "统一社会信用代码": ID_NUMBER,
    "法定代表人": LEGAL_REP,
    "法人代表": LEGAL_REP,
    "手机号码": MOBILE,
    "手机号": MOBILE,
    "手机": MOBILE,
    "联系电话": MOBILE,
    "申请日期": APPLIED_ON,
}

YES = {"是", "√", "✓", "Y", "YES", "1", "TRUE", "有", "选"}
NO = {"否", "×", "N", "NO", "0", "FALSE", "无", ""}
MAX_NAME = 100


class FileProblem(Exception):
    """The file as a whole cannot be taken (no header, a required column missing)."""


@dataclass(frozen=True)
class Problem:
    row_no: int
    column: str  # the header as written in the file
    message: str


@dataclass
class Applicant:
    row_no: int
    kind: str  # person | org
    name: str
    id_number: str
    legal_rep: str
    mobile: str
    situations: list[str]
    applied_on: dt.date | None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Layout:
    """Where each column is: header row, index of each known column, the situations."""

    header_row: int
    columns: dict[str, int]  # canonical name -> index
    written: dict[str, str]  # canonical name -> header as written
    situations: dict[str, int]  # situation code -> index
    situation_headers: dict[str, str]  # situation code -> header as written
    ignored: list[str]  # headers that are not the template's
    only_situation: str = ""  # the item has one situation: every row is in it


def _header_text(value: Any) -> str:
    text = "" if value is None else str(value)
    return re.sub(r"[\s*＊]", "", text).replace("（", "(").replace("）", ")")


def find_layout(rows: list[tuple[int, list[Any]]], situations: list[dict[str, Any]]) -> Layout:
    """The header among the first ten rows: the first that names two known columns."""
    by_name = {_header_text(s.get("name")): str(s.get("code")) for s in situations}
    by_code = {_header_text(s.get("code")): str(s.get("code")) for s in situations}
    for number, values in rows[:10]:
        texts = [_header_text(v) for v in values]
        if sum(1 for t in texts if t in ALIASES) < 2:
            continue
        columns: dict[str, int] = {}
        written: dict[str, str] = {}
        found: dict[str, int] = {}
        found_headers: dict[str, str] = {}
        ignored: list[str] = []
        for index, text in enumerate(texts):
            if not text:
                continue
            shown = str(values[index]).strip()
            canonical = ALIASES.get(text)
            code = by_name.get(text) or by_code.get(text)
            if canonical is not None:
                if canonical in columns:
                    raise FileProblem(
                        _("The header row {row} has the column {column} twice.").format(
                            row=number, column=shown
                        )
                    )
                columns[canonical] = index
                written[canonical] = shown
            elif code is not None:
                found[code] = index
                found_headers[code] = shown
            else:
                ignored.append(shown)
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise FileProblem(
                _(
                    "The file has no column {columns}: use the item's template "
                    "(sihao intake template) or add the column, then import again."
                ).format(columns="、".join(missing))
            )
        if len(situations) > 1 and not found:
            raise FileProblem(
                _(
                    "The file has no column for the item's situations ({names}): use the "
                    "item's template, answer 是 or 否 under each, then import again."
                ).format(names="、".join(str(s.get("name")) for s in situations))
            )
        only = str(situations[0].get("code")) if len(situations) == 1 else ""
        return Layout(number, columns, written, found, found_headers, ignored, only)
    raise FileProblem(
        _(
            "No header row found in the first ten rows: the file must have the template's "
            "headers ({columns})."
        ).format(columns="、".join(REQUIRED_COLUMNS))
    )


def _cell(values: list[Any], index: int | None) -> Any:
    if index is None or index >= len(values):
        return None
    return values[index]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class RowChecker:
    """Checks the rows of one file in order; remembers the numbers seen."""

    def __init__(self, layout: Layout, *, today: dt.date | None = None) -> None:
        self.layout = layout
        self.today = today or dt.date.today()
        self.seen: dict[str, int] = {}

    def header(self, canonical: str) -> str:
        return self.layout.written.get(canonical, canonical)

    def blank(self, values: list[Any]) -> bool:
        return all(_text(v) == "" for v in values)

    def check(self, row_no: int, values: list[Any]) -> tuple[Applicant | None, list[Problem]]:
        cols = self.layout.columns
        problems: list[Problem] = []

        def problem(canonical: str, message: str) -> None:
            problems.append(Problem(row_no, self.header(canonical), message))

        name = _text(_cell(values, cols.get(NAME)))
        raw_id = _cell(values, cols.get(ID_NUMBER))
        legal_rep = _text(_cell(values, cols.get(LEGAL_REP)))
        raw_mobile = _text(_cell(values, cols.get(MOBILE)))
        if not name:
            problem(NAME, _("Empty: write the applicant's name or the organisation's name."))
        elif len(name) > MAX_NAME:
            problem(NAME, _("Longer than {n} characters.").format(n=MAX_NAME))
        kind, number = self._identifier(raw_id, legal_rep, problem)
        if kind == "org" and not legal_rep:
            problem(LEGAL_REP, _("Empty: an organisation must name its legal representative."))
        if not raw_mobile:
            problem(MOBILE, _("Empty: write the applicant's mobile number."))
        else:
            mobile = check_mobile(raw_mobile)
            if not mobile.ok:
                problem(MOBILE, mobile.error)
        applied_on = None
        raw_date = _cell(values, cols.get(APPLIED_ON))
        if _text(raw_date):
            applied_on = cell_date(raw_date)
            if applied_on is None:
                problem(APPLIED_ON, _("Not a date: write it as 2026-12-01."))
            elif applied_on > self.today:
                problem(APPLIED_ON, _("A date in the future."))
        chosen: list[str] = []
        unreadable = False
        for code, index in self.layout.situations.items():
            answer = _text(_cell(values, index)).upper()
            if answer in YES:
                chosen.append(code)
            elif answer not in NO:
                unreadable = True
                problems.append(
                    Problem(
                        row_no,
                        self.layout.situation_headers[code],
                        _("Write 是 or 否 (or leave it empty)."),
                    )
                )
        if self.layout.only_situation and not chosen:
            chosen.append(self.layout.only_situation)
        if self.layout.situations and not chosen and not unreadable:
            problems.append(
                Problem(
                    row_no,
                    "、".join(self.layout.situation_headers.values()),
                    _("Answer 是 under at least one situation."),
                )
            )
        if number and kind and not problems:
            first = self.seen.get(number)
            if first is not None:
                problem(
                    ID_NUMBER,
                    _("The same number as row {row}: each applicant once per file.").format(
                        row=first
                    ),
                )
            else:
                self.seen[number] = row_no
        if problems:
            return None, problems
        assert kind is not None
        mobile_number = check_mobile(raw_mobile).value
        return (
            Applicant(row_no, kind, name, number, legal_rep, mobile_number, chosen, applied_on),
            [],
        )

    def _identifier(self, raw: Any, legal_rep: str, problem: Any) -> tuple[str | None, str]:
        if isinstance(raw, float) or (isinstance(raw, int) and not isinstance(raw, bool)):
            if len(str(int(raw))) >= 15:
                problem(
                    ID_NUMBER,
                    _(
                        "Excel stored this number as a number and its last digits are lost: "
                        "format the column as text and type the number again."
                    ),
                )
                return None, ""
        text = _text(raw)
        if not text:
            problem(ID_NUMBER, _("Empty: write the resident ID or unified social credit code."))
            return None, ""
        number = normalise(text)
        person = check_resident_id(number, today=self.today)
        if person.ok and not legal_rep:
            return "person", person.value
        org = check_uscc(number)
        if org.ok:
            return "org", org.value
        if person.ok:
            return "person", person.value
        looks_like_person = number[:17].isdigit() and not legal_rep
        problem(ID_NUMBER, person.error if looks_like_person else org.error)
        return None, number
