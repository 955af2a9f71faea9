"""Intake plugin: cases, their materials and steps, the day sequence and the workstation tag."""
# Generated from a schema diff on 2026-12-07.
from peewee import *


def up(migrator, db):
    class CaseMaterial(Model):
        id = CharField(primary_key=True)
        case_id = CharField(index=True)
        key = CharField()
        name = CharField()
        status = CharField()
        promise = TextField(default='')
        due_on = DateField(null=True)
        class Meta:
            database = db
            table_name = 'intake_case_material'
    db.create_tables([CaseMaterial])

    class CaseStep(Model):
        id = CharField(primary_key=True)
        case_id = CharField(index=True)
        step = IntegerField()
        from_state = CharField(default='')
        to_state = CharField()
        result = CharField(default='')
        licence_no = CharField(default='')
        valid_until = DateField(null=True)
        note = TextField(default='')
        actor = CharField()
        site_code = CharField()
        happened_on = DateField()
        prev_hash = CharField()
        hash = CharField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'intake_case_step'
            indexes = ((('case_id', 'step'), True),)
    db.create_tables([CaseStep])

    class DaySequence(Model):
        day = CharField(primary_key=True)
        last = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'intake_day_sequence'
    db.create_tables([DaySequence])

    class IntakeCase(Model):
        id = CharField(primary_key=True)
        case_no = CharField(unique=True)
        site_code = CharField()
        workstation_tag = CharField()
        window_no = CharField(default='')
        staff_no = CharField()
        item_code = CharField(index=True)
        item_name = CharField()
        department = CharField(default='')
        bundle_code = CharField(default='')
        applicant_kind = CharField()
        applicant_name = CharField()
        applicant_id = CharField()
        legal_rep = CharField(default='')
        mobile = CharField()
        situations = TextField(default='[]')
        outcome = CharField()
        reason = TextField(default='')
        taken_on = DateField()
        promised_days = IntegerField(default=0)
        promised_on = DateField(null=True)
        due_estimate = BooleanField(default=False)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'intake_case'
            indexes = ((('site_code', 'taken_on'), False),)
    db.create_tables([IntakeCase])

    class WorkstationTag(Model):
        id = IntegerField(primary_key=True, default=1)
        tag = CharField()
        made_from = CharField(default='')
        class Meta:
            database = db
            table_name = 'intake_workstation_tag'
    db.create_tables([WorkstationTag])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('intake_workstation_tag'))
    migrator.migrate(migrator.drop_table('intake_case'))
    migrator.migrate(migrator.drop_table('intake_day_sequence'))
    migrator.migrate(migrator.drop_table('intake_case_step'))
    migrator.migrate(migrator.drop_table('intake_case_material'))
