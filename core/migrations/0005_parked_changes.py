# Generated from a schema diff on 2026-11-28 03:54.
from peewee import *

def up(migrator, db):
    class ParkedChange(Model):
        seq = AutoField()
        kind = CharField()
        entity_id = CharField()
        op = CharField()
        data = TextField(null=True)
        parked_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'parked_change'
            indexes = ((('kind', 'entity_id'), True),)
    db.create_tables([ParkedChange])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('parked_change'))
