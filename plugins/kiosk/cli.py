"""``sihao kiosk``: the hall kiosk in this terminal, or served to a browser.

    sihao kiosk                              the kiosk in this terminal
    sihao kiosk serve --port 8080 [--host H] [--public-url URL]
                                             the kiosk in a browser (textual-serve):
                                             each page opened runs its own kiosk
    sihao kiosk rating-link CASE_NO          the QR rating link of a case (receipts)

docs/kiosk.md has what a hall's IT runs.
"""

from __future__ import annotations

import shlex
import sys
from typing import Any

import click

from core.i18n import _


def _runtime(ctx: click.Context) -> Any:
    runtime = ctx.find_root().obj["runtime"]
    if not runtime.config.site_code:
        click.echo(
            _(
                "This workstation is not set up for a site. Run 'sihao demo seed' for the demo site, or enroll it with the central server."
            ),
            err=True,
        )
        raise click.exceptions.Exit(2)
    return runtime


def _kiosk_command(ctx: click.Context) -> list[str]:
    """The command textual-serve runs for each page: this program, this data directory."""
    root = ctx.find_root()
    runtime = root.obj["runtime"]
    command = [sys.executable, "-m", "workstation.cli", "--data-dir", str(runtime.paths.data_dir)]
    lang = root.params.get("lang")
    if lang:
        command += ["--lang", lang]
    return [*command, "kiosk"]


def add_commands(group: click.Group) -> None:
    @group.group("kiosk", invoke_without_command=True)
    @click.option("--idle-seconds", type=click.IntRange(5, 3600), default=None,
                  help="Override the site's kiosk.idle_seconds.")  # fmt: skip
    @click.pass_context
    def kiosk(ctx: click.Context, idle_seconds: int | None) -> None:
        """The hall's self-service kiosk: for citizens, no sign-in, nothing leads out."""
        if ctx.invoked_subcommand is not None:
            import gc

            gc.enable()  # off only while a Textual app starts (workstation/cli.py)
            return
        runtime = _runtime(ctx)
        from workstation.kiosk_app import KioskApp  # Textual only when the kiosk starts

        KioskApp(runtime, idle_seconds=idle_seconds).run()

    @kiosk.command("serve")
    @click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
    @click.option("--host", default="127.0.0.1", show_default=True,
                  help="Address to listen on (0.0.0.0: every interface of the hall's network).")  # fmt: skip
    @click.option("--public-url", default=None,
                  help="The address browsers use, if not http://HOST:PORT (a proxy in front).")  # fmt: skip
    @click.pass_context
    def serve(ctx: click.Context, port: int, host: str, public_url: str | None) -> None:
        """Serve the kiosk to browsers (textual-serve): each page opened runs a kiosk."""
        _runtime(ctx)
        from textual_serve.server import Server  # aiohttp and friends: only when serving

        command = shlex.join(_kiosk_command(ctx))
        server = Server(command, host=host, port=port, title="四好 自助服务", public_url=public_url)
        server.serve()

    @kiosk.command("rating-link")
    @click.argument("case_no")
    @click.pass_context
    def rating_link(ctx: click.Context, case_no: str) -> None:
        """Print the QR rating link of case CASE_NO (as a receipt carries it)."""
        runtime = _runtime(ctx)
        found = [
            c
            for _n, c in runtime.host.call("sihao_find_case", number=case_no, context=runtime)
            if c
        ]
        if not found:
            click.echo(_("No case {number} at this site.").format(number=case_no), err=True)
            raise click.exceptions.Exit(2)
        links = [
            u
            for _n, u in runtime.host.call("sihao_rating_link", case=found[0], context=runtime)
            if u
        ]
        if not links:
            click.echo(
                _(
                    "No rating link can be made: this site has no rating key from the central server yet (enroll it, then try again while online)."
                ),
                err=True,
            )
            raise click.exceptions.Exit(2)
        click.echo(links[0])
