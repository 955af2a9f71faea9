"""Catalog tables. Primary keys are the codes people use, so sync and files name rows
without a lookup.

List-valued parts of an item (situations, materials, steps, FAQ, keywords, service
objects) are kept as JSON text in the item row: they are always read and written
with their item, never queried on their own, and the situation picker filters them
in memory (an item has a handful of situations and a few dozen materials). The
department of an item is a plain code, not a foreign key: pulled changes may bring
an item before its department, and a catalog row must never be refused for that.

``pinyin`` and ``initials`` are derived from the name and keywords when an item is written
(by the server for pulled items: ``core.catalog.pinyin``), so the search index never loads
pypinyin (≈ 55 MB resident with its phrase table).
"""

from __future__ import annotations

import json
from typing import Any

import peewee

from core.db import BaseModel
from core.models import utcnow

# One encoder: ``json.dumps`` with options builds a new one per call (a third of its
# cost for the short lists of an item; 120,000 calls in a 20,000-item pull).
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class JSONTextField(peewee.TextField):
    """A list or dict kept as JSON text (Chinese kept readable in the file)."""

    def db_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return _encode(value)  # json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def python_value(self, value: Any) -> Any:
        if value is None or value == "":
            return [] if value == "" else None
        return json.loads(value)


class Department(BaseModel):
    code = peewee.CharField(primary_key=True)
    name = peewee.CharField()
    short = peewee.CharField(default="")
    updated_at = peewee.DateTimeField(default=utcnow)


class Item(BaseModel):
    """A handling item (业务办理项), the smallest unit of the catalog."""

    code = peewee.CharField(primary_key=True)
    name = peewee.CharField(index=True)
    main_code = peewee.CharField(default="", index=True)
    main_name = peewee.CharField(default="")
    sub_code = peewee.CharField(default="")
    sub_name = peewee.CharField(default="")
    handling_type = peewee.CharField(default="")
    item_type = peewee.CharField(default="")
    department = peewee.CharField(default="", index=True)
    implementing_body = peewee.CharField(default="")
    exercise_level = peewee.CharField(default="")
    region_code = peewee.CharField(default="")
    legal_basis = peewee.TextField(default="")
    service_object = JSONTextField(default=list)
    situations = JSONTextField(default=list)
    materials = JSONTextField(default=list)
    steps = JSONTextField(default=list)
    legal_days = peewee.IntegerField(default=0)
    promised_days = peewee.IntegerField(default=0)
    on_the_spot = peewee.BooleanField(default=False)
    fee_basis = peewee.TextField(default="")
    fee_standard = peewee.TextField(default="")
    place = peewee.TextField(default="")
    hours = peewee.TextField(default="")
    phone = peewee.CharField(default="")
    complaint_phone = peewee.CharField(default="")
    result_name = peewee.CharField(default="")
    result_sample = peewee.TextField(default="")
    result_validity = peewee.CharField(default="")
    online = peewee.BooleanField(default=False)
    online_url = peewee.CharField(default="")
    visits = peewee.IntegerField(default=0)
    faq = JSONTextField(default=list)
    keywords = JSONTextField(default=list)
    # Derived (core.catalog.pinyin, sent with a pulled item): the name's pinyin
    # syllables, space-separated, then each keyword's, "|"-joined; initials likewise.
    pinyin = peewee.CharField(default="")
    initials = peewee.CharField(default="")
    updated_at = peewee.DateTimeField(default=utcnow)


class Bundle(BaseModel):
    """A one-thing (一件事) bundle: items in the order they are done."""

    code = peewee.CharField(primary_key=True)
    name = peewee.CharField()
    description = peewee.TextField(default="")
    keywords = JSONTextField(default=list)
    items = JSONTextField(default=list)
    updated_at = peewee.DateTimeField(default=utcnow)


class ServicePoint(BaseModel):
    """A service hall or point in the directory (市 / 区县 / 镇街 / 村社区)."""

    code = peewee.CharField(primary_key=True)
    name = peewee.CharField()
    level = peewee.CharField()
    region_code = peewee.CharField(default="", index=True)
    parent = peewee.CharField(default="", index=True)
    district = peewee.CharField(default="")
    town = peewee.CharField(default="")
    village = peewee.CharField(default="")
    address = peewee.CharField(default="")
    hours = peewee.CharField(default="")
    phone = peewee.CharField(default="")
    handles = JSONTextField(default=list)
    updated_at = peewee.DateTimeField(default=utcnow)


class Word(BaseModel):
    """How people say things: a synonym the lookup reads as ``means``, or a filler
    (``means`` empty) it drops from a phrase."""

    code = peewee.CharField(primary_key=True)
    means = peewee.CharField(default="")
    updated_at = peewee.DateTimeField(default=utcnow)


class Term(BaseModel):
    """A glossary entry: a term of the guides and the plain words printed for it."""

    code = peewee.CharField(primary_key=True)
    plain = peewee.CharField(default="")
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "glossary_term"


class ItemUsage(BaseModel):
    """How often this site handled an item: ranks the lookup. Bumped by intake, ratings…"""

    item_code = peewee.CharField(primary_key=True)
    count = peewee.IntegerField(default=0)
    last_at = peewee.DateTimeField(default=utcnow)


MODELS: list[type[BaseModel]] = [Department, Item, Bundle, ServicePoint, Term, Word, ItemUsage]
