"""Parked changes keep why a plugin refused them (RecordRejected), to be shown."""

from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column("parked_change", "reason", TextField(default="")))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("parked_change", "reason"))
