"""Cases and steps are append-only (each record a new row with its own UUIDv7 id):
their records are keyed by that id (``records.record_key``), so a workstation
enrolled again and resending them is answered "duplicate". Where one was stored
twice before (the same id under two workstation ids), the first keeps the key and
the later copies are removed (``intake_case`` was kept from the first)."""

from peewee import *

KINDS = ("intake.case", "intake.case_step")


def up(migrator, db):
    kinds = ", ".join(f"'{k}'" for k in KINDS)
    db.execute_sql(f"UPDATE records SET record_key = NULL WHERE kind IN ({kinds})")
    first = (
        f"SELECT min(server_seq) FROM records WHERE kind IN ({kinds}) "
        "GROUP BY site, kind, entity_id"
    )
    db.execute_sql(f"DELETE FROM records WHERE kind IN ({kinds}) AND server_seq NOT IN ({first})")
    db.execute_sql(f"UPDATE records SET record_key = entity_id WHERE kind IN ({kinds})")


def down(migrator, db):
    kinds = ", ".join(f"'{k}'" for k in KINDS)
    db.execute_sql(f"UPDATE records SET record_key = mutation_id WHERE kind IN ({kinds})")
