"""Rectification events name who recorded them (role, site), carry the fix's evidence
and the callback's time, and their place in the case's chain (``step``), which orders
them instead of the recording workstation's clock. Steps of the events already held
follow their old order (created_at, then id)."""

from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("rectification_event", "role", CharField(default="")),
        migrator.add_column("rectification_event", "site_code", CharField(default="")),
        migrator.add_column("rectification_event", "evidence", TextField(default="")),
        migrator.add_column("rectification_event", "called_at", DateTimeField(null=True)),
        migrator.add_column("rectification_event", "step", IntegerField(default=0)),
    )
    db.execute_sql(
        "UPDATE rectification_event SET step = (SELECT count(*) FROM rectification_event e "
        "WHERE e.case_id = rectification_event.case_id AND (e.created_at < "
        "rectification_event.created_at OR (e.created_at = rectification_event.created_at "
        "AND e.id < rectification_event.id)))"
    )
    migrator.migrate(
        migrator.drop_index(
            "rectification_event", "rectification_event_case_id_created_at_id_to_state"
        ),
        migrator.add_index("rectification_event", ("case_id", "step"), True),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("rectification_event", "rectification_event_case_id_step"),
        migrator.add_index("rectification_event", ("case_id", "created_at", "id", "to_state")),
        migrator.drop_column("rectification_event", "step"),
        migrator.drop_column("rectification_event", "called_at"),
        migrator.drop_column("rectification_event", "evidence"),
        migrator.drop_column("rectification_event", "site_code"),
        migrator.drop_column("rectification_event", "role"),
    )
