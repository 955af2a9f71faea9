"""The feedback kinds are append-only (each record is a new row with its own
UUIDv7 id): their records are keyed by that id (``records.record_key``), so a
workstation enrolled again and resending them is answered "duplicate". Where a
record was stored twice before (the same id under two workstation ids), the first
keeps the key and the later copies are removed, and the rating tally is counted
again from what remains."""

from peewee import *

KINDS = (
    "feedback.rating",
    "feedback.case",
    "feedback.case_event",
    "feedback.inspection",
    "feedback.rating_void",
)


def up(migrator, db):
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


def down(migrator, db):
    db.execute_sql(
        "UPDATE records SET record_key = mutation_id WHERE kind LIKE 'feedback.%'"
    )
