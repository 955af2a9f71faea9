"""Form drafts (core.drafts): typed input kept until saved or discarded."""
from peewee import *


def up(migrator, db):
    class FormDraft(Model):
        staff_no = CharField()
        form_id = CharField()
        data = TextField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'form_draft'
            indexes = ((('staff_no', 'form_id'), True),)
    db.create_tables([FormDraft])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('form_draft'))
