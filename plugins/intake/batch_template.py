"""The template of an item's batch file (`sihao intake template CODE --out T.xlsx`).

One sheet 申报名单 with the header row (姓名/单位名称, 证件号码/统一社会信用代码,
法定代表人, 手机号码, 申请日期, then one column per situation of the item, answered
是/否 from a drop-down), the ID and mobile columns formatted as text so Excel keeps
all 18 characters, and a second sheet 填写说明 saying what each column takes. The
workbook's subject property (主题) carries the item code, so an import of the
filled file knows its item without being told.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.safefiles import neutralise_cell
from plugins.intake import batch_rows as cols

SHEET = "申报名单"
NOTES = "填写说明"

_NOTES = [
    (cols.NAME, "个人填姓名，单位填营业执照上的名称。必填。"),
    (cols.ID_NUMBER, "个人填18位居民身份证号码，单位填18位统一社会信用代码。必填。"),
    (cols.LEGAL_REP, "单位申请人必填；个人不填。"),
    (cols.MOBILE, "11位手机号码，用于接收办理进度短信。必填。"),
    (cols.APPLIED_ON, "可不填；填写格式如 2026-12-01。"),
]


def headers(item: dict[str, Any]) -> list[str]:
    return [*cols.FIXED_COLUMNS, *(str(s["name"]) for s in item.get("situations") or [])]


def write_template(item: dict[str, Any], out: Path) -> Path:
    """Write the template of ``item`` (a catalog dict) whole or not at all."""
    from openpyxl import Workbook  # ≈ 60 ms: only when a template is made
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from core.documents import write_atomic

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    names = headers(item)
    sheet.append([neutralise_cell(h) for h in names])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [24, 26, 12, 14, 12]
    for index, _name in enumerate(names):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = widths[index] if index < len(widths) else 16
    for letter in ("B", "D"):  # numbers as text: 18 digits survive, leading zeros too
        for row in range(2, 2002):
            sheet[f"{letter}{row}"].number_format = "@"
    situations = item.get("situations") or []
    if situations:
        choice = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
        sheet.add_data_validation(choice)
        first = len(cols.FIXED_COLUMNS) + 1
        for offset in range(len(situations)):
            letter = sheet.cell(row=1, column=first + offset).column_letter
            choice.add(f"{letter}2:{letter}2001")
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(NOTES)
    notes.append(["事项", neutralise_cell(f"{item['name']}（{item['code']}）")])
    notes.append([])
    notes.append(["列", "怎么填"])
    for name, how in _NOTES:
        notes.append([name, how])
    for situation in situations:
        conditions = "；".join(str(c) for c in situation.get("conditions") or [])
        notes.append(
            [
                neutralise_cell(str(situation["name"])),
                neutralise_cell(f"属于此情形填“是”，否则填“否”或不填。{conditions}"),
            ]
        )
    notes.column_dimensions["A"].width = 26
    notes.column_dimensions["B"].width = 70
    book.properties.subject = str(item["code"])
    book.properties.title = f"{item['name']} 批量申报名单"
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    return write_atomic(out, buffer.getvalue())
