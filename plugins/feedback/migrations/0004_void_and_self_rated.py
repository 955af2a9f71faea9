"""Voided ratings (rating_void), the self-rated flag on ratings, and the flag in the
tally's key (plugins/feedback/tally.py), which is rebuilt from the ratings."""
from peewee import *


def up(migrator, db):
    class RatingVoid(Model):
        id = CharField(primary_key=True)
        rating_id = CharField(unique=True)
        site_code = CharField()
        reason = TextField()
        actor = CharField()
        voided_on = DateField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'rating_void'
    db.create_tables([RatingVoid])
    # The tally's unique key is named after the model it was created from: look it up.
    old_key = next(
        index.name
        for index in db.get_indexes('rating_tally')
        if index.unique and 'real_name' in index.columns
    )
    migrator.migrate(
        migrator.add_column('rating', 'self_rated', BooleanField(default=False)),
        migrator.add_index('rating', ('self_rated',)),
        migrator.add_column('rating_tally', 'self_rated', BooleanField(default=False)),
        migrator.drop_index('rating_tally', old_key),
        migrator.add_index(
            'rating_tally',
            ('unit_site', 'window_no', 'rating_month', 'level', 'kind', 'real_name', 'self_rated'),
            True,
        ),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index(
            'rating_tally',
            next(i.name for i in db.get_indexes('rating_tally') if i.unique and 'self_rated' in i.columns),
        ),
        migrator.drop_column('rating_tally', 'self_rated'),
        migrator.add_index(
            'rating_tally',
            ('unit_site', 'window_no', 'rating_month', 'level', 'kind', 'real_name'),
            True,
        ),
        migrator.drop_index('rating', 'rating_self_rated'),
        migrator.drop_column('rating', 'self_rated'),
        migrator.drop_table('rating_void'),
    )
