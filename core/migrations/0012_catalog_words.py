"""How people say things (core.catalog.models.Word): synonyms and fillers the lookup
reads phrases with. Generated from a schema diff; created with playhouse.migrations."""
from peewee import *


def up(migrator, db):
    class Word(Model):
        code = CharField(primary_key=True)
        means = CharField(default='')
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'word'
    db.create_tables([Word])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('word'))
