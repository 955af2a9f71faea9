"""Reminders plugin at the workstation: the site's last pulled reminders, resends."""
from peewee import *


def up(migrator, db):
    class SiteReminders(Model):
        site_code = CharField(primary_key=True)
        pulled_at = DateTimeField()
        body = TextField()

        class Meta:
            database = db
            table_name = "reminders_site"

    class ResendRequest(Model):
        id = CharField(primary_key=True)
        sms_id = BigIntegerField()
        reason = TextField()
        staff_no = CharField()
        site_code = CharField()
        requested_at = DateTimeField()

        class Meta:
            database = db
            table_name = "reminders_resend"

    db.create_tables([SiteReminders, ResendRequest])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("reminders_resend"))
    migrator.migrate(migrator.drop_table("reminders_site"))
