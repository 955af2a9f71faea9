# Generated from a schema diff on 2026-11-28 02:42.
from peewee import *

def up(migrator, db):
    migrator.migrate(migrator.drop_index('rating', 'rating_site_code_rating_month'))
    migrator.migrate(migrator.add_column('rectification_case', 'rated_on', DateField(null=True)))
    migrator.migrate(migrator.add_column('rectification_case', 'rating_month', CharField(default='')))
    migrator.migrate(migrator.add_index('rectification_event', ('case_id', 'created_at', 'id', 'to_state')))
    migrator.migrate(migrator.add_index('rating', ('unit_site', 'rating_month', 'level', 'kind', 'real_name')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('rating', 'rating_unit_site_rating_month_level_kind_real_name'))
    migrator.migrate(migrator.drop_index('rectification_event', 'rectification_event_case_id_created_at_id_to_state'))
    migrator.migrate(migrator.drop_column('rectification_case', 'rating_month'))
    migrator.migrate(migrator.drop_column('rectification_case', 'rated_on'))
    migrator.migrate(migrator.add_index('rating', ('site_code', 'rating_month')))
