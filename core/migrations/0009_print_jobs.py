# Generated from a schema diff on 2026-12-07 05:52.
from peewee import *

def up(migrator, db):
    class PrintJob(Model):
        id = CharField(primary_key=True)
        title = CharField()
        kind = CharField(default='cups')
        printer = CharField()
        copies = IntegerField(default=1)
        state = CharField(index=True, default='queued')
        reason = CharField(default='')
        detail = TextField(default='')
        printer_job = CharField(default='')
        spool = CharField(default='')
        staff = CharField(default='')
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'print_job'
    db.create_tables([PrintJob])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('print_job'))
