"""Catalog files: JSON (the schema in docs/catalog-format.md) and an Excel workbook.

``load_catalog(path)`` reads either format by suffix and checks all of it (every
field, duplicate codes, unknown departments, bundle items and parent points)
before anything is written: a file with problems raises ``CatalogImportError``
holding every problem found (where, column, reason), so IT fixes the file in one
pass and the store never holds half a catalog. ``dump_catalog`` writes either
format; an exported file imports back unchanged.

Excel layout: one sheet per entity (departments, items, bundles, service_points)
and one per list inside an item (situations, materials, steps, faq), each with a
header row of field names; list-valued cells hold values separated by 、 or new
lines. openpyxl is imported only here, inside the Excel functions (≈ 60 ms).

Files are hostile until checked: JSON size and nesting, and a workbook's declared
sizes, are checked by ``core.safefiles`` before parsing; text that a spreadsheet
would run as a formula is written with a leading apostrophe, dropped on import.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import safefiles
from core.catalog import schema
from core.catalog.schema import BUNDLE, DEPARTMENT, ITEM, SERVICE_POINT, TERM, WORD, Problem
from core.i18n import _

log = logging.getLogger(__name__)

FORMAT_VERSION = 1

# JSON key of each entity list, in the order they are written and applied.
SECTIONS: dict[str, str] = {
    DEPARTMENT: "departments",
    ITEM: "items",
    BUNDLE: "bundles",
    SERVICE_POINT: "service_points",
    TERM: "glossary",
    WORD: "words",
}

# Item parts that get a sheet of their own in Excel: sheet -> (item key, fields).
CHILD_SHEETS: dict[str, tuple[str, list[str]]] = {
    "situations": ("situations", ["item", "code", "name", "conditions"]),
    "materials": (
        "materials",
        [
            "item",
            "key",
            "name",
            "form",
            "copies",
            "source",
            "basis",
            "sample",
            "required",
            "situations",
            "pending_allowed",
        ],
    ),
    "steps": ("steps", ["item", "name", "days", "counts"]),
    "faq": ("faq", ["item", "q", "a"]),
}


# Chinese column headings a workbook may use instead of the field names.
HEADER_ALIASES: dict[str, str] = {
    "编码": "code",
    "事项编码": "code",
    "名称": "name",
    "事项名称": "name",
    "简称": "short",
    "主项编码": "main_code",
    "主项名称": "main_name",
    "子项编码": "sub_code",
    "子项名称": "sub_name",
    "业务办理项类型": "handling_type",
    "办理类型": "handling_type",
    "事项类型": "item_type",
    "主管部门": "department",
    "部门": "department",
    "实施机关": "implementing_body",
    "行使层级": "exercise_level",
    "区划代码": "region_code",
    "设定和实施依据": "legal_basis",
    "服务对象": "service_object",
    "法定办结时限": "legal_days",
    "承诺办结时限": "promised_days",
    "当场办结": "on_the_spot",
    "收费依据": "fee_basis",
    "收费标准": "fee_standard",
    "办理地点": "place",
    "办理时间": "hours",
    "咨询电话": "phone",
    "监督投诉电话": "complaint_phone",
    "结果名称": "result_name",
    "结果样本": "result_sample",
    "有效期": "result_validity",
    "是否网办": "online",
    "网办地址": "online_url",
    "到现场次数": "visits",
    "关键词": "keywords",
    "常用说法": "keywords",
    "说明": "description",
    "事项": "item",
    "所属事项": "item",
    "受理条件": "conditions",
    "材料标识": "key",
    "形式": "form",
    "份数": "copies",
    "来源": "source",
    "依据": "basis",
    "样表": "sample",
    "必需": "required",
    "容缺": "pending_allowed",
    "办理情形": "situations",
    "时限": "days",
    "计入时限": "counts",
    "问题": "q",
    "解答": "a",
    "层级": "level",
    "上级": "parent",
    "区县": "district",
    "镇街": "town",
    "村社区": "village",
    "地址": "address",
    "电话": "phone",
    "可办理": "handles",
    "术语": "code",
    "白话": "plain",
    "说法": "code",
    "群众说法": "code",
    "意思": "means",
    "对应词": "means",
}


@dataclass
class CatalogDocument:
    """A whole catalog: lists of entity dicts in the schema (the sync payload format)."""

    departments: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    bundles: list[dict[str, Any]] = field(default_factory=list)
    service_points: list[dict[str, Any]] = field(default_factory=list)
    glossary: list[dict[str, Any]] = field(default_factory=list)
    words: list[dict[str, Any]] = field(default_factory=list)
    version: int = FORMAT_VERSION

    def entities(self, kind: str) -> list[dict[str, Any]]:
        entities: list[dict[str, Any]] = getattr(self, SECTIONS[kind])
        return entities

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, **{key: self.entities(k) for k, key in SECTIONS.items()}}

    def counts(self) -> dict[str, int]:
        return {SECTIONS[k]: len(self.entities(k)) for k in SECTIONS}


class CatalogImportError(Exception):
    """A catalog file was refused; ``problems`` lists everything wrong with it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(self.summary())

    def summary(self, limit: int = 50) -> str:
        head = _("The catalog was not imported: {n} problem(s) found. Nothing was changed.").format(
            n=len(self.problems)
        )
        lines = [head, *(f"  {p}" for p in self.problems[:limit])]
        if len(self.problems) > limit:
            lines.append(_("  … and {n} more").format(n=len(self.problems) - limit))
        return "\n".join(lines)


