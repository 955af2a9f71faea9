"""The audit chain's head as the server last acknowledged it (core.audit,
server.integrity): what ``sihao audit verify`` compares the chain with when the
server cannot be asked. And whether the workstation is still catching up for the
first time (a bounded first pull, docs/sync-protocol.md)."""

from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("sync_state", "audit_anchor_seq", BigIntegerField(default=0)),
        migrator.add_column("sync_state", "audit_anchor_hash", CharField(default="")),
        migrator.add_column("sync_state", "audit_anchor_at", DateTimeField(null=True)),
        migrator.add_column("sync_state", "first_pull", BooleanField(default=False)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("sync_state", "first_pull"),
        migrator.drop_column("sync_state", "audit_anchor_at"),
        migrator.drop_column("sync_state", "audit_anchor_hash"),
        migrator.drop_column("sync_state", "audit_anchor_seq"),
    )
