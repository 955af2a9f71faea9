"""The central server's count of ratings (plugins/feedback/server.py, "Statistics"):
one row per unit, window, staff, department, month, level, kind and real name, kept
in each push's transaction; filled here from the ratings already stored."""

from peewee import *


def up(migrator, db):
    class RatingTally(Model):
        unit_site = CharField()
        window_no = CharField()
        staff_no = CharField()
        department = CharField()
        rating_month = CharField()
        level = IntegerField()
        kind = CharField()
        real_name = BooleanField()
        n = BigIntegerField()

        class Meta:
            database = db
            table_name = "feedback_rating_tally"
            indexes = (
                (
                    (
                        "unit_site",
                        "window_no",
                        "staff_no",
                        "department",
                        "rating_month",
                        "level",
                        "kind",
                        "real_name",
                    ),
                    True,
                ),
            )

    db.create_tables([RatingTally])
    postgres = isinstance(db, PostgresqlDatabase)

    def field(name):
        if postgres:
            return f"coalesce(payload::json ->> '{name}', '')"
        return f"coalesce(json_extract(payload, '$.{name}'), '')"

    if postgres:
        real = "coalesce(payload::json ->> 'real_name', '') = 'true'"
    else:
        real = "coalesce(json_extract(payload, '$.real_name'), 0) = 1"
    level = f"CAST({field('level')} AS INTEGER)"
    dims = [field(n) for n in ("unit_site", "window_no", "staff_no", "department", "rating_month")]
    db.execute_sql(
        "INSERT INTO feedback_rating_tally "
        "(unit_site, window_no, staff_no, department, rating_month, level, kind, real_name, n) "
        f"SELECT {', '.join(dims)}, {level}, {field('kind')}, {real}, count(*) "
        "FROM records WHERE kind = 'feedback.rating' "
        f"AND {field('level')} <> '' "
        f"GROUP BY {', '.join(dims)}, {level}, {field('kind')}, {real}"
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_table("feedback_rating_tally"))
