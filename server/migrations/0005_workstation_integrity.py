"""What the server knows of a workstation's integrity (server.integrity): a flag
when its token seems to be in use on two machines, and the head of its audit chain
as last acknowledged."""

from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("workstation", "suspect", TextField(default="")),
        migrator.add_column("workstation", "suspect_at", DateTimeField(null=True)),
        migrator.add_column("workstation", "audit_seq", BigIntegerField(default=0)),
        migrator.add_column("workstation", "audit_hash", CharField(default="")),
        migrator.add_column("workstation", "audit_at", DateTimeField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("workstation", "audit_at"),
        migrator.drop_column("workstation", "audit_hash"),
        migrator.drop_column("workstation", "audit_seq"),
        migrator.drop_column("workstation", "suspect_at"),
        migrator.drop_column("workstation", "suspect"),
    )
