"""The workstation side of sync: enrollment, the push of the outbox, the pull of changes.

UI-free (core never imports Textual); the Sync plugin puts screens, the status bar
text and the CLI on top. The protocol is docs/sync-protocol.md.

- ``client``: the HTTP calls (httpx, imported when a client is first built) and the
  errors they map to.
- ``engine``: ``Syncer`` pushes pending outbox rows in ``client_seq`` order and
  applies the answers in one local transaction per batch; pulls pages of changes
  and applies each page with its cursor in one local transaction.
- ``apply``: what a pulled change does to the local store, by kind.
- ``worker``: the background thread with its own timer, backoff and jitter.
- ``models``: the ``sync_state`` row (cursor, last push and pull, last error,
  enrolled server, workstation id, site, cached site policy).
"""

from __future__ import annotations

# Sent as X-Sihao-Schema with every request. The server accepts its current version
# and the previous one; older clients get 426 and keep their outbox.
SCHEMA_VERSION = 1
