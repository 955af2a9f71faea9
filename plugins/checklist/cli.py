"""``sihao checklist …``: rules, projects and the printout from the command line.

sihao checklist rules check FILE      # checked whole; every problem named, exit 2
sihao checklist rules import FILE     # … and kept as this site's rules
sihao checklist list                  # this site's projects, overdue items counted
sihao checklist show ID               # the checklist: items, dates, slack
sihao checklist print ID --out F.pdf  # or --printer P
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import click

from core.i18n import _

log = logging.getLogger(__name__)


def _runtime(ctx: click.Context) -> Any:
    return ctx.find_root().obj["runtime"]


def _load_rules_file(path: Path) -> Any:
    from core.safefiles import FileRefused, load_json

    try:
        return load_json(path.read_bytes(), name=path.name)
    except OSError as exc:
        click.echo(
            _("Cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc),
            err=True,
        )
        raise click.exceptions.Exit(2) from exc
    except FileRefused as exc:
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(2) from exc


def _project(project_id: str) -> Any:
    from plugins.checklist.models import Project

    found = list(Project.select().where(Project.id.startswith(project_id)).limit(2))
    if len(found) != 1:
        click.echo(_("No single project has the id {id}.").format(id=project_id), err=True)
        raise click.exceptions.Exit(2)
    return found[0]


def add_commands(group: click.Group) -> None:
    @group.group("checklist")
    def checklist() -> None:
        """Pre-approval checklists of construction projects (批前清单)."""

    @checklist.group("rules")
    def rules_group() -> None:
        """The rules that decide a project's items (docs/checklist.md)."""

    def _check(path: Path, keep: bool, ctx: click.Context) -> None:
        from plugins.checklist import rules, service

        data = _load_rules_file(path)
        try:
            if keep:
                _runtime(ctx)
                parsed = service.import_rules(data)
            else:
                parsed = rules.parse(data)
        except rules.RulesRefused as exc:
            log.warning("checklist rules %s refused: %s", path, exc)
            click.echo(_("{path} refused:").format(path=path.name), err=True)
            for problem in exc.problems:
                click.echo(f"  - {problem}", err=True)
            raise click.exceptions.Exit(2) from exc
        verb = _("imported") if keep else _("usable")
        click.echo(
            _("Rules {version} {verb}: {items} items, {types} project types.").format(
                version=parsed.version, verb=verb, items=len(parsed.items), types=len(parsed.types)
            )
        )

    @rules_group.command("check")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.pass_context
    def rules_check(ctx: click.Context, path: Path) -> None:
        """Check a rules file whole without keeping it."""
        _check(path, False, ctx)

    @rules_group.command("import")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.pass_context
    def rules_import(ctx: click.Context, path: Path) -> None:
        """Check a rules file whole and keep it as this site's rules."""
        _check(path, True, ctx)

    @checklist.command("list")
    @click.pass_context
    def list_projects(ctx: click.Context) -> None:
        """This site's projects (opened here or assigned here)."""
        from plugins.checklist import service

        runtime = _runtime(ctx)
        rules = service.current_rules()
        today = dt.date.today()
        for project in service.projects_here(runtime.config.site_code):
            plan = service.plan_for(project, rules, runtime.calendar)
            overdue = len(plan.overdue(today))
            click.echo(
                f"{project.id[:13]}  {project.name}  {project.enterprise}  "
                + _("completion {day}").format(day=plan.completion.isoformat())
                + (("  " + _("{n} items overdue").format(n=overdue)) if overdue else "")
            )

    @checklist.command("show")
    @click.argument("project_id")
    @click.pass_context
    def show(ctx: click.Context, project_id: str) -> None:
        """A project's checklist: items by stage with dates and slack."""
        from plugins.checklist import service

        runtime = _runtime(ctx)
        project = _project(project_id)
        rules = service.current_rules()
        plan = service.plan_for(project, rules, runtime.calendar)
        click.echo(f"{project.name}  {project.enterprise}")
        for item in plan.items:
            slack = _("critical") if item.critical else str(item.slack)
            click.echo(
                f"{item.stage}  {item.name}  {item.department}  {item.days}  "
                f"{item.start.isoformat()} → {item.finish.isoformat()}  {slack}"
            )
        click.echo(_("Earliest completion: {day} ({n} working days)").format(
            day=plan.completion.isoformat(), n=plan.total_days))  # fmt: skip

    @checklist.command("print")
    @click.argument("project_id")
    @click.option(
        "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the PDF here."
    )
    @click.option("--printer", default=None, help="Print on this CUPS printer.")
    @click.pass_context
    def print_(ctx: click.Context, project_id: str, out: Path | None, printer: str | None) -> None:
        """Print a project's checklist (a dated PDF for the client)."""
        from core.documents import DocumentError, write_atomic
        from plugins.checklist import printout, service

        if out is None and printer is None:
            click.echo(
                _("Say where the checklist goes: --out FILE.pdf or --printer NAME."), err=True
            )
            raise click.exceptions.Exit(2)
        runtime = _runtime(ctx)
        project = _project(project_id)
        rules = service.current_rules()
        plan = service.plan_for(project, rules, runtime.calendar)
        try:
            pdf = printout.checklist_pdf(runtime, project, plan, rules, service.issues(project.id))
            if out is not None:
                write_atomic(out, pdf)
                click.echo(_("Written to {path}.").format(path=out))
        except DocumentError as exc:
            log.warning("checklist not made: %s", exc)
            click.echo(str(exc), err=True)
            raise click.exceptions.Exit(2) from exc
        if printer is not None:
            from core.printing import JobState, describe, print_pdf

            job = print_pdf(runtime, pdf, title=f"{project.name} 批前清单", printer=printer or None)
            if job.state in (JobState.QUEUED, JobState.FAILED, JobState.HELD):
                click.echo(describe(job.reason, job.printer), err=True)
                raise click.exceptions.Exit(3)
            click.echo(_("Sent to printer {printer}.").format(printer=job.printer))
