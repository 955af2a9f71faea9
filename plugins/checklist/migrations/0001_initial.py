"""Checklist plugin: projects, their events, imported rules."""
from peewee import *


def up(migrator, db):
    class Project(Model):
        id = CharField(primary_key=True)
        name = CharField()
        enterprise = CharField()
        credit_code = CharField()
        project_type = CharField()
        attributes = TextField(default='{}')
        planned_start = DateField()
        site_code = CharField(index=True)
        assigned_site = CharField(index=True)
        steward = CharField()
        rules_version = CharField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'checklist_project'

    class ProjectEvent(Model):
        id = CharField(primary_key=True)
        project_id = CharField(index=True)
        kind = CharField()
        item_code = CharField(default='')
        day = DateField(null=True)
        data = TextField(default='{}')
        actor = CharField(default='')
        site_code = CharField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'checklist_event'

    class RulesSet(Model):
        id = CharField(primary_key=True)
        version = CharField()
        data = TextField()
        imported_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'checklist_rules'

    db.create_tables([Project, ProjectEvent, RulesSet])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('checklist_rules'))
    migrator.migrate(migrator.drop_table('checklist_event'))
    migrator.migrate(migrator.drop_table('checklist_project'))
