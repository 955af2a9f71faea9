"""The transactional outbox (core.outbox)."""
from peewee import *
from playhouse.sqlite_ext import AutoIncrementField


def up(migrator, db):
    class Outbox(Model):
        client_seq = AutoIncrementField()
        mutation_id = CharField(unique=True)
        kind = CharField(index=True)
        entity_id = CharField()
        payload = TextField()
        payload_version = IntegerField(default=1)
        created_at = DateTimeField()
        state = CharField(index=True, default='pending')
        attempts = IntegerField(default=0)
        last_error = TextField(default='')
        acked_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'outbox'
    db.create_tables([Outbox])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('outbox'))
