"""The ``sihao`` command: the workstation, and what IT does from a shell.

    sihao [--data-dir DIR] [--lang zh|en] [run [--demo]]
    sihao plugins list | enable NAME | disable NAME [--as IT_STAFF_NO]
    sihao staff list | add STAFF_NO NAME --role R | deactivate | reset-pin | unlock STAFF_NO [--as IT]
    sihao db migrate
    sihao demo seed
    sihao audit verify

Plugins add commands through ``sihao_cli``; the group resolves an unknown command
by loading the site's enabled plugins, so listing the built-in commands imports
no plugin. Errors a person can fix are printed as one sentence (in the UI
language), the detail goes to the log, and the exit code is 2.
"""

from __future__ import annotations

import gc

# Start-up allocates hundreds of thousands of long-lived objects (Textual's CSS,
# widgets, plugin modules); the cyclic collector would walk them again and again
# while they are being created (~100 ms of a 0.5 s cold start, measured with
# bench/startup.py). It is off until the first frame is drawn, then the start-up
# objects are frozen out of its way and it is back on (SihaoApp.on_first_frame);
# every other command turns it back on at once (main).
gc.disable()

import importlib
import logging
import sys
from typing import Any

import click

from core.config import ConfigError, resolve_paths, save_site_config
from core.db import StoreError
from core.i18n import _, set_language
from core.logs import setup_logging
from core.plugins import BOOTSTRAP_PLUGINS, BUILTIN_PLUGINS, UnknownPluginError
from core.runtime import Runtime, ServerPolicyInForce

log = logging.getLogger("sihao.cli")


