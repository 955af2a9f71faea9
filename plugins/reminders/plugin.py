"""Hook implementations of the reminders plugin (办事闹钟)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from core.i18n import _
from core.plugins import hookimpl
from core.registry import TileBadge
from core.roles import Role
from plugins.reminders import models

log = logging.getLogger(__name__)

SCREEN = "reminders.board"
ROLES = (Role.CLERK, Role.STEWARD, Role.IT_ADMIN)
RESEND_KIND = "reminders.resend"


@hookimpl
def sihao_models() -> list[Any]:
    return list(models.MODELS)


@hookimpl
def sihao_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def sihao_settings() -> dict[str, Any]:
    # How far ahead the screen looks for expiring licences.
    return {"days_ahead": 90}


def _screen(runtime: Any) -> Any:
    from plugins.reminders.ui.reminders_screen import RemindersScreen  # Textual only when shown

    return RemindersScreen(runtime)


def reminders_badge(runtime: Any) -> TileBadge | None:
    """From what was last pulled (one row read): failures first, then what expires soon."""
    from plugins.reminders import service

    view = service.last_pulled(runtime.config.site_code)
    if view is None:
        return None
    if view.failures:
        return TileBadge(_("{n} reminders failed").format(n=len(view.failures)), alert=True)
    soon = sum(1 for row in view.upcoming if _days(row) <= 7)
    if soon:
        return TileBadge(_("{n} expire within a week").format(n=soon))
    return None


def _days(row: dict[str, Any]) -> int:
    value = row.get("days_left")
    return value if isinstance(value, int) else 10**6


@hookimpl
def sihao_screens(registry: Any) -> None:
    registry.add(
        SCREEN,
        lambda: _("Expiry reminders"),
        _screen,
        roles=ROLES,
        description=lambda: _("Licences expiring soon, reminders sent and delivered (办事闹钟)"),
        order=450,
        badge=reminders_badge,
    )


@hookimpl
def sihao_record_kinds(registry: Any) -> None:
    from plugins.reminders import schemas

    registry.add(
        schemas.RESEND_KIND,
        description="a reminder sent again by hand, with the reason",
        schema=schemas.ResendPayload,
        check=_check_resend,
    )


def _check_resend(payload: dict[str, Any], ctx: Any) -> None:
    from plugins.reminders import server  # server side only

    server.check_resend(payload, ctx)


@hookimpl
def sihao_server_record_applied(record: Any, emit: Any) -> None:
    if record.kind != RESEND_KIND:
        return  # asked about every record every workstation pushes
    from plugins.reminders import server

    server.resend_applied(record)


@hookimpl
def sihao_server_licences_issued(licences: Any) -> None:
    from plugins.reminders import server

    server.licences_issued(licences)


@hookimpl
def sihao_server_migrations() -> Path:
    return Path(__file__).parent / "server_migrations"


@hookimpl
def sihao_server_jobs(registry: Any) -> None:
    from plugins.reminders import server

    server.add_jobs(registry)


@hookimpl
def sihao_server_routes(router: Any) -> None:
    from plugins.reminders import server

    server.add_routes(router)


@hookimpl
def sihao_server_cli(group: click.Group) -> None:
    from plugins.reminders import server

    server.add_cli(group)


@hookimpl
def sihao_cli(group: click.Group) -> None:
    @group.command("reminders")
    @click.option("--refresh", is_flag=True, help="Ask the central server first.")
    @click.option("--failures", is_flag=True, help="Only reminders that failed.")
    @click.pass_context
    def reminders(ctx: click.Context, refresh: bool, failures: bool) -> None:
        """This site's licences expiring soon and the reminders sent (as last pulled)."""
        from core.sync.client import SyncError
        from plugins.reminders import service

        runtime = ctx.find_root().obj["runtime"]
        site = runtime.config.site_code
        view = None
        if refresh:
            try:
                view = service.refresh(runtime, int(runtime.settings("reminders")["days_ahead"]))
            except SyncError as exc:
                click.echo(
                    _("Could not ask the central server: {reason}").format(reason=exc), err=True
                )
        view = view or service.last_pulled(site)
        if view is None:
            click.echo(
                _("No reminders pulled yet: run with --refresh while the server is reachable.")
            )
            raise click.exceptions.Exit(1)
        click.echo(
            _("As of {when} UTC (site {site}).").format(
                when=f"{view.pulled_at:%Y-%m-%d %H:%M}" if view.pulled_at else "?", site=site
            )
        )
        if not failures:
            click.echo(_("Expiring soon:"))
            for row in view.upcoming:
                click.echo(
                    f"  {row.get('valid_until')}  {row.get('licence_type')} {row.get('licence_no')}"
                    f"  {row.get('holder')}  {row.get('mobile')}"
                )
        click.echo(_("Reminders:") if not failures else _("Failed reminders:"))
        for row in view.failures if failures else view.messages:
            click.echo(
                f"  #{row.get('id')}  {row.get('licence_no')}  {row.get('holder')}"
                f"  {service.state_label(str(row.get('state')))}"
                f"  {service.error_sentence(str(row.get('error') or ''))}".rstrip()
            )
