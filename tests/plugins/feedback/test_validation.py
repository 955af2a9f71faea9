"""What the service refuses, whatever screen or import the card came from."""

from __future__ import annotations

import datetime as dt

import pytest

from core.runtime import Runtime
from plugins.feedback import ratings, reference
from plugins.feedback.ratings import Kind, RatingDraft, Target


def _problems(runtime: Runtime, draft: RatingDraft) -> dict[str, str]:
    checked = ratings.validate(
        draft, reference.tag_set(), runtime.settings("feedback"), runtime.config.site_code
    )
    return {p.field: p.message for p in checked.problems}


@pytest.mark.parametrize("level", [0, 6, -1, None])
def test_levels_outside_one_to_five(fb_runtime: Runtime, level: int | None) -> None:
    found = _problems(fb_runtime, RatingDraft(window_no="A01", level=level))
    assert found == {"level": "请选择评价等级：按 1（非常不满意）到 5（非常满意）。"}


def test_tags_must_belong_to_the_level_and_channel(fb_runtime: Runtime) -> None:
    # 服务效率高 is an on-site tag of level 5: not of level 2, not of an online channel.
    found = _problems(fb_runtime, RatingDraft(window_no="A01", level=2, tags=["服务效率高"]))
    assert "服务效率高" in found["tags"] and "2026.1" in found["tags"]
    online = RatingDraft(window_no="A01", level=5, channel="web", tags=["服务效率高"])
    assert "tags" in _problems(fb_runtime, online)
    online.tags = ["办事效率高"]
    assert _problems(fb_runtime, online) == {}


def test_what_each_target_needs(fb_runtime: Runtime) -> None:
    assert set(_problems(fb_runtime, RatingDraft(target=Target.CASE, level=4))) == {"case_no"}
    assert set(_problems(fb_runtime, RatingDraft(target=Target.ITEM, level=4))) == {"item"}
    assert set(_problems(fb_runtime, RatingDraft(target=Target.STAFF, level=4))) == {"window"}
    assert _problems(fb_runtime, RatingDraft(target=Target.HALL, level=4)) == {}
    unknown = RatingDraft(window_no="Z9", staff_no="0000", level=4)
    assert set(_problems(fb_runtime, unknown)) == {"window", "staff"}


def test_real_name_checks_and_normalises(fb_runtime: Runtime) -> None:
    draft = RatingDraft(
        window_no="A01",
        level=4,
        real_name=True,
        applicant_name=" 张三 ",
        applicant_id="３７０３０３１９８００１０１１２３４",  # full-width, as an IME types it
        applicant_phone="+86 138 1234 5678",
    )
    checked = ratings.validate(
        draft, reference.tag_set(), fb_runtime.settings("feedback"), "370303-ZWFW"
    )
    assert checked.ok
    assert checked.draft.applicant_id == "370303198001011234"
    assert checked.draft.applicant_phone == "13812345678"
    assert checked.draft.applicant_name == "张三"
    nobody = RatingDraft(window_no="A01", level=4, real_name=True)
    assert set(_problems(fb_runtime, nobody)) == {"applicant_name", "applicant_phone"}
    bad_phone = RatingDraft(
        window_no="A01", level=4, real_name=True, applicant_name="李四", applicant_phone="2512345"
    )
    found = _problems(fb_runtime, bad_phone)
    assert set(found) == {"applicant_phone"} and "11" in found["applicant_phone"]
    # Anonymous: whatever was typed in the person's fields is not kept.
    anonymous = RatingDraft(window_no="A01", level=4, applicant_id="370303198001011234")
    checked = ratings.validate(
        anonymous, reference.tag_set(), fb_runtime.settings("feedback"), "370303-ZWFW"
    )
    assert checked.ok and checked.draft.applicant_id == ""


def test_default_ratings_are_level_three_and_dates_not_ahead(fb_runtime: Runtime) -> None:
    assert set(_problems(fb_runtime, RatingDraft(window_no="A01", level=5, kind=Kind.DEFAULT))) == {
        "kind"
    }
    later = RatingDraft(window_no="A01", level=4, rated_on=dt.date.today() + dt.timedelta(days=3))
    assert set(_problems(fb_runtime, later)) == {"rated_on"}


def test_a_broken_case_number_pattern_does_not_stop_the_card(fb_runtime: Runtime) -> None:
    fb_runtime.config.plugin_settings["feedback"] = {"case_number_pattern": "^(3703"}
    checked = ratings.validate(
        RatingDraft(window_no="A01", level=4, case_no="370303202610120001"),
        reference.tag_set(),
        fb_runtime.settings("feedback"),
        "370303-ZWFW",
    )
    assert checked.ok
    assert any("告知信息技术人员" in w or "联系信息技术" in w for w in checked.warnings), (
        checked.warnings
    )
