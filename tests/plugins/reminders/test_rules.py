"""Lead times, templates, masking and quiet hours: the rules as data, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from plugins.reminders import rules

D = dt.date


def test_a_licence_without_its_own_rule_is_reminded_30_days_ahead() -> None:
    ruleset = rules.RuleSet()
    lead = ruleset.for_type("无此类型").lead_days
    assert lead == (30,)
    assert rules.due_lead(D(2027, 3, 31), D(2027, 3, 1), lead) == 30
    assert rules.due_lead(D(2027, 3, 31), D(2027, 2, 28), lead) is None


def test_lead_times_across_the_year_end() -> None:
    leads = (60, 30, 7)
    until = D(2027, 1, 5)
    assert rules.due_on(until, 7) == D(2026, 12, 29)
    assert rules.due_on(until, 30) == D(2026, 12, 6)
    assert rules.due_on(until, 60) == D(2026, 11, 6)
    assert rules.due_lead(until, D(2026, 11, 5), leads) is None
    assert rules.due_lead(until, D(2026, 11, 6), leads) == 60
    assert rules.due_lead(until, D(2026, 12, 28), leads) == 30
    assert rules.due_lead(until, D(2026, 12, 29), leads) == 7
    assert rules.due_lead(until, D(2027, 1, 5), leads) == 7  # the last day still counts
    assert rules.due_lead(until, D(2027, 1, 6), leads) is None  # expired


def test_lead_times_across_a_leap_day() -> None:
    # 2028 is a leap year: 29 February counts as a day like any other.
    assert rules.due_on(D(2028, 3, 1), 30) == D(2028, 1, 31)
    assert rules.due_on(D(2028, 2, 29), 60) == D(2027, 12, 31)
    assert rules.due_on(D(2028, 3, 29), 30) == D(2028, 2, 28)
    assert rules.due_lead(D(2028, 3, 1), D(2028, 1, 30), (30,)) is None
    assert rules.due_lead(D(2028, 3, 1), D(2028, 1, 31), (30,)) == 30
    # A year without 29 February: the same lead falls a day later.
    assert rules.due_on(D(2027, 3, 1), 30) == D(2027, 1, 30)


def test_a_late_licence_gets_the_most_urgent_reminder_only() -> None:
    # Imported with 5 days left: one 7-day reminder, not three at once.
    assert rules.due_lead(D(2027, 3, 10), D(2027, 3, 5), (60, 30, 7)) == 7
    assert rules.due_lead(D(2027, 3, 10), D(2027, 1, 25), (60, 30, 7)) == 60


def test_quiet_hours_in_china_time() -> None:
    quiet = rules.QuietHours(dt.time(21, 0), dt.time(8, 0))
    # 13:30 UTC is 21:30 in China: quiet. 00:30 UTC is 08:30: not.
    assert quiet.quiet(dt.datetime(2026, 12, 7, 13, 30))
    assert quiet.quiet(dt.datetime(2026, 12, 7, 23, 59))  # 07:59 next morning
    assert not quiet.quiet(dt.datetime(2026, 12, 8, 0, 0))  # 08:00
    assert not quiet.quiet(dt.datetime(2026, 12, 7, 12, 59))  # 20:59
    assert quiet.ends_after(dt.datetime(2026, 12, 7, 13, 30)) == dt.datetime(2026, 12, 8, 0, 0)
    assert not rules.QuietHours(dt.time(0, 0), dt.time(0, 0)).quiet(dt.datetime(2026, 1, 1, 3))


def test_the_holder_is_masked_where_the_rule_says_so() -> None:
    facts = rules.LicenceFacts(
        "张三丰", "李四", "食品经营许可证", "JY13703030001", D(2027, 3, 1), "张店区政务服务中心",
        "食品经营许可证延续",
    )  # fmt: skip
    template = "{holder}（{legal_rep}）：{licence_type}{licence_no}于{valid_until}到期，还有{days_left}天。"
    plain = rules.render(rules.Rule(template=template), facts, D(2027, 1, 30))
    assert plain == "张三丰（李四）：食品经营许可证JY13703030001于2027年3月1日到期，还有30天。"
    masked = rules.render(rules.Rule(template=template, mask_holder=True), facts, D(2027, 1, 30))
    assert masked.startswith("张*丰（李*）：")
    assert "张三丰" not in masked and "李四" not in masked
    default = rules.render(rules.Rule(), facts, D(2027, 1, 30))
    assert default.startswith("【张店区政务服务中心】张三丰：") and "食品经营许可证延续" in default


def test_a_template_with_an_unknown_placeholder_is_refused_with_a_sentence() -> None:
    with pytest.raises(rules.RuleError, match=r"\{holdr\}, which is not a placeholder"):
        rules.check_template("{holdr}：您的证照将到期")
    with pytest.raises(rules.RuleError, match="brace"):
        rules.check_template("{holder：您的证照将到期")
    with pytest.raises(rules.RuleError, match="empty"):
        rules.check_template("  ")
    with pytest.raises(rules.RuleError, match="rule 1"):
        rules.parse_rules({"rules": [{"licence_type": "X", "template": "{site}{nope}"}]})


def test_a_rules_document_is_checked_whole() -> None:
    ruleset = rules.parse_rules(
        {
            "quiet_hours": {"start": "22:00", "end": "07:30"},
            "default": {"lead_days": [45]},
            "rules": [
                {"licence_type": "食品经营许可证", "lead_days": [7, 60, 30],
                 "renewal_item": "370300-SP-003", "mask_holder": True},
            ],
        }
    )  # fmt: skip
    assert ruleset.for_type("食品经营许可证").lead_days == (60, 30, 7)
    assert ruleset.for_type("其他").lead_days == (45,)
    assert ruleset.quiet.end == dt.time(7, 30)
    assert ruleset.max_lead() == 60
    for bad, words in [
        ({"rules": [{"licence_type": "X", "lead_days": [0]}]}, "outside"),
        ({"rules": [{"licence_type": "X", "lead_days": [30, 30]}]}, "twice"),
        ({"rules": [{"licence_type": "X", "lead_days": ["30"]}]}, "whole number"),
        ({"rules": [{"licence_type": "X"}, {"licence_type": "X"}]}, "has a rule already"),
        ({"quiet_hours": {"start": "9pm", "end": "08:00"}}, "time like 21:00"),
        ({"rule": []}, "unknown keys"),
    ]:
        with pytest.raises(rules.RuleError, match=words):
            rules.parse_rules(bad)