class _PluginCommands(click.Group):
    """Finds plugin-contributed commands on demand (see module docstring)."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        if cmd_name == "server":
            # The central server ships in the same distribution but is its own
            # program: loaded by name, like a plugin, so the shell never imports it.
            try:
                module = importlib.import_module("server.cli")
            except ImportError as exc:
                log.error("server CLI unavailable: %s", exc)
                return None
            server_group: click.Command = module.server
            return server_group
        try:
            runtime = _runtime(ctx)
        except click.exceptions.Exit:
            return None
        extra = click.Group()
        runtime.host.call("sihao_cli", group=extra)
        command = extra.commands.get(cmd_name)
        if command is None and any(name not in runtime.host.loaded() for name in BOOTSTRAP_PLUGINS):
            # `sihao enroll` must work on a machine that has no policy yet: load the
            # bootstrap plugins for this command only (nothing is written).
            runtime.host.apply([*runtime.enabled_plugins(), *BOOTSTRAP_PLUGINS])
            extra = click.Group()
            runtime.host.call("sihao_cli", group=extra)
            command = extra.commands.get(cmd_name)
        return command


def _runtime(ctx: click.Context) -> Runtime:
    """Open (once per invocation) the store and config; fail with a sentence."""
    root = ctx.find_root()
    obj: dict[str, Any] = root.ensure_object(dict)
    if "runtime" in obj:
        return obj["runtime"]  # type: ignore[no-any-return]
    # Plugin commands are resolved before the group's callback runs: read the
    # parsed options from the root context itself.
    data_dir = obj.get("data_dir", root.params.get("data_dir"))
    lang = root.params.get("lang")
    obj.setdefault("lang_given", lang is not None)
    if lang is not None:
        set_language(lang)
    paths = resolve_paths(data_dir)
    setup_logging(paths.ensure().log_dir)
    try:
        runtime = Runtime.open(paths)
    except (ConfigError, StoreError) as exc:
        log.error("cannot start: %s", exc)
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(2) from exc
    if not obj.get("lang_given"):
        set_language(runtime.config.language or None)
    runtime.apply_policy()
    obj["runtime"] = runtime
    ctx.call_on_close(runtime.shutdown)
    return runtime


@click.group(cls=_PluginCommands, invoke_without_command=True)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    envvar="SIHAO_DATA_DIR",
    help="Keep the database, config, themes and logs under this directory.",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "zh_CN", "en"]),
    default=None,
    help="UI language (default: the site's, else Simplified Chinese).",
)
@click.pass_context
def main(ctx: click.Context, data_dir: str | None, lang: str | None) -> None:
    """Sihao (四好) staff workstation."""
    if ctx.invoked_subcommand not in (None, "run", "kiosk"):  # the kiosk: as run
        gc.enable()
    ctx.ensure_object(dict)
    ctx.obj["data_dir"] = data_dir
    ctx.obj["lang_given"] = lang is not None
    set_language(lang)
    if ctx.invoked_subcommand is None:
        ctx.invoke(run)


@main.command()
@click.option(
    "--demo", is_flag=True, help="Seed the demo site on first run and list demo accounts."
)
@click.pass_context
def run(ctx: click.Context, demo: bool) -> None:
    """Start the workstation."""
    runtime = _runtime(ctx)
    if demo:
        _ensure_demo(runtime)
    if not runtime.config.site_code:
        click.echo(
            _(
                "This workstation is not set up for a site. Run 'sihao demo seed' for the demo site, or enroll it with the central server."
            ),
            err=True,
        )
        raise click.exceptions.Exit(2)
    from workstation.app import SihaoApp  # Textual costs ~150 ms: only when the UI starts

    app = SihaoApp(runtime)
    app.run()
    if app.return_code:  # e.g. 129: the terminal hung up
        raise click.exceptions.Exit(app.return_code)


def _ensure_demo(runtime: Runtime) -> None:
    from core.demo import seed_demo

    site = seed_demo()
    if not runtime.config.site_code:
        runtime.config.site_code = site
        runtime.config.mode = "demo"
        runtime.config.enabled_plugins = sorted(BUILTIN_PLUGINS)
        save_site_config(runtime.paths.site_config, runtime.config)
        runtime.apply_policy()


@main.group()
def plugins() -> None:
    """List, enable and disable plugins for this site."""


@plugins.command("list")
@click.pass_context
def plugins_list(ctx: click.Context) -> None:
    """Show every installed plugin and its state."""
    runtime = _runtime(ctx)
    if runtime.server_policy_in_force:
        click.echo(
            _(
                "Plugins for site {site} are set on the central server: this workstation "
                "follows its policy (site.toml does not count). To switch one there: sihao "
                "plugins enable|disable NAME --as STAFF_NO (an IT administrator)."
            ).format(site=runtime.config.site_code)
        )
    for name, info in sorted(runtime.host.plugins.items()):
        state = (
            _("failed: {error}").format(error=info.error)
            if info.error
            else (_("running") if info.loaded else _("off"))
        )
        source = _("built-in") if info.source == "built-in" else _("entry point")
        enabled = _("enabled") if info.enabled else _("disabled")
        click.echo(f"{name:<16} {info.version:<10} {source:<8} {enabled:<6} {state}")


def _set_enabled(ctx: click.Context, name: str, enabled: bool, actor: str | None) -> None:
    runtime = _runtime(ctx)
    try:
        events = runtime.set_plugin_enabled(name, enabled)
    except UnknownPluginError as exc:
        click.echo(
            _("Unknown plugin {name}. Known plugins: {known}").format(
                name=exc.name, known=", ".join(exc.known)
            ),
            err=True,
        )
        raise click.exceptions.Exit(2) from exc
    except ServerPolicyInForce as exc:
        _set_on_server(runtime, exc, actor)
        return
    for event in events:
        if event.kind == "failed":
            click.echo(
                _("Plugin {name} was switched off: {error}").format(
                    name=event.plugin, error=event.error
                ),
                err=True,
            )
            raise click.exceptions.Exit(1)
    click.echo(
        (_("Plugin {name} is on.") if enabled else _("Plugin {name} is off.")).format(name=name)
    )


def _set_on_server(runtime: Runtime, exc: ServerPolicyInForce, actor: str | None) -> None:
    """This site's plugins are set on the central server: switch it there, as the IT
    administrator named by --as (their PIN asked for and checked by the server), the
    same admin call as the Plugins screen."""
    from core.staff_desk import ServerDesk, StaffDeskError, has_server
    from workstation.plugin_policy import refused_text

    if not has_server(runtime):  # a cached policy, but no longer enrolled
        click.echo(refused_text(exc), err=True)
        raise click.exceptions.Exit(2) from exc
    if not actor:
        click.echo(
            _(
                "Plugins for site {site} are set on the central server. To switch one "
                "there, name yourself with --as STAFF_NO (an IT administrator); your PIN "
                "is asked for."
            ).format(site=exc.site_code),
            err=True,
        )
        raise click.exceptions.Exit(2) from exc
    pin = click.prompt(_("PIN"), hide_input=True)
    try:
        enabled = ServerDesk(runtime, actor, pin).set_plugin(exc.plugin, exc.enabled)
    except StaffDeskError as error:  # refused, or the server not reached: nothing changed
        click.echo(str(error) + " " + refused_text(exc), err=True)
        raise click.exceptions.Exit(2) from error
    text = (
        _("Plugin {name} is on for site {site} on the central server.")
        if exc.plugin in enabled
        else _("Plugin {name} is off for site {site} on the central server.")
    ).format(name=exc.plugin, site=exc.site_code)
    click.echo(text + " " + _("This workstation follows at its next sync."))


_plugin_as_option = click.option(
    "--as",
    "actor",
    default=None,
    metavar="STAFF_NO",
    help="At a site with a central server: you, an IT administrator.",
)


@plugins.command("enable")
@click.argument("name")
@_plugin_as_option
@click.pass_context
def plugins_enable(ctx: click.Context, name: str, actor: str | None) -> None:
    """Enable plugin NAME for this site."""
    _set_enabled(ctx, name, True, actor)


@plugins.command("disable")
@click.argument("name")
@_plugin_as_option
@click.pass_context
def plugins_disable(ctx: click.Context, name: str, actor: str | None) -> None:
    """Disable plugin NAME for this site."""
    _set_enabled(ctx, name, False, actor)


@main.group()
def staff() -> None:
    """IT's staff desk: list, add, deactivate, reset a PIN, unlock.

    At a standalone site the change is made in this workstation's store; at a site
    with a central server it is made on the server, as the IT administrator named
    by --as (their PIN is asked for), and reaches every workstation by pull."""


def _desk(ctx: click.Context, actor: str | None) -> Any:
    from core.staff_desk import desk_for, has_server

    runtime = _runtime(ctx)
    if not has_server(runtime):
        return desk_for(runtime, actor or "cli")
    if not actor:
        click.echo(
            _(
                "This site's staff are kept on the central server: name yourself with "
                "--as STAFF_NO (an IT administrator); your PIN is asked for."
            ),
            err=True,
        )
        raise click.exceptions.Exit(2)
    pin = click.prompt(_("PIN"), hide_input=True)
    return desk_for(runtime, actor, pin)


def _desk_call(func: Any, *args: Any) -> Any:
    from core.staff_desk import StaffDeskError

    try:
        return func(*args)
    except StaffDeskError as exc:
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(2) from exc


_as_option = click.option(
    "--as", "actor", default=None, metavar="STAFF_NO", help="You, an IT administrator."
)


@staff.command("list")
@_as_option
@click.pass_context
def staff_list(ctx: click.Context, actor: str | None) -> None:
    """This site's staff: role, window, whether active, PIN to change, locked here."""
    from core.roles import Role

    desk = _desk(ctx, actor)
    for row in _desk_call(desk.members):
        state = [_("active") if row.active else _("deactivated")]
        if row.must_change_pin:
            state.append(_("must change PIN"))
        if row.locked_here:
            state.append(_("locked"))
        click.echo(
            f"{row.staff_no:<10} {row.name:<8} {Role(row.role).label:<12} "
            f"{row.window or '-':<6} {', '.join(state)}"
        )


