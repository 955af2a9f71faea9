"""Entity ownership in its own table (server.models.EntityOwner), filled from the
records already stored: each entity belongs to the site of its first record. The
index on records.entity_id served only the old ownership lookup: dropped.
"""

from peewee import *


def up(migrator, db):
    class EntityOwner(Model):
        kind = CharField()
        entity_id = CharField()
        site = CharField()

        class Meta:
            database = db
            table_name = "entity_owner"
            primary_key = CompositeKey("kind", "entity_id")

    db.create_tables([EntityOwner])
    ignore = "" if isinstance(db, PostgresqlDatabase) else "OR IGNORE "
    conflict = " ON CONFLICT DO NOTHING" if isinstance(db, PostgresqlDatabase) else ""
    db.execute_sql(
        f"INSERT {ignore}INTO entity_owner (kind, entity_id, site) "
        f"SELECT kind, entity_id, site FROM records ORDER BY server_seq{conflict}"
    )
    migrator.migrate(migrator.drop_index("records", "record_entity_id"))


def down(migrator, db):
    migrator.migrate(migrator.add_index("records", ("entity_id",), False))
    migrator.migrate(migrator.drop_table("entity_owner"))
