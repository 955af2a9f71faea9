"""Hook implementations of the 好评 plugin: screens, settings, record kinds, sync, CLI."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import click

from core.i18n import _
from core.plugins import hookimpl
from core.registry import ItemAction, TileBadge, work_badge
from core.roles import Role

log = logging.getLogger(__name__)

PLUGIN = "feedback"
RATING_SCREEN = "feedback.rating_entry"
CASES_SCREEN = "feedback.cases"
INSPECTION_SCREEN = "feedback.inspection"
WALK_SCREEN = "feedback.walk"
HISTORY_SCREEN = "feedback.inspection_history"
STATS_SCREEN = "feedback.stats"

RATING_ROLES = (Role.CLERK, Role.SUPERVISOR, Role.OFFICER)
CASE_ROLES = (Role.CLERK, Role.SUPERVISOR)
INSPECTION_ROLES = (Role.SUPERVISOR, Role.OFFICER)
STATS_ROLES = (Role.SUPERVISOR, Role.OFFICER, Role.IT_ADMIN)

REFERENCE_KIND = "feedback.reference"
VOID_KIND = "feedback.rating_void"  # voids.VOID_KIND, without importing it at start-up
# ratings.RATING_KIND, cases.CASE_KIND and EVENT_KIND: the plugin's modules (cases,
# ratings, tag sets: 35–50 ms) are imported when first used, not when it loads.
RATING_KIND = "feedback.rating"
CASE_KIND = "feedback.case"
EVENT_KIND = "feedback.case_event"


@hookimpl
def sihao_models() -> list[Any]:
    from plugins.feedback import models

    return list(models.MODELS)


@hookimpl
def sihao_audit_scope() -> Any:
    """Ratings, voids and inspections are written only here, each with its audit
    entry (cases and their events also arrive pulled, without one); the rating
    tally is counted again from the ratings."""
    from core.audit import AuditScope
    from plugins.feedback import models, tally

    return AuditScope(
        complete=[
            models.Rating,
            models.RatingVoid,
            models.Inspection,
            models.InspectionScore,
            models.Finding,
            models.WalkStep,
        ],
        tallies=[tally.disagreements],
    )


@hookimpl
def sihao_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def sihao_settings() -> dict[str, Any]:
    from plugins.feedback import cases, ratings

    return {**ratings.DEFAULT_SETTINGS, **cases.DEFAULT_SETTINGS}


def _rating_screen(runtime: Any) -> Any:
    from plugins.feedback.ui.rating_entry import RatingEntryScreen  # Textual only when shown

    return RatingEntryScreen(runtime)


def _cases_screen(runtime: Any) -> Any:
    from plugins.feedback.ui.cases_screen import CasesScreen

    return CasesScreen(runtime)


def _inspection_screen(runtime: Any) -> Any:
    from plugins.feedback.ui.inspection_screen import InspectionScreen

    return InspectionScreen(runtime)


def _history_screen(runtime: Any) -> Any:
    from plugins.feedback.ui.inspection_history import InspectionHistoryScreen

    return InspectionHistoryScreen(runtime)


def _walk_screen(runtime: Any) -> Any:
    from plugins.feedback.ui.walk_screen import WalkScreen

    return WalkScreen(runtime)


def _stats_screen(runtime: Any) -> Any:
    from plugins.feedback.ui.stats_screen import StatsScreen

    return StatsScreen(runtime)


def cases_badge(runtime: Any) -> TileBadge | None:
    from plugins.feedback import cases

    session = getattr(runtime, "session", None)
    viewer = (
        cases.staff_actor(session.staff_no, session.role, session.site_code)
        if session is not None
        else None
    )
    overdue, open_ = cases.overdue_count(runtime.config.site_code, dt.date.today(), viewer)
    return work_badge(overdue, open_)


@hookimpl
def sihao_screens(registry: Any) -> None:
    registry.add(
        RATING_SCREEN,
        lambda: _("Rating entry"),
        _rating_screen,
        roles=RATING_ROLES,
        description=lambda: _("Key in rating cards (好差评)"),
        order=300,
    )
    registry.add(
        CASES_SCREEN,
        lambda: _("Rectification cases"),
        _cases_screen,
        roles=CASE_ROLES,
        description=lambda: _("Call back, rectify and report back on bad reviews and findings"),
        order=310,
        badge=cases_badge,
    )
    registry.add(
        INSPECTION_SCREEN,
        lambda: _("Inspection"),
        _inspection_screen,
        roles=INSPECTION_ROLES,
        description=lambda: _("Score the hall against the indicators, record findings"),
        order=320,
    )
    registry.add(
        HISTORY_SCREEN,
        lambda: _("Past inspections"),
        _history_screen,
        roles=INSPECTION_ROLES,
        description=lambda: _("Inspections logged here, their findings and the cases they opened"),
        order=325,
    )
    registry.add(
        WALK_SCREEN,
        lambda: _("Walk the process"),
        _walk_screen,
        roles=INSPECTION_ROLES,
        description=lambda: _("Time each step as an applicant lives it (走流程)"),
        order=330,
    )
    registry.add(
        STATS_SCREEN,
        lambda: _("Rating statistics"),
        _stats_screen,
        roles=STATS_ROLES,
        description=lambda: _("Satisfaction, bad-review, callback and rectification rates"),
        order=340,
    )


@hookimpl
def sihao_item_actions(item: Any, context: Any) -> list[ItemAction]:
    def rate(item: Any, runtime: Any) -> None:
        # The lookup hands over the item as a dict in the catalog format.
        code = item.get("code", "") if isinstance(item, dict) else getattr(item, "code", "")
        runtime.extras["feedback.rate_item"] = str(code)
        runtime.ui.open_screen(RATING_SCREEN)

    return [
        ItemAction(
            id="feedback.rate_item",
            label=_("Key in a rating of this item"),
            run=rate,
            roles=frozenset(RATING_ROLES),
        )
    ]


@hookimpl
def sihao_record_kinds(registry: Any) -> None:
    # The strict payload schemas and the server's checks (pydantic: imported here,
    # never on the workstation's start-up path).
    from plugins.feedback import cases, checks, schemas, voids

    registry.add(
        RATING_KIND,
        description="好差评 rating",
        schema=schemas.RatingPayload,
        check=checks.check_rating,
        append_only=True,
    )
    registry.add(
        CASE_KIND,
        description="rectification case",
        schema=schemas.CasePayload,
        check=_check_case,
        append_only=True,
    )
    registry.add(
        EVENT_KIND,
        payload_version=cases.EVENT_PAYLOAD_VERSION,
        description="rectification case state change",
        schema=schemas.CaseEventPayloadV2,
        schemas={1: schemas.CaseEventPayload},
        check=_check_event,
        append_only=True,
    )
    registry.add(
        checks.INSPECTION_KIND,
        description="inspection with scores, findings, steps",
        schema=schemas.InspectionPayload,
        check=checks.check_inspection,
        append_only=True,
    )
    registry.add(
        voids.VOID_KIND,
        description="a rating voided, with the reason",
        schema=schemas.RatingVoidPayload,
        check=voids.check_pushed,
        append_only=True,
    )


def _check_case(payload: dict[str, Any], ctx: Any) -> None:
    """Where the case may go (``checks``), then who opened it and its dates."""
    from plugins.feedback import checks, server_checks  # server side only

    checks.check_case(payload, ctx)
    server_checks.check_case(payload, ctx)


def _check_event(payload: dict[str, Any], ctx: Any) -> None:
    from plugins.feedback import server_checks

    server_checks.check_event(payload, ctx)


@hookimpl
def sihao_apply_change(kind: str, id: str, op: str, data: Any) -> bool | None:
    """Cases routed here from another site, their events, and new reference sets. A
    case or event that fails the checks raises ``RecordRejected``: parked with its
    reason by the sync client, the rest of the page applies."""
    if op != "upsert" or not isinstance(data, dict):
        return True if kind.startswith("feedback.") else None
    if kind not in (CASE_KIND, EVENT_KIND, REFERENCE_KIND):
        return None
    from plugins.feedback import cases, reference

    if kind == CASE_KIND:
        cases.apply_remote_case(data)
        return True
    if kind == EVENT_KIND:
        cases.apply_remote_event(data)
        return True
    if kind == REFERENCE_KIND:
        try:
            reference.store(str(data.get("kind", "")), data.get("data", {}))
        except ValueError as exc:  # a bad set must not hold up the rest of the page
            log.warning("reference set %s not kept: %s", id, exc)
        return True
    return None


@hookimpl
def sihao_server_record_applied(record: Any, emit: Any) -> None:
    if record.kind not in (CASE_KIND, EVENT_KIND):
        return  # asked about every record every workstation pushes: most are not ours
    from plugins.feedback import server  # server side only

    server.record_applied(record, emit)


_CASE_KINDS = (CASE_KIND, EVENT_KIND)


@hookimpl
def sihao_server_records_applied(records: Any, emit: Any) -> None:
    if any(record.kind in _CASE_KINDS for record in records):
        from plugins.feedback import server_checks

        server_checks.update_states(records)
    if not any(record.kind in (RATING_KIND, VOID_KIND) for record in records):
        return  # most pushes hold no rating
    from plugins.feedback import server

    server.tally_ratings(records)


@hookimpl
def sihao_server_settled(kind: str, changes: Any, settled_before: Any) -> Any:
    if kind not in _CASE_KINDS:
        return None
    from plugins.feedback import server_checks

    return server_checks.settled(kind, changes, settled_before)


@hookimpl
def sihao_server_migrations() -> Path:
    return Path(__file__).parent / "server_migrations"


@hookimpl
def sihao_server_routes(router: Any) -> None:
    from plugins.feedback import server

    server.add_routes(router)


@hookimpl
def sihao_server_cli(group: click.Group) -> None:
    from plugins.feedback import server

    server.add_cli(group)


@hookimpl
def sihao_cli(group: click.Group) -> None:
    @group.command("ratings-export")
    @click.option(
        "--by",
        default="window,month",
        help="Dimensions: site, window, staff, item, department, day, month, year.",
    )
    @click.option("--without-default", is_flag=True, help="Leave default ratings out.")
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.pass_context
    def ratings_export(ctx: click.Context, by: str, without_default: bool, path: str) -> None:
        """Export rating statistics to PATH (.csv or .xlsx)."""
        from plugins.feedback import export, stats

        ctx.find_root().obj["runtime"]  # the store is open and bound
        dims = tuple(d.strip() for d in by.split(",") if d.strip())
        unknown = [d for d in dims if d not in stats.DIMENSIONS]
        if unknown:
            click.echo(
                _("Unknown dimension {names}; use {known}.").format(
                    names=", ".join(unknown), known=", ".join(stats.DIMENSIONS)
                ),
                err=True,
            )
            raise click.exceptions.Exit(2)
        rows = stats.breakdown(dims, include_default=not without_default)
        lines = export.table(dims, rows)
        target = Path(path)
        if target.suffix.lower() == ".xlsx":
            export.to_xlsx(target, lines)
        else:
            export.to_csv(target, lines)
        click.echo(_("Exported {n} rows to {path}.").format(n=len(rows), path=target))


# -- citizens rate by themselves: the hall kiosk and the QR page ------------------------------
KIOSK_RATING_SCREEN = "feedback.kiosk_rating"


def _kiosk_rating_screen(runtime: Any) -> Any:
    from plugins.feedback.ui.kiosk_rating import KioskRatingScreen  # Textual only when shown

    return KioskRatingScreen(runtime)


@hookimpl
def sihao_kiosk_screens(registry: Any) -> None:
    registry.add(
        KIOSK_RATING_SCREEN,
        lambda: _("Rate the hall"),
        _kiosk_rating_screen,
        description=lambda: _("Tell us how we served you today"),
        order=300,
    )


@hookimpl
def sihao_server_rating_choices(channel: str) -> Any:
    from plugins.feedback import citizen

    return citizen.rating_choices(channel)


@hookimpl
def sihao_server_citizen_rating(rating: Any) -> Any:
    from plugins.feedback import citizen

    return citizen.citizen_records(rating)
