"""Hook implementations of the printing plugin.

The queue itself is core (core.printing): any plugin prints with
``core.printing.print_pdf`` or the shell's print dialog, whether or not this plugin
is on. This plugin adds what a person sees and what runs in the background: the
print queue screen (each job's state, retry, reroute), the worker that retries
waiting jobs and follows sent ones, and ``sihao print FILE``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from core.i18n import _
from core.plugins import hookimpl
from core.registry import TileBadge
from core.roles import Role

log = logging.getLogger(__name__)

QUEUE_SCREEN = "printing.queue"
ROLES = (Role.CLERK, Role.STEWARD, Role.IT_ADMIN)


@hookimpl
def sihao_settings() -> dict[str, Any]:
    # Seconds between two passes of the retry worker.
    return {"poll_seconds": 5}


def _queue_screen(runtime: Any) -> Any:
    from plugins.printing.ui.queue_screen import PrintQueueScreen  # Textual only when shown

    return PrintQueueScreen(runtime)


def queue_badge(runtime: Any) -> TileBadge | None:
    # The models only (~1 ms): the home screen draws this at start-up.
    from core.printing.models import ACTIVE, JobState, PrintJob

    states = [
        row.state
        for row in PrintJob.select(PrintJob.state).where(
            PrintJob.state.in_([s.value for s in ACTIVE])
        )
    ]
    waiting = sum(state in (JobState.QUEUED, JobState.HELD) for state in states)
    if waiting:
        return TileBadge(_("{n} waiting").format(n=waiting), alert=True)
    if states:
        return TileBadge(_("{n} printing").format(n=len(states)))
    return None


@hookimpl
def sihao_screens(registry: Any) -> None:
    registry.add(
        QUEUE_SCREEN,
        lambda: _("Print queue"),
        _queue_screen,
        roles=ROLES,
        description=lambda: _("Each print job's state; retry or send to another printer"),
        order=800,
        badge=queue_badge,
    )


# The worker's first pass waits this long: the print queue's imports (~20 ms) and its
# first lpstat calls would otherwise share the two cores with the start-up.
START_DELAY = 2.0


@hookimpl
def sihao_startup(context: Any) -> None:
    from core.printing.worker import PrintWorker

    try:
        interval = float(context.settings("printing").get("poll_seconds", 5))
    except (TypeError, ValueError):
        interval = 5.0

    def make_queue() -> Any:
        from core.printing import queue_for

        return queue_for(context)

    worker = PrintWorker(make_queue, interval=max(1.0, interval), start_delay=START_DELAY)
    context.extras["printing.worker"] = worker  # core.printing.WORKER_KEY
    worker.start()


@hookimpl
def sihao_shutdown(context: Any) -> None:
    worker = context.extras.pop("printing.worker", None)  # core.printing.WORKER_KEY
    if worker is not None:
        worker.stop()


@hookimpl
def sihao_cli(group: click.Group) -> None:
    @group.command("print")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--printer", "printer", default=None, help="CUPS printer (default: last used).")
    @click.option("--copies", default=1, show_default=True, type=int, help="Number of copies.")
    @click.pass_context
    def print_file(ctx: click.Context, file: Path, printer: str | None, copies: int) -> None:
        """Print a PDF file; a printer that is away keeps the job queued (sihao print F.pdf)."""
        from core.printing import JobState, PrintRequestError, describe, print_pdf, queue_for
        from core.printing.queue import check_pdf_size

        runtime = ctx.find_root().obj["runtime"]
        try:
            check_pdf_size(file.stat().st_size)  # before it is read into memory
            data = file.read_bytes()
        except PrintRequestError as exc:
            click.echo(str(exc), err=True)
            raise click.exceptions.Exit(2) from exc
        except OSError as exc:
            log.error("cannot read %s: %s", file, exc)
            click.echo(_("Cannot read the file {path}.").format(path=file), err=True)
            raise click.exceptions.Exit(2) from exc
        queue = queue_for(runtime)
        if not printer and not queue.last_printer():
            known = queue.printers()
            if not any(p.default for p in known):
                names = ", ".join(p.name for p in known) or _("none is set up here")
                click.echo(
                    _("Choose a printer with --printer: {names}").format(names=names), err=True
                )
                raise click.exceptions.Exit(2)
        try:
            job = print_pdf(runtime, data, title=file.stem, printer=printer, copies=copies)
        except PrintRequestError as exc:
            click.echo(str(exc), err=True)
            raise click.exceptions.Exit(2) from exc
        # Sent means CUPS has the job: the workstation's worker follows it to done.
        if job.state in (JobState.SENT, JobState.PRINTING, JobState.DONE):
            click.echo(
                _("Sent to printer {printer} ({copies} copies, job {job}).").format(
                    printer=job.printer, copies=job.copies, job=job.printer_job
                )
            )
            return
        click.echo(describe(job.reason, job.printer), err=True)
        raise click.exceptions.Exit(3)
