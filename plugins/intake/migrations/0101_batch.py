"""Batch intake: batches, their rows and problems, the certificates issued."""

from peewee import *


def up(migrator, db):
    class IntakeBatch(Model):
        id = CharField(primary_key=True)
        batch_no = CharField(unique=True)
        site_code = CharField()
        item_code = CharField(index=True)
        item_name = CharField()
        source_name = CharField()
        source_sha256 = CharField(index=True)
        encoding = CharField(default="")
        header = TextField(default="[]")
        state = CharField(default="declared", index=True)
        total_rows = IntegerField(default=0)
        good_rows = IntegerField(default=0)
        bad_rows = IntegerField(default=0)
        error_file = CharField(default="")
        imported_by = CharField(default="")
        imported_at = DateTimeField()
        decision = CharField(default="")
        decision_note = TextField(default="")
        reviewer = CharField(default="")
        decided_at = DateTimeField(null=True)
        issued_by = CharField(default="")
        issued_at = DateTimeField(null=True)
        output_dir = CharField(default="")
        combined_file = CharField(default="")

        class Meta:
            database = db
            table_name = "intake_batch"

    class BatchRow(Model):
        id = CharField(primary_key=True)
        batch_id = CharField(index=True)
        row_no = IntegerField()
        applicant_kind = CharField()
        name = CharField()
        id_number = CharField()
        legal_rep = CharField(default="")
        mobile = CharField()
        situations = TextField(default="[]")
        applied_on = DateField(null=True)
        warnings = TextField(default="")
        exception = BooleanField(default=False)
        exception_reason = TextField(default="")
        approved = BooleanField(null=True)
        cert_seq = IntegerField(null=True)
        case_id = CharField(default="")

        class Meta:
            database = db
            table_name = "intake_batch_row"
            indexes = ((("batch_id", "row_no"), True),)

    class BatchProblem(Model):
        id = CharField(primary_key=True)
        batch_id = CharField(index=True)
        row_no = IntegerField()
        column = CharField(default="")
        message = TextField()
        values = TextField(default="[]")
        fixed = BooleanField(default=False)

        class Meta:
            database = db
            table_name = "intake_batch_problem"

    class BatchCertificate(Model):
        id = CharField(primary_key=True)
        batch_id = CharField(index=True)
        row_id = CharField(unique=True)
        cert_no = CharField(unique=True)
        holder_name = CharField()
        issued_on = DateField()
        valid_until = DateField(null=True)
        file_name = CharField(default="")
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "intake_batch_certificate"

    db.create_tables([IntakeBatch, BatchRow, BatchProblem, BatchCertificate])
