"""Hook implementations of the About plugin: the smallest plugin with a screen, models,
migrations, settings, CLI commands and the lifecycle hooks."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from core.i18n import _
from core.plugins import hookimpl
from core.roles import ALL_ROLES
from plugins.about import models, service

log = logging.getLogger(__name__)

SCREEN_ID = "about.site"


@hookimpl
def sihao_models() -> list[Any]:
    return list(models.MODELS)


@hookimpl
def sihao_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def sihao_settings() -> dict[str, Any]:
    return {"show_off_duty_staff": False}


def _screen(runtime: Any) -> Any:
    from plugins.about.ui.about_screen import AboutScreen  # Textual only when shown

    return AboutScreen(runtime)


@hookimpl
def sihao_screens(registry: Any) -> None:
    registry.add(
        SCREEN_ID,
        lambda: _("About this site"),
        _screen,
        roles=ALL_ROLES,
        description=lambda: _("Windows and staff on duty"),
        order=900,
    )


@hookimpl
def sihao_cli(group: click.Group) -> None:
    @group.command("about")
    @click.pass_context
    def about(ctx: click.Context) -> None:
        """Print this site, its windows and the staff on duty."""
        runtime = ctx.find_root().obj["runtime"]
        info = service.overview(runtime.config.site_code)
        if info is None:
            click.echo(_("This workstation is not set up for a site yet."))
            raise click.exceptions.Exit(1)
        click.echo(f"{info.name}（{info.level}） {info.code}")
        for window in info.windows:
            click.echo(
                f"  {window.number} {window.name}: {'、'.join(window.staff_on_duty) or _('nobody')}"
            )

    @group.command("notice")
    @click.argument("text")
    @click.option("--author", required=True, help="Staff number of the author.")
    @click.pass_context
    def notice(ctx: click.Context, text: str, author: str) -> None:
        """Post a notice shown on the About screen."""
        runtime = ctx.find_root().obj["runtime"]
        try:
            service.post_notice(runtime.config.site_code, text, author)
        except ValueError as exc:
            click.echo(str(exc), err=True)
            raise click.exceptions.Exit(2) from exc
        click.echo(_("Notice posted."))


@hookimpl
def sihao_startup(context: Any) -> None:
    log.info("about plugin ready for site %s", context.config.site_code)


@hookimpl
def sihao_shutdown(context: Any) -> None:
    log.info("about plugin stopped")
