"""The checklist's arithmetic: dates worked out by hand on the 2026 official calendar,
the critical path and slack, parallel assessments, merged materials, and rules
refused with the rule named. No store needed: the calendar reads chinesecalendar."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from core.workdays import WorkingCalendar
from plugins.checklist import rules as rules_mod
from plugins.checklist.rules import RulesRefused
from plugins.checklist.schedule import Actual, Status, compute, gantt

D = dt.date


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar(use_table=False)  # the official calendar, no store


def _rules(items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "version": "test-1",
        "stages": [{"stage": s, "name": f"阶段{s}", "lead": "牵头"} for s in (1, 2, 3, 4)],
        "project_types": [{"code": "social", "name": "社会投资", "promised": {"1": 5}}],
        "attributes": [
            {"code": "area", "name": "用地面积", "type": "number"},
            {"code": "flood", "name": "洪泛区", "type": "bool"},
            {"code": "env", "name": "环评类别", "type": "choice", "choices": ["报告书", "报告表"]},
        ],
        "items": items,
        **extra,
    }


def _item(code: str, days: int, needs: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {"code": code, "name": f"事项{code}", "stage": 1, "department": "部门",
            "days": days, "needs": needs or [], **extra}  # fmt: skip


CHAIN = _rules([_item("A", 3), _item("B", 2, ["A"]), _item("C", 1, ["B"]), _item("D", 1, ["C"])])


def test_dates_across_a_weekend_national_day_and_a_make_up_workday(
    calendar: WorkingCalendar,
) -> None:
    """Worked by hand from the 2026 calendar (国务院办公厅 2025 notice):
    start Thu 24 Sep. A, 3 working days: Fri 25 Sep is 中秋 (off), 26–27 the
    weekend, so Mon 28 (1), Tue 29 (2), Wed 30 (3): A finishes 30 Sep.
    B, 2 days after A: 1–7 Oct are the National Day holiday, so Thu 8 (1), Fri 9 (2).
    C, 1 day: Sat 10 Oct is a 调休 make-up working day: C finishes 10 Oct.
    D, 1 day: Sun 11 Oct is off: Mon 12 Oct."""
    plan = compute(rules_mod.parse(CHAIN), "social", {}, D(2026, 9, 24), calendar)
    finish = {i.code: i.finish for i in plan.items}
    assert finish == {"A": D(2026, 9, 30), "B": D(2026, 10, 9), "C": D(2026, 10, 10),
                      "D": D(2026, 10, 12)}  # fmt: skip
    start = {i.code: i.start for i in plan.items}
    assert start["B"] == D(2026, 9, 30) and start["A"] == D(2026, 9, 24)
    assert plan.completion == D(2026, 10, 12) and plan.total_days == 7
    assert plan.critical_path == ["A", "B", "C", "D"]
    assert not plan.start_moved and not plan.estimate_years


def test_a_start_on_a_holiday_moves_to_the_next_working_day(calendar: WorkingCalendar) -> None:
    plan = compute(rules_mod.parse(CHAIN), "social", {}, D(2026, 10, 3), calendar)
    assert plan.start_moved and plan.start == D(2026, 10, 8)
    # A: Fri 9 (1), Sat 10 make-up (2), Mon 12 (3).
    assert plan.item("A").finish == D(2026, 10, 12)  # type: ignore[union-attr]


def test_parallel_assessments_lengthen_the_critical_path_only_when_longer(
    calendar: WorkingCalendar,
) -> None:
    """立项 (1 day) → 方案审查 (10) → 施工许可 (3); 环评 and 节能审查 run beside 方案审查
    from 立项 and are needed by 施工许可."""

    def plan_with(hp_days: int, jn_days: int) -> Any:
        data = _rules([
            _item("LX", 1),
            _item("FA", 10, ["LX"]),
            _item("HP", hp_days, ["LX"], parallel=True),
            _item("JN", jn_days, ["LX"], parallel=True),
            _item("SG", 3, ["FA", "HP", "JN"]),
        ])  # fmt: skip
        return compute(rules_mod.parse(data), "social", {}, D(2026, 3, 2), calendar)

    short = plan_with(8, 5)
    assert short.total_days == 1 + 10 + 3
    assert short.critical_path == ["LX", "FA", "SG"]
    assert short.item("HP").slack == 2 and short.item("JN").slack == 5  # type: ignore[union-attr]
    assert not short.item("HP").critical  # type: ignore[union-attr]

    long = plan_with(15, 5)  # 环评 takes longer than the design review: it now leads
    assert long.total_days == 1 + 15 + 3
    assert long.critical_path == ["LX", "HP", "SG"]
    assert long.item("FA").slack == 5  # type: ignore[union-attr]
    # 2 Mar 2026 is a Monday; 19 working days later, no holiday in March: 27 Mar.
    assert long.completion == D(2026, 3, 27)


def test_real_dates_move_the_forecast(calendar: WorkingCalendar) -> None:
    parsed = rules_mod.parse(CHAIN)
    planned = compute(parsed, "social", {}, D(2026, 3, 2), calendar)
    assert planned.completion == D(2026, 3, 11)  # 7 working days after Mon 2 Mar
    # A done two working days late (promised Thu 5 Mar, done Mon 9 Mar).
    done = compute(parsed, "social", {}, D(2026, 3, 2), calendar,
                   {"A": Actual(Status.DONE, D(2026, 3, 9))})  # fmt: skip
    assert done.item("A").status is Status.DONE  # type: ignore[union-attr]
    assert done.completion == D(2026, 3, 13)
    # B late, now expected Fri 20 Mar: C and D follow it.
    late = compute(parsed, "social", {}, D(2026, 3, 2), calendar,
                   {"A": Actual(Status.DONE, D(2026, 3, 9)), "B": Actual(Status.LATE, D(2026, 3, 20))})  # fmt: skip
    assert late.item("C").finish == D(2026, 3, 23)  # type: ignore[union-attr]
    assert late.completion == D(2026, 3, 24)
    assert [i.code for i in late.overdue(D(2026, 3, 21))] == ["B"]
    assert late.overdue(D(2026, 3, 20)) == []


def test_items_follow_type_and_attributes_and_materials_merge(calendar: WorkingCalendar) -> None:
    data = _rules([
        _item("A", 1, materials=["营业执照", "申请表"]),
        _item("F", 5, ["A"], when=[{"attribute": "flood", "op": "==", "value": True}],
              materials=["营业执照", "洪评报告"]),
        _item("E", 5, ["A"], when=[{"attribute": "area", "op": ">=", "value": 50000}],
              materials=["营业执照"]),
        _item("G", 2, ["F", "E"], materials=["申请表"]),
    ])  # fmt: skip
    parsed = rules_mod.parse(data)
    plain = compute(parsed, "social", {"area": 100}, D(2026, 3, 2), calendar)
    assert [i.code for i in plain.items] == ["A", "G"]
    assert plain.item("G").needs == ()  # type: ignore[union-attr]  # F, E not needed here
    wide = compute(parsed, "social", {"area": 60000, "flood": True}, D(2026, 3, 2), calendar)
    assert {i.code for i in wide.items} == {"A", "F", "E", "G"}
    merged = {m.name: m.items for m in wide.materials}
    assert merged["营业执照"] == ("事项A", "事项F", "事项E") or merged["营业执照"] == (
        "事项A", "事项E", "事项F")  # fmt: skip
    assert merged["申请表"] == ("事项A", "事项G")
    assert len(wide.materials) == 3  # one line per material
    lines = gantt(wide, 80)
    assert len(lines) == 4 and all("█" in line or "▓" in line for line in lines)


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(RulesRefused) as refused:
        rules_mod.parse(data)
    return refused.value.problems


def test_a_dependency_cycle_is_refused_with_the_rule_named() -> None:
    data = _rules([_item("A", 1, ["C"]), _item("B", 1, ["A"]), _item("C", 1, ["B"]), _item("D", 1)])
    [problem] = _problems(data)
    # In the order results flow: A's result feeds B, B's feeds C, C's feeds A.
    assert problem == "规则 A（事项A）：依赖关系成环（A → B → C → A）。"


def test_an_unknown_item_or_attribute_is_refused_with_the_rule_named() -> None:
    data = _rules([
        _item("A", 1, ["ZZZ"]),
        _item("B", 1, when=[{"attribute": "height", "op": ">", "value": 100}]),
        _item("C", 1, when=[{"attribute": "area", "op": "==", "value": "大"}]),
        _item("D", 1, when=[{"attribute": "env", "op": "==", "value": "登记簿"}]),
    ])  # fmt: skip
    problems = _problems(data)
    assert any("A（事项A）" in p and "ZZZ" in p and "不在规则目录中" in p for p in problems)
    assert any("B（事项B）" in p and "height" in p and "没有定义" in p for p in problems)
    assert any("C（事项C）" in p and "number" in p for p in problems)
    assert any("D（事项D）" in p for p in problems)
    assert len(problems) == 4


def test_the_demo_rules_are_usable_and_attribute_values_are_typed() -> None:
    parsed = rules_mod.demo_rules()
    assert set(parsed.types) == {"government", "social", "small", "with_design"}
    area = parsed.attributes["land_area"]
    assert rules_mod.read_attribute(area, "１２,０００") == (12000, "")
    value, error = rules_mod.read_attribute(area, "一万")
    assert value is None and "必须是数字" in error
    flood = parsed.attributes["flood_zone"]
    assert rules_mod.read_attribute(flood, True) == (True, "")
    broken = copy.deepcopy(json.loads(rules_mod.demo_rules_path().read_text(encoding="utf-8")))
    broken["items"][-1]["needs"].append("BDC")
    [problem] = _problems(broken)
    assert problem.startswith("规则 SCDJ（不动产首次登记）") and "BDC" in problem


def test_a_synthetic_graph_of_ten_thousand_items(calendar: WorkingCalendar) -> None:
    from data.generate_checklist_rules import synthetic_rules

    parsed = rules_mod.parse(synthetic_rules(10_000, 30_000, seed=7))
    plan = compute(parsed, "social", {}, D(2026, 1, 5), calendar)
    assert len(plan.items) == 10_000
    by_code = {i.code: i for i in plan.items}
    for item in plan.items[:500]:  # every item starts after what it needs
        assert all(by_code[n].ef <= item.es for n in item.needs)
    assert plan.critical_path and all(by_code[c].slack == 0 for c in plan.critical_path)
    assert by_code[plan.critical_path[-1]].ef == plan.total_days


def test_days_before_and_after_the_start_count_a_day_off_as_the_working_day_before(
    calendar: WorkingCalendar,
) -> None:
    from plugins.checklist.schedule import Days

    days = Days(calendar, D(2026, 10, 12))  # a Monday
    assert days.offset(D(2026, 10, 10)) == -1  # the make-up Saturday is a working day
    assert days.offset(D(2026, 10, 11)) == -1  # Sunday: as Saturday
    assert days.offset(D(2026, 10, 9)) == -2
    assert days.offset(D(2026, 10, 8)) == -3
    assert days.offset(D(2026, 10, 5)) == -4  # National Day: as Wed 30 Sep, the day before it
    assert days.date(-4) == D(2026, 9, 30)
    assert days.offset(D(2026, 10, 17)) == 4  # Saturday after: as Fri 16 Oct
    assert days.date(4) == D(2026, 10, 16)
