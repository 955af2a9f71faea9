"""``sihao server …``: run the central server and administer it from a shell.

    sihao server run [--host 127.0.0.1] [--port 8765] [--workers N]
    sihao server site add CODE NAME --level district [--parent CODE] …
    sihao server window add SITE NUMBER NAME [--departments …]
    sihao server staff add STAFF_NO NAME --site CODE --role clerk [--window A01] [--pin …]
    sihao server staff list [--site CODE… | --under CODE] [--json]
    sihao server staff deactivate|activate|reset-pin|unlock STAFF_NO
    sihao server enroll-code --site CODE [--ttl-minutes 60] [--count N]
    sihao server plugins enable|disable NAME… --site CODE… | --under CODE | --all-sites
    sihao server plugins list [--site CODE… | --under CODE] [--json]
    sihao server catalog import FILE [--replace]
    sihao server holidays import FILE
    sihao server workstation revoke ID
    sihao server workstations [--site CODE… | --under CODE] [--not-seen-for HOURS] [--json]
    sihao server changes compact
    sihao server demo seed
    sihao server migrate
    sihao server <plugin> …        commands a plugin adds (``sihao_server_cli``)

Every command takes ``--database URL`` (or ``SIHAO_SERVER_DATABASE``); the default is
a SQLite file in the platform data directory. Only ``run`` and ``migrate`` create a
SQLite file that is not there; the others refuse, naming the file they looked for. Errors IT can fix are one sentence on
stderr with exit code 2.

Plugins add their commands through ``sihao_server_cli`` (e.g. ``sihao server feedback
publish tags FILE``); the server's plugins are loaded only when such a command, or
the list of commands, is asked for. A plugin command opens the database with
``open_database(ctx)`` and takes ``--database`` after its name with
``database_option``.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import click

log = logging.getLogger("sihao.server")


def default_database_url() -> str:
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('sihao-server', appauthor=False)) / 'server.db'}"


def open_database(ctx: click.Context, *, create: bool = False) -> None:
    """Bind and migrate the database named by the group's --database (once).

    A SQLite file that does not exist is created only by ``server run`` and
    ``server migrate`` (``create``): any other command on a missing file is a
    mistyped or forgotten --database, and creating an empty server there would
    answer "no site …" about a server that does have it."""
    obj = ctx.find_root().ensure_object(dict)
    if obj.get("server_db_open"):
        return
    from server import db
    from server.app import migrate_database

    url = ctx.find_object(_Options).database_url  # type: ignore[union-attr]
    try:
        path = db.sqlite_path(url)
    except db.DatabaseURLError as exc:
        raise click.ClickException(str(exc)) from exc
    if path is not None and not create and not path.exists():
        raise Problem(
            f"no server database at {path}: name it with --database URL or "
            "SIHAO_SERVER_DATABASE (a new one is made by 'sihao server migrate')"
        )
    try:
        db.bind(db.make_database(url))
        migrate_database()
    except db.DatabaseURLError as exc:
        raise click.ClickException(str(exc)) from exc
    except Exception as exc:
        log.exception("cannot open the server database")
        raise click.ClickException(f"cannot open the server database {url}: {exc}") from exc
    obj["server_db_open"] = True
    ctx.call_on_close(db.database.close)


class _Options:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url


class Problem(click.ClickException):
    """An error IT can fix: one sentence on stderr, exit code 2."""

    exit_code = 2


def _fail(exc: Exception) -> click.ClickException:
    return Problem(str(exc))


class _ServerGroup(click.Group):
    """The built-in commands, and those the server's plugins add (loaded when asked for)."""

    _plugin_commands: dict[str, click.Command] | None = None

    def _plugins(self) -> dict[str, click.Command]:
        if self._plugin_commands is None:
            from server.plugins import load_host

            extra = click.Group()
            load_host().call("sihao_server_cli", group=extra)
            self._plugin_commands = {
                name: command
                for name, command in extra.commands.items()
                if name not in self.commands
            }
        return self._plugin_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self._plugins()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self.commands.get(cmd_name) or self._plugins().get(cmd_name)


