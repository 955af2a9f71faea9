"""Hook implementations of the checklist plugin: screens, record kinds, sync, server, CLI."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import click

from core.i18n import _
from core.plugins import hookimpl
from core.registry import TileBadge
from core.roles import Role
from plugins.checklist import models

log = logging.getLogger(__name__)

PROJECTS_SCREEN = "checklist.projects"
STEWARD_ROLES = (Role.STEWARD,)
PROJECT_KIND = "checklist.project"  # service.PROJECT_KIND, without importing it at start-up
EVENT_KIND = "checklist.event"


@hookimpl
def sihao_models() -> list[Any]:
    return list(models.MODELS)


@hookimpl
def sihao_migrations() -> Path:
    return Path(__file__).parent / "migrations"


def _projects_screen(runtime: Any) -> Any:
    from plugins.checklist.ui.projects_screen import ProjectsScreen  # Textual only when shown

    return ProjectsScreen(runtime)


def overdue_badge(runtime: Any) -> TileBadge | None:
    """Items past their forecast finish in this site's projects, highlighted."""
    from plugins.checklist import service

    projects = service.projects_here(runtime.config.site_code)
    if not projects:
        return None
    overdue = service.overdue_items(
        runtime.config.site_code, service.current_rules(), runtime.calendar, dt.date.today()
    )
    if overdue:
        return TileBadge(_("{n} items overdue").format(n=overdue), alert=True)
    return TileBadge(_("{n} projects").format(n=len(projects)))


@hookimpl
def sihao_screens(registry: Any) -> None:
    registry.add(
        PROJECTS_SCREEN,
        lambda: _("Pre-approval checklists"),
        _projects_screen,
        roles=STEWARD_ROLES,
        description=lambda: _("Projects, their approvals, dates and joint consultation (批前清单)"),
        order=400,
        badge=overdue_badge,
    )


@hookimpl
def sihao_record_kinds(registry: Any) -> None:
    from plugins.checklist import schemas

    registry.add(
        PROJECT_KIND,
        description="construction project with its pre-approval checklist inputs",
        schema=schemas.ProjectPayload,
        check=_check_project,
    )
    registry.add(
        EVENT_KIND,
        description="a project's change, item date, stage completion or consultation entry",
        schema=schemas.ProjectEventPayload,
        check=_check_event,
    )


def _check_project(payload: dict[str, Any], ctx: Any) -> None:
    from plugins.checklist import server_side

    server_side.check_project(payload, ctx)


def _check_event(payload: dict[str, Any], ctx: Any) -> None:
    from plugins.checklist import server_side

    server_side.check_event(payload, ctx)


@hookimpl
def sihao_apply_change(kind: str, id: str, op: str, data: Any) -> bool | None:
    """Projects opened at another workstation of this site or assigned here, and their
    events. One that fails the checks raises ``RecordRejected`` (parked)."""
    if kind not in (PROJECT_KIND, EVENT_KIND):
        return None
    if op != "upsert" or not isinstance(data, dict):
        return True
    from plugins.checklist import service

    if kind == PROJECT_KIND:
        service.apply_remote_project(data)
    else:
        service.apply_remote_event(data)
    return True


@hookimpl
def sihao_server_record_applied(record: Any, emit: Any) -> None:
    if record.kind not in (PROJECT_KIND, EVENT_KIND):
        return
    from plugins.checklist import server_side

    server_side.record_applied(record, emit)


@hookimpl
def sihao_server_routes(router: Any) -> None:
    from plugins.checklist import server_side

    server_side.add_routes(router)


@hookimpl
def sihao_cli(group: click.Group) -> None:
    from plugins.checklist import cli

    cli.add_commands(group)
