"""The batch intake's part of the intake plugin's hooks (plugin.py calls these):
screens, the item action, CLI commands, and the drop folder started and stopped
with the plugin."""

from __future__ import annotations

import logging
from typing import Any

import click

from core.i18n import _
from core.registry import ItemAction
from core.roles import Role

log = logging.getLogger(__name__)

IMPORT_SCREEN = "intake.batch_import"
REVIEW_SCREEN = "intake.batch_review"
ISSUE_SCREEN = "intake.batch_issue"
BATCH_ROLES = (Role.CLERK, Role.SUPERVISOR)
REVIEW_ROLES = (Role.SUPERVISOR, Role.CLERK)
INBOX = "intake.batch_inbox"  # runtime.extras: the running drop folder
PRESET_ITEM = "intake.batch_item"  # runtime.extras: the item an action chose

SETTINGS: dict[str, Any] = {
    # Watch <data dir>/intake/inbox/ for batch files while the workstation runs.
    "batch_inbox": True,
    # Seconds a dropped file must stay unchanged before it is read.
    "batch_inbox_settle_seconds": 2.0,
    # Child processes a batch issue may use (0: none; 1: the combined file; 2+: also
    # single certificates). About 140 MB each; faster only where cores are free.
    "batch_issue_processes": 0,
}


def _import_screen(runtime: Any) -> Any:
    from plugins.intake.ui.batch_import import BatchImportScreen  # Textual only when shown

    return BatchImportScreen(runtime)


def _review_screen(runtime: Any) -> Any:
    from plugins.intake.ui.batch_review import BatchReviewScreen

    return BatchReviewScreen(runtime)


def _issue_screen(runtime: Any) -> Any:
    from plugins.intake.ui.batch_issue import BatchIssueScreen

    return BatchIssueScreen(runtime)


def screens(registry: Any) -> None:
    registry.add(
        IMPORT_SCREEN,
        lambda: _("Batch import"),
        _import_screen,
        roles=BATCH_ROLES,
        description=lambda: _("One declaration for many applicants: import the filled template"),
        order=260,
    )
    registry.add(
        REVIEW_SCREEN,
        lambda: _("Package review"),
        _review_screen,
        roles=REVIEW_ROLES,
        description=lambda: _("One decision for a batch, with exceptions per row (打包审核)"),
        order=261,
    )
    registry.add(
        ISSUE_SCREEN,
        lambda: _("Batch issue"),
        _issue_screen,
        roles=BATCH_ROLES,
        description=lambda: _("Certificates for the approved rows of a batch (批量发证)"),
        order=262,
    )


def item_actions(item: Any, context: Any) -> list[ItemAction]:
    def start(item: Any, runtime: Any) -> None:
        code = item.get("code", "") if isinstance(item, dict) else getattr(item, "code", "")
        runtime.extras[PRESET_ITEM] = str(code)
        runtime.ui.open_screen(IMPORT_SCREEN)

    return [
        ItemAction(
            id="intake.batch_import",
            label=_("Batch intake for this item"),
            run=start,
            roles=frozenset(BATCH_ROLES),
        )
    ]


def cli(group: click.Group) -> None:
    from plugins.intake.batch_cli import add_batch_commands

    intake = group.commands.get("intake")
    if not isinstance(intake, click.Group):

        @group.group("intake")
        def intake_group() -> None:
            """Intake (办件): batch templates, imports, review and issue."""

        intake = intake_group
    add_batch_commands(intake)


def startup(context: Any) -> None:
    """Start the drop folder (watchdog) while the plugin runs."""
    settings = context.settings("intake")
    if not settings.get("batch_inbox", True):
        return
    from plugins.intake.batch_inbox import Inbox

    def tell(result: Any) -> None:
        severity = "information" if result.ok else "warning"
        context.ui.notify(
            _("Drop folder: {file}: {message}").format(file=result.source, message=result.message),
            severity,
        )

    try:
        inbox = Inbox(
            context,
            settle_seconds=float(settings.get("batch_inbox_settle_seconds", 2.0)),
            on_result=tell,
        )
        inbox.start()
    except OSError as exc:
        log.warning("batch drop folder not started: %s", exc)
        return
    context.extras[INBOX] = inbox


def shutdown(context: Any) -> None:
    inbox = context.extras.pop(INBOX, None)
    if inbox is not None:
        inbox.stop()