@click.group(name="server", cls=_ServerGroup)
@click.option(
    "--database",
    "database_url",
    envvar="SIHAO_SERVER_DATABASE",
    default=None,
    help="sqlite:///path/server.db (default) or postgresql://user@host:5432/name",
)
@click.pass_context
def server(ctx: click.Context, database_url: str | None) -> None:
    """The central server: sync endpoint and administration."""
    ctx.obj = _Options(database_url or default_database_url())


def database_option(func: Any) -> Any:
    """Accept --database after the subcommand too (``sihao server site add --database …``)."""

    def callback(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value:
            options = ctx.find_object(_Options)
            if options is not None:
                options.database_url = value

    return click.option(
        "--database",
        "database_url_override",
        default=None,
        expose_value=False,
        callback=callback,
        help="The server database URL (same as before the command).",
        is_eager=True,
    )(func)


@server.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--log-level", default="info", show_default=True)
@database_option
@click.pass_context
def run(ctx: click.Context, host: str, port: int, workers: int, log_level: str) -> None:
    """Serve the sync API (OpenAPI at /docs)."""
    import uvicorn

    open_database(ctx, create=True)  # migrate once, before any worker starts
    url = ctx.find_object(_Options).database_url  # type: ignore[union-attr]
    os.environ["SIHAO_SERVER_DATABASE"] = url
    os.environ["SIHAO_SERVER_MIGRATE"] = "0"
    logging.basicConfig(level=logging.INFO)
    click.echo(f"Sihao server on http://{host}:{port} (database {_safe(url)})", err=True)
    uvicorn.run(
        "server.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        # Workstations sync on a timer: keep their connections open longer than
        # uvicorn's 5 s, or a reuse races the server's close (a reset mid-request).
        timeout_keep_alive=75,
    )


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    from urllib.parse import urlparse

    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url


@server.command()
@database_option
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Create the database if needed and apply pending schema migrations."""
    open_database(ctx, create=True)
    click.echo("server database is up to date")


# -- sites, windows, staff ------------------------------------------------------------------


@server.group()
def site() -> None:
    """Sites (service halls and points)."""


@site.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--level", required=True, type=click.Choice(["city", "district", "town", "village"]))
@click.option("--region-code", default="")
@click.option("--parent", default=None, help="Code of the site above this one.")
@click.option("--address", default="")
@click.option("--phone", default="")
@database_option
@click.pass_context
def site_add(ctx: click.Context, /, code: str, name: str, level: str, **options: Any) -> None:
    """Add a site or update it."""
    from server import admin

    open_database(ctx)
    try:
        admin.add_site(code, name, level, **options)
    except admin.AdminError as exc:
        raise _fail(exc) from exc
    click.echo(f"site {code} saved")


@server.group()
def window() -> None:
    """Windows (counters) of a site."""


@window.command("add")
@click.argument("site_code")
@click.argument("number")
@click.argument("name")
@click.option("--departments", default="")
@database_option
@click.pass_context
def window_add(
    ctx: click.Context, site_code: str, number: str, name: str, departments: str
) -> None:
    """Add a window or update it."""
    from server import admin

    open_database(ctx)
    try:
        admin.add_window(site_code, number, name, departments)
    except admin.AdminError as exc:
        raise _fail(exc) from exc
    click.echo(f"window {site_code}/{number} saved")


@server.group()
def staff() -> None:
    """Staff and their PINs."""


@staff.command("add")
@click.argument("staff_no")
@click.argument("name")
@click.option("--site", "site_code", required=True)
@click.option(
    "--role",
    required=True,
    type=click.Choice(["clerk", "steward", "supervisor", "officer", "it_admin"]),
)
@click.option("--window", "window_number", default=None)
@click.option("--pin", default=None, help="Prompted for (hidden) when left out.")
@click.option("--inactive", is_flag=True, help="Keep the account but refuse sign-in.")
@click.option(
    "--must-change-pin",
    is_flag=True,
    default=None,
    help="The PIN is temporary: the next sign-in asks for a new one.",
)
@database_option
@click.pass_context
def staff_add(
    ctx: click.Context,
    staff_no: str,
    name: str,
    site_code: str,
    role: str,
    window_number: str | None,
    pin: str | None,
    inactive: bool,
    must_change_pin: bool | None,
) -> None:
    """Add a member of staff or update them (PIN stored as a scrypt hash)."""
    from server import admin, db, staff_desk
    from server.models import Staff

    open_database(ctx)
    existing = Staff.get_or_none(Staff.staff_no == staff_no)
    if pin is None and existing is None:
        pin = click.prompt("PIN", hide_input=True, confirmation_prompt=True)
    try:
        with db.transaction():
            admin.add_staff(
                staff_no,
                name,
                site_code,
                role,
                pin=pin,
                window=window_number,
                active=not inactive,
                must_change_pin=must_change_pin,
            )
            staff_desk.record(
                "staff.add" if existing is None else "staff.update",
                staff_no,
                site=site_code,
                detail={"role": role},
            )
    except admin.AdminError as exc:
        raise _fail(exc) from exc
    click.echo(f"staff {staff_no} saved")


@staff.command("list")
@click.option("--site", "sites", multiple=True, metavar="CODE", help="A site (repeatable).")
@click.option("--under", multiple=True, metavar="CODE", help="This site and every site below it.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per member of staff.")
@database_option
@click.pass_context
def staff_list(
    ctx: click.Context, sites: tuple[str, ...], under: tuple[str, ...], as_json: bool
) -> None:
    """Staff of every site, or of the sites named (never their PINs)."""
    from server import staff_desk

    open_database(ctx)
    wanted = _target_sites(sites, under, False) if sites or under else None
    rows = staff_desk.list_staff(wanted)
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
            continue
        state = "active" if row["active"] else "deactivated"
        if row["must_change_pin"]:
            state += ", must change PIN"
        click.echo(
            f"{row['staff_no']:<10} {row['site']:<16} {row['role']:<10} "
            f"{row['window'] or '-':<6} {state:<28} {row['name']}"
        )
    if not rows and not as_json:
        click.echo("no staff")


def _staff_action(name: str, help_text: str) -> None:
    """``deactivate``, ``activate``, ``reset-pin``, ``unlock``: one staff number each."""

    @staff.command(name)
    @click.argument("staff_no")
    @database_option
    @click.pass_context
    def command(ctx: click.Context, staff_no: str) -> None:
        from server import admin, staff_desk

        open_database(ctx)
        try:
            if name == "reset-pin":
                pin = staff_desk.reset_pin(staff_no)
                click.echo(pin)
                click.echo(
                    f"staff {staff_no}: temporary PIN above (tell it to them, once); "
                    "they set their own at the next sign-in",
                    err=True,
                )
                return
            if name == "unlock":
                staff_desk.unlock(staff_no)
            else:
                staff_desk.set_active(staff_no, name == "activate")
        except admin.AdminError as exc:
            raise _fail(exc) from exc
        done = {"unlock": "unlocked", "activate": "activated", "deactivate": "deactivated"}
        click.echo(
            f"staff {staff_no} {done[name]}; their site's workstations follow after their next pull"
        )

    command.help = help_text


_staff_action("deactivate", "Refuse sign-in for STAFF_NO from now on (records keep naming them).")
_staff_action("activate", "Let STAFF_NO sign in again.")
_staff_action(
    "reset-pin",
    "Give STAFF_NO a temporary PIN (printed alone on stdout); the next sign-in asks for a new one.",
)
_staff_action("unlock", "End STAFF_NO's lockout after wrong PINs, at every workstation.")


# -- enrollment, policy, workstations ---------------------------------------------------------


@server.command("enroll-code")
@click.option("--site", "site_code", required=True)
@click.option("--ttl-minutes", default=60, show_default=True, type=int)
@click.option(
    "--count",
    default=1,
    show_default=True,
    type=click.IntRange(1, 200),
    help="Codes to issue: one per workstation to enroll (a hall with several counters).",
)
@database_option
@click.pass_context
def enroll_code(ctx: click.Context, site_code: str, ttl_minutes: int, count: int) -> None:
    """Issue one-time enrollment codes (printed alone on stdout, one a line)."""
    from server import admin, db

    open_database(ctx)
    try:
        with db.transaction():  # all of them, or none
            codes = [
                admin.issue_enroll_code(site_code, ttl_minutes=ttl_minutes) for _ in range(count)
            ]
    except admin.AdminError as exc:
        raise _fail(exc) from exc
    for code in codes:
        click.echo(code)


@server.group()
def worker() -> None:
    """Work done once for the whole city (reminders, default ratings), beside the API."""


@worker.command("list")
@database_option
@click.pass_context
def worker_list(ctx: click.Context) -> None:
    """The jobs the loaded plugins register, and how often each runs."""
    from server.jobs import load_jobs
    from server.plugins import load_host

    open_database(ctx)
    jobs = load_jobs(load_host()).all()
    if not jobs:
        click.echo("no plugin registers a job")
    for job in jobs:
        click.echo(f"{job.name}\tevery {job.every:g} s\t{job.plugin}\t{job.description}")


@worker.command("run")
@click.option("--once", is_flag=True, help="One pass of each job, then exit (for cron).")
@click.option("--only", "only", multiple=True, help="Run only this job (repeatable).")
@database_option
@click.pass_context
def worker_run(ctx: click.Context, once: bool, only: tuple[str, ...]) -> None:
    """Run the jobs until stopped (SIGTERM or Ctrl+C finish the pass under way)."""
    import signal
    import threading

    from server import jobs
    from server.plugins import load_host

    open_database(ctx)
    registry = jobs.load_jobs(load_host())
    try:
        if once:
            results = jobs.run_once(registry, only or None)
        else:
            stopping = threading.Event()
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stopping.set())
            click.echo(
                f"worker: {len(jobs.chosen_jobs(registry, only or None))} job(s); stop with Ctrl+C"
            )
            jobs.run_forever(registry, stopping, only or None)
            return
    except KeyError as exc:
        raise Problem(str(exc.args[0])) from exc
    failed = False
    for name, result in results.items():
        if isinstance(result, Exception):
            failed = True
            click.echo(f"{name}: failed: {result}", err=True)
        else:
            click.echo(f"{name}: {result} done")
    if failed:
        raise SystemExit(1)


@server.group()
def plugins() -> None:
    """Which plugins a site enables."""


def _target_sites(
    site_codes: tuple[str, ...], under: tuple[str, ...], all_sites: bool
) -> list[str]:
    """The sites a plugin command names: --site, every site --under one, or all."""
    from server import admin

    if not (site_codes or under or all_sites):
        raise Problem(
            "name the sites: --site CODE, --under CODE (it and every site below), or --all-sites"
        )
    if all_sites:
        return [row["code"] for row in admin.list_policies()]
    sites = list(site_codes)
    try:
        for code in under:
            sites.extend(admin.sites_under(code))
    except admin.AdminError as exc:
        raise _fail(exc) from exc
    return list(dict.fromkeys(sites))


def _set_plugins(
    ctx: click.Context,
    names: tuple[str, ...],
    sites: tuple[str, ...],
    under: tuple[str, ...],
    all_sites: bool,
    enable: bool,
) -> None:
    from core.plugins import discover
    from server import admin

    known = discover()
    unknown = [name for name in names if name not in known]
    if unknown:
        raise Problem(f"unknown plugin {', '.join(unknown)}: known are {', '.join(sorted(known))}")
    open_database(ctx)
    targets = _target_sites(sites, under, all_sites)
    try:  # one transaction: every site changes, or none does
        policies = admin.set_policies(
            targets, enable=names if enable else (), disable=() if enable else names
        )
    except admin.AdminError as exc:
        raise _fail(exc) from exc
    for site_code, policy in policies.items():
        click.echo(f"{site_code}: {', '.join(policy['enabled_plugins']) or '(no plugins)'}")
    click.echo(
        f"{len(policies)} site(s) changed; their workstations follow after their next pull",
        err=True,
    )


def _site_options(func: Any) -> Any:
    func = click.option("--all-sites", is_flag=True, help="Every site the server knows.")(func)
    func = click.option(
        "--under",
        multiple=True,
        metavar="CODE",
        help="This site and every site below it (repeatable).",
    )(func)
    return click.option(
        "--site", "sites", multiple=True, metavar="CODE", help="A site (repeatable)."
    )(func)


def _plugin_switch(action: str, enable: bool) -> None:
    """``plugins enable`` and ``plugins disable``: the same command but for the verb."""

    @plugins.command(action)
    @click.argument("names", nargs=-1, required=True)
    @_site_options
    @database_option
    @click.pass_context
    def command(
        ctx: click.Context,
        names: tuple[str, ...],
        sites: tuple[str, ...],
        under: tuple[str, ...],
        all_sites: bool,
    ) -> None:
        _set_plugins(ctx, names, sites, under, all_sites, enable)

    command.help = (
        f"{action.capitalize()} plugins NAMES… for sites (all of them in one go, or none)."
    )


_plugin_switch("enable", True)
_plugin_switch("disable", False)


@plugins.command("list")
@click.option("--site", "sites", multiple=True, metavar="CODE", help="A site (repeatable).")
@click.option("--under", multiple=True, metavar="CODE", help="This site and every site below it.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per site.")
@database_option
@click.pass_context
def plugins_list(
    ctx: click.Context, sites: tuple[str, ...], under: tuple[str, ...], as_json: bool
) -> None:
    """Which plugins each site has on (every site unless named)."""
    from server import admin

    open_database(ctx)
    wanted = _target_sites(sites, under, False) if sites or under else None
    rows = admin.list_policies(wanted)
    if wanted is not None:
        missing = sorted(set(wanted) - {row["code"] for row in rows})
        if missing:
            raise Problem(
                f"no site {', '.join(missing)}: add it with 'sihao server site add' first"
            )
    for row in rows:
        if as_json:
            click.echo(
                json.dumps(
                    {k: row[k] for k in ("code", "name", "level", "parent", "enabled_plugins")},
                    ensure_ascii=False,
                )
            )
        else:
            plugins_on = ", ".join(row["enabled_plugins"]) or "(no plugins)"
            click.echo(f"{row['code']:<16} {row['level']:<9} {row['name']}: {plugins_on}")


@server.group("workstation")
def workstation_group() -> None:
    """One enrolled workstation."""


@workstation_group.command("revoke")
@click.argument("workstation_id")
@database_option
@click.pass_context
def workstation_revoke(ctx: click.Context, workstation_id: str) -> None:
    """Revoke a workstation's token (it gets 401; its outbox stays for re-enrollment)."""
    from server import admin

    open_database(ctx)
    try:
        admin.revoke_workstation(workstation_id)
    except admin.AdminError as exc:
        raise _fail(exc) from exc
    click.echo(f"workstation {workstation_id} revoked")


@server.command()
@click.option("--site", "sites", multiple=True, metavar="CODE", help="A site (repeatable).")
@click.option("--under", multiple=True, metavar="CODE", help="This site and every site below it.")
@click.option(
    "--not-seen-for",
    "quiet_hours",
    type=click.FloatRange(min=0),
    metavar="HOURS",
    help="Only workstations (not revoked) the server has not heard from for this long.",
)
@click.option("--json", "as_json", is_flag=True)
@database_option
@click.pass_context
def workstations(
    ctx: click.Context,
    sites: tuple[str, ...],
    under: tuple[str, ...],
    quiet_hours: float | None,
    as_json: bool,
) -> None:
    """Enrolled workstations: last seen, last client sequence, pending rejections,
    and a FLAGGED line under one the server suspects (a token used on two machines,
    an audit chain that went back)."""
    import datetime as dt

    from server import admin
    from server.models import utcnow

    open_database(ctx)
    rows = admin.list_workstations()
    if sites or under:
        wanted = set(_target_sites(sites, under, False))
        rows = [r for r in rows if r.site in wanted]
    if quiet_hours is not None:
        since = utcnow() - dt.timedelta(hours=quiet_hours)
        rows = [r for r in rows if not r.revoked and (r.last_seen is None or r.last_seen < since)]
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "name": r.name,
                        "site": r.site,
                        "last_seen": r.last_seen.isoformat() if r.last_seen else None,
                        "last_client_seq": r.last_client_seq,
                        "revoked": r.revoked,
                        "pending_rejections": r.pending_rejections,
                        "flagged": r.suspect or None,
                        "flagged_at": r.suspect_at.isoformat() if r.suspect_at else None,
                        "counter_tag": r.counter_tag or None,
                    }
                    for r in rows
                ],
                ensure_ascii=False,
            )
        )
        return
    if not rows:
        click.echo(
            "no workstations"
            + (" match" if sites or under or quiet_hours is not None else " enrolled")
        )
        return
    click.echo(
        f"{'id':36}  {'site':16}  {'tag':4}  {'last seen':19}  {'last seq':>9}  "
        f"{'rejected':>8}  name"
    )
    for r in rows:
        seen = r.last_seen.strftime("%Y-%m-%d %H:%M:%S") if r.last_seen else "-"
        state = " (revoked)" if r.revoked else ""
        click.echo(
            f"{r.id:36}  {r.site:16}  {r.counter_tag or '-':4}  {seen:19}  "
            f"{r.last_client_seq:>9}  "
            f"{r.pending_rejections:>8}  {r.name}{state}"
        )
        if r.suspect:
            click.echo(f"{'':36}  FLAGGED: {r.suspect}")


