"""The sync state row and the reset-snapshot bookkeeping (core.sync.models)."""
from peewee import *


def up(migrator, db):
    class SyncState(Model):
        id = IntegerField(primary_key=True)
        server_url = CharField(default='')
        workstation_id = CharField(default='')
        site_code = CharField(default='')
        enrolled_at = DateTimeField(null=True)
        cursor = BigIntegerField(default=0)
        resetting = BooleanField(default=False)
        last_push_at = DateTimeField(null=True)
        last_pull_at = DateTimeField(null=True)
        last_error = TextField(default='')
        last_error_at = DateTimeField(null=True)
        blocked = CharField(default='')
        policy = TextField(default='')
        class Meta:
            database = db
            table_name = 'sync_state'

    class SyncSeen(Model):
        kind = CharField()
        entity_id = CharField()
        class Meta:
            database = db
            table_name = 'sync_seen'
            primary_key = CompositeKey('kind', 'entity_id')
    db.create_tables([SyncState, SyncSeen])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('sync_seen'))
    migrator.migrate(migrator.drop_table('sync_state'))
