"""Voided ratings and self-rated ratings on the central server.

- ``feedback_rating_void``: one row per voided rating (its id is the key, so a
  rating is voided once) with the rating's grouping columns as the void carried
  them, so statistics leave it out and count it apart without reading the ratings.
- Self-rated ratings (keyed by the staff member rated, where the site allows it)
  counted apart in the tally: a column in its key. Ratings stored so far carry no
  such flag (the rule did not exist), so every existing row is false.
"""

from peewee import *


def up(migrator, db):
    class RatingVoid(Model):
        rating_id = CharField(primary_key=True)
        void_id = CharField()
        site = CharField()
        unit_site = CharField()
        window_no = CharField()
        staff_no = CharField()
        item_code = CharField()
        department = CharField()
        rated_on = CharField()
        rating_month = CharField()
        level = IntegerField()
        kind = CharField()
        real_name = BooleanField()
        self_rated = BooleanField()

        class Meta:
            database = db
            table_name = "feedback_rating_void"

    db.create_tables([RatingVoid])
    old_key = next(
        index.name
        for index in db.get_indexes("feedback_rating_tally")
        if index.unique and "real_name" in index.columns
    )
    migrator.migrate(
        # A default in the database too: an INSERT naming only the older columns
        # (0001's fill, a tool written before this) still counts as not self-rated.
        migrator.add_column(
            "feedback_rating_tally",
            "self_rated",
            BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")]),
        ),
        migrator.drop_index("feedback_rating_tally", old_key),
        migrator.add_index(
            "feedback_rating_tally",
            (
                "unit_site",
                "window_no",
                "staff_no",
                "department",
                "rating_month",
                "level",
                "kind",
                "real_name",
                "self_rated",
            ),
            True,
        ),
    )
    # Counted again with the flag: a rating keyed by the staff member it rates is
    # self-rated whatever its payload says (plugins/feedback/server.py, _self_rated).
    postgres = isinstance(db, PostgresqlDatabase)

    def field(name):
        if postgres:
            return f"coalesce(payload::json ->> '{name}', '')"
        return f"coalesce(json_extract(payload, '$.{name}'), '')"

    true = "'true'" if postgres else "1"
    real = f"{field('real_name')} = {true}"
    self_rated = (
        f"({field('self_rated')} = {true} "
        f"OR ({field('actor')} <> '' AND {field('actor')} = {field('staff_no')}))"
    )
    level = f"CAST({field('level')} AS INTEGER)"
    dims = [field(n) for n in ("unit_site", "window_no", "staff_no", "department", "rating_month")]
    groups = [*dims, level, field("kind"), real, self_rated]
    db.execute_sql("DELETE FROM feedback_rating_tally")
    db.execute_sql(
        "INSERT INTO feedback_rating_tally (unit_site, window_no, staff_no, department, "
        "rating_month, level, kind, real_name, self_rated, n) "
        f"SELECT {', '.join(groups)}, count(*) FROM records "
        "WHERE kind = 'feedback.rating' "
        f"AND CAST({field('level')} AS TEXT) IN ('1', '2', '3', '4', '5') "
        f"GROUP BY {', '.join(groups)}"
    )


def down(migrator, db):
    new_key = next(
        index.name
        for index in db.get_indexes("feedback_rating_tally")
        if index.unique and "self_rated" in index.columns
    )
    migrator.migrate(
        migrator.drop_index("feedback_rating_tally", new_key),
        migrator.drop_column("feedback_rating_tally", "self_rated"),
        migrator.add_index(
            "feedback_rating_tally",
            ("unit_site", "window_no", "staff_no", "department", "rating_month", "level",
             "kind", "real_name"),
            True,
        ),
    )
    migrator.migrate(migrator.drop_table("feedback_rating_void"))
