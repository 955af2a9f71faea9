"""Projects in the real store: saved with their outbox records (valid against the
strict schemas the server applies), bad input refused in a sentence, real dates,
stage completion, the joint consultation, the overdue count on the home tile, rules
imported whole or refused whole, and the printout read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.outbox import Outbox
from core.runtime import Runtime
from plugins.checklist import rules as rules_mod
from plugins.checklist import schemas, service
from plugins.checklist.models import Project, ProjectEvent
from plugins.checklist.plugin import overdue_badge
from plugins.checklist.schedule import Status
from tests.plugins.checklist.conftest import CREDIT_CODE
from workstation.cli import main

D = dt.date


def _form(**changes: object) -> service.ProjectForm:
    values: dict[str, object] = dict(
        name="齐鲁新材料产业园一期", enterprise="淄博齐鲁新材料有限公司", credit_code=CREDIT_CODE,
        project_type="social", planned_start="2026-03-02",
        attributes={"new_land": True, "env_category": "报告表", "land_area": "12000"},
    )  # fmt: skip
    values.update(changes)
    return service.ProjectForm(**values)  # type: ignore[arg-type]


def _create(runtime: Runtime, **changes: object) -> Project:
    rules = service.current_rules()
    checked = service.check(_form(**changes), rules, runtime.calendar)
    assert checked.ok, checked.problems
    return service.create_project(
        checked, rules, actor="2001", site_code=runtime.config.site_code, role="steward"
    )


def test_a_project_and_its_events_go_to_the_outbox_as_the_server_accepts_them(
    cl_runtime: Runtime,
) -> None:
    project = _create(cl_runtime)
    rules = service.current_rules()
    service.change_attributes(project, {**service.attributes_of(project), "flood_zone": True},
                              actor="2001", site_code=project.site_code)  # fmt: skip
    service.mark_item(project, "LXBA", Status.DONE, D(2026, 3, 3), rules, cl_runtime.calendar,
                      actor="2001", site_code=project.site_code, today=D(2026, 3, 3))  # fmt: skip
    service.open_issue(project, "用地红线与规划条件不一致", "自然资源和规划局", D(2026, 3, 20),
                       actor="2001", site_code=project.site_code)  # fmt: skip
    rows = list(Outbox.select().order_by(Outbox.client_seq))
    assert [r.kind for r in rows] == ["checklist.project"] + ["checklist.event"] * 3
    first = json.loads(rows[0].payload)
    schemas.ProjectPayload.model_validate(first)
    assert first["promised"] == {"1": 20, "2": 15, "3": 15, "4": 15}
    assert first["attributes"] == {"env_category": "报告表", "land_area": 12000, "new_land": True}
    for row in rows[1:]:
        schemas.ProjectEventPayload.model_validate(json.loads(row.payload))
    kinds = [e.kind for e in ProjectEvent.select().order_by(ProjectEvent.created_at)]
    assert kinds == ["attributes", "done", "issue"]


@pytest.mark.parametrize(
    "changes, sentence",
    [
        ({"attributes": {"land_area": "一万"}}, "用地面积（平方米）必须是数字"),
        ({"attributes": {"env_category": "报告册"}}, "环评类别 只能是：报告书、报告表、登记表。"),
        ({"credit_code": "91370303MA3C4XQ125"}, "校验"),
        ({"planned_start": "下周一"}, "计划开工准备日请写成 2026-10-08 这样的日期。"),
        ({"project_type": ""}, "请选择项目类型。"),
    ],
)
def test_bad_input_is_one_sentence_and_nothing_is_saved(
    cl_runtime: Runtime, changes: dict[str, object], sentence: str
) -> None:
    checked = service.check(_form(**changes), service.current_rules(), cl_runtime.calendar)
    assert not checked.ok
    assert any(sentence in p for p in checked.problems), checked.problems
    with pytest.raises(service.ProjectError):
        service.create_project(checked, service.current_rules(), actor="2001", site_code="x",
                               role="steward")  # fmt: skip
    assert Project.select().count() == 0 and Outbox.select().count() == 0


def test_a_holiday_start_is_kept_as_typed_and_the_plan_says_where_it_starts(
    cl_runtime: Runtime,
) -> None:
    checked = service.check(
        _form(planned_start="2026-10-01"), service.current_rules(), cl_runtime.calendar
    )
    assert checked.ok
    assert checked.notes == ["2026-10-01 不是工作日：清单从下一个工作日 2026-10-08 起算。"]
    project = _create(cl_runtime, planned_start="2026-10-01")
    plan = service.plan_for(project, service.current_rules(), cl_runtime.calendar)
    assert project.planned_start == D(2026, 10, 1) and plan.start == D(2026, 10, 8)


def test_stage_completion_consultation_and_overdue_on_the_tile(cl_runtime: Runtime) -> None:
    project = _create(cl_runtime, attributes={})  # social, no new land: LXBA then YDGH in stage 1
    rules = service.current_rules()
    cal = cl_runtime.calendar
    plan = service.plan_for(project, rules, cal)
    assert [i.code for i in plan.by_stage()[1]] == ["LXBA", "YDGH"]
    site = project.site_code
    service.mark_item(project, "LXBA", Status.DONE, D(2026, 3, 3), rules, cal, actor="2001",
                      site_code=site, today=D(2026, 3, 3))  # fmt: skip
    assert not ProjectEvent.select().where(ProjectEvent.kind == "stage_done").exists()
    with pytest.raises(service.ProjectError, match="未来"):
        service.mark_item(project, "YDGH", Status.DONE, D(2026, 3, 20), rules, cal, actor="2001",
                          site_code=site, today=D(2026, 3, 10))  # fmt: skip
    service.mark_item(project, "YDGH", Status.DONE, D(2026, 3, 10), rules, cal, actor="2001",
                      site_code=site, today=D(2026, 3, 10))  # fmt: skip
    [stage] = ProjectEvent.select().where(ProjectEvent.kind == "stage_done")
    assert json.loads(stage.data) == {"stage": 1} and stage.day == D(2026, 3, 10)

    issue = service.open_issue(project, "消防设计与规划方案冲突", "住房和城乡建设局", None,
                               actor="2001", site_code=site)  # fmt: skip
    assert [i.open for i in service.issues(project.id)] == [True]
    with pytest.raises(service.ProjectError):
        service.open_issue(project, "  ", "住建局", None, actor="2001", site_code=site)
    service.close_issue(project, issue.id, "联合审查后调整方案", actor="2001", site_code=site)
    assert [i.outcome for i in service.issues(project.id)] == ["联合审查后调整方案"]

    # Long past March 2026 every open item is overdue, and the tile says how many.
    overdue = service.overdue_items(site, rules, cal, D(2027, 1, 4))
    open_items = [
        i for i in service.plan_for(project, rules, cal).items if i.status is not Status.DONE
    ]
    assert overdue == len(open_items) > 0
    badge = overdue_badge(cl_runtime)
    assert badge is not None and badge.alert and badge.text == f"{overdue} 项逾期"


def _pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", out.stdout)


def test_the_printout_reads_back(cl_runtime: Runtime, tmp_path: Path) -> None:
    project = _create(cl_runtime, attributes={"civil_air_defence": True, "wants_financing": True})
    service.open_issue(project, "人防易地建设费减免政策不明确", "人民防空办公室", D(2026, 3, 20),
                       actor="2001", site_code=project.site_code)  # fmt: skip
    target = tmp_path / "checklist.pdf"
    result = CliRunner().invoke(
        main,
        ["--data-dir", str(cl_runtime.paths.data_dir), "checklist", "print", project.id[:13],
         "--out", str(target)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = _pdf_text(target)
    plan = service.plan_for(project, service.current_rules(), cl_runtime.calendar)
    assert (
        f"齐鲁新材料产业园一期批前清单{dt.date.today():%Y-%m-%d}" not in text
    )  # title is metadata
    assert "齐鲁新材料产业园一期批前清单" in text
    assert f"打印日期{dt.date.today():%Y-%m-%d}" in text
    assert f"最早可完成日期{plan.completion.isoformat()}" in text
    assert "融资辅导" in text and "人防工程设计审查" in text
    assert "第一阶段立项用地规划许可" in text and "第四阶段竣工验收" in text
    assert text.count("营业执照") >= 1 and "人防易地建设费减免政策不明确" in text
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True).stdout
    assert f"批前清单 {dt.date.today():%Y-%m-%d}" in info


def test_rules_are_imported_whole_or_refused_with_the_rule_named(
    cl_runtime: Runtime, tmp_path: Path
) -> None:
    data = json.loads(rules_mod.demo_rules_path().read_text(encoding="utf-8"))
    data["version"] = "2027.01-site"
    data["items"][3]["needs"].append("TDCR")  # 用地预审 needs an item nobody defined
    bad = tmp_path / "rules.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    runner = CliRunner()
    args = ["--data-dir", str(cl_runtime.paths.data_dir), "checklist", "rules", "import", str(bad)]
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert "规则 YDYS（用地预审与选址意见书）：依赖的事项 TDCR 不在规则目录中。" in result.output
    assert service.current_rules().version == "2026.12-demo"
    data["items"][3]["needs"].remove("TDCR")
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert service.current_rules().version == "2027.01-site"


def test_the_audit_chain_holds_after_changes_made_here_and_pulled(cl_runtime: Runtime) -> None:
    from core import audit
    from core.db import atomic
    from core.outbox import RecordRejected
    from plugins.checklist.models import MODELS

    project = _create(cl_runtime)
    site = project.site_code
    service.change_attributes(project, {"flood_zone": True}, actor="2001", site_code=site)
    service.change_start(project, D(2026, 4, 1), actor="2001", site_code=site)
    pulled = {
        "id": "e-remote-1", "project_id": project.id, "kind": "attributes", "item_code": "",
        "day": "", "attributes": {"civil_air_defence": True}, "actor": "2002", "site_code": site,
        "created_at": "2026-03-05T10:00:00",
    }  # fmt: skip
    with atomic():
        service.apply_remote_event(pulled)
        service.apply_remote_event(pulled)  # the same page pulled twice: harmless
    assert service.attributes_of(Project.get()) == {"civil_air_defence": True}
    result = audit.verify(list(MODELS))
    assert result.ok, result
    # A pulled change that is not what it claims is refused before anything is written.
    for bad in (
        {**pulled, "id": "e-remote-2", "attributes": {"x": [1, 2]}},
        {**pulled, "id": "e-remote-3", "kind": "stage_done", "day": "2026-03-05", "stage": 9},
        {**pulled, "id": "e-remote-4", "project_id": "nobody"},
        {**pulled, "id": "e-remote-5", "kind": "start", "day": "soon"},
    ):
        with pytest.raises(RecordRejected):
            service.apply_remote_event(bad)
    assert service.attributes_of(Project.get()) == {"civil_air_defence": True}
    assert Project.get().planned_start == D(2026, 4, 1)
    assert ProjectEvent.select().count() == 3


def test_list_and_show_from_the_command_line(cl_runtime: Runtime) -> None:
    project = _create(cl_runtime)
    plan = service.plan_for(project, service.current_rules(), cl_runtime.calendar)
    runner = CliRunner()
    base = ["--data-dir", str(cl_runtime.paths.data_dir), "checklist"]
    listed = runner.invoke(main, [*base, "list"])
    assert listed.exit_code == 0, listed.output
    assert "齐鲁新材料产业园一期" in listed.output
    assert f"最早完成 {plan.completion.isoformat()}" in listed.output
    shown = runner.invoke(main, [*base, "show", project.id[:13]])
    assert shown.exit_code == 0, shown.output
    assert "用地预审与选址意见书" in shown.output and "环境影响评价（报告表）审批" in shown.output
    assert (
        f"最早可完成日期：{plan.completion.isoformat()}（共 {plan.total_days} 个工作日）"
        in shown.output
    )
    unknown = runner.invoke(main, [*base, "show", "nothing-like-it"])
    assert unknown.exit_code == 2 and "没有编号为 nothing-like-it 的唯一项目" in unknown.output


def test_only_a_steward_opens_a_project(cl_runtime: Runtime) -> None:
    checked = service.check(_form(), service.current_rules(), cl_runtime.calendar)
    assert checked.ok
    with pytest.raises(service.ProjectError, match="只有项目管家可以新建项目"):
        service.create_project(checked, service.current_rules(), actor="1001",
                               site_code=cl_runtime.config.site_code, role="clerk")  # fmt: skip
    assert Project.select().count() == 0
