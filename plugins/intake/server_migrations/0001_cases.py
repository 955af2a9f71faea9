"""The central server's table of intake cases (plugins/intake/server.py): one row per
case, its current state, step and chain hash, kept in the push transaction; the
applicant's details a licence needs; whether it was rated and its default rating."""

from peewee import *


def up(migrator, db):
    class ServerCase(Model):
        case_id = CharField(primary_key=True)
        case_no = CharField(unique=True)
        site = CharField()
        workstation = CharField()
        item_code = CharField()
        item_name = CharField(default="")
        department = CharField(default="")
        window_no = CharField(default="")
        staff_no = CharField(default="")
        outcome = CharField()
        taken_on = DateField()
        month = CharField()
        state = CharField(default="")
        step = IntegerField(default=-1)
        last_hash = CharField(default="")
        last_on = DateField(null=True)
        delivered_on = DateField(null=True)
        rated = BooleanField(default=False)
        default_rating_id = CharField(null=True)
        holder_kind = CharField(default="")
        holder_name = CharField(default="")
        holder_id = CharField(default="")
        legal_rep = CharField(default="")
        mobile = CharField(default="")

        class Meta:
            database = db
            table_name = "intake_case"
            indexes = (
                (("site", "month", "item_code"), False),
                (("state", "delivered_on"), False),
            )

    db.create_tables([ServerCase])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("intake_case"))
