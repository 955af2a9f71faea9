"""The pinyin an item is found by: ``pinyin`` and ``initials`` of its name and keywords.

Computed once where an item is written. The central server computes them when IT
imports the catalog and sends them with each pulled item (docs/sync-protocol.md),
so a workstation applying a pull normally neither converts nor loads pypinyin
(≈ 0.5 s and ≈ 190,000 objects the garbage collector would walk on every full
collection); it converts only what arrives without them (from an older server,
or a change row written before the server sent them) and what it imports itself.
The search index reads the stored columns and never loads pypinyin.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


@functools.cache
def _pinyin_engine() -> tuple[Callable[[str], Any], Callable[[str], tuple[str, ...]]]:
    """pypinyin's own segmenter and converter, as ``lazy_pinyin(s, errors="ignore")``
    sets them up (it builds both again on every call), the converter cached per word:
    names are made of the same few thousand words (营业执照, 变更, 登记…), and
    converting a word is most of the cost."""
    from itertools import chain

    from pypinyin import Style  # ≈ 55 MB and 0.3 s: only when pinyin is computed here
    from pypinyin.converter import UltimateConverter
    from pypinyin.core import Pinyin

    engine = Pinyin(UltimateConverter(v_to_u=False, neutral_tone_with_five=False))

    @functools.lru_cache(maxsize=65536)
    def convert(words: str) -> tuple[str, ...]:
        return tuple(chain(*engine._converter.convert(words, Style.NORMAL, False, "ignore", True)))

    return engine.seg, convert


def lazy_pinyin(text: str) -> list[str]:
    """``pypinyin.lazy_pinyin(text, errors="ignore")``, word by word from a cache."""
    seg, convert = _pinyin_engine()
    return [syllable for words in seg(text) for syllable in convert(words)]


@functools.lru_cache(maxsize=65536)  # catalogs repeat a name in every district
def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name's hanzi, lower case; syllables space-separated.

    The spaces tell the search index where syllables start (``zhizhao`` finds
    营业执照, ``ezhi`` does not).
    """
    # Hanzi only: the lookup matches letters and digits in names through the name itself.
    # One conversion: a syllable's first letter is what Style.FIRST_LETTER returns
    # (identical on every name of the demo and synthetic catalogs), at half the cost.
    # Cached: names and everyday words repeat across districts (20,000 items carry
    # about 5,400 distinct strings).
    full = lazy_pinyin(name)
    return " ".join(full), "".join(p[:1] for p in full)


def derived_pinyin(name: str, keywords: list[str]) -> tuple[str, str]:
    """The ``pinyin`` and ``initials`` of an item: the name's, then each keyword's,
    "|"-joined.

    ``yyzz`` then finds items whose everyday words include 营业执照, and ``dibao``
    those with 低保, without the search loading pypinyin.
    """
    parts = [name_pinyin(name), *(name_pinyin(k) for k in keywords)]
    return "|".join(p for p, _i in parts), "|".join(i for _p, i in parts)


# The keys a pulled item carries besides its catalog fields (docs/sync-protocol.md).
DERIVED_KEYS = ("pinyin", "initials")


def with_pinyin(item: dict[str, Any]) -> dict[str, Any]:
    """The item as the server sends it: its fields, then its ``pinyin`` and ``initials``."""
    pinyin, initials = derived_pinyin(item["name"], item["keywords"])
    return {**item, "pinyin": pinyin, "initials": initials}


def fits(pinyin: Any, initials: Any, keywords: list[str]) -> bool:
    """Whether ``pinyin`` and ``initials`` sent with an item can be what
    ``derived_pinyin`` makes of its name and ``keywords``: text, one "|"-separated
    part per name and keyword (syllables are letters, so a "|" only separates).
    Anything else is computed here instead."""
    parts = len(keywords)
    return (
        type(pinyin) is str
        and type(initials) is str
        and pinyin.count("|") == parts
        and initials.count("|") == parts
    )
