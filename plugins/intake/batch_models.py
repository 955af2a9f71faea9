"""Tables of batch intake (一次申报、打包审核、批量发证).

A batch is one declaration for many applicants of one item: the file it came from,
who imported it, the reviewer's one decision for the package and when it was
issued. Its rows are the applicants the file held that passed every check; the rows
that did not are kept too (``BatchProblem``, one row per problem, with the column
and the sentence), so nothing imported is lost even before the error file is read.

A certificate (``BatchCertificate``) is unique per batch row and per number: the
number is derived from the batch number and the row's place among the approved
rows, fixed when the reviewer decides, so an issue killed halfway and run again
finds the rows already issued and never numbers one twice.
"""

from __future__ import annotations

import peewee

from core.db import BaseModel, new_id
from core.models import utcnow


class BatchState:
    DECLARED = "declared"  # imported, waiting for the reviewer (申报)
    DECIDED = "decided"  # the reviewer decided the package (打包审核)
    ISSUING = "issuing"  # certificates being issued (started, maybe interrupted)
    ISSUED = "issued"  # every approved row has its certificate (批量发证)


class IntakeBatch(BaseModel):
    id = peewee.CharField(primary_key=True, default=new_id)
    batch_no = peewee.CharField(unique=True)
    site_code = peewee.CharField()
    item_code = peewee.CharField(index=True)
    item_name = peewee.CharField()
    source_name = peewee.CharField()  # the file's name, as the clerk chose it
    source_sha256 = peewee.CharField(index=True)
    encoding = peewee.CharField(default="")  # of a CSV; empty for a workbook
    header = peewee.TextField(default="[]")  # the file's header row (JSON), to re-check a fix
    state = peewee.CharField(default=BatchState.DECLARED, index=True)
    total_rows = peewee.IntegerField(default=0)
    good_rows = peewee.IntegerField(default=0)
    bad_rows = peewee.IntegerField(default=0)
    error_file = peewee.CharField(default="")
    imported_by = peewee.CharField(default="")
    imported_at = peewee.DateTimeField(default=utcnow)
    decision = peewee.CharField(default="")  # approve | refuse
    decision_note = peewee.TextField(default="")
    reviewer = peewee.CharField(default="")
    decided_at = peewee.DateTimeField(null=True)
    issued_by = peewee.CharField(default="")
    issued_at = peewee.DateTimeField(null=True)
    output_dir = peewee.CharField(default="")
    combined_file = peewee.CharField(default="")

    class Meta:
        table_name = "intake_batch"


class BatchRow(BaseModel):
    """An applicant of a batch who passed every check."""

    id = peewee.CharField(primary_key=True, default=new_id)
    batch_id = peewee.CharField(index=True)
    row_no = peewee.IntegerField()  # the row in the file, as the applicant sees it
    applicant_kind = peewee.CharField()  # person (自然人) | org (法人)
    name = peewee.CharField()
    id_number = peewee.CharField()  # resident ID or unified social credit code, whole
    legal_rep = peewee.CharField(default="")
    mobile = peewee.CharField()
    situations = peewee.TextField(default="[]")  # JSON list of situation codes
    applied_on = peewee.DateField(null=True)
    warnings = peewee.TextField(default="")
    exception = peewee.BooleanField(default=False)  # decided against the package
    exception_reason = peewee.TextField(default="")
    approved = peewee.BooleanField(null=True)  # None until the reviewer decides
    cert_seq = peewee.IntegerField(null=True)  # place among approved rows, fixed at decision
    case_id = peewee.CharField(default="")

    class Meta:
        table_name = "intake_batch_row"
        indexes = ((("batch_id", "row_no"), True),)


class BatchProblem(BaseModel):
    """A refused row (or a warning on a kept one): the column and what to fix."""

    id = peewee.CharField(primary_key=True, default=new_id)
    batch_id = peewee.CharField(index=True)
    row_no = peewee.IntegerField()
    column = peewee.CharField(default="")
    message = peewee.TextField()
    values = peewee.TextField(default="[]")  # the row as read (JSON), for the error file
    fixed = peewee.BooleanField(default=False)  # re-entered at the screen and kept

    class Meta:
        table_name = "intake_batch_problem"


class BatchCertificate(BaseModel):
    id = peewee.CharField(primary_key=True, default=new_id)
    batch_id = peewee.CharField(index=True)
    row_id = peewee.CharField(unique=True)  # one certificate per applicant, ever
    cert_no = peewee.CharField(unique=True)
    holder_name = peewee.CharField()
    issued_on = peewee.DateField()
    valid_until = peewee.DateField(null=True)
    file_name = peewee.CharField(default="")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "intake_batch_certificate"


MODELS = [IntakeBatch, BatchRow, BatchProblem, BatchCertificate]
