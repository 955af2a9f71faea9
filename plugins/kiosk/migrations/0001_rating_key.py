"""Kiosk plugin: the site's rating key, as the central server issued it."""
from peewee import *


def up(migrator, db):
    class RatingKey(Model):
        key_id = CharField(primary_key=True)
        site_code = CharField(index=True)
        secret = CharField()
        fetched_at = DateTimeField()

        class Meta:
            database = db
            table_name = "kiosk_rating_key"

    db.create_tables([RatingKey])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("kiosk_rating_key"))
