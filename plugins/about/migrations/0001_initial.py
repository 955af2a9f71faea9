"""About plugin: site notices."""
from peewee import *


def up(migrator, db):
    class SiteNotice(Model):
        id = CharField(primary_key=True)
        site_code = CharField(index=True)
        text = TextField()
        author = CharField()
        created_at = DateTimeField()
        retracted = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'site_notice'
    db.create_tables([SiteNotice])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('site_notice'))
