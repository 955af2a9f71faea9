"""What IT reads about who decides this site's plugins: the Plugins screen, the
notice when site.toml is edited, ``sihao plugins``.

At a site with a central server, the server's policy decides (IT sets it there for
each of the city's sites); at a standalone site, this workstation's site.toml does
(``core.runtime``). A change made in the wrong place is refused with the command
that does make it, never written somewhere it would change nothing. No Textual
here: the CLI shows the same sentences.
"""

from __future__ import annotations

from typing import Any

from core.i18n import _
from core.runtime import ServerPolicyInForce


def server_command(site_code: str, plugin: str = "", enabled: bool | None = None) -> str:
    """The central server's command that changes a site's plugins (not translated).

    It must work as printed: where this workstation knows the server's database
    (``SIHAO_SERVER_DATABASE``, which ``make run`` sets for the demo's server and
    workstation alike), the command names it; elsewhere it is run on the server,
    whose own setting names it."""
    import os
    import shlex

    action = "enable|disable" if enabled is None else ("enable" if enabled else "disable")
    command = f"sihao server plugins {action} {plugin or '<name>'} --site {site_code or '<site>'}"
    database = os.environ.get("SIHAO_SERVER_DATABASE", "")
    if database:
        command += f" --database {shlex.quote(database)}"
    return command


def policy_source_text(runtime: Any) -> str:
    """Who decides which plugins are on here, and where to change it."""
    site = runtime.config.site_code
    if runtime.server_policy_in_force:
        return _(
            "Plugins for site {site} are set on the central server: this workstation "
            "follows its policy (site.toml does not count). Enter or space switches one "
            "on the server for this site; or, on the server: {command}"
        ).format(site=site, command=server_command(site))
    return _(
        "This site has no central server: its plugins are set here and kept in {path}."
    ).format(path=runtime.paths.site_config)


def refused_text(exc: ServerPolicyInForce) -> str:
    """Why a plugin cannot be switched at this workstation, and what does switch it."""
    return _(
        "Plugin {name} is not changed: plugins for site {site} are set on the central "
        "server. To change it, on the server: {command}"
    ).format(
        name=exc.plugin,
        site=exc.site_code,
        command=server_command(exc.site_code, exc.plugin, exc.enabled),
    )


def site_config_ignored_text(runtime: Any) -> str:
    """site.toml's plugin list was edited at a site whose server decides."""
    site = runtime.config.site_code
    return _(
        "The plugin list in site.toml does not count at this workstation: plugins for "
        "site {site} are set on the central server ({command})."
    ).format(site=site, command=server_command(site))
