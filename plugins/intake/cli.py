"""``sihao intake …``: the cases of this site from the shell.

sihao intake cases [--state S] [--overdue]      the site's cases, newest first
sihao intake paper CASE_NO --out F.pdf          its receipt or notice again
sihao intake advance CASE_NO --as STAFF [--result approved|refused]
                     [--licence NO] [--valid-until DATE] [--note TEXT]
sihao intake retag                              a new workstation tag (docs/intake.md)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from core.i18n import _


def _runtime(ctx: click.Context):  # type: ignore[no-untyped-def]
    return ctx.find_root().obj["runtime"]


def add_commands(group: click.Group) -> None:
    @group.group("intake")
    def intake() -> None:
        """Application cases (办件) taken at this site."""

    @intake.command("cases")
    @click.option(
        "--state",
        default="",
        help="accepted, reviewing, decided, delivered, notified, not_accepted",
    )
    @click.option("--overdue", is_flag=True, help="Only cases past their promised date.")
    @click.pass_context
    def cases(ctx: click.Context, state: str, overdue: bool) -> None:
        """List this site's cases."""
        from core.masking import mask_name
        from plugins.intake import service

        runtime = _runtime(ctx)
        states = None
        if state:
            try:
                states = [service.CaseState(state)]
            except ValueError:
                raise click.UsageError(
                    _("Unknown state {state}; use one of {known}.").format(
                        state=state, known=", ".join(s.value for s in service.CaseState)
                    )
                ) from None
        views = service.list_cases(runtime.config.site_code, states=states, overdue_only=overdue)
        for view in views:
            case = view.case
            promised = case.promised_on.isoformat() if case.promised_on else "-"
            click.echo(
                "\t".join(
                    [
                        case.case_no,
                        view.state.label + ("（逾期）" if view.overdue else ""),
                        promised,
                        case.item_name,
                        mask_name(case.applicant_name),
                        view.licence_no,
                    ]
                )
            )
        click.echo(_("{n} cases.").format(n=len(views)), err=True)

    @intake.command("paper")
    @click.argument("case_no")
    @click.option("--out", "out", default=None, type=click.Path(dir_okay=False))
    @click.option(
        "--printer", default=None, help="Print on this CUPS printer (empty: the last one used)."
    )
    @click.pass_context
    def paper(ctx: click.Context, case_no: str, out: str | None, printer: str | None) -> None:
        """Write a case's receipt or notice to a PDF, or print it."""
        from core.documents import DocumentError, write_atomic
        from plugins.intake import documents, service

        runtime = _runtime(ctx)
        if out is None and printer is None:
            click.echo(_("Say where the paper goes: --out FILE.pdf or --printer NAME."), err=True)
            raise click.exceptions.Exit(2)
        case = service.find(case_no, runtime.config.site_code)
        if case is None:
            click.echo(_("No case {number} at this site.").format(number=case_no), err=True)
            raise click.exceptions.Exit(2)
        try:
            title, pdf = documents.paper_of(runtime, case)
            if out is not None:
                write_atomic(Path(out), pdf)
        except DocumentError as exc:
            click.echo(str(exc), err=True)
            raise click.exceptions.Exit(2) from None
        if out is not None:
            click.echo(
                _("{title} of case {number} written to {path}.").format(
                    title=title, number=case.case_no, path=out
                )
            )
        if printer is not None:
            from core.printing import JobState, PrintRequestError, describe, print_pdf

            try:
                job = print_pdf(runtime, pdf, title=f"{title} {case.case_no}",
                                printer=printer or None)  # fmt: skip
            except PrintRequestError as exc:
                click.echo(str(exc), err=True)
                raise click.exceptions.Exit(2) from None
            if job.state in (JobState.QUEUED, JobState.FAILED, JobState.HELD):
                click.echo(describe(job.reason, job.printer), err=True)
                raise click.exceptions.Exit(3)
            click.echo(_("Sent to printer {printer}.").format(printer=job.printer))

    @intake.command("advance")
    @click.argument("case_no")
    @click.option("--as", "staff_no", required=True, help="The staff number recording the step.")
    @click.option("--result", type=click.Choice(["approved", "refused"]), default=None)
    @click.option("--licence", default="", help="At 办结 approved: the licence number.")
    @click.option("--valid-until", default="", help="At 办结: YYYY-MM-DD.")
    @click.option("--note", default="")
    @click.pass_context
    def advance(ctx: click.Context, case_no: str, staff_no: str, result: str | None, licence: str,
                valid_until: str, note: str) -> None:  # fmt: skip
        """Record a case's next step (受理 → 审查 → 办结 → 已送达)."""
        from core.models import Staff
        from plugins.intake import service

        runtime = _runtime(ctx)
        site = runtime.config.site_code
        staff = Staff.get_or_none(Staff.staff_no == staff_no)
        if staff is None or not staff.active or staff.site_id != site:
            click.echo(
                _("{number} is not active staff of this site.").format(number=staff_no), err=True
            )
            raise click.exceptions.Exit(2)
        case = service.find(case_no, site)
        if case is None:
            click.echo(_("No case {number} at this site.").format(number=case_no), err=True)
            raise click.exceptions.Exit(2)
        nexts = service.next_states(case.id)
        if not nexts:
            click.echo(_("This case is finished."), err=True)
            raise click.exceptions.Exit(2)
        try:
            valid = dt.date.fromisoformat(valid_until) if valid_until else None
            step = service.advance(
                case.id, nexts[0], actor=staff_no, site_code=site, note=note,
                result=service.Result(result) if result else None, licence_no=licence,
                valid_until=valid,
            )  # fmt: skip
        except ValueError as exc:
            click.echo(str(exc), err=True)
            raise click.exceptions.Exit(2) from None
        click.echo(f"{case.case_no}\t{service.CaseState(step.to_state).label}")

    @intake.command("stats")
    @click.option("--local", is_flag=True, help="This workstation's own cases only.")
    @click.pass_context
    def stats_command(ctx: click.Context, local: bool) -> None:
        """Cases per site, item and month (the central server's, where there is one)."""
        from core.sync.client import SyncError
        from plugins.intake import stats

        runtime = _runtime(ctx)
        rows = []
        if runtime.config.server_url and not local:
            from core.sync import engine

            try:
                client = engine.connect(runtime)
                try:
                    rows = stats.server_counts(client)
                finally:
                    client.close()
            except SyncError as exc:
                click.echo(
                    _("The central server could not answer ({reason}).").format(reason=exc),
                    err=True,
                )
                raise click.exceptions.Exit(2) from None
        else:
            rows = stats.local_counts(runtime.config.site_code)
        for row in rows:
            click.echo(
                "\t".join(
                    str(row[k])
                    for k in ("month", "site", "item_code", "item_name", "cases", "accepted")
                )
            )

    @intake.command("retag")
    @click.pass_context
    def retag(ctx: click.Context) -> None:
        """Give this workstation a new tag for its case numbers (from the server when
        enrolled: unique within the site; standalone: a random one)."""
        from core.db import atomic
        from core.sync.client import SyncError
        from plugins.intake import numbering

        runtime = _runtime(ctx)
        allocated = None
        from core.sync.engine import Syncer, sync_state

        if sync_state().workstation_id:  # enrolled: the server allocates
            syncer = Syncer(runtime)
            try:
                allocated = syncer.renew_counter_tag()
            except SyncError as exc:
                click.echo(
                    _(
                        "The central server could not give this workstation a new tag "
                        "({reason}); its case numbers keep their tag."
                    ).format(reason=exc),
                    err=True,
                )
                raise click.exceptions.Exit(2) from None
            finally:
                syncer.close()
        with atomic():
            tag = numbering.retag(allocated)
        click.echo(_("New case numbers of this workstation carry {tag}.").format(tag=tag))
