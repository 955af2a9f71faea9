"""Kiosk plugin on the central server: one rating key per site, to sign and check
the links of the QR rating page (plugins/kiosk/links.py). Keys are never deleted:
a link signed with an older key stays good until it expires."""
from peewee import *


def up(migrator, db):
    class RatingKey(Model):
        key_id = CharField(primary_key=True)
        site = CharField(index=True)
        secret = CharField()
        created_at = DateTimeField()
        current = BooleanField(default=True)

        class Meta:
            database = db
            table_name = "kiosk_rating_key"

    db.create_tables([RatingKey])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("kiosk_rating_key"))
