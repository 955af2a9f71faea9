"""Synthetic batch intake files: applicants with valid (made-up) identifiers, and a
share of rows made bad on purpose, for the benchmark and the tests.

Resident IDs and credit codes get their check characters from python-stdnum, so a
"good" row passes the same checks a real one does; the bad rows fail one check each
(a wrong check character, an empty required cell, a short mobile, a duplicate).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

HEADER = ["姓名/单位名称", "证件号码/统一社会信用代码", "法定代表人", "手机号码", "申请日期"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"
AREAS = ("370303", "370302", "370304", "370305", "370306", "370321", "370322", "370323")
BAD_KINDS = ("check", "empty_name", "mobile", "duplicate", "uscc", "no_legal_rep")


def resident_id(rng: random.Random) -> str:
    from stdnum.cn import ric

    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 55))
    body = f"{rng.choice(AREAS)}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def credit_code(rng: random.Random) -> str:
    from stdnum.cn import uscc

    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + rng.choice(AREAS) + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(0, 10**9):09d}"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def rows(
    count: int, *, bad_share: float = 0.02, seed: int = 14, situations: int = 0
) -> Iterator[tuple[list[Any], str]]:
    """``count`` rows under ``HEADER`` (+ ``situations`` 是/否 columns, the first always
    是), each with the kind of fault planted in it ("" for a good row)."""
    rng = random.Random(seed)
    previous: list[Any] | None = None
    used: set[str] = set()

    def fresh(make: Any) -> str:
        # 10,000 random resident IDs collide about one time in three: draw again.
        while (number := make(rng)) in used:
            pass
        used.add(number)
        return str(number)

    for index in range(count):
        org = index % 5 == 4
        row: list[Any] = [
            f"淄博{person_name(rng)}商贸有限公司" if org else person_name(rng),
            fresh(credit_code) if org else fresh(resident_id),
            person_name(rng) if org else "",
            mobile(rng),
            "2026-11-30",
            *(("是" if n == 0 else rng.choice(("是", "否"))) for n in range(situations)),
        ]
        fault = ""
        if rng.random() < bad_share:
            fault = rng.choice(BAD_KINDS)
            if fault == "check":
                last = row[1][-1]
                row[1] = row[1][:-1] + ("1" if last != "1" else "2")
                row[2] = ""
            elif fault == "empty_name":
                row[0] = ""
            elif fault == "mobile":
                row[3] = row[3][:8]
            elif fault == "duplicate" and previous is not None:
                row = list(previous)
            elif fault == "uscc":
                row[1] = credit_code(rng)[:-1] + "I"
                row[2] = person_name(rng)
            elif fault == "no_legal_rep":
                row[1] = fresh(credit_code)
                row[2] = ""
            else:
                fault = ""
        previous = row if not fault else previous
        yield row, fault


def write_xlsx(
    path: Any, count: int, situations: list[str] | None = None, **options: Any
) -> list[str]:
    """Write a workbook of ``count`` rows with a 是/否 column per situation name;
    return the fault of each row."""
    from openpyxl import Workbook

    names = situations or []
    book = Workbook(write_only=True)
    sheet = book.create_sheet("申报名单")
    sheet.append(HEADER + names)
    faults = []
    for row, fault in rows(count, situations=len(names), **options):
        sheet.append(row)
        faults.append(fault)
    book.save(path)
    return faults
