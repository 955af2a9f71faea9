"""The intake service on a real store with the demo catalog: outcomes, checklists,
promised dates across National Day, states hash-chained, usage counts, the case hook."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from core import audit, outbox
from core.catalog import store
from core.runtime import Runtime
from plugins.intake import numbering, service
from plugins.intake.models import CaseStep, IntakeCase
from plugins.intake.service import (
    Applicant,
    ApplicantKind,
    CaseState,
    IntakeError,
    MaterialStatus,
    Outcome,
    Result,
)
from tests.plugins.intake.helpers import FOOD, PERSON, org, take


def test_an_accepted_case_is_numbered_promised_across_national_day_and_counted(
    intake_runtime: Runtime,
) -> None:
    before = store.usage_counts().get(FOOD, 0)
    case = take(intake_runtime, today=dt.date(2026, 9, 28))
    parts = numbering.parse(case.case_no)
    assert parts is not None
    assert parts["site"] == intake_runtime.config.site_code
    assert parts["day"] == "20260928" and parts["seq"] == "0001"
    # 3 working days from Monday 28 September: 29, 30 September, then 8 October
    # (1–7 October are the National Day holiday).
    assert case.promised_on == dt.date(2026, 10, 8)
    assert not case.due_estimate
    second = take(intake_runtime, today=dt.date(2026, 9, 30))
    # From the 30th: 8, 9 October and Saturday the 10th, a make-up working day (调休).
    assert second.promised_on == dt.date(2026, 10, 10)
    assert numbering.parse(second.case_no)["seq"] == "0001"  # a new day starts again
    third = take(intake_runtime, today=dt.date(2026, 9, 30))
    assert numbering.parse(third.case_no)["seq"] == "0002"
    assert store.usage_counts()[FOOD] == before + 3
    assert service.state_of(case.id) is CaseState.ACCEPTED
    kinds = [row.kind for row in outbox.pending()]
    assert kinds.count(service.CASE_KIND) == 3 and kinds.count(service.STEP_KIND) == 3


def test_required_material_missing_cannot_be_accepted_but_is_notified(
    intake_runtime: Runtime,
) -> None:
    with pytest.raises(IntakeError) as refused:
        take(intake_runtime, premises=MaterialStatus.MISSING)
    assert any(field == "outcome" for field, _s in refused.value.problems)
    assert "一次性告知" in str(refused.value)
    assert not IntakeCase.select().exists()  # nothing half-written
    notified = take(intake_runtime, outcome=Outcome.NOTIFIED, premises=MaterialStatus.MISSING)
    assert service.state_of(notified.id) is CaseState.NOTIFIED
    assert notified.promised_on is None
    assert service.next_states(notified.id) == ()
    statuses = {m.key: m.status for m in service.materials(notified.id)}
    assert statuses["premises"] == "missing"
    assert statuses["business_licence"] == "shared"  # 部门共享: 不用带
    # A one-time notice needs something missing.
    with pytest.raises(IntakeError):
        take(intake_runtime, outcome=Outcome.NOTIFIED)


def test_pending_only_where_the_catalog_allows_it_with_a_promise(intake_runtime: Runtime) -> None:
    with pytest.raises(IntakeError) as refused:
        take(intake_runtime, premises=MaterialStatus.PENDING)
    assert "容缺" in str(refused.value)
    case = take(intake_runtime, food_rules=MaterialStatus.PENDING, today=dt.date(2026, 10, 12))
    pending = [m for m in service.materials(case.id) if m.status == "pending"]
    assert [(m.key, m.promise, m.due_on) for m in pending] == [
        ("food_rules", "三日内补交", dt.date(2026, 10, 20))
    ]


def test_applicants_are_checked_as_typed(intake_runtime: Runtime) -> None:
    bad = Applicant(ApplicantKind.PERSON, "", "370303198001011235", "1381234567")
    with pytest.raises(IntakeError) as refused:
        take(intake_runtime, applicant=bad)
    fields = {field for field, _s in refused.value.problems}
    assert {"name", "id_number", "mobile"} <= fields
    assert "校验" in str(refused.value) or "check" in str(refused.value)
    # Full-width digits and a lower-case x are normalised, as typed by a Chinese IME.
    typed = Applicant(
        ApplicantKind.PERSON, "张三", "３７０３０３１９８００１０１１２３４", "138 1234 5678"
    )
    case = take(intake_runtime, applicant=typed)
    assert case.applicant_id == "370303198001011234" and case.mobile == "13812345678"
    company = take(intake_runtime, applicant=org())
    assert company.legal_rep == "李四" and company.applicant_kind == "org"
    nobody = Applicant(ApplicantKind.ORG, "某公司", org().id_number, "13912345678", "")
    with pytest.raises(IntakeError) as refused:
        take(intake_runtime, applicant=nobody)
    assert [f for f, _s in refused.value.problems] == ["legal_rep"]


def test_not_accepted_needs_a_reason(intake_runtime: Runtime) -> None:
    with pytest.raises(IntakeError):
        take(intake_runtime, outcome=Outcome.REFUSED)
    case = take(
        intake_runtime, outcome=Outcome.REFUSED, reason="经营场所位于居民楼内，不符合选址要求"
    )
    assert service.state_of(case.id) is CaseState.NOT_ACCEPTED
    assert store.usage_counts().get(FOOD, 0) == 0  # only accepted cases count


def test_a_case_moves_through_its_states_hash_chained(intake_runtime: Runtime) -> None:
    site = intake_runtime.config.site_code
    case = take(intake_runtime, today=dt.date(2026, 10, 12))
    with pytest.raises(IntakeError):  # no skipping 审查
        service.advance(case.id, CaseState.DECIDED, actor="1001", site_code=site,
                        result=Result.APPROVED, licence_no="JY13703030001234")  # fmt: skip
    service.advance(case.id, CaseState.REVIEWING, actor="1001", site_code=site,
                    today=dt.date(2026, 10, 13))  # fmt: skip
    with pytest.raises(IntakeError) as refused:  # approved without a number
        service.advance(case.id, CaseState.DECIDED, actor="1001", site_code=site,
                        result=Result.APPROVED, today=dt.date(2026, 10, 14))  # fmt: skip
    assert [f for f, _s in refused.value.problems] == ["licence_no"]
    service.advance(
        case.id, CaseState.DECIDED, actor="1001", site_code=site, today=dt.date(2026, 10, 14),
        result=Result.APPROVED, licence_no="JY13703030001234", valid_until=dt.date(2031, 10, 13),
    )  # fmt: skip
    service.advance(case.id, CaseState.DELIVERED, actor="1001", site_code=site,
                    today=dt.date(2026, 10, 15))  # fmt: skip
    history = service.steps(case.id)
    assert [s.to_state for s in history] == ["accepted", "reviewing", "decided", "delivered"]
    assert history[2].licence_no == "JY13703030001234"
    assert service.verify_chain(case.id) is None
    assert audit.verify(intake_runtime.models()).ok
    ref = service.case_ref(case)
    assert ref.state == "delivered" and ref.delivered_on == dt.date(2026, 10, 15)
    with pytest.raises(IntakeError):  # 已送达 ends it
        service.advance(case.id, CaseState.REVIEWING, actor="1001", site_code=site)
    # A step edited behind the application's back breaks the chain.
    CaseStep.update(licence_no="JY99999999").where(CaseStep.id == history[2].id).execute()
    assert service.verify_chain(case.id) == "step 2 was altered"
    assert not audit.verify(intake_runtime.models()).ok


def test_the_case_hook_finds_this_sites_cases_only(intake_runtime: Runtime) -> None:
    case = take(intake_runtime)
    answers = intake_runtime.host.pm.hook.sihao_find_case(
        number=f" {case.case_no} ", context=intake_runtime
    )
    assert answers is not None and answers.case_no == case.case_no
    assert answers.item_code == FOOD and answers.window_no == "A01"
    assert (
        intake_runtime.host.pm.hook.sihao_find_case(number="nope", context=intake_runtime) is None
    )
    IntakeCase.update(site_code="370303001-BM").execute()
    assert (
        intake_runtime.host.pm.hook.sihao_find_case(number=case.case_no, context=intake_runtime)
        is None
    )


def test_the_pushed_case_carries_its_materials(intake_runtime: Runtime) -> None:
    case = take(intake_runtime, applicant=PERSON, food_rules=MaterialStatus.PENDING,
                today=dt.date(2026, 10, 12))  # fmt: skip
    row = next(r for r in outbox.pending() if r.kind == service.CASE_KIND)
    payload = json.loads(row.payload)
    assert payload["case_no"] == case.case_no
    assert {m["key"]: m["status"] for m in payload["materials"]}["food_rules"] == "pending"


def test_filters_find_old_cases_behind_many_new_ones(intake_runtime: Runtime) -> None:
    site = intake_runtime.config.site_code
    old = take(intake_runtime, today=dt.date(2026, 9, 1))
    done = take(intake_runtime, today=dt.date(2026, 9, 1))
    for state, extra in (
        (CaseState.REVIEWING, {}),
        (CaseState.DECIDED, {"result": Result.REFUSED, "note": "不符合条件"}),
    ):
        service.advance(done.id, state, actor="1001", site_code=site,
                        today=dt.date(2026, 9, 2), **extra)  # fmt: skip
    for _n in range(12):
        take(intake_runtime, today=dt.date(2026, 11, 30))
    today = dt.date(2026, 12, 1)
    overdue = service.list_cases(site, today=today, overdue_only=True, limit=2)
    assert [v.case.case_no for v in overdue] == [old.case_no]
    decided = service.list_cases(site, today=today, states=[CaseState.DECIDED], limit=2)
    assert [(v.case.case_no, v.result) for v in decided] == [(done.case_no, "refused")]
    assert service.open_counts(site, today) == (1, 13)
    assert len(service.list_cases(site, today=today, limit=5)) == 5
