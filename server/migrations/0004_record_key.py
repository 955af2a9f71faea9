"""A record is stored once per site, by its own key, across re-enrollments.

``records.record_key`` (server.models.Record): the mutation id for the records
already stored; the feedback plugin's own migration makes it the record's id for
its kinds. A mutation stored twice before (a workstation re-enrolled and resent
it) keeps the key on its first copy only. ``UNIQUE(site, kind, record_key)``
replaces ``UNIQUE(workstation, mutation_id)``, which a new workstation id escaped;
an index on (workstation, client_seq) serves the cloned-token check.
"""

from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column("records", "record_key", CharField(null=True)))
    db.execute_sql(
        "UPDATE records SET record_key = mutation_id WHERE server_seq IN ("
        "SELECT min(server_seq) FROM records GROUP BY site, kind, mutation_id)"
    )
    migrator.migrate(
        migrator.drop_index("records", "record_workstation_mutation_id"),
        migrator.add_index("records", ("site", "kind", "record_key"), True),
        migrator.add_index("records", ("workstation", "client_seq"), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("records", "records_workstation_client_seq"),
        migrator.drop_index("records", "records_site_kind_record_key"),
        migrator.add_index("records", ("workstation", "mutation_id"), True),
        migrator.drop_column("records", "record_key"),
    )