def _entry_where(section: str, index: int, data: Any) -> str:
    code = data.get("code") if isinstance(data, dict) else None
    where = f"{section}[{index}]"
    return f"{where}（{code}）" if code else where


def validate_document(raw: Any, *, where: Any = None) -> CatalogDocument:
    """Check a parsed catalog (JSON shape); raise ``CatalogImportError`` listing problems.

    ``where(kind, index, data)`` names an entry in messages (sheet and row for Excel).
    """
    locate = where or (lambda kind, index, data: _entry_where(SECTIONS[kind], index + 1, data))
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise CatalogImportError(
            [Problem(_("the file"), "", _("must hold one JSON object with the catalog lists"))]
        )
    version = raw.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        problems.append(
            Problem(
                _("the file"),
                "version",
                _("version {found} is not supported (expected {expected})").format(
                    found=version, expected=FORMAT_VERSION
                ),
            )
        )
    doc = CatalogDocument()
    for kind, section in SECTIONS.items():
        entries = raw.get(section, [])
        if not isinstance(entries, list):
            problems.append(Problem(_("the file"), section, _("must be a list")))
            continue
        seen: dict[str, str] = {}
        for index, data in enumerate(entries):
            entity, found = schema.normalise(kind, data)
            place = locate(kind, index, data)
            problems.extend(Problem(place, column, reason) for column, reason in found)
            code = entity.get("code")
            if code:
                if code in seen:
                    problems.append(
                        Problem(
                            place,
                            "code",
                            _("code {code} is used twice (also at {other})").format(
                                code=code, other=seen[code]
                            ),
                        )
                    )
                else:
                    seen[code] = place
            doc.entities(kind).append(entity)
    problems.extend(_reference_problems(doc, locate))
    problems.extend(_glossary_problems(doc, locate))
    problems.extend(_word_problems(doc, locate))
    if problems:
        raise CatalogImportError(problems)
    return doc


def _reference_problems(doc: CatalogDocument, locate: Any) -> list[Problem]:
    problems: list[Problem] = []
    departments = {d["code"] for d in doc.departments if d.get("code")}
    items = {i["code"] for i in doc.items if i.get("code")}
    points = {p["code"] for p in doc.service_points if p.get("code")}
    for index, item in enumerate(doc.items):
        if item.get("department") and item["department"] not in departments:
            problems.append(
                Problem(
                    locate(ITEM, index, item),
                    "department",
                    _("department {code} is not in the catalog").format(code=item["department"]),
                )
            )
    for index, bundle in enumerate(doc.bundles):
        for code in bundle.get("items", []):
            if code not in items:
                problems.append(
                    Problem(
                        locate(BUNDLE, index, bundle),
                        "items",
                        _("item {code} is not in the catalog").format(code=code),
                    )
                )
    for index, point in enumerate(doc.service_points):
        parent = point.get("parent")
        if parent and parent not in points:
            problems.append(
                Problem(
                    locate(SERVICE_POINT, index, point),
                    "parent",
                    _("parent point {code} is not in the catalog").format(code=parent),
                )
            )
        elif parent and parent == point.get("code"):
            problems.append(
                Problem(
                    locate(SERVICE_POINT, index, point),
                    "parent",
                    _("a point cannot be its own parent"),
                )
            )
    return problems


TERM_MAX = 20  # characters: a term is a word or two of the guides, not a sentence
PLAIN_MAX = 60  # the plain words are printed in a table cell and after a term


def _glossary_problems(doc: CatalogDocument, locate: Any) -> list[Problem]:
    """Glossary entries a guide could not print sensibly: a term too long to be one,
    plain words that say nothing new or would not fit beside the term."""
    problems: list[Problem] = []
    for index, entry in enumerate(doc.glossary):
        term, plain = entry.get("code", ""), entry.get("plain", "")
        if not term or not plain:
            continue  # the schema check already names what is missing
        place = locate(TERM, index, entry)
        if len(term) > TERM_MAX:
            problems.append(
                Problem(place, "code", _("is longer than {n} characters").format(n=TERM_MAX))
            )
        if plain == term:
            problems.append(Problem(place, "plain", _("is the same as the term itself")))
        elif len(plain) > PLAIN_MAX:
            problems.append(
                Problem(place, "plain", _("is longer than {n} characters").format(n=PLAIN_MAX))
            )
    return problems


