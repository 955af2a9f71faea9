"""The central server's current state of each rectification case (plugins/feedback/
server_checks.py): what a pushed state change is checked against, one row per case,
kept in each push's transaction instead of reading the stored events' JSON. Filled
here from the cases and events already stored, in the order the server stored them."""

import json

from peewee import *


def up(migrator, db):
    class CaseState(Model):
        case_id = CharField(primary_key=True)
        unit_site = CharField()
        opening_site = CharField()
        window_no = CharField(default="")
        staff_no = CharField(default="")
        opened_on = CharField()  # ISO date, as pushed
        state = CharField(default="")  # "" until its first event
        step = IntegerField(default=-1)
        recorders = TextField(default="{}")  # state -> who last moved the case into it

        class Meta:
            database = db
            table_name = "feedback_case_state"

    db.create_tables([CaseState])
    cursor = db.execute_sql(
        "SELECT kind, payload FROM records WHERE kind IN "
        "('feedback.case', 'feedback.case_event') ORDER BY server_seq"
    )
    rows = {}
    for kind, payload in cursor.fetchall():
        try:
            data = json.loads(payload)
        except ValueError:
            continue
        if not isinstance(data, dict):
            continue
        if kind == "feedback.case":
            case_id = str(data.get("id") or "")
            if case_id and case_id not in rows:
                rows[case_id] = {
                    "case_id": case_id,
                    "unit_site": str(data.get("unit_site") or data.get("site_code") or ""),
                    "opening_site": str(data.get("site_code") or ""),
                    "window_no": str(data.get("window_no") or ""),
                    "staff_no": str(data.get("staff_no") or ""),
                    "opened_on": str(data.get("opened_on") or ""),
                    "state": "",
                    "step": -1,
                    "recorders": {},
                }
        else:
            row = rows.get(str(data.get("case_id") or ""))
            # Only an event that follows the state so far: a copy of one stored twice
            # (a retry under a new mutation id) is not a step.
            if row is not None and str(data.get("from_state") or "") == row["state"]:
                row["state"] = str(data.get("to_state") or "")
                row["step"] += 1
                row["recorders"][row["state"]] = str(data.get("actor") or "")
    for row in rows.values():
        row["recorders"] = json.dumps(row["recorders"], ensure_ascii=False, sort_keys=True)
    batch = list(rows.values())
    for start in range(0, len(batch), 500):
        CaseState.insert_many(batch[start : start + 500]).execute()


def down(migrator, db):
    migrator.migrate(migrator.drop_table("feedback_case_state"))
