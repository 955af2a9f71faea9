"""Feedback plugin: ratings, rectification cases and events, inspections, reference sets."""
# Generated from a schema diff on 2026-11-28 02:24.
from peewee import *


def up(migrator, db):
    class Case(Model):
        id = CharField(primary_key=True)
        source = CharField()
        source_id = CharField(index=True)
        site_code = CharField()
        unit_site = CharField(index=True)
        window_no = CharField(default='')
        staff_no = CharField(default='')
        item_code = CharField(default='')
        department = CharField(default='')
        summary = TextField(default='')
        level = IntegerField(null=True)
        real_name = BooleanField(default=False)
        opened_on = DateField()
        callback_due = DateField()
        rectify_due = DateField()
        due_estimate = BooleanField(default=False)
        actor = CharField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'rectification_case'
    db.create_tables([Case])

    class CaseEvent(Model):
        id = CharField(primary_key=True)
        case_id = CharField(index=True)
        from_state = CharField(default='')
        to_state = CharField()
        note = TextField(default='')
        actor = CharField(default='')
        happened_on = DateField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'rectification_event'
    db.create_tables([CaseEvent])

    class Finding(Model):
        id = CharField(primary_key=True)
        inspection_id = CharField(index=True)
        severity = CharField()
        description = TextField()
        attachment = CharField(default='')
        indicator_code = CharField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'finding'
    db.create_tables([Finding])

    class Inspection(Model):
        id = CharField(primary_key=True)
        site_code = CharField(index=True)
        mode = CharField()
        target_kind = CharField()
        target_ref = CharField()
        target_label = CharField(default='')
        inspector = CharField()
        inspector_role = CharField()
        indicator_version = CharField(default='')
        weighted_score = FloatField(null=True)
        note = TextField(default='')
        inspected_on = DateField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'inspection'
    db.create_tables([Inspection])

    class InspectionScore(Model):
        id = CharField(primary_key=True)
        inspection_id = CharField(index=True)
        indicator_code = CharField()
        indicator_name = CharField()
        weight = FloatField()
        score = FloatField()
        class Meta:
            database = db
            table_name = 'inspection_score'
    db.create_tables([InspectionScore])

    class Rating(Model):
        id = CharField(primary_key=True)
        site_code = CharField()
        unit_site = CharField()
        target = CharField()
        case_no = CharField(default='')
        item_code = CharField(index=True, default='')
        item_name = CharField(default='')
        department = CharField(index=True, default='')
        window_no = CharField(default='')
        staff_no = CharField(index=True, default='')
        channel = CharField()
        mode = CharField()
        level = IntegerField()
        tags = TextField(default='[]')
        tagset_version = CharField(default='')
        text = TextField(default='')
        real_name = BooleanField(default=False)
        applicant_name = CharField(default='')
        applicant_id = CharField(default='')
        applicant_phone = CharField(default='')
        kind = CharField()
        follow_up_of = CharField(default='')
        rated_on = DateField(index=True)
        rating_month = CharField()
        actor = CharField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'rating'
            indexes = ((('window_no', 'rating_month', 'level', 'kind', 'real_name'), False), (('site_code', 'rating_month'), False))
    db.create_tables([Rating])

    class ReferenceSet(Model):
        id = CharField(primary_key=True)
        kind = CharField()
        version = CharField()
        data = TextField()
        received_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'reference_set'
    db.create_tables([ReferenceSet])

    class WalkStep(Model):
        id = CharField(primary_key=True)
        inspection_id = CharField(index=True)
        seq = IntegerField()
        name = CharField()
        seconds = FloatField()
        class Meta:
            database = db
            table_name = 'walk_step'
    db.create_tables([WalkStep])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('walk_step'))
    migrator.migrate(migrator.drop_table('reference_set'))
    migrator.migrate(migrator.drop_table('rating'))
    migrator.migrate(migrator.drop_table('inspection_score'))
    migrator.migrate(migrator.drop_table('inspection'))
    migrator.migrate(migrator.drop_table('finding'))
    migrator.migrate(migrator.drop_table('rectification_event'))
    migrator.migrate(migrator.drop_table('rectification_case'))
