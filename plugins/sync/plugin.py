"""Hook implementations of the Sync plugin: screens, status bar, worker, CLI."""

from __future__ import annotations

import logging
import time
from typing import Any

import click

from core.credentials import CredentialsError
from core.i18n import _
from core.plugins import hookimpl
from core.registry import Command, TileBadge
from core.roles import ALL_ROLES, Role
from core.sync import engine
from core.sync.client import SyncError, Unauthorized, UpgradeRequired
from plugins.sync import service

log = logging.getLogger(__name__)

SCREEN_ID = "sync.status"
ENROLL_ID = "sync.enroll"


@hookimpl
def sihao_settings() -> dict[str, Any]:
    return {"interval_seconds": 30, "timeout_seconds": 30, "keep_sent_days": 30}


def _status_screen(runtime: Any) -> Any:
    from plugins.sync.ui.sync_screen import SyncScreen  # Textual only when shown

    return SyncScreen(runtime)


def _enroll_screen(runtime: Any) -> Any:
    from plugins.sync.ui.enroll_screen import EnrollScreen

    return EnrollScreen(runtime)


def _badge(runtime: Any) -> TileBadge | None:
    state = engine.status()
    if state.rejected:
        return TileBadge(_("{n} rejected").format(n=state.rejected), alert=True)
    if state.pending:
        return TileBadge(str(state.pending))
    return None


@hookimpl
def sihao_screens(registry: Any) -> None:
    registry.add(
        SCREEN_ID,
        lambda: _("Sync"),
        _status_screen,
        roles=ALL_ROLES,
        description=lambda: _("Records waiting to be sent, last exchange with the server"),
        order=950,
        badge=_badge,
    )
    registry.add(
        ENROLL_ID,
        lambda: _("Enroll workstation"),
        _enroll_screen,
        roles=[Role.IT_ADMIN],
        description=lambda: _("Connect this workstation to the central server"),
        order=960,
    )


@hookimpl
def sihao_commands(context: Any) -> list[Command]:
    return [
        Command(
            id="sync.now",
            title=_("Sync now"),
            help=_("Send and fetch changes now instead of waiting for the timer"),
            run=lambda runtime: service.retry_now(runtime),
            roles=ALL_ROLES,
        ),
    ]


def _fail(exc: Exception, code: int = 2) -> None:
    click.echo(str(exc), err=True)
    raise click.exceptions.Exit(code)


@hookimpl
def sihao_cli(group: click.Group) -> None:
    @group.command("enroll")
    @click.option("--server", "server_url", required=True, help="URL of the central server.")
    @click.option("--code", required=True, help="One-time enrollment code from IT.")
    @click.option("--name", default=None, help="Name of this workstation (default: host name).")
    @click.pass_context
    def enroll(ctx: click.Context, server_url: str, code: str, name: str | None) -> None:
        """Enroll this workstation with the central server."""
        runtime = ctx.find_root().obj["runtime"]
        try:
            state = service.make_syncer(runtime).enroll(server_url, code, name)
        except (SyncError, CredentialsError) as exc:
            _fail(exc)
            return
        click.echo(
            _("This workstation is enrolled with {server} for site {site}.").format(
                server=state.server_url, site=state.site_code
            )
        )
        warning = service.credentials_warning()
        if warning:
            click.echo(warning, err=True)

    @group.command("sync")
    @click.option("--watch", is_flag=True, help="Keep syncing on a timer until interrupted.")
    @click.option("--interval", type=float, default=None, help="Seconds between rounds (--watch).")
    @click.pass_context
    def sync(ctx: click.Context, watch: bool, interval: float | None) -> None:
        """Send pending records and fetch changes once (or keep going with --watch)."""
        runtime = ctx.find_root().obj["runtime"]
        if engine.cached_policy() is not None:
            service.apply_policy(runtime)  # plugins of the server's policy handle their kinds
        syncer = service.make_syncer(runtime)
        if not watch:
            try:
                pushed, pulled = syncer.sync_once()
            except (SyncError, CredentialsError) as exc:
                _fail(exc, 1)
                return
            finally:
                syncer.close()
            click.echo(
                _(
                    "Sent {sent} (applied {applied}, already there {dup}, rejected {rej}); "
                    "fetched {changes} changes."
                ).format(
                    sent=pushed.sent,
                    applied=pushed.applied,
                    dup=pushed.duplicate,
                    rej=pushed.rejected,
                    changes=pulled.changes,
                )
            )
            return
        from core.sync.worker import SyncWorker

        def report(error: BaseException | None) -> None:
            click.echo(f"{time.strftime('%H:%M:%S')} {service.status_text(runtime)}")
            if error is not None:
                click.echo(str(error), err=True)

        conf = service.settings(runtime)
        worker = SyncWorker(
            lambda: syncer,
            interval=interval if interval is not None else float(conf["interval_seconds"]),
            on_cycle=report,
        )
        worker.start()
        try:
            while worker.running and not worker.waiting_for_person:
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass
        finally:
            worker.stop()
        if worker.waiting_for_person:
            raise click.exceptions.Exit(1)


@hookimpl
def sihao_startup(context: Any) -> None:
    try:
        service.startup(context)
    except (Unauthorized, UpgradeRequired) as exc:
        context.ui.notify(str(exc), "warning")


@hookimpl
def sihao_shutdown(context: Any) -> None:
    service.stop_worker(context)
