"""The print queue in the workstation's store: one row per job, its PDF kept beside.

A job is local to the workstation (never synced). Its PDF is copied into the queue's
folder when it is submitted, so a job survives a restart, a printer that is off for a
day, or the source file being deleted; the copy is removed once the job is done.
"""

from __future__ import annotations

import enum

import peewee

from core.db import BaseModel


class JobState(enum.StrEnum):
    QUEUED = "queued"  # waiting to be handed to its printer (new, or the printer is away)
    SENT = "sent"  # in the printer's own queue
    PRINTING = "printing"
    DONE = "done"
    FAILED = "failed"  # refused for good, or cancelled: retry or reroute by hand
    HELD = "held"  # in the printer's queue, which is stopped (paused / offline)


ACTIVE = (JobState.QUEUED, JobState.SENT, JobState.PRINTING, JobState.HELD)


class PrintJob(BaseModel):
    id = peewee.CharField(primary_key=True)  # UUIDv7
    title = peewee.CharField()
    kind = peewee.CharField(default="cups")  # the Printer backend: "cups" | "file"
    printer = peewee.CharField()
    copies = peewee.IntegerField(default=1)
    state = peewee.CharField(default=JobState.QUEUED.value, index=True)
    reason = peewee.CharField(default="")  # core.printing.reasons code, "" when all is well
    detail = peewee.TextField(default="")  # what the printer said (for IT; no personal data)
    printer_job = peewee.CharField(default="")  # the printer's job id (CUPS: NAME-12)
    spool = peewee.CharField(default="")  # the queue's copy of the PDF
    staff = peewee.CharField(default="")  # staff number of who printed it
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(null=True)
    created_at = peewee.DateTimeField()
    updated_at = peewee.DateTimeField()


MODELS = [PrintJob]