@staff.command("add")
@click.argument("staff_no")
@click.argument("name")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["clerk", "steward", "supervisor", "officer", "it_admin"]),
)
@click.option("--window", default="", help="The window number (e.g. A01).")
@_as_option
@click.pass_context
def staff_add(
    ctx: click.Context, staff_no: str, name: str, role: str, window: str, actor: str | None
) -> None:
    """Add a member of staff; their temporary PIN is printed once on stdout."""
    desk = _desk(ctx, actor)
    pin = _desk_call(desk.add, staff_no, name, role, window)
    click.echo(pin)
    click.echo(
        _(
            "Temporary PIN above: tell it to {name} once; they set their own at first sign-in."
        ).format(name=name),
        err=True,
    )


@staff.command("deactivate")
@click.argument("staff_no")
@_as_option
@click.pass_context
def staff_deactivate(ctx: click.Context, staff_no: str, actor: str | None) -> None:
    """Refuse sign-in for STAFF_NO from now on (their records keep naming them)."""
    desk = _desk(ctx, actor)
    click.echo(_desk_call(desk.set_active, staff_no, False))


@staff.command("reset-pin")
@click.argument("staff_no")
@_as_option
@click.pass_context
def staff_reset_pin(ctx: click.Context, staff_no: str, actor: str | None) -> None:
    """Give STAFF_NO a temporary PIN (printed once); the next sign-in asks for a new one."""
    desk = _desk(ctx, actor)
    pin = _desk_call(desk.reset_pin, staff_no)
    click.echo(pin)
    click.echo(
        _(
            "Temporary PIN above: tell it to {name} once; they set their own at first sign-in."
        ).format(name=staff_no),
        err=True,
    )


@staff.command("unlock")
@click.argument("staff_no")
@_as_option
@click.pass_context
def staff_unlock(ctx: click.Context, staff_no: str, actor: str | None) -> None:
    """End STAFF_NO's lockout after wrong PINs now."""
    desk = _desk(ctx, actor)
    click.echo(_desk_call(desk.unlock, staff_no))


