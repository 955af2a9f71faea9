"""``sihao intake template|import|batches|review|issue``: batch intake from a shell.

Errors are one sentence on stderr and exit 2 (a file refused, an unknown item or
batch); an import that kept some rows and refused others exits 0 and names the
error file; one that kept none exits 1.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from core.i18n import _

log = logging.getLogger(__name__)

AS = click.option("--as", "actor", default="", help="Staff number of who does it (recorded).")


def _runtime(ctx: click.Context) -> Any:
    return ctx.find_root().obj["runtime"]


def _fail(exc: Exception) -> None:
    log.warning("batch intake command refused: %s", getattr(exc, "detail", "") or exc)
    click.echo(str(exc), err=True)
    raise click.exceptions.Exit(2) from exc


def _refusals() -> tuple[type[Exception], ...]:
    from core.documents import DocumentError
    from core.safefiles import FileRefused
    from plugins.intake.batch_import import BatchError
    from plugins.intake.service import IntakeError

    return (FileRefused, BatchError, DocumentError, IntakeError)


def _bar(label: str) -> Any:
    state: dict[str, Any] = {"bar": None, "done": 0}

    def progress(done: int, total: int) -> None:
        if state["bar"] is None:
            bar: Any = click.progressbar(length=max(total, 1), label=label)
            bar.__enter__()
            state["bar"] = bar
        state["bar"].update(done - state["done"])
        state["done"] = done

    def close() -> None:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)

    return progress, close


def add_batch_commands(intake: click.Group) -> None:
    @intake.command("template")
    @click.argument("code")
    @click.option(
        "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="T.xlsx"
    )
    @click.pass_context
    def template(ctx: click.Context, code: str, out: Path) -> None:
        """The item's batch template: headers in Chinese, one column per situation."""
        from plugins.intake.batch_import import find_item
        from plugins.intake.batch_template import write_template

        _runtime(ctx)
        try:
            written = write_template(find_item(code), out)
        except _refusals() as exc:
            _fail(exc)
        click.echo(_("Written to {path}.").format(path=written))

    @intake.command("import")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option(
        "--item", "item_code", default=None, help="The item code, if the file does not say."
    )
    @AS
    @click.pass_context
    def import_(ctx: click.Context, file: Path, item_code: str | None, actor: str) -> None:
        """Check a filled template (XLSX or CSV) and keep its good rows as a batch."""
        from plugins.intake.batch_import import import_file

        runtime = _runtime(ctx)
        try:
            result = import_file(runtime, file, item_code=item_code, actor=actor)
        except _refusals() as exc:
            _fail(exc)
        for problem in result.problems:
            click.echo(
                _("Row {row}, column {column}: {message}").format(
                    row=problem.row_no, column=problem.column, message=problem.message
                )
            )
        for column in result.ignored_columns:
            click.echo(_("Column {column} is not in the template: ignored.").format(column=column))
        if result.error_file is not None:
            click.echo(_("Refused rows written to {path}.").format(path=result.error_file))
        if result.batch is None:
            click.echo(_("No row could be kept: nothing imported."), err=True)
            raise click.exceptions.Exit(1)
        click.echo(
            _("Batch {batch}: {good} rows kept, {bad} refused ({item}).").format(
                batch=result.batch.batch_no,
                good=result.good_rows,
                bad=result.bad_rows,
                item=result.item["name"],
            )
        )

    @intake.command("batches")
    @click.pass_context
    def batches(ctx: click.Context) -> None:
        """This workstation's batches, newest first."""
        from plugins.intake.batch_models import IntakeBatch
        from plugins.intake.batch_text import decision_label, state_label

        _runtime(ctx)
        for batch in IntakeBatch.select().order_by(IntakeBatch.imported_at.desc()):
            decided = decision_label(batch.decision)
            click.echo(
                f"{batch.batch_no}  {state_label(batch.state)}"
                f"{'（' + decided + '）' if decided else ''}  {batch.item_name}  "
                f"{batch.good_rows}/{batch.total_rows}"
            )

    @intake.command("review")
    @click.argument("batch")
    @click.option("--approve", "decision", flag_value="approve", help="Approve the package.")
    @click.option("--refuse", "decision", flag_value="refuse", help="Refuse the package.")
    @click.option(
        "--except",
        "exceptions",
        multiple=True,
        help="ROW:REASON, a row decided the other way; repeat for several.",
    )
    @click.option("--note", default="", help="The reason (required to refuse).")
    @AS
    @click.pass_context
    def review(
        ctx: click.Context,
        batch: str,
        decision: str | None,
        exceptions: tuple[str, ...],
        note: str,
        actor: str,
    ) -> None:
        """One decision for the package (打包审核), with per-row exceptions."""
        from plugins.intake import batch_review

        runtime = _runtime(ctx)
        parsed: dict[int, str] = {}
        for entry in exceptions:
            row, _sep, reason = entry.partition(":")
            if not row.strip().isdigit():
                click.echo(_("Write an exception as ROW:REASON (3:材料不全)."), err=True)
                raise click.exceptions.Exit(2)
            parsed[int(row)] = reason
        if decision is None:
            click.echo(_("Say --approve or --refuse."), err=True)
            raise click.exceptions.Exit(2)
        progress, close = _bar(_("Opening cases"))
        try:
            found = batch_review.get_batch(batch)
            decided = batch_review.decide(
                found, decision, reviewer=actor, exceptions=parsed, note=note
            )
            batch_review.open_cases(runtime, decided, actor=actor, progress=progress)
        except _refusals() as exc:
            close()
            _fail(exc)
        close()
        click.echo(_("Batch {batch} decided.").format(batch=decided.batch_no))

    @intake.command("issue")
    @click.argument("batch")
    @click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder of the certificates (default: the data directory's intake/certificates).",
    )
    @AS
    @click.pass_context
    def issue(ctx: click.Context, batch: str, out: Path | None, actor: str) -> None:
        """Issue the certificates of a decided batch (or finish an interrupted issue)."""
        from plugins.intake import batch_issue, batch_review

        runtime = _runtime(ctx)
        progress, close = _bar(_("Issuing certificates"))
        try:
            result = batch_issue.issue(
                runtime, batch_review.get_batch(batch), actor=actor, out_dir=out, progress=progress
            )
        except _refusals() as exc:
            close()
            _fail(exc)
        close()
        click.echo(
            _("{now} certificates issued now, {total} in all, in {folder}.").format(
                now=result.issued_now, total=result.total, folder=result.out_dir
            )
        )
        if result.total:
            click.echo(_("Combined print file: {path}").format(path=result.combined))
