"""Case numbers rated actively (plugins/intake/server.py): a rating may reach the
server before its case does (keyed at another counter of the site, pushed first),
so the default-rating job looks here, by number, rather than at a flag on the case."""

from peewee import *


def up(migrator, db):
    class RatedCase(Model):
        case_no = CharField(primary_key=True)
        rated_on = DateField(null=True)

        class Meta:
            database = db
            table_name = "intake_rated_case"

    db.create_tables([RatedCase])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("intake_rated_case"))