@main.group()
def db() -> None:
    """The local store."""


@db.command("migrate")
@click.pass_context
def db_migrate(ctx: click.Context) -> None:
    """Apply pending schema migrations (core and enabled plugins)."""
    runtime = _runtime(ctx)  # opening migrates core; applying the policy migrates plugins
    click.echo(_("The database {path} is up to date.").format(path=runtime.paths.database))


@main.group()
def demo() -> None:
    """The demo site."""


@demo.command("seed")
@click.pass_context
def demo_seed(ctx: click.Context) -> None:
    """Create the demo site, windows and staff, and let plugins add their demo data."""
    runtime = _runtime(ctx)
    _ensure_demo(runtime)
    # Plugins seed their own demo data at start-up (the lookup imports the demo
    # catalog into an empty store), as the workstation would on its first run.
    runtime.startup()
    click.echo(_("Demo site {code} is ready.").format(code=runtime.config.site_code))


@main.group()
def audit() -> None:
    """The audit chain."""


@audit.command("verify")
@click.pass_context
def audit_verify(ctx: click.Context) -> None:
    """Check the audit chain, its rows, its anchor at the server and the tallies.

    The links and the rows they vouch for; the chain against the head the server
    acknowledged (asked now, or its last answer kept here); every audited table
    against the chain; derived tallies against their rows. Every installed plugin
    is asked, switched on here or not (docs/audit.md says what this proves)."""
    from core import audit as audit_chain
    from core.plugins import PluginHost
    from core.schema import MODELS as CORE_MODELS

    runtime = _runtime(ctx)
    every = PluginHost()  # edits made while a plugin was off are checked too
    every.apply(every.known_names())
    models = [*CORE_MODELS, *every.collect("sihao_models")]
    scopes = [scope for _name, scope in every.call("sihao_audit_scope")]
    anchors = _audit_anchors(runtime)
    report = audit_chain.check(models, anchor=anchors[0] if anchors else None, scopes=scopes)
    findings = list(report.findings)
    for extra in anchors[1:]:  # the copy kept here, when it is ahead of the server's
        findings.extend(audit_chain.check([], anchor=extra).findings)
    result = report.chain
    broken = not result.ok or bool(findings)
    if result.ok:
        click.echo(_("Audit chain intact: {n} entries checked.").format(n=result.checked))
    else:
        click.echo(
            _(
                "Audit chain broken at entry {seq}: {reason} ({n} entries before it are intact)."
            ).format(seq=result.broken_seq, reason=result.reason, n=result.checked),
            err=True,
        )
    if not anchors:
        click.echo(
            _(
                "Not anchored yet: the server has not acknowledged this chain's head, so "
                "entries removed from its end or a chain rewritten whole cannot be seen."
            )
        )
    for anchor in anchors:
        if anchor.source == "server":
            text = _("Checked against the head the server acknowledged: entry {seq}.")
        else:
            text = _(
                "Checked against the head the server last acknowledged, as kept here: entry {seq}."
            )
        click.echo(text.format(seq=anchor.seq))
    for finding in findings:
        click.echo(finding.text, err=True)
    if report.unchecked_tables:
        click.echo(
            _("Entries vouch for rows of tables no installed plugin describes: {tables}.").format(
                tables=", ".join(report.unchecked_tables)
            )
        )
    if broken:
        sys.exit(1)


def _audit_anchors(runtime: Runtime) -> list[Any]:
    """The heads to check the chain against: the server's, asked now, and the copy
    of its last answer kept here when that is further on (a workstation enrolled
    again starts at nothing on the server); only the copy when the server cannot
    be asked."""
    from core import audit as audit_chain
    from core.sync.client import SyncError
    from core.sync.engine import connect, sync_state

    state = sync_state()
    kept = (
        audit_chain.Anchor(int(state.audit_anchor_seq), str(state.audit_anchor_hash), "local")
        if state.audit_anchor_seq
        else None
    )
    server = None
    if state.server_url:
        try:
            client = connect(runtime)
            try:
                body = client.audit_anchor()
            finally:
                client.close()
            server = audit_chain.Anchor(int(body["seq"]), str(body["hash"]), "server")
        except (SyncError, KeyError, TypeError, ValueError) as exc:
            log.warning("audit verify: the server's anchor could not be read: %s", exc)
            click.echo(_("The server could not be asked ({reason}).").format(reason=exc), err=True)
    anchors = [a for a in (server, kept) if a is not None and a.seq > 0]
    if server is not None and kept is not None and kept.seq <= server.seq:
        anchors = [a for a in anchors if a.source == "server"]
    return anchors


if __name__ == "__main__":
    main()
