"""Reminder rules as data: lead times, the renewal item, the message, quiet hours.

Pure functions and dataclasses (no database, no Textual), shared by the server's
worker and the tests.

Lead times. 行政许可法 art. 50: a renewal is applied for 30 days before expiry
unless a specific law says otherwise, so a licence type without its own rule gets
one reminder 30 days ahead. A rule may name several (60, 30 and 7 days). A
licence is *due* for the smallest lead time that is not below the days it has
left: with 60/30/7, a licence with 45 days left is due for its 60-day reminder
(late, because it was imported or the worker was down), one with 30 days left for
its 30-day one. So a pass that was missed catches up with one message, never with
three at once, and each (licence, expiry date, lead time) is reminded at most once.
Dates are calendar days in China's time (UTC+8, no daylight saving): a
``date - timedelta`` counts a leap day and a year end like any other day.

Templates use ``str.format`` placeholders, checked when a rule is loaded: a name
that is not a placeholder is refused with a sentence, so a typo never reaches a
citizen's phone as "{holdr}".
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, field
from typing import Any

from core.masking import mask_name

CHINA = dt.timezone(dt.timedelta(hours=8))  # 北京时间, no daylight saving
STATUTORY_LEAD_DAYS = 30  # 行政许可法 art. 50
DEFAULT_TYPE = "*"  # the rule of every licence type without its own
MAX_LEAD_DAYS = 366
MAX_TEMPLATE = 300  # characters: a long SMS is split by the carrier in parts of 67

PLACEHOLDERS = {
    "holder": "the holder's name (masked when the rule says so)",
    "legal_rep": "the legal representative or person in charge (masked likewise)",
    "licence_type": "the licence type, e.g. 食品经营许可证",
    "licence_no": "the licence number",
    "valid_until": "the expiry date, 2027年3月1日",
    "days_left": "days from the reminder to the expiry date",
    "renewal_item": "the name of the renewal item (延续), or its code",
    "site": "the name of the service hall that issued the licence",
}

DEFAULT_TEMPLATE = (
    "【{site}】{holder}：您的{licence_type}（编号{licence_no}）将于{valid_until}到期，"
    "请于到期前办理{renewal_item}。"
)


class RuleError(ValueError):
    """A rule that cannot be used; ``str()`` is one sentence for IT."""


@dataclass(frozen=True)
class Rule:
    licence_type: str = DEFAULT_TYPE
    lead_days: tuple[int, ...] = (STATUTORY_LEAD_DAYS,)
    renewal_item: str = ""  # the 延续 item's code; empty: the licence's own item
    template: str = DEFAULT_TEMPLATE
    mask_holder: bool = False


@dataclass(frozen=True)
class QuietHours:
    """No SMS between ``start`` and ``end`` (China's time); start > end wraps midnight."""

    start: dt.time = dt.time(21, 0)
    end: dt.time = dt.time(8, 0)

    def quiet(self, now_utc: dt.datetime) -> bool:
        local = to_china(now_utc).time()
        if self.start == self.end:
            return False  # no quiet hours
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def ends_after(self, now_utc: dt.datetime) -> dt.datetime:
        """When the quiet hours under way end (naive UTC); ``now_utc`` outside them."""
        if not self.quiet(now_utc):
            return now_utc
        local = to_china(now_utc)
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += dt.timedelta(days=1)
        return end.astimezone(dt.UTC).replace(tzinfo=None)


@dataclass
class RuleSet:
    rules: dict[str, Rule] = field(default_factory=dict)
    quiet: QuietHours = field(default_factory=QuietHours)

    def for_type(self, licence_type: str) -> Rule:
        return self.rules.get(licence_type) or self.rules.get(DEFAULT_TYPE) or Rule()

    def max_lead(self) -> int:
        leads = [max(rule.lead_days) for rule in self.rules.values()]
        return max([STATUTORY_LEAD_DAYS, *leads])


def to_china(now_utc: dt.datetime) -> dt.datetime:
    """Naive UTC (as the server stores time) to an aware time in China."""
    aware = now_utc if now_utc.tzinfo else now_utc.replace(tzinfo=dt.UTC)
    return aware.astimezone(CHINA)


def china_today(now_utc: dt.datetime) -> dt.date:
    return to_china(now_utc).date()


def due_lead(valid_until: dt.date, today: dt.date, lead_days: tuple[int, ...]) -> int | None:
    """The lead time a licence is due for today, or None (not yet, or expired)."""
    left = (valid_until - today).days
    if left < 0:
        return None
    reached = [lead for lead in lead_days if lead >= left]
    return min(reached) if reached else None


def due_on(valid_until: dt.date, lead: int) -> dt.date:
    """The day the ``lead``-day reminder of a licence falls due."""
    return valid_until - dt.timedelta(days=lead)


def check_template(template: str, *, where: str = "the template") -> str:
    """The template, or ``RuleError`` naming an unknown placeholder or a bad brace."""
    if not template.strip():
        raise RuleError(f"{where} is empty: write the message the holder receives")
    if len(template) > MAX_TEMPLATE:
        raise RuleError(f"{where} has {len(template)} characters; at most {MAX_TEMPLATE}")
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise RuleError(f"{where} has a brace that opens no placeholder ({exc})") from exc
    known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    for _text, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            raise RuleError(
                f"{where} uses {{{name}}}, which is not a placeholder; use one of {known}"
            )
        if spec or conversion:
            raise RuleError(f"{where}: write {{{name}}} without a format or conversion")
    return template


def check_leads(raw: Any, *, where: str = "lead_days") -> tuple[int, ...]:
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise RuleError(f"{where} must be a list of days before expiry, e.g. [60, 30, 7]")
    leads: list[int] = []
    for value in raw:
        if isinstance(value, bool) or not isinstance(value, int):
            raise RuleError(f"{where}: {value!r} is not a whole number of days")
        if not 1 <= value <= MAX_LEAD_DAYS:
            raise RuleError(f"{where}: {value} days is outside 1..{MAX_LEAD_DAYS}")
        leads.append(value)
    if len(set(leads)) != len(leads):
        raise RuleError(f"{where} names a lead time twice")
    return tuple(sorted(leads, reverse=True))


def parse_time(raw: Any, where: str) -> dt.time:
    try:
        hour, minute = str(raw).split(":")
        return dt.time(int(hour), int(minute))
    except (ValueError, TypeError) as exc:
        raise RuleError(f"{where} must be a time like 21:00, not {raw!r}") from exc


def parse_rules(data: Any) -> RuleSet:
    """A rules document (docs/reminders.md) checked whole: ``RuleError`` on the first fault."""
    if not isinstance(data, dict):
        raise RuleError("the rules file must hold a JSON object with 'rules'")
    unknown = set(data) - {"rules", "default", "quiet_hours"}
    if unknown:
        raise RuleError(f"unknown keys in the rules file: {', '.join(sorted(unknown))}")
    found: dict[str, Rule] = {}
    default = data.get("default")
    if default is not None:
        found[DEFAULT_TYPE] = _rule(default, DEFAULT_TYPE, "the default rule")
    rules = data.get("rules", [])
    if not isinstance(rules, list):
        raise RuleError("'rules' must be a list of rules, one per licence type")
    for n, entry in enumerate(rules, 1):
        if not isinstance(entry, dict) or not str(entry.get("licence_type", "")).strip():
            raise RuleError(f"rule {n} names no licence_type")
        licence_type = str(entry["licence_type"]).strip()
        if licence_type in found:
            raise RuleError(f"rule {n}: {licence_type} has a rule already")
        found[licence_type] = _rule(entry, licence_type, f"rule {n} ({licence_type})")
    quiet = QuietHours()
    hours = data.get("quiet_hours")
    if hours is not None:
        if not isinstance(hours, dict):
            raise RuleError('quiet_hours must be {"start": "21:00", "end": "08:00"}')
        quiet = QuietHours(
            parse_time(hours.get("start"), "quiet_hours.start"),
            parse_time(hours.get("end"), "quiet_hours.end"),
        )
    return RuleSet(found, quiet)


def _rule(entry: Any, licence_type: str, where: str) -> Rule:
    if not isinstance(entry, dict):
        raise RuleError(f"{where} must be a JSON object")
    unknown = set(entry) - {"licence_type", "lead_days", "renewal_item", "template", "mask_holder"}
    if unknown:
        raise RuleError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    mask = entry.get("mask_holder", False)
    if not isinstance(mask, bool):
        raise RuleError(f"{where}: mask_holder is true or false")
    return Rule(
        licence_type=licence_type,
        lead_days=check_leads(
            entry.get("lead_days", [STATUTORY_LEAD_DAYS]), where=f"{where}: lead_days"
        ),
        renewal_item=str(entry.get("renewal_item") or "").strip(),
        template=check_template(
            str(entry.get("template") or DEFAULT_TEMPLATE), where=f"{where}: the template"
        ),
        mask_holder=mask,
    )


@dataclass(frozen=True)
class LicenceFacts:
    """What a message is made from."""

    holder_name: str
    legal_rep: str
    licence_type: str
    licence_no: str
    valid_until: dt.date
    site_name: str
    renewal_item_name: str


def render(rule: Rule, facts: LicenceFacts, today: dt.date) -> str:
    """The text of one reminder (the template was checked when the rule was loaded)."""
    holder, rep = facts.holder_name, facts.legal_rep
    if rule.mask_holder:
        holder, rep = mask_name(holder), mask_name(rep)
    until = facts.valid_until
    return rule.template.format(
        holder=holder,
        legal_rep=rep,
        licence_type=facts.licence_type,
        licence_no=facts.licence_no,
        valid_until=f"{until.year}年{until.month}月{until.day}日",
        days_left=(until - today).days,
        renewal_item=facts.renewal_item_name,
        site=facts.site_name,
    )
