"""Hook implementations of the intake plugin: models, migrations, settings, screens,
the item actions that start an intake, record kinds, the case hooks, the server side."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from core.i18n import _
from core.plugins import hookimpl
from core.registry import BUNDLE_TARGET, ITEM_TARGET, ItemAction, TileBadge, work_badge
from core.roles import Role
from plugins.intake import models

PLUGIN = "intake"
INTAKE_ROLES = (Role.CLERK, Role.SUPERVISOR)

DEFAULT_SETTINGS: dict[str, Any] = {
    # Days after delivery (已送达) a citizen may rate a case; after that the server
    # records the default rating (基本满意, kind 默认). Guangdong uses 7.
    "rating_period_days": 7,
}


@hookimpl
def sihao_models() -> list[Any]:
    from plugins.intake import batch_models

    return [*models.MODELS, *batch_models.MODELS]


@hookimpl
def sihao_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def sihao_settings() -> dict[str, Any]:
    from plugins.intake import batch_hooks

    return {**DEFAULT_SETTINGS, **batch_hooks.SETTINGS}


CASES_SCREEN = "intake.cases"


def _cases_screen(runtime: Any) -> Any:
    from plugins.intake.ui.cases_screen import CasesScreen  # Textual only when shown

    return CasesScreen(runtime)


def _stats_screen(runtime: Any) -> Any:
    from plugins.intake.ui.stats_screen import CaseStatsScreen

    return CaseStatsScreen(runtime)


def cases_badge(runtime: Any) -> TileBadge | None:
    from plugins.intake import service

    overdue, open_ = service.open_counts(runtime.config.site_code)
    return work_badge(overdue, open_)


@hookimpl
def sihao_screens(registry: Any) -> None:
    registry.add(
        CASES_SCREEN,
        lambda: _("Cases (办件)"),
        _cases_screen,
        roles=INTAKE_ROLES,
        description=lambda: _("Applications taken here: their states, the next step, overdue"),
        order=250,
        badge=cases_badge,
    )
    registry.add(
        "intake.stats",
        lambda: _("Case statistics"),
        _stats_screen,
        roles=(Role.SUPERVISOR, Role.OFFICER, Role.IT_ADMIN),
        description=lambda: _("Cases taken per site, item and month"),
        order=345,
    )
    from plugins.intake import batch_hooks  # batch import, package review, batch issue

    batch_hooks.screens(registry)


def _start_item(item: Any, runtime: Any) -> None:
    from plugins.intake.ui.intake_screen import IntakeScreen  # Textual only when used

    code = str(item.get("code", "")) if isinstance(item, dict) else ""
    chosen = (
        [str(c) for c in (item.get("selected_situations") or [])] if isinstance(item, dict) else []
    )
    runtime.ui.push_screen(IntakeScreen(runtime, code, situations=chosen))


def _start_bundle(bundle: Any, runtime: Any) -> None:
    from plugins.intake.ui.intake_screen import IntakeScreen

    items = list(bundle.get("items") or []) if isinstance(bundle, dict) else []
    if not items:
        runtime.ui.notify(_("This bundle lists no items."), "warning")
        return
    runtime.ui.push_screen(IntakeScreen(runtime, str(items[0]), bundle=dict(bundle)))


@hookimpl
def sihao_item_actions(item: Any, context: Any) -> list[ItemAction]:
    from plugins.intake import batch_hooks

    return [
        ItemAction(
            id="intake.start",
            label=_("Take an application (受理)"),
            run=_start_item,
            roles=frozenset(INTAKE_ROLES),
            key="ctrl+t",
            targets=frozenset({ITEM_TARGET}),
        ),
        ItemAction(
            id="intake.start_bundle",
            label=_("Take an application (受理)"),
            run=_start_bundle,
            roles=frozenset(INTAKE_ROLES),
            key="ctrl+t",
            targets=frozenset({BUNDLE_TARGET}),
        ),
        *batch_hooks.item_actions(item, context),
    ]


@hookimpl
def sihao_cli(group: click.Group) -> None:
    from plugins.intake import batch_hooks
    from plugins.intake.cli import add_commands

    add_commands(group)
    batch_hooks.cli(group)  # template, import, batches, review, issue in the same group


@hookimpl
def sihao_find_case(number: str, context: Any) -> Any:
    from plugins.intake import service

    site = str(getattr(getattr(context, "config", None), "site_code", "") or "")
    case = service.find(number, site)
    return service.case_ref(case) if case is not None else None


@hookimpl
def sihao_record_kinds(registry: Any) -> None:
    # Strict payload schemas and the server's checks (pydantic: imported here only).
    from plugins.intake import schemas
    from plugins.intake.service import CASE_KIND, STEP_KIND

    registry.add(
        CASE_KIND,
        description="application case (办件) with its materials",
        schema=schemas.CasePayload,
        check=_check_case,
        append_only=True,  # a case is a new row with its own UUIDv7 id
    )
    registry.add(
        STEP_KIND,
        description="a state of an application case, hash-chained",
        schema=schemas.StepPayload,
        check=_check_step,
        append_only=True,  # so is each step
    )


def _check_case(payload: dict[str, Any], ctx: Any) -> None:
    from plugins.intake import server  # server side only

    server.check_case(payload, ctx)


def _check_step(payload: dict[str, Any], ctx: Any) -> None:
    from plugins.intake import server

    server.check_step(payload, ctx)


_SERVER_KINDS = ("intake.case", "intake.case_step", "feedback.rating")


@hookimpl
def sihao_server_records_applied(records: Any, emit: Any) -> None:
    if not any(record.kind in _SERVER_KINDS for record in records):
        return  # most pushes hold nothing of ours
    from plugins.intake import server
    from server.plugins import current_host

    server.records_applied(records, current_host())


@hookimpl
def sihao_server_record_applied(record: Any, emit: Any) -> None:
    """Every workstation of the taking site pulls the site's cases and their steps."""
    if record.kind in ("intake.case", "intake.case_step"):
        emit(f"site:{record.site_code}", record.kind, record.entity_id, "upsert", record.payload)


