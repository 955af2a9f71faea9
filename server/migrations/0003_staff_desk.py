"""IT's staff desk on the server (and its log of admin actions): a reset PIN must be changed at the next sign-in,
and an unlock is stamped so every workstation of the site clears its lockout when
it pulls the staff row. Wrong PINs in calls to the server itself are counted there.
"""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("staff", "must_change_pin", BooleanField(default=False)),
        migrator.add_column("staff", "unlocked_at", DateTimeField(null=True)),
        migrator.add_column("staff", "failed_attempts", IntegerField(default=0)),
        migrator.add_column("staff", "locked_until", DateTimeField(null=True)),
    )

    class AdminLog(Model):
        id = BigAutoField()
        at = DateTimeField()
        actor = CharField()
        workstation = CharField(default="")
        site = CharField(default="")
        action = CharField(index=True)
        target = CharField(default="")
        detail = TextField(default="{}")

        class Meta:
            database = db
            table_name = "admin_log"

    db.create_tables([AdminLog])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("admin_log"))
    migrator.migrate(
        migrator.drop_column("staff", "locked_until"),
        migrator.drop_column("staff", "failed_attempts"),
        migrator.drop_column("staff", "unlocked_at"),
        migrator.drop_column("staff", "must_change_pin"),
    )