WORD_MAX = 12  # characters: the longest run the lookup reads as one word


def _word_problems(doc: CatalogDocument, locate: Any) -> list[Problem]:
    """Synonyms and fillers the lookup could not use, or that would hide an item.

    A filler that is an item's everyday word or a bundle's word would be dropped
    from every phrase that says it; a synonym must lead to a word some item name,
    everyday word or bundle word holds, and to that word directly (no chains).
    """
    from core.catalog.search import normalise  # the lookup's own folding

    problems: list[Problem] = []
    spoken: dict[str, str] = {}  # everyday and bundle words -> whose (for the message)
    for item in doc.items:
        for word in item.get("keywords", []):
            spoken.setdefault(normalise(word), item.get("name", ""))
    for bundle in doc.bundles:
        for word in [bundle.get("name", ""), *bundle.get("keywords", [])]:
            spoken.setdefault(normalise(word), bundle.get("name", ""))
    # One text to look meanings up in: C's substring search over it is fast even
    # at 100,000 items, where a loop over names would not be.
    texts = "\n".join(
        [
            *(normalise(i.get("name", "")) for i in doc.items),
            *(normalise(i.get("main_name", "")) for i in doc.items),
            *spoken,
        ]
    )
    meaning_of = {normalise(w.get("code", "")): normalise(w.get("means", "")) for w in doc.words}
    for index, word in enumerate(doc.words):
        place = locate(WORD, index, word)
        said = normalise(word.get("code", ""))
        means = normalise(word.get("means", ""))
        if not word.get("code"):
            continue  # the schema check already names the missing code
        if not said:
            problems.append(Problem(place, "code", _("must hold hanzi, letters or digits")))
        elif len(said) > WORD_MAX:
            problems.append(
                Problem(place, "code", _("is longer than {n} characters").format(n=WORD_MAX))
            )
        elif means and means == said:
            problems.append(Problem(place, "means", _("is the same as the word itself")))
        elif means and meaning_of.get(means):
            problems.append(
                Problem(
                    place,
                    "means",
                    _("{means} is itself a synonym (of {other}): give the word it leads to").format(
                        means=word["means"], other=meaning_of[means]
                    ),
                )
            )
        elif means and means not in texts:
            problems.append(
                Problem(
                    place,
                    "means",
                    _(
                        "{means} is in no item name, everyday word or bundle word:"
                        " the lookup would find nothing by it"
                    ).format(means=word["means"]),
                )
            )
        elif not means and said in spoken:
            problems.append(
                Problem(
                    place,
                    "code",
                    _(
                        "is an everyday word of {owner}: as a filler it would be dropped"
                        " from every phrase that says it"
                    ).format(owner=spoken[said]),
                )
            )
    return problems


# -- reading -----------------------------------------------------------------------
def load_catalog(path: Path | str) -> CatalogDocument:
    """Read and check a catalog file (.json or .xlsx); raise ``CatalogImportError``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise CatalogImportError(
            [Problem(str(path), "", _("the file does not exist or cannot be read"))]
        )
    if suffix == ".json":
        return parse_json(path.read_bytes(), name=path.name)
    if suffix in (".xlsx", ".xlsm"):
        return _load_excel(path)
    raise CatalogImportError(
        [Problem(path.name, "", _("unknown file type; use a .json or .xlsx file"))]
    )


def parse_json(data: bytes, *, name: str = "catalog.json") -> CatalogDocument:
    """Check catalog JSON given as bytes (files, HTTP bodies); size and nesting are
    limited before parsing (core.safefiles)."""
    try:
        raw = safefiles.load_json(data, name=name)
    except safefiles.FileRefused as exc:
        log.warning("catalog %s refused: %s", name, exc.detail)
        raise CatalogImportError([Problem(name, "", str(exc))]) from exc
    return validate_document(raw)


def _cell(value: Any) -> Any:
    # An exported cell that would have been a formula carries an apostrophe: drop it.
    return safefiles.restore_cell(value.strip()) if isinstance(value, str) else value


def _read_sheets(
    book: Any, name: str
) -> tuple[dict[str, list[tuple[int, dict[str, Any]]]], list[Problem]]:
    """Every wanted sheet's non-empty rows as (row number, {field: value})."""
    problems: list[Problem] = []
    rows_of: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    wanted: dict[str, tuple[str, ...]] = {SECTIONS[k]: schema.REQUIRED[k] for k in SECTIONS}
    wanted.update({sheet: ("item",) for sheet in CHILD_SHEETS})
    for sheet_name, required in wanted.items():
        if sheet_name not in book.sheetnames:
            if sheet_name in ("departments", "items"):
                problems.append(
                    Problem(
                        _("sheet {sheet}").format(sheet=sheet_name), "", _("the sheet is missing")
                    )
                )
            rows_of[sheet_name] = []
            continue
        sheet = book[sheet_name]
        rows = safefiles.sheet_rows(sheet, name=name)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        header = [HEADER_ALIASES.get(h, h) for h in header]
        for column in required:
            if column not in header:
                problems.append(
                    Problem(
                        _("sheet {sheet}, row 1").format(sheet=sheet_name),
                        column,
                        _("the column is missing from the header row"),
                    )
                )
        entries: list[tuple[int, dict[str, Any]]] = []
        for number, values in enumerate(rows, start=2):
            if values is None or all(v is None or v == "" for v in values):
                continue
            entries.append(
                (number, {h: _cell(v) for h, v in zip(header, values, strict=False) if h})
            )
        rows_of[sheet_name] = entries
    return rows_of, problems