@hookimpl
def sihao_apply_change(kind: str, id: str, op: str, data: Any) -> bool | None:
    """A case or step of this site from another workstation (``remote``)."""
    if kind not in ("intake.case", "intake.case_step"):
        return None
    if op != "upsert":
        return True  # cases are never deleted; a tombstone changes nothing here
    from core.sync.models import SyncState
    from plugins.intake import remote

    # Pulled changes reach only an enrolled workstation: its site is the enrolment's.
    state = SyncState.get_or_none(SyncState.id == 1)
    remote.apply(kind, data, str(state.site_code) if state is not None else "")
    return True


@hookimpl
def sihao_server_migrations() -> Path:
    return Path(__file__).parent / "server_migrations"


@hookimpl
def sihao_server_routes(router: Any) -> None:
    from plugins.intake import server

    server.add_routes(router)


def _default_ratings_job(context: Any) -> int:
    from plugins.intake import server
    from server.plugins import current_host

    return server.make_default_ratings(context, current_host())


@hookimpl
def sihao_server_jobs(registry: Any) -> None:
    registry.add(
        "intake.default_ratings",
        _default_ratings_job,
        every=600,
        description="default rating (基本满意, 默认) of delivered cases nobody rated in time",
    )


# -- batch intake (一次申报、打包审核、批量发证): plugins/intake/batch_hooks.py ------------
@hookimpl
def sihao_startup(context: Any) -> None:
    from plugins.intake import batch_hooks

    batch_hooks.startup(context)


@hookimpl
def sihao_shutdown(context: Any) -> None:
    from plugins.intake import batch_hooks

    batch_hooks.shutdown(context)
