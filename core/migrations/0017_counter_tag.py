"""The counter tag the server allocated to this workstation (server.counter_tags):
the four characters of its case numbers, unique within its site. Empty until the
enrollment answer or, for a workstation enrolled before, the next pull brings it."""

from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column("sync_state", "counter_tag", CharField(default="")))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("sync_state", "counter_tag"))
