"""Tables of the checklist plugin.

A project is written once (``checklist_project``) and everything that happens to it
afterwards is a new event row (``checklist_event``): an attribute or the start date
changed, an item done or late with its real date, a stage completed, a difficulty
raised at the joint consultation (集中会诊) and its outcome. Events are append-only
and vouched for by the audit chain, so sync meets no conflict. The project row keeps
the current attributes and start date as a cache the events update (locally and
when pulled), so listing projects reads one table.
"""

from __future__ import annotations

import peewee

from core.db import BaseModel, new_id
from core.models import utcnow


class Project(BaseModel):
    id = peewee.CharField(primary_key=True, default=new_id)
    name = peewee.CharField()
    enterprise = peewee.CharField()
    credit_code = peewee.CharField()  # 统一社会信用代码 (not personal data)
    project_type = peewee.CharField()
    attributes = peewee.TextField(default="{}")  # JSON: current values
    planned_start = peewee.DateField()  # as typed; the plan moves a holiday to a workday
    site_code = peewee.CharField(index=True)  # where the project was opened
    assigned_site = peewee.CharField(index=True)  # the site whose stewards follow it
    steward = peewee.CharField()
    rules_version = peewee.CharField(default="")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "checklist_project"


class ProjectEvent(BaseModel):
    id = peewee.CharField(primary_key=True, default=new_id)
    project_id = peewee.CharField(index=True)
    kind = peewee.CharField()  # see service.EventKind
    item_code = peewee.CharField(default="")
    day = peewee.DateField(null=True)
    data = peewee.TextField(default="{}")  # JSON: what the kind carries
    actor = peewee.CharField(default="")
    site_code = peewee.CharField(default="")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "checklist_event"


class RulesSet(BaseModel):
    """Rules imported at this site (``sihao checklist rules import``); the newest wins."""

    id = peewee.CharField(primary_key=True, default=new_id)
    version = peewee.CharField()
    data = peewee.TextField()
    imported_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "checklist_rules"


MODELS = (Project, ProjectEvent, RulesSet)
