# Generated from a schema diff on 2026-11-28 02:46.
from peewee import *

def up(migrator, db):
    class RatingTally(Model):
        unit_site = CharField()
        window_no = CharField()
        rating_month = CharField()
        level = IntegerField()
        kind = CharField()
        real_name = BooleanField()
        count = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'rating_tally'
            indexes = ((('unit_site', 'window_no', 'rating_month', 'level', 'kind', 'real_name'), True),)
    db.create_tables([RatingTally])
    # Count the ratings already held (derived data: see plugins/feedback/tally.py).
    key = "unit_site, window_no, rating_month, level, kind, real_name"
    db.execute_sql(
        f"INSERT INTO rating_tally ({key}, count) SELECT {key}, count(*) FROM rating GROUP BY {key}"
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_table('rating_tally'))
