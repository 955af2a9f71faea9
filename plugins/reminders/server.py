"""The central server's side of the reminders plugin: hooks, routes, CLI.

- ``licences_issued``: licences cases issued at 办结, into the register (inside
  the push transaction);
- ``check_resend`` / ``resend_applied``: a clerk's resend (``reminders.resend``)
  is checked against the site that pushed it, then becomes one more outbox row
  keyed by the record's id (a record pushed twice is stored once, and its row
  made once);
- ``GET /v1/plugins/reminders/site``: the calling workstation's site only: its
  licences expiring soon and the messages sent to their holders (mobiles masked),
  what the workstation keeps for offline use;
- ``sihao server reminders …``: IT's commands (import, rules, opt-out, run).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

from starlette.requests import Request  # route annotations are resolved in this module

from plugins.reminders import register, rules, worker
from plugins.reminders.server_models import FAILED, Licence, OptOut, Sms

log = logging.getLogger(__name__)

JOB_DUE = "reminders.due"
JOB_SEND = "reminders.send"
JOB_REPORT = "reminders.report"
JOBS = (JOB_DUE, JOB_SEND, JOB_REPORT)
MAX_DAYS = 366
MAX_ROWS = 500


# -- hooks ---------------------------------------------------------------------------
def licences_issued(licences: Any) -> None:
    register.add_issued(list(licences or ()))


def check_resend(payload: dict[str, Any], ctx: Any) -> None:
    from core.outbox import RecordRejected

    if payload.get("id") != ctx.entity_id:
        raise RecordRejected("the id inside the resend is not the record's entity id")
    if not str(payload.get("reason") or "").strip():
        raise RecordRejected("a resend needs a reason")
    sms = Sms.get_or_none(Sms.id == int(payload["sms_id"]))
    if sms is None or sms.site_code != ctx.site_code:
        raise RecordRejected(
            f"resend {ctx.entity_id}: no reminder {payload['sms_id']} of this site"
        )
    licence = Licence.get_or_none(Licence.id == sms.licence_id)
    if licence is not None and OptOut.get_or_none(OptOut.holder_id == licence.holder_id):
        raise RecordRejected(f"resend {ctx.entity_id}: the holder asked for no reminders")


def resend_applied(record: Any) -> None:
    from server.models import utcnow

    payload = record.payload if isinstance(record.payload, dict) else {}
    worker.queue_resend(
        str(record.entity_id),
        int(payload["sms_id"]),
        str(payload.get("reason") or "").strip(),
        str(payload.get("staff_no") or ""),
        utcnow(),
    )


def add_jobs(registry: Any) -> None:
    registry.add(
        JOB_DUE, _due_job, every=600, description="write the reminders due today to the SMS outbox"
    )
    registry.add(
        JOB_SEND, _send_job, every=10, description="send queued reminders through the SMS gateway"
    )
    registry.add(
        JOB_REPORT, _report_job, every=60, description="poll delivery reports of sent reminders"
    )


def _due_job(context: Any) -> int:
    return worker.due_pass(context.now(), stopping=context.stopping)


def _send_job(context: Any) -> int:
    from plugins.reminders import gateways

    gateway = gateways.from_env()
    try:
        return worker.send_pass(context, gateway)
    finally:
        if gateway is not None:
            gateway.close()


def _report_job(context: Any) -> int:
    from plugins.reminders import gateways

    gateway = gateways.from_env()
    try:
        return worker.report_pass(context, gateway)
    finally:
        if gateway is not None:
            gateway.close()


# -- the site's view ---------------------------------------------------------------------
def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def site_view(site_code: str, days: int, now: dt.datetime) -> dict[str, Any]:
    """Upcoming expiries and recent messages of one site (mobiles masked)."""
    from core.masking import mask_phone

    ruleset = register.load_rules()
    today = rules.china_today(now)
    until = today + dt.timedelta(days=days)
    licences = list(
        Licence.select()
        .where(
            (Licence.site_code == site_code)
            & (Licence.valid_until >= today)
            & (Licence.valid_until <= until)
        )
        .order_by(Licence.valid_until, Licence.id)
        .limit(MAX_ROWS)
    )
    opted = {
        str(h)
        for (h,) in OptOut.select(OptOut.holder_id)
        .where(OptOut.holder_id.in_(sorted({lic.holder_id for lic in licences} or {""})))
        .tuples()
    }
    since = now - dt.timedelta(days=60)
    messages = list(
        Sms.select()
        .where((Sms.site_code == site_code) & ((Sms.created_at >= since) | (Sms.state == FAILED)))
        .order_by(Sms.id.desc())
        .limit(MAX_ROWS)
    )
    about = {
        lic.id: lic
        for lic in Licence.select().where(
            Licence.id.in_(sorted({m.licence_id for m in messages} or {0}))
        )
    }
    last: dict[int, Sms] = {}
    for message in messages:
        last.setdefault(message.licence_id, message)

    def renewal(lic: Licence | None) -> str:
        if lic is None:
            return ""
        return ruleset.for_type(lic.licence_type).renewal_item or lic.item_code

    upcoming = []
    for lic in licences:
        valid_until = worker._as_date(lic.valid_until)
        latest = last.get(lic.id)
        upcoming.append(
            {
                "licence_id": lic.id,
                "licence_type": lic.licence_type,
                "licence_no": lic.licence_no,
                "holder": lic.holder_name,
                "legal_rep": lic.legal_rep,
                "mobile": mask_phone(lic.mobile) if lic.mobile else "",
                "valid_until": valid_until.isoformat(),
                "days_left": (valid_until - today).days,
                "renewal_item": renewal(lic),
                "lead_days": list(ruleset.for_type(lic.licence_type).lead_days),
                "opted_out": lic.holder_id in opted,
                "last_state": latest.state if latest else "",
            }
        )
    sent = []
    for message in messages:
        about_it = about.get(message.licence_id)
        sent.append(
            {
                "id": message.id,
                "licence_id": message.licence_id,
                "licence_type": about_it.licence_type if about_it else "",
                "licence_no": about_it.licence_no if about_it else "",
                "holder": about_it.holder_name if about_it else "",
                # The licence's mobile now (IT may have added one since), masked.
                "mobile": mask_phone(number) if (number := _mobile_now(about_it, message)) else "",
                "kind": message.kind,
                "lead_days": message.lead_days,
                "valid_until": _iso(worker._as_date(message.valid_until)),
                "state": message.state,
                "attempts": message.attempts,
                "error": message.error,
                "reason": message.reason,
                "requested_by": message.requested_by,
                "renewal_item": renewal(about_it),
                "created_at": _iso(message.created_at),
                "sent_at": _iso(message.sent_at),
                "delivered_at": _iso(message.delivered_at),
            }
        )
    return {
        "site_code": site_code,
        "as_of": now.isoformat(timespec="seconds"),
        "today": today.isoformat(),
        "days": days,
        "upcoming": upcoming,
        "messages": sent,
    }


def _mobile_now(lic: Licence | None, message: Sms) -> str:
    return str(lic.mobile) if lic is not None and lic.mobile else str(message.mobile or "")


def add_routes(router: Any) -> None:
    from fastapi import Query

    from server import db
    from server.models import utcnow

    @router.get("/site")
    def site(request: Request, days: int = Query(90, ge=1, le=MAX_DAYS)) -> dict[str, Any]:
        """This workstation's site: licences expiring within ``days`` and recent reminders."""
        caller = request.state.workstation
        with db.request_connection():
            return site_view(caller.site_code, days, utcnow())


