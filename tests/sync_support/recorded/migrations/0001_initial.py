"""A table for the recording plugins (both run this script, each with its own history)."""

import peewee


def up(migrator, db):  # type: ignore[no-untyped-def]
    class RecordedNote(peewee.Model):
        text = peewee.TextField()

        class Meta:
            database = db
            table_name = "recorded_note"

    db.create_tables([RecordedNote], safe=True)


def down(migrator, db):  # type: ignore[no-untyped-def]
    migrator.migrate(migrator.drop_table("recorded_note"))
