"""办事闹钟: licence-expiry reminders sent once, centrally, by SMS.

The central server keeps the licence register (licences cases issued at 办结,
through ``sihao_server_licences_issued``, and licences IT imports from a
spreadsheet), the reminder rules per licence type, and an SMS outbox a worker
fills and drains (``worker``): each reminder is written once under an idempotency
key and sent through a gateway (``gateways``) that is handed the same key, so a
worker killed mid-send or two workers racing never send it twice.

The workstation only reads: the site's upcoming expiries and what was sent, pulled
from the server and kept for offline use (``service``), and asks for a manual
resend through a record kind (``reminders.resend``), which the server turns into
one more outbox row.

Modules: ``rules`` (lead times, templates, quiet hours: pure), ``gateways`` (the
SMS provider interface), ``register`` and ``worker`` (server side), ``server``
(routes, CLI, hooks), ``service`` and ``ui`` (workstation side).
"""

from pathlib import Path as _Path

from core.i18n import register_catalog as _register_catalog

_register_catalog(_Path(__file__).parent / "locale")