def _load_excel(path: Path) -> CatalogDocument:
    try:
        # The archive's declared sizes are checked before openpyxl inflates anything.
        book = safefiles.open_workbook(path)
    except safefiles.FileRefused as exc:
        log.warning("catalog %s refused: %s", path.name, exc.detail)
        raise CatalogImportError([Problem(path.name, "", str(exc))]) from exc
    try:
        rows_of, problems = _read_sheets(book, path.name)
    except safefiles.FileRefused as exc:  # XML that breaks off or turns hostile half-way
        log.warning("catalog %s refused: %s", path.name, exc.detail)
        raise CatalogImportError([Problem(path.name, "", str(exc))]) from exc
    finally:
        book.close()
    if problems:
        raise CatalogImportError(problems)

    raw: dict[str, Any] = {"version": FORMAT_VERSION}
    places: dict[str, list[str]] = {}
    for kind, section in SECTIONS.items():
        raw[section] = [data for _n, data in rows_of[section]]
        places[kind] = [
            _("sheet {sheet}, row {row}").format(sheet=section, row=n) for n, _d in rows_of[section]
        ]
    by_code = {str(schema.text(item.get("code"))): item for item in raw["items"]}
    for sheet_name, (key, _fields) in CHILD_SHEETS.items():
        for number, row in rows_of[sheet_name]:
            code = str(schema.text(row.pop("item", "")))
            item = by_code.get(code)
            if item is None:
                problems.append(
                    Problem(
                        _("sheet {sheet}, row {row}").format(sheet=sheet_name, row=number),
                        "item",
                        _("item {code} is not in the items sheet").format(code=code or "—"),
                    )
                )
                continue
            item.setdefault(key, []).append(row)
    try:
        doc = validate_document(raw, where=lambda kind, index, data: places[kind][index])
    except CatalogImportError as exc:
        raise CatalogImportError(problems + exc.problems) from None
    if problems:
        raise CatalogImportError(problems)
    return doc


# -- writing -----------------------------------------------------------------------
def dump_catalog(doc: CatalogDocument, path: Path | str) -> Path:
    """Write ``doc`` as .json or .xlsx (by suffix)."""
    path = Path(path)
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        path.write_text(
            json.dumps(doc.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    elif suffix == ".xlsx":
        _dump_excel(doc, path)
    else:
        raise ValueError(_("Unknown file type {suffix}; use .json or .xlsx.").format(suffix=suffix))
    return path


def _excel_value(value: Any) -> Any:
    """A cell's value; text that Excel would run as a formula is neutralised."""
    if isinstance(value, list):
        value = "\n".join(str(v) for v in value)
    return safefiles.neutralise_cell(value)


def _dump_excel(doc: CatalogDocument, path: Path) -> None:
    from openpyxl import Workbook  # ≈ 60 ms: only when a workbook is written

    book = Workbook(write_only=True)
    for kind, section in SECTIONS.items():
        columns = [
            key for key, _check in schema.FIELDS[kind] if not (kind == ITEM and key in CHILD_SHEETS)
        ]
        sheet = book.create_sheet(section)
        sheet.append(columns)
        for entity in doc.entities(kind):
            sheet.append([_excel_value(entity.get(c)) for c in columns])
    for sheet_name, (key, columns) in CHILD_SHEETS.items():
        sheet = book.create_sheet(sheet_name)
        sheet.append(columns)
        for item in doc.items:
            for part in item.get(key, []):
                sheet.append(
                    [_excel_value(item["code"]), *(_excel_value(part.get(c)) for c in columns[1:])]
                )
    book.save(path)
