"""The licence register, the reminder rules, opt-outs and the SMS outbox
(plugins/reminders/server_models.py)."""

from peewee import *


def up(migrator, db):
    class Licence(Model):
        id = BigAutoField()
        licence_type = CharField()
        licence_no = CharField()
        item_code = CharField(default="")
        holder_kind = CharField(default="org")
        holder_name = CharField()
        holder_id = CharField(default="")
        legal_rep = CharField(default="")
        mobile = CharField(default="")
        valid_until = DateField()
        issued_on = DateField(null=True)
        site_code = CharField()
        case_no = CharField(default="")
        source = CharField(default="case")
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "reminders_licence"
            indexes = (
                (("licence_type", "licence_no"), True),
                (("valid_until",), False),
                (("site_code", "valid_until"), False),
            )

    class Rule(Model):
        licence_type = CharField(primary_key=True)
        lead_days = CharField()
        renewal_item = CharField(default="")
        template = TextField()
        mask_holder = BooleanField(default=False)
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "reminders_rule"

    class Setting(Model):
        key = CharField(primary_key=True)
        value = TextField()

        class Meta:
            database = db
            table_name = "reminders_setting"

    class OptOut(Model):
        holder_id = CharField(primary_key=True)
        reason = TextField(default="")
        at = DateTimeField()

        class Meta:
            database = db
            table_name = "reminders_optout"

    class Sms(Model):
        id = BigAutoField()
        key = CharField(unique=True)
        kind = CharField(default="due")
        licence_id = BigIntegerField(index=True)
        site_code = CharField(index=True)
        mobile = CharField(default="")
        text = TextField(default="")
        lead_days = IntegerField(default=0)
        valid_until = DateField(index=True)
        state = CharField()
        attempts = IntegerField(default=0)
        next_at = DateTimeField()
        claimed_at = DateTimeField(null=True)
        gateway_id = CharField(default="")
        error = TextField(default="")
        reason = TextField(default="")
        requested_by = CharField(default="")
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)
        delivered_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "reminders_sms"
            indexes = ((("state", "next_at", "id"), False),)

    db.create_tables([Licence, Rule, Setting, OptOut, Sms])


def down(migrator, db):
    for table in ("reminders_sms", "reminders_optout", "reminders_setting", "reminders_rule",
                  "reminders_licence"):
        migrator.migrate(migrator.drop_table(table))
