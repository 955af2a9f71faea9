"""Versioned reference data: the rating tag set and the inspection indicator set.

Both ship as JSON beside the plugin (``data/tags.json``, ``data/indicators.json``)
for the demo and a site without a server; the central server distributes newer
versions (pulled as ``feedback.reference``), which land in ``ReferenceSet``. The
current set is the highest version held. Every rating and inspection stores the
version it was entered against, so statistics never mix tags silently.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from plugins.feedback.models import ReferenceSet

DATA_DIR = Path(__file__).parent / "data"
TAGS = "tags"
INDICATORS = "indicators"


def version_key(version: str) -> tuple[int, ...]:
    """'2026.10' > '2026.9': compare the numbers, not the text."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


@cache
def shipped(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA_DIR / f"{kind}.json").read_text("utf-8"))
    return data


def current(kind: str) -> dict[str, Any]:
    """The highest version held: the server's if newer than the shipped one."""
    best = shipped(kind)
    for row in ReferenceSet.select().where(ReferenceSet.kind == kind):
        if version_key(row.version) > version_key(str(best["version"])):
            best = json.loads(row.data)
    return best


def problems(kind: str, data: Any) -> list[str]:
    """What is wrong with a tag or indicator set (empty: usable)."""
    if kind not in (TAGS, INDICATORS):
        return [f"unknown reference kind {kind!r}: use {TAGS} or {INDICATORS}"]
    if not isinstance(data, dict) or not re.search(r"\d", str(data.get("version", ""))):
        return ["a reference set needs a numbered version, e.g. 2027.1"]
    found: list[str] = []
    try:
        if kind == TAGS:
            modes = {c["mode"] for c in data["channels"] if c["code"] and c["name"]}
            for mode in modes:
                levels = data["tags"][mode]
                if sorted(int(level) for level in levels) != [1, 2, 3, 4, 5]:
                    found.append(f"tags of {mode}: one list for each level 1 to 5")
                if any(not isinstance(t, str) or not t for tags in levels.values() for t in tags):
                    found.append(f"tags of {mode}: every tag is a non-empty text")
        else:
            weights = [float(i["weight"]) for i in data["indicators"] if i["code"] and i["name"]]
            if len(weights) != len(data["indicators"]) or not weights or min(weights) <= 0:
                found.append("every indicator needs a code, a name and a positive weight")
            if not [s["code"] for s in data["severities"] if s["code"] and s["name"]]:
                found.append("at least one severity with a code and a name")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        found.append(f"malformed {kind} set: {type(exc).__name__}: {exc}")
    return found


def store(kind: str, data: dict[str, Any]) -> None:
    """Keep a set received from the server (idempotent per version)."""
    found = problems(kind, data)
    if found:
        raise ValueError("; ".join(found))
    version = str(data["version"])
    ReferenceSet.insert(
        id=f"{kind}:{version}",
        kind=kind,
        version=version,
        data=json.dumps(data, ensure_ascii=False),
    ).on_conflict_replace().execute()


@dataclass(frozen=True)
class Channel:
    code: str
    name: str
    mode: str  # onsite | online


@dataclass(frozen=True)
class TagSet:
    version: str
    channels: tuple[Channel, ...]
    tags: dict[str, dict[int, tuple[str, ...]]]  # mode -> level -> tags

    def channel(self, code: str) -> Channel | None:
        return next((c for c in self.channels if c.code == code), None)

    def tags_for(self, channel_code: str, level: int) -> tuple[str, ...]:
        channel = self.channel(channel_code)
        if channel is None:
            return ()
        return self.tags.get(channel.mode, {}).get(level, ())


def tag_set() -> TagSet:
    data = current(TAGS)
    return TagSet(
        version=str(data["version"]),
        channels=tuple(Channel(c["code"], c["name"], c["mode"]) for c in data["channels"]),
        tags={
            mode: {int(level): tuple(tags) for level, tags in levels.items()}
            for mode, levels in data["tags"].items()
        },
    )


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    weight: float


@dataclass(frozen=True)
class IndicatorSet:
    version: str
    indicators: tuple[Indicator, ...]
    severities: tuple[tuple[str, str], ...]  # (code, name)

    def severity_name(self, code: str) -> str:
        return dict(self.severities).get(code, code)


def indicator_set() -> IndicatorSet:
    data = current(INDICATORS)
    return IndicatorSet(
        version=str(data["version"]),
        indicators=tuple(
            Indicator(i["code"], i["name"], float(i["weight"])) for i in data["indicators"]
        ),
        severities=tuple((s["code"], s["name"]) for s in data["severities"]),
    )
