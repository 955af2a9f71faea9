"""The hooks a Sihao plugin can implement. Each is documented in docs/plugins.md.

Families: ``sihao_register_*``-style hooks that hand a registry to fill
(screens, record kinds), hooks that return lists (models, commands, item actions,
settings), and lifecycle hooks (startup, shutdown). Every hook is called per plugin
by the host, so one plugin raising switches off that plugin only.
"""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("sihao")


@hookspec
def sihao_models() -> list[Any]:
    """Return the peewee models this plugin owns (for audit checks and record kinds)."""


@hookspec
def sihao_migrations() -> Any:
    """Return the directory of this plugin's playhouse.migrations scripts."""


@hookspec
def sihao_settings() -> dict[str, Any]:
    """Return the settings this plugin reads, with their defaults."""


@hookspec
def sihao_screens(registry: Any) -> None:
    """Add screens and home tiles, with the roles allowed, to ``registry``."""


@hookspec
def sihao_commands(context: Any) -> list[Any]:
    """Return command-palette entries (``core.registry.Command``) for ``context``."""


@hookspec
def sihao_item_actions(item: Any, context: Any) -> list[Any]:
    """Return actions (``core.registry.ItemAction``) offered on a service item."""


@hookspec
def sihao_record_kinds(registry: Any) -> None:
    """Register the record kinds this plugin syncs through the outbox."""


@hookspec
def sihao_cli(group: Any) -> None:
    """Add click commands to the ``sihao`` command group."""


@hookspec
def sihao_server_cli(group: Any) -> None:
    """Add click commands for IT to ``sihao server`` (server.cli.open_database opens the database)."""


@hookspec
def sihao_server_routes(router: Any) -> None:
    """Add endpoints to the central server's FastAPI ``router``."""


@hookspec
def sihao_server_record_applied(record: Any, emit: Any) -> None:
    """On the server, inside the push transaction: react to a stored record (``emit`` writes change rows)."""


@hookspec
def sihao_server_records_applied(records: Any, emit: Any) -> None:
    """On the server, inside the push transaction: react to all records a push stored, at once."""


@hookspec
def sihao_server_migrations() -> Any:
    """The directory of this plugin's migrations of the central server's database."""


@hookspec
def sihao_server_jobs(registry: Any) -> None:
    """Register work the server does once for the whole city (``server.jobs.JobRegistry.add``)."""


@hookspec
def sihao_apply_change(kind: str, id: str, op: str, data: Any) -> bool | None:
    """At the workstation, inside the pull transaction: apply a pulled change of a plugin's kind; return True if handled."""


@hookspec
def sihao_startup(context: Any) -> None:
    """Called when the workstation has opened its store and signed nobody in yet."""


@hookspec
def sihao_shutdown(context: Any) -> None:
    """Called when the workstation closes, and before a started plugin is switched off."""


@hookspec(firstresult=True)
def sihao_find_case(number: str, context: Any) -> Any:
    """At the workstation: the ``core.cases.CaseRef`` of this site's case ``number``, or None."""


@hookspec(firstresult=True)
def sihao_rating_link(case: Any, context: Any) -> str | None:
    """At the workstation: the address a QR code for rating ``case`` (a ``CaseRef``) carries, or None."""


@hookspec
def sihao_server_licences_issued(licences: Any) -> None:
    """On the server, inside the push transaction: licences (``core.cases.IssuedLicence``) cases issued."""


@hookspec
def sihao_audit_scope() -> Any:
    """At the workstation: a ``core.audit.AuditScope``: tables whose every row is audited, tallies to recount."""


@hookspec
def sihao_server_settled(kind: str, changes: Any, settled_before: Any) -> Any:
    """On the server, in a first pull: the ids among ``changes`` (id, data) of ``kind`` settled before ``settled_before``."""


@hookspec
def sihao_kiosk_screens(registry: Any) -> None:
    """Add citizen-facing screens to the hall kiosk's ``registry`` (``core.kiosk.KioskRegistry``)."""


@hookspec
def sihao_server_pages(router: Any) -> None:
    """Add public pages (no workstation token: citizens' phones) under ``/pages/<plugin>/``."""


@hookspec(firstresult=True)
def sihao_server_rating_choices(channel: str) -> Any:
    """On the server: ``{level: [tags]}`` a citizen may pick on ``channel``, or None."""


@hookspec(firstresult=True)
def sihao_server_citizen_rating(rating: Any) -> Any:
    """On the server: the records (``core.cases.CitizenRating``) a citizen's rating becomes, or None."""
