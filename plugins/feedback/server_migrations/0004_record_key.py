"""The feedback kinds are append-only (each record is a new row with its own
UUIDv7 id): their records are keyed by that id (``records.record_key``), so a
workstation enrolled again and resending them is answered "duplicate". Where a
record was stored twice before (the same id under two workstation ids), the first
keeps the key and the later copies are removed, and the rating tally is counted
again from what remains.

Each case's state row also learns when the server last stored a record of it
(``changed_at``, from the stored records): a case closed before a new
workstation's first-pull window is left out of that pull."""

import json

from peewee import *

KINDS = (
    "feedback.rating",
    "feedback.case",
    "feedback.case_event",
    "feedback.inspection",
    "feedback.rating_void",
)


def deduplicate(db):
    """Key the feedback records by their id; remove later copies; return how many."""
    kinds = ", ".join(f"'{k}'" for k in KINDS)
    db.execute_sql(f"UPDATE records SET record_key = NULL WHERE kind IN ({kinds})")
    first = (
        f"SELECT min(server_seq) FROM records WHERE kind IN ({kinds}) "
        "GROUP BY site, kind, entity_id"
    )
    twice = db.execute_sql(
        f"SELECT count(*) FROM records WHERE kind IN ({kinds}) AND server_seq NOT IN ({first})"
    ).fetchone()[0]
    if twice:
        db.execute_sql(
            f"DELETE FROM records WHERE kind IN ({kinds}) AND server_seq NOT IN ({first})"
        )
    db.execute_sql(f"UPDATE records SET record_key = entity_id WHERE kind IN ({kinds})")
    if twice:
        from plugins.feedback import server

        server.rebuild_tally()
    return twice


def fill_changed_at(db):
    last = {}
    cursor = db.execute_sql(
        "SELECT kind, entity_id, payload, received_at FROM records WHERE kind IN "
        "('feedback.case', 'feedback.case_event') ORDER BY server_seq"
    )
    for kind, entity_id, payload, received_at in cursor.fetchall():
        if kind == "feedback.case":
            case_id = entity_id
        else:
            try:
                data = json.loads(payload)
            except ValueError:
                continue
            case_id = data.get("case_id") if isinstance(data, dict) else None
        if case_id:
            last[str(case_id)] = received_at
    param = "%s" if isinstance(db, PostgresqlDatabase) else "?"
    for case_id, received_at in last.items():
        db.execute_sql(
            f"UPDATE feedback_case_state SET changed_at = {param} WHERE case_id = {param}",
            (received_at, case_id),
        )


def up(migrator, db):
    deduplicate(db)
    migrator.migrate(
        migrator.add_column("feedback_case_state", "changed_at", DateTimeField(null=True))
    )
    fill_changed_at(db)


def down(migrator, db):
    migrator.migrate(migrator.drop_column("feedback_case_state", "changed_at"))
    kinds = ", ".join(f"'{k}'" for k in KINDS)
    db.execute_sql(f"UPDATE records SET record_key = mutation_id WHERE kind IN ({kinds})")