# -- IT's commands ---------------------------------------------------------------------------
def add_cli(group: Any) -> None:
    import click

    from server.cli import Problem, database_option, open_database

    @group.group("reminders")
    def reminders() -> None:
        """办事闹钟: the licence register, reminder rules and the SMS worker."""

    @reminders.command("import")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--site", "site_code", required=True, help="The site whose licences these are.")
    @database_option
    @click.pass_context
    def import_(ctx: click.Context, file: Path, site_code: str) -> None:
        """Add existing licences from FILE (.xlsx or .csv): good rows kept, bad rows listed."""
        from server.models import Site, utcnow

        if not file.exists():
            raise Problem(f"no file {file}")
        open_database(ctx)
        if Site.get_or_none(Site.code == site_code) is None:
            raise Problem(f"no site {site_code}: add it with 'sihao server site add' first")
        try:
            report = register.import_file(file, site_code, rules.china_today(utcnow()))
        except register.ImportRefused as exc:
            raise Problem(f"{file.name} not imported: {exc}") from exc
        for bad in report.bad:
            click.echo(f"row {bad.row}, column {bad.column}: {bad.reason}", err=True)
        rows = len({bad.row for bad in report.bad})
        click.echo(
            f"{report.kept} licence(s) kept for {site_code}"
            + (f"; {rows} row(s) left out (listed above)" if rows else "")
        )
        if rows:
            raise SystemExit(1)

    @reminders.group("rules")
    def rules_group() -> None:
        """The reminder rules per licence type, and the quiet hours."""

    @rules_group.command("load")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @database_option
    @click.pass_context
    def rules_load(ctx: click.Context, file: Path) -> None:
        """Replace the rules with FILE (JSON, docs/reminders.md), checked whole first."""
        from core.safefiles import FileRefused, load_json

        try:
            data = load_json(file.read_bytes(), name=file.name)
            ruleset = rules.parse_rules(data)
        except OSError as exc:
            raise Problem(f"cannot read {file}: {exc.strerror or exc}") from exc
        except FileRefused as exc:
            raise Problem(f"{file} is not a JSON file (UTF-8): {exc}") from exc
        except rules.RuleError as exc:
            raise Problem(f"{file.name} not loaded: {exc}") from exc
        open_database(ctx)
        register.save_rules(ruleset)
        click.echo(f"{len(ruleset.rules)} rule(s) loaded; quiet hours {_quiet(ruleset)}")

    @rules_group.command("show")
    @database_option
    @click.pass_context
    def rules_show(ctx: click.Context) -> None:
        """The rules in force (a licence type without a rule: 30 days, 行政许可法 art. 50)."""
        open_database(ctx)
        ruleset = register.load_rules()
        click.echo(f"quiet hours {_quiet(ruleset)} (China time)")
        shown = dict(ruleset.rules)
        shown.setdefault(rules.DEFAULT_TYPE, rules.Rule())
        for name, rule in sorted(shown.items()):
            leads = "/".join(str(d) for d in rule.lead_days)
            mask = " masked" if rule.mask_holder else ""
            click.echo(f"{name}\t{leads} days\t{rule.renewal_item or '-'}{mask}\t{rule.template}")

    @reminders.command("opt-out")
    @click.argument("holder_id")
    @click.option("--reason", default="", help="Why (kept with the opt-out).")
    @database_option
    @click.pass_context
    def opt_out(ctx: click.Context, holder_id: str, reason: str) -> None:
        """Send no more reminders to HOLDER_ID (credit code or resident ID)."""
        from core.identifiers import normalise
        from server import db

        open_database(ctx)
        with db.transaction():
            register.opt_out(normalise(holder_id), reason)
        click.echo("no more reminders to that holder")

    @reminders.command("opt-in")
    @click.argument("holder_id")
    @database_option
    @click.pass_context
    def opt_in(ctx: click.Context, holder_id: str) -> None:
        """Send reminders to HOLDER_ID again."""
        from core.identifiers import normalise
        from server import db

        open_database(ctx)
        with db.transaction():
            found = register.opt_in(normalise(holder_id))
        click.echo("reminders to that holder resume" if found else "that holder had not opted out")

    @reminders.command("run")
    @click.option("--once", is_flag=True, help="One due, send and report pass, then exit (cron).")
    @database_option
    @click.pass_context
    def run(ctx: click.Context, once: bool) -> None:
        """The reminder worker: due pass, send pass, delivery reports (SIHAO_SMS_GATEWAY)."""
        from server import jobs
        from server.cli import worker_run
        from server.plugins import load_host

        if not once:
            ctx.invoke(worker_run, once=False, only=JOBS)
            return
        # One pass of each in the order a reminder goes: written, sent, reported
        # (the server's worker runs jobs in name order, which puts reports first).
        open_database(ctx)
        registry = jobs.load_jobs(load_host())
        failed = False
        for name in JOBS:
            job = registry.get(name)
            result = jobs.run_job(job) if job is not None else KeyError(name)
            if isinstance(result, Exception):
                failed = True
                click.echo(f"{name}: failed: {result}", err=True)
            else:
                click.echo(f"{name}: {result} done")
        if failed:
            raise SystemExit(1)

    @reminders.command("demo")
    @click.option("--site", "site_code", default="370303-ZWFW", show_default=True)
    @database_option
    @click.pass_context
    def demo(ctx: click.Context, site_code: str) -> None:
        """Demo licences of SITE expiring over the coming months, and a demo rule."""
        from server import db
        from server.models import Site, utcnow

        open_database(ctx)
        if Site.get_or_none(Site.code == site_code) is None:
            raise Problem(f"no site {site_code}: run 'sihao server demo seed' first")
        today = rules.china_today(utcnow())
        with db.transaction():
            kept = register.upsert(demo_licences(site_code, today))
            if not register.load_rules().rules:
                register.save_rules(rules.parse_rules(DEMO_RULES))
        click.echo(
            f"{kept} demo licence(s) for {site_code}; run 'sihao server reminders run --once'"
        )

    @reminders.command("status")
    @click.option("--json", "as_json", is_flag=True)
    @database_option
    @click.pass_context
    def status(ctx: click.Context, as_json: bool) -> None:
        """Licences in the register and the SMS outbox by state."""
        open_database(ctx)
        counts = worker.counts_by_state()
        paused = worker.paused_until()
        info = {
            "licences": Licence.select().count(),
            "sms": counts,
            "gateway_paused_until": paused.isoformat() if paused else None,
        }
        if as_json:
            click.echo(json.dumps(info, ensure_ascii=False))
            return
        click.echo(f"licences: {info['licences']}")
        for state, n in sorted(counts.items()):
            click.echo(f"{state}: {n}")
        if paused:
            click.echo(f"gateway paused until {paused:%Y-%m-%d %H:%M} UTC")