# -- data ---------------------------------------------------------------------------------


@server.group()
def catalog() -> None:
    """The service catalog distributed to every site."""


@catalog.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Delete entities missing from the file.")
@database_option
@click.pass_context
def catalog_import(ctx: click.Context, file: Path, replace: bool) -> None:
    """Import a catalog file (.json or .xlsx); nothing changes if it has problems."""
    from core.catalog.formats import CatalogImportError
    from server import admin

    open_database(ctx)
    try:
        summary = admin.import_catalog(file, replace=replace)
    except CatalogImportError as exc:
        raise _fail(ValueError(exc.summary())) from exc
    for kind, counts in summary.items():
        click.echo(
            f"{kind}: {counts['in_file']} in file, {counts['written']} written, "
            f"{counts['unchanged']} unchanged, {counts['deleted']} deleted"
        )


@server.group()
def holidays() -> None:
    """Official holiday tables (one year per file)."""


@holidays.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@database_option
@click.pass_context
def holidays_import(ctx: click.Context, file: Path) -> None:
    """Import one year: JSON {year, days: [...]} or CSV date,is_workday,name."""
    from server import admin

    open_database(ctx)
    try:
        year, count = admin.import_holidays(file)
    except (admin.AdminError, ValueError) as exc:
        raise _fail(exc) from exc
    click.echo(f"holiday table {year}: {count} days")


@server.group()
def changes() -> None:
    """The change feed workstations pull."""


@changes.command("compact")
@database_option
@click.pass_context
def changes_compact(ctx: click.Context) -> None:
    """Keep only the latest state of each entity (older cursors get a snapshot)."""
    from server import changes as feed

    open_database(ctx)
    result = feed.compact()
    click.echo(
        f"history starts at {result['floor']}: {result['copied']} kept, {result['deleted']} removed"
    )


@server.group()
def demo() -> None:
    """The demo site."""


@demo.command("seed")
@database_option
@click.pass_context
def demo_seed(ctx: click.Context) -> None:
    """Demo sites, windows, staff, catalog, and every built-in plugin enabled."""
    from server import admin

    open_database(ctx)
    site_code = admin.seed_demo()
    click.echo(f"demo site {site_code} seeded")
