"""IT's staff desk: a PIN IT reset must be changed at the next sign-in, and an
unlock made on the central server reaches the workstations by pull (its time is
compared with the one this store saw last, so a lockout is cleared once).
"""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("staff", "must_change_pin", BooleanField(default=False)),
        migrator.add_column("staff", "unlocked_at", DateTimeField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("staff", "unlocked_at"),
        migrator.drop_column("staff", "must_change_pin"),
    )