def _quiet(ruleset: rules.RuleSet) -> str:
    return f"{ruleset.quiet.start:%H:%M}-{ruleset.quiet.end:%H:%M}"


DEMO_RULES: dict[str, Any] = {
    "quiet_hours": {"start": "21:00", "end": "08:00"},
    "rules": [
        {
            "licence_type": "食品经营许可证",
            "lead_days": [60, 30, 7],
            "renewal_item": "370303-SCJG-XK-001-03",
        },
        {
            "licence_type": "公共场所卫生许可证",
            "lead_days": [30],
            "renewal_item": "370303-WJ-XK-001-03",
            "mask_holder": True,
        },
    ],
}


def demo_licences(site_code: str, today: dt.date) -> list[dict[str, Any]]:
    """A handful of licences for the demo site, expiring from next week to next year."""
    made = [
        ("食品经营许可证", "JY13703030000101", "淄博鲁味轩餐饮有限公司", "91370303MA3C0001X0", "王建国", "13805330101", 7),
        ("食品经营许可证", "JY13703030000102", "张店区老街坊小吃店", "92370303MA3C0002X1", "刘芳", "13905330102", 30),
        ("食品经营许可证", "JY13703030000103", "淄博齐盛食品商行", "91370303MA3C0003X2", "赵强", "", 20),
        ("公共场所卫生许可证", "WS370303000201", "张店区悦颜美发店", "370303198803150021", "孙丽", "13605330201", 25),
        ("食品经营许可证", "JY13703030000104", "淄博周村烧饼专卖店", "91370303MA3C0004X3", "周明", "13705330104", 55),
        ("食品经营许可证", "JY13703030000105", "淄博博山菜馆有限公司", "91370303MA3C0005X4", "陈海", "13505330105", 200),
    ]  # fmt: skip
    rows = []
    for licence_type, number, holder, holder_id, rep, mobile, days in made:
        until = today + dt.timedelta(days=days)
        rows.append(
            {
                "licence_type": licence_type,
                "licence_no": number,
                "item_code": "",
                "holder_kind": "person" if holder_id[:17].isdigit() else "org",
                "holder_name": holder,
                "holder_id": holder_id,
                "legal_rep": rep,
                "mobile": mobile,
                "valid_until": until,
                "issued_on": until - dt.timedelta(days=5 * 365),
                "site_code": site_code,
                "case_no": "",
                "source": "import",
            }
        )
    return rows
