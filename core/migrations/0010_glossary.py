"""The catalog's glossary (core.catalog.models.Term): terms of the guides and the plain
words printed for them. Generated from a schema diff; created with playhouse.migrations."""
from peewee import *


def up(migrator, db):
    class Term(Model):
        code = CharField(primary_key=True)
        plain = CharField(default='')
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'glossary_term'
    db.create_tables([Term])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('glossary_term'))
