"""``sihao guide`` and ``sihao guides handbook|qrwall``.

Every command writes its PDF whole or not at all (the toolkit writes a temporary
file beside the target, then renames it), or hands it to the print queue with
``--printer``. Errors are one sentence on stderr and exit 2; a printer that is away
keeps the job queued (exit 3, as ``sihao print``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from core.i18n import _

log = logging.getLogger(__name__)


def _runtime(ctx: click.Context) -> Any:
    return ctx.find_root().obj["runtime"]


def _make(make: Callable[[], tuple[Any, bytes]]) -> tuple[Any, bytes]:
    """Run ``make``; a guide or document error becomes the sentence and exit 2."""
    from core.documents import DocumentError
    from plugins.guides.service import GuideError

    try:
        return make()
    except (GuideError, DocumentError) as exc:
        log.warning("guide not made: %s", exc)
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(2) from exc


def _deliver(
    runtime: Any, pdf: bytes, *, out: Path | None, printer: str | None, title: str
) -> None:
    """Write ``pdf`` to ``out`` and/or queue it for ``printer``."""
    from core.documents import DocumentError, write_atomic

    if out is not None:
        try:
            write_atomic(out, pdf)
        except DocumentError as exc:
            log.warning("guide not written to %s: %s", out, exc)
            click.echo(str(exc), err=True)
            raise click.exceptions.Exit(2) from exc
        click.echo(_("Written to {path}.").format(path=out))
    if printer is not None:
        from core.printing import JobState, PrintRequestError, describe, print_pdf

        try:
            job = print_pdf(runtime, pdf, title=title, printer=printer or None)
        except PrintRequestError as exc:
            click.echo(str(exc), err=True)
            raise click.exceptions.Exit(2) from exc
        if job.state in (JobState.QUEUED, JobState.FAILED, JobState.HELD):
            click.echo(describe(job.reason, job.printer), err=True)
            raise click.exceptions.Exit(3)
        click.echo(_("Sent to printer {printer}.").format(printer=job.printer))


def _need_target(out: Path | None, printer: str | None) -> None:
    if out is None and printer is None:
        click.echo(_("Say where the guide goes: --out FILE.pdf or --printer NAME."), err=True)
        raise click.exceptions.Exit(2)


OUT = click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the PDF to this file."
)
PRINTER = click.option(
    "--printer",
    default=None,
    help="Print on this CUPS printer (empty: the last one used).",
)


def add_commands(group: click.Group) -> None:
    @group.command("guide")
    @click.argument("code", required=False)
    @click.option(
        "--situation",
        "situations",
        multiple=True,
        help="A situation (code or name) of the applicant; repeat for several.",
    )
    @click.option(
        "--bundle", default=None, help="A one-thing bundle (code or name) instead of an item."
    )
    @OUT
    @PRINTER
    @click.pass_context
    def guide(
        ctx: click.Context,
        code: str | None,
        situations: tuple[str, ...],
        bundle: str | None,
        out: Path | None,
        printer: str | None,
    ) -> None:
        """The plain-language guide of an item (for its situations) or of a bundle."""
        from plugins.guides import render

        runtime = _runtime(ctx)
        _need_target(out, printer)
        if bool(code) == bool(bundle):
            click.echo(_("Give an item code or --bundle NAME, not both."), err=True)
            raise click.exceptions.Exit(2)
        if bundle:
            if situations:
                click.echo(_("--situation applies to one item, not to a bundle."), err=True)
                raise click.exceptions.Exit(2)
            found, pdf = _make(lambda: render.bundle_guide(runtime, bundle))
            title = f"{found['name']} 一件事办事指南"
        else:
            assert code is not None
            found, pdf = _make(lambda: render.item_guide(runtime, code, situations))
            title = f"{found['name']} 办事指南"
        _deliver(runtime, pdf, out=out, printer=printer, title=title)

    @group.group("guides")
    def guides() -> None:
        """The handbook of the items handled most, and the QR wall of the hall."""

    @guides.command("handbook")
    @click.option("--top", default=100, show_default=True, type=int, help="How many items.")
    @click.option(
        "--category", default="", help="Only a department (code or name) or an item type."
    )
    @click.option("--paper", default=None, help="A4 or A5 (default: the site setting).")
    @OUT
    @PRINTER
    @click.pass_context
    def handbook(
        ctx: click.Context,
        top: int,
        category: str,
        paper: str | None,
        out: Path | None,
        printer: str | None,
    ) -> None:
        """《审批服务高频事项办事指南》: cover, contents, bookmarks, one item per section."""
        from plugins.guides import render

        runtime = _runtime(ctx)
        _need_target(out, printer)
        selection, pdf = _make(
            lambda: render.handbook(runtime, top=top, category=category, paper=paper)
        )
        if selection.note:
            click.echo(selection.note)
        _deliver(runtime, pdf, out=out, printer=printer, title=render.HANDBOOK_TITLE)

    @guides.command("qrwall")
    @click.option("--top", default=24, show_default=True, type=int, help="How many items.")
    @click.option(
        "--category", default="", help="Only a department (code or name) or an item type."
    )
    @click.option(
        "--paper",
        default="A4",
        show_default=True,
        type=click.Choice(["A4", "A3"]),
        help="Sheet size.",
    )
    @OUT
    @PRINTER
    @click.pass_context
    def qrwall(
        ctx: click.Context,
        top: int,
        category: str,
        paper: str,
        out: Path | None,
        printer: str | None,
    ) -> None:
        """A sheet of QR codes with item names for the hall's wall, each opening the item's online guide."""
        from plugins.guides import render

        runtime = _runtime(ctx)
        _need_target(out, printer)
        selection, pdf = _make(
            lambda: render.qrwall(runtime, top=top, category=category, paper=paper)
        )
        if selection.note:
            click.echo(selection.note)
        _deliver(runtime, pdf, out=out, printer=printer, title="扫码看办事指南")
