"""Ranked item lookup: hanzi, full pinyin, pinyin initials, codes, colloquial words.

Why in memory and not SQLite FTS5: FTS5's trigram tokenizer cannot match queries
of one or two hanzi (most of what a clerk types first), knows nothing of pinyin,
and its ``ORDER BY rank`` has to score every match (1–13 ms for common terms at
100,000 names). Here every item gets a *static rank* (shorter names first, then by
name, then by code) and every posting list holds item ordinals in that order, so
walking a list yields matches best-first and a query stops as soon as it has its
``limit`` results: a common one-character query touches a few dozen entries, not
tens of thousands (p95 well under 1 ms at 100,000 items: see BENCHMARKS.md).

Ranking: tiers, each exhausted before the next: exact name or code → name or code
prefix → whole initials or pinyin → keyword (everyday words, the main item's name,
the bundles' words, and their pinyin) equal or prefix → initials or pinyin prefix →
name substring → keyword substring → initials, pinyin (from a syllable start) or
code substring. Inside a tier, items this site handles often (``ItemUsage``) come
first, most used first; then the static rank (keywords: the word's position in the
item's list first). The used items are a small set, checked against each tier
directly before the posting list is walked. Words separated by spaces must all
match. Items sharing a name (the same item in every district) share posting entries.

Phrases. When every tier finds nothing (我想开个饭店, 孩子出生了要办什么, 營業執照,
营业职照, kai饭店), the query is read as a phrase (``core.catalog.phrases``: fillers
dropped, the catalog's synonyms applied, cut into the runs the catalog knows) and
searched again: without its fillers through the same tiers; each part between
fillers, and each known run, through the tiers; a part found nowhere by its pinyin
(homophones, ranked after what matched as typed). Candidates are ranked by how
many characters of the phrase they explain (name or words holding a run), items of
a one-thing bundle the phrase names first among equals; what explains less than
half as much as the best is left out. ``lookup`` returns the hits with what the
screen says about them (``Found``). Exact queries never take this path: their
cost is unchanged; a phrase costs 0.2–0.8 ms of CPU at 100,000 items.

Postings are ``array('i')`` (4 bytes per entry): 100,000 items cost ≈ 70 MB
resident with their texts (101 MB for the whole benchmark process). Pinyin comes
precomputed from the store, so this module never loads pypinyin (a bundle word no
item has, and a phrase's homophones, take their pinyin from pypinyin's 1.6 MB
character table: ``phrases.sound``).

Queries are normalised (NFKC, lower case, punctuation and FTS syntax dropped):
a query of only punctuation matches nothing, and no character has a meaning of
its own, so nothing a clerk types can raise or match everything.
"""

from __future__ import annotations

import heapq
import json
import logging
import threading
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from core.catalog import phrases

log = logging.getLogger(__name__)

PREFIX_MAX = 4  # prefix posting lists for the first 1..4 characters
USED_MAX = 2000  # the most-used items considered for the usage boost
MULTI_TERM_POOL = 2000  # candidates of the longest word checked for the others
BUNDLE_RANK = 50  # a bundle's words rank after an item's own keywords
PHRASE_POOL = 30  # candidates taken per word of a phrase, best first
SOUND_WEIGHT = 0.75  # a part found by its sound counts less than one found as typed
KNOWN_CACHE = 50_000  # known-run lengths remembered (a clerk repeats phrases)


def _is_hanzi(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def normalise(text: str) -> str:
    """Lower case, full-width folded, only hanzi, letters and digits kept."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True)
class Hit:
    code: str
    name: str
    why: str  # "name", "code", "pinyin", "initials", "keyword"


@dataclass(frozen=True)
class Found:
    """What a lookup found and what the screen tells the clerk about it."""

    hits: list[Hit]
    approximate: bool = False  # read as a phrase: not every word was found as typed
    matched: tuple[str, ...] = ()  # the words of the phrase the results are about
    by_sound: tuple[str, ...] = ()  # parts found by how they sound (营业职照)
    dropped: tuple[str, ...] = ()  # fillers left out (我想, 了)
    read_as: tuple[tuple[str, str], ...] = ()  # synonyms applied: (饭馆, 饭店)
    bundles: tuple[str, ...] = ()  # codes of the one-thing bundles the phrase names


@dataclass(frozen=True)
class Filters:
    department: str = ""
    level: str = ""  # exercise level: 国家, 省, 市, 县…
    region: str = ""  # region code prefix
    service_object: str = ""  # 自然人 or 法人
    online: bool | None = None

    def active(self) -> bool:
        return bool(
            self.department
            or self.level
            or self.region
            or self.service_object
            or self.online is not None
        )


class _TextIndex:
    """Exact, prefix and n-gram postings over one text per entry, in rank order."""

    def __init__(self, texts: list[str], gram: int, *, unigrams: bool = False) -> None:
        self.texts = texts
        self.gram = gram
        self.exact: dict[str, array[int]] = {}
        self.prefix: dict[str, array[int]] = {}
        self.grams: dict[str, array[int]] = {}
        self.unigrams: dict[str, array[int]] | None = {} if unigrams else None
        for ordinal, text in enumerate(texts):
            if not text:
                continue
            self._add(self.exact, text, ordinal)
            for n in range(1, min(PREFIX_MAX, len(text)) + 1):
                self._add(self.prefix, text[:n], ordinal)
            seen: set[str] = set()
            for start in range(len(text) - gram + 1 if gram else 0):
                key = text[start : start + gram]
                if key not in seen:
                    seen.add(key)
                    self._add(self.grams, key, ordinal)
            if self.unigrams is not None:
                for ch in set(text):
                    self._add(self.unigrams, ch, ordinal)

    @staticmethod
    def _add(table: dict[str, array[int]], key: str, ordinal: int) -> None:
        postings = table.get(key)
        if postings is None:
            table[key] = array("i", (ordinal,))
        elif postings[-1] != ordinal:
            postings.append(ordinal)

    def exact_matches(self, q: str) -> Iterable[int]:
        return self.exact.get(q, ())

    def prefix_matches(self, q: str) -> Iterator[int]:
        postings = self.prefix.get(q[:PREFIX_MAX], ())
        if len(q) <= PREFIX_MAX:
            yield from postings
            return
        texts = self.texts
        for ordinal in postings:
            if texts[ordinal].startswith(q):
                yield ordinal

    def longest_prefix(self, text: str) -> int:
        """The length of the longest start of ``text`` (two characters or more) that
        occurs in some entry; 0 if none does. Each longer start is looked for only
        among the entries holding the shorter one, or those holding its last bigram
        when they are fewer, so a miss costs one short scan (gram 2 only)."""
        first = self.grams.get(text[:2]) if len(text) >= 2 else None
        if not first:
            return 0
        candidates: Sequence[int] = first
        texts = self.texts
        best = 2
        for n in range(3, len(text) + 1):
            newest = self.grams.get(text[n - 2 : n])
            if not newest:
                break
            start = text[:n]
            pool = newest if len(newest) < len(candidates) else candidates
            found = [entry for entry in pool if start in texts[entry]]
            if not found:
                break
            candidates, best = found, n
        return best

    def substring_matches(self, q: str) -> Iterator[int]:
        texts = self.texts
        if len(q) < self.gram:
            if self.unigrams is None or len(q) != 1:
                return
            yield from self.unigrams.get(q, ())
            return
        rarest: Iterable[int] | None = None
        for start in range(len(q) - self.gram + 1):
            postings = self.grams.get(q[start : start + self.gram])
            if postings is None:
                return  # some n-gram occurs nowhere: no match at all
            if rarest is None or len(postings) < len(rarest):  # type: ignore[arg-type]
                rarest = postings
        assert rarest is not None
        if len(q) == self.gram:
            yield from rarest
            return
        for ordinal in rarest:
            if q in texts[ordinal]:
                yield ordinal


class _KeywordIndex:
    """Colloquial words (item keywords, main item names, bundle words) → items.

    A word's items are ranked by where the word stands in each item's list (an
    item's first keyword describes it best; its main item's name and its bundles'
    words come after its own keywords), then by static rank.
    """

    def __init__(self, keywords_of: list[tuple[tuple[int, str], ...]]) -> None:
        items_of: dict[str, dict[int, int]] = {}
        for ordinal, words in enumerate(keywords_of):
            for position, word in words:
                items_of.setdefault(word, {}).setdefault(ordinal, position)
        self.words = sorted(items_of)
        self.items: list[array[int]] = []
        self.positions: list[array[int]] = []
        for word in self.words:
            ranked = sorted((position, o) for o, position in items_of[word].items())
            self.positions.append(array("i", (p for p, _o in ranked)))
            self.items.append(array("i", (o for _p, o in ranked)))
        self.text = _TextIndex(self.words, 2, unigrams=False)
        self.keywords_of = keywords_of

    def _items_of_words(self, word_ids: Iterable[int]) -> Iterator[int]:
        lists = list(word_ids)
        if len(lists) == 1:
            yield from self.items[lists[0]]
            return
        # Several words match: merge their lists lazily, best position first.
        merged = heapq.merge(*(zip(self.positions[w], self.items[w], strict=True) for w in lists))
        for _position, ordinal in merged:
            yield ordinal

    def leading_matches(self, q: str) -> Iterator[int]:
        """Items with a keyword equal to q, then those with a keyword starting with q."""
        direct = list(self.text.exact_matches(q))
        yield from self._items_of_words(direct)
        prefixed = [w for w in self.text.prefix_matches(q) if w not in direct]
        if prefixed:
            yield from self._items_of_words(prefixed)

    def inner_matches(self, q: str) -> Iterator[int]:
        """Items with a keyword containing q (two characters or more)."""
        if len(q) >= 2:
            words = list(self.text.substring_matches(q))
            if words:
                yield from self._items_of_words(words)

    def starts(self, ordinal: int, q: str) -> bool:
        return any(word.startswith(q) for _p, word in self.keywords_of[ordinal])

    def contains(self, ordinal: int, q: str) -> bool:
        return len(q) >= 2 and any(q in word for _p, word in self.keywords_of[ordinal])


class CatalogIndex:
    """The in-memory index over a catalog's items; immutable but for usage counts.

    Item ordinals follow the static rank. Items sharing a name (the same item in
    every district) form a *group* of consecutive ordinals, and the name, pinyin
    and initials postings hold group numbers: a provincial catalog repeats each
    name many times, so this keeps the postings a fraction of the item count.
    """

    def __init__(
        self,
        rows: Iterable[tuple[Any, ...]],
        bundles: Iterable[dict[str, Any]] = (),
        vocabulary: Iterable[dict[str, str]] = (),
    ) -> None:
        """``rows`` as ``store.search_rows()`` yields them; ``vocabulary`` the catalog's
        words: synonyms and fillers (``store.words()``)."""
        self.vocabulary = phrases.Vocabulary.from_words(vocabulary)
        strings: dict[str, str] = {}  # one object per distinct text (districts repeat them)

        def same(text: Any) -> str:
            value = str(text or "")
            return strings.setdefault(value, value)

        # Tuples, not lists, per item: the collector stops tracking tuples of plain
        # values, so 100,000 items add nothing to a garbage-collection pass (lists
        # did: 4–6 ms pauses at 100,000 items).
        words_of: dict[str, tuple[tuple[int, str], ...]] = {}
        # The pinyin of every everyday word, as the store computed it for the items:
        # a bundle's words that are also an item's are found by it without pypinyin.
        sound_of: dict[str, tuple[str, str]] = {}
        entries = []
        for row in rows:
            (code, name, main, keywords, pinyin, initials, dept, level, online, objects, region) = (
                row
            )
            key = keywords if isinstance(keywords, str) else json.dumps(keywords or [])
            if key not in words_of:
                # Each keyword as typed, and its full pinyin and initials (kept in the
                # derived columns after the name's, "|"-separated), at its position.
                spoken = (pinyin or "").split("|")[1:]
                letters = (initials or "").split("|")[1:]
                pairs: list[tuple[int, str]] = []
                for position, word in enumerate(json.loads(key)):
                    variants = [normalise(word)]
                    if position < len(spoken):
                        variants += [spoken[position].replace(" ", ""), letters[position]]
                        sound_of.setdefault(variants[0], (variants[1], variants[2]))
                    pairs.extend((position, same(v)) for v in dict.fromkeys(variants) if v)
                words_of[key] = tuple(pairs)
            words = words_of[key]
            wanted = set(json.loads(objects) if isinstance(objects, str) else objects or [])
            entries.append(
                (
                    len(name),
                    same(name),
                    str(code),
                    words,
                    same((pinyin or "").split("|")[0]),
                    same((initials or "").split("|")[0]),
                    same(dept),
                    same(level),
                    bool(online),
                    (1 if "自然人" in wanted else 0) | (2 if "法人" in wanted else 0),
                    same(region),
                    same(main),
                )
            )
        entries.sort(key=lambda e: (e[0], e[1], e[2]))
        self.codes: list[str] = [e[2] for e in entries]
        self.names: list[str] = [e[1] for e in entries]
        self.departments: list[str] = [e[6] for e in entries]
        self.levels: list[str] = [e[7] for e in entries]
        self.online = bytearray(e[8] for e in entries)
        self.objects = bytearray(e[9] for e in entries)
        self.regions: list[str] = [e[10] for e in entries]
        self.ordinal_of: dict[str, int] = {code: i for i, code in enumerate(self.codes)}

        # Groups of consecutive items with the same name.
        group_names: list[str] = []
        self.group_start = array("i")
        self.group_of = array("i")
        for ordinal, name in enumerate(self.names):
            if not group_names or group_names[-1] != name:
                group_names.append(name)
                self.group_start.append(ordinal)
            self.group_of.append(len(group_names) - 1)
        self.group_start.append(len(self.names))
        first = [self.group_start[g] for g in range(len(group_names))]
        normalised: dict[str, str] = {}
        self.name = _TextIndex(
            [normalised.setdefault(n, normalise(n)) for n in group_names], 2, unigrams=True
        )
        pinyin_of = [entries[o][4] for o in first]
        self.pinyin = _TextIndex([p.replace(" ", "") for p in pinyin_of], 0)
        self.initials = _TextIndex([entries[o][5] for o in first], 2)
        # Full pinyin typed from inside a name starts at a syllable: index the first
        # three letters at each syllable start ("ying ye zhi zhao" -> yey, zhi, zha).
        self.syllable_starts: dict[str, array[int]] = {}
        for group, pinyin in enumerate(pinyin_of):
            syllables = pinyin.split()
            for n in range(1, len(syllables)):
                key = "".join(syllables[n:])[:3]
                if len(key) == 3:
                    _TextIndex._add(self.syllable_starts, key, group)

        # Colloquial words: the item's keywords, its main item's name, its bundles.
        keywords_of: list[tuple[tuple[int, str], ...]] = []
        # One tuple per distinct word list: items of one main item in every district
        # share it (less memory, and a phrase's scores are worked out once per list).
        shared: dict[tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]] = {}
        for entry in entries:
            words = entry[3]
            main = normalised.setdefault(entry[11], normalise(entry[11]))
            if main and all(w != main for _p, w in words):
                words = (*words, (len(words), main))
            keywords_of.append(shared.setdefault(words, words))
        self.bundle_words: list[tuple[str, tuple[str, ...]]] = []
        self.bundle_items: dict[str, tuple[int, ...]] = {}
        for bundle in bundles:  # "开饭店" and "kaifandian" find every item of that bundle
            said = [normalise(w) for w in [bundle.get("name", ""), *bundle.get("keywords", [])]]
            extra: list[str] = []
            for word in filter(None, said):
                extra.append(word)
                full, letters = sound_of.get(word) or phrases.sound(word)
                extra.extend(v for v in (full, letters) if len(v) >= 2)
            extra = list(dict.fromkeys(same(w) for w in extra))
            self.bundle_words.append((str(bundle.get("code", "")), tuple(w for w in said if w)))
            self.bundle_items[str(bundle.get("code", ""))] = tuple(
                self.ordinal_of[c] for c in bundle.get("items", []) if c in self.ordinal_of
            )
            for code in bundle.get("items", []):
                member = self.ordinal_of.get(code)
                if member is not None:
                    keywords_of[member] = keywords_of[member] + tuple(
                        (BUNDLE_RANK, w) for w in extra
                    )
        self.keywords = _KeywordIndex(keywords_of)
        self.keyword_chars = frozenset(
            ch for word in self.keywords.words if not word.isascii() for ch in word
        )
        self._known_cache: dict[str, int] = {}

        # Codes: exact and prefix by bisection over the sorted normalised codes,
        # anywhere inside by trigram postings (people type the 001-01 end too).
        code_keys = [normalise(code) for code in self.codes]
        self.code_sorted = array("i", sorted(range(len(code_keys)), key=code_keys.__getitem__))
        self.code_keys = [code_keys[i] for i in self.code_sorted]
        self.code_of = code_keys
        self.code_grams: dict[str, array[int]] = {}
        for ordinal, code in enumerate(code_keys):
            for start in range(len(code) - 2):
                _TextIndex._add(self.code_grams, code[start : start + 3], ordinal)
        self.usage: dict[int, int] = {}
        self._used: list[int] = []

    def __len__(self) -> int:
        return len(self.codes)

    # -- usage ---------------------------------------------------------------------
    def set_usage(self, counts: dict[str, int]) -> None:
        self.usage = {
            self.ordinal_of[c]: n for c, n in counts.items() if c in self.ordinal_of and n > 0
        }
        self._used = sorted(self.usage, key=lambda o: (-self.usage[o], o))[:USED_MAX]

    def bump(self, code: str, n: int = 1) -> None:
        ordinal = self.ordinal_of.get(code)
        if ordinal is None:
            return
        self.usage[ordinal] = self.usage.get(ordinal, 0) + n
        self._used = sorted(self.usage, key=lambda o: (-self.usage[o], o))[:USED_MAX]

    # -- matching ------------------------------------------------------------------
    def _items(self, groups: Iterable[int]) -> Iterator[int]:
        start = self.group_start
        for group in groups:
            yield from range(start[group], start[group + 1])

    def _exact_code(self, q: str) -> Iterator[int]:
        position = bisect_left(self.code_keys, q)
        while position < len(self.code_keys) and self.code_keys[position] == q:
            yield self.code_sorted[position]
            position += 1

    def _code_prefix(self, q: str) -> Iterator[int]:
        keys = self.code_keys
        for position in range(bisect_left(keys, q), len(keys)):
            if not keys[position].startswith(q):
                return
            yield self.code_sorted[position]

    def _pinyin_inner(self, q: str) -> Iterator[int]:
        """Full pinyin typed from the start of any syllable: zhizhao → 营业执照."""
        pinyin = self.pinyin.texts
        for group in self.syllable_starts.get(q[:3], ()):
            if q in pinyin[group]:
                yield from range(self.group_start[group], self.group_start[group + 1])

    def _tiers(
        self, q: str
    ) -> list[tuple[str, Callable[[int], bool], Callable[[], Iterable[int]]]]:
        """(why, does item match, matching items in rank order) per tier, best first."""
        group_of = self.group_of
        names = self.name.texts
        pinyin = self.pinyin.texts
        initials = self.initials.texts
        keywords = self.keywords
        codes = self.code_keys

        code_of = self.code_of

        hanzi = any(_is_hanzi(ch) for ch in q)
        letters = q.isascii() and q.isalpha()
        coded = not hanzi and len(q) >= 2 and bool(codes)
        tiers: list[tuple[str, Callable[[int], bool], Callable[[], Iterable[int]]]] = [
            (
                "name",
                lambda o: names[group_of[o]] == q,
                lambda: self._items(self.name.exact_matches(q)),
            )
        ]
        if coded:
            tiers.append(("code", lambda o: code_of[o] == q, lambda: self._exact_code(q)))
        tiers.append(
            (
                "name",
                lambda o: names[group_of[o]].startswith(q),
                lambda: self._items(self.name.prefix_matches(q)),
            )
        )
        if coded and len(q) >= 3 and any(ch.isdigit() for ch in q):
            tiers.append(("code", lambda o: code_of[o].startswith(q), lambda: self._code_prefix(q)))
        if letters:
            tiers.append(
                (
                    "initials",
                    lambda o: initials[group_of[o]] == q,
                    lambda: self._items(self.initials.exact_matches(q)),
                )
            )
            tiers.append(
                (
                    "pinyin",
                    lambda o: pinyin[group_of[o]] == q,
                    lambda: self._items(self.pinyin.exact_matches(q)),
                )
            )
        tiers.append(
            ("keyword", lambda o: keywords.starts(o, q), lambda: keywords.leading_matches(q))
        )
        if letters:
            tiers.append(
                (
                    "initials",
                    lambda o: initials[group_of[o]].startswith(q),
                    lambda: self._items(self.initials.prefix_matches(q)),
                )
            )
            if len(q) >= 2:
                tiers.append(
                    (
                        "pinyin",
                        lambda o: pinyin[group_of[o]].startswith(q),
                        lambda: self._items(self.pinyin.prefix_matches(q)),
                    )
                )
        tiers.append(
            (
                "name",
                lambda o: q in names[group_of[o]],
                lambda: self._items(self.name.substring_matches(q)),
            )
        )
        tiers.append(
            ("keyword", lambda o: keywords.contains(o, q), lambda: keywords.inner_matches(q))
        )
        if letters and len(q) >= 2:
            tiers.append(
                (
                    "initials",
                    lambda o: q in initials[group_of[o]],
                    lambda: self._items(self.initials.substring_matches(q)),
                )
            )
            if len(q) >= 3:
                tiers.append(
                    ("pinyin", lambda o: q in pinyin[group_of[o]], lambda: self._pinyin_inner(q))
                )
        if coded and len(q) >= 3:
            tiers.append(("code", lambda o: q in code_of[o], lambda: self._code_inside(q)))
        return tiers

    def _code_inside(self, q: str) -> Iterator[int]:
        rarest: array[int] | None = None
        for start in range(len(q) - 2):
            postings = self.code_grams.get(q[start : start + 3])
            if postings is None:
                return
            if rarest is None or len(postings) < len(rarest):
                rarest = postings
        code_of = self.code_of
        for ordinal in rarest or ():
            if q in code_of[ordinal]:
                yield ordinal

    def _filter(self, filters: Filters) -> Callable[[int], bool] | None:
        if not filters.active():
            return None
        checks: list[Callable[[int], bool]] = []
        if filters.department:
            checks.append(lambda o: self.departments[o] == filters.department)
        if filters.level:
            checks.append(lambda o: self.levels[o] == filters.level)
        if filters.region:
            checks.append(lambda o: self.regions[o].startswith(filters.region))
        if filters.service_object:
            bit = {"自然人": 1, "法人": 2}.get(filters.service_object, 0)
            checks.append(lambda o: bool(self.objects[o] & bit))
        if filters.online is not None:
            wanted = int(filters.online)
            checks.append(lambda o: self.online[o] == wanted)
        return lambda o: all(check(o) for check in checks)

    def search(self, query: str, *, limit: int = 20, filters: Filters | None = None) -> list[Hit]:
        """The best ``limit`` items for ``query``: the exact tiers, else the phrase read."""
        return self.lookup(query, limit=limit, filters=filters).hits

    def lookup(self, query: str, *, limit: int = 20, filters: Filters | None = None) -> Found:
        """``search`` with what the screen says about it: approximate or not, which
        words matched, which were left out, which one-thing bundles the phrase names."""
        hits = self.exact(query, limit=limit, filters=filters)
        if hits or not normalise(query):
            return Found(hits)
        return self._phrase(query, limit, filters)

    def exact(self, query: str, *, limit: int = 20, filters: Filters | None = None) -> list[Hit]:
        """The best ``limit`` items for ``query``; with only filters, those items in rank order."""
        q = normalise(query)
        keep = self._filter(filters or Filters())
        found: list[Hit] = []
        seen: set[int] = set()

        def take(ordinal: int, why: str) -> bool:
            if ordinal in seen or (keep is not None and not keep(ordinal)):
                return False
            seen.add(ordinal)
            found.append(Hit(self.codes[ordinal], self.names[ordinal], why))
            return len(found) >= limit

        if not q:
            if query.strip() or keep is None:
                return []  # punctuation only, or nothing asked at all
            for ordinal in [*self._used, *range(len(self.codes))]:
                if take(ordinal, "filter"):
                    break
            return found
        for why, matches, stream in self._tiers(q):
            for ordinal in self._used:
                if ordinal not in seen and matches(ordinal) and take(ordinal, why):
                    return found
            for ordinal in stream():
                if take(ordinal, why):
                    return found
        terms = [t for t in (normalise(part) for part in query.split()) if t]
        if len(terms) > 1:  # "食品 许可": items matching every word, wherever
            longest = max(terms, key=len)
            others = [t for t in terms if t is not longest]
            for hit in self.exact(longest, limit=MULTI_TERM_POOL, filters=filters):
                ordinal = self.ordinal_of[hit.code]
                if all(self._mentions(ordinal, t) for t in others) and take(ordinal, hit.why):
                    break
        return found

    # -- phrases -------------------------------------------------------------------
    def _known(self, char: str) -> bool:
        """Whether ``char`` occurs in some item name, everyday word or bundle word."""
        return char in (self.name.unigrams or {}) or char in self.keyword_chars

    def _known_run(self, text: str) -> int:
        """How many characters from the start of ``text`` (two or more) occur together
        in some item name, everyday word or bundle word; 0 if not even two do."""
        length = self._known_cache.get(text)
        if length is None:
            length = max(self.name.longest_prefix(text), self.keywords.text.longest_prefix(text))
            if len(self._known_cache) >= KNOWN_CACHE:
                self._known_cache.clear()
            self._known_cache[text] = length
        return length

    def _says(self, ordinal: int, piece: phrases.Piece) -> bool:
        """Whether the item's name or one of its words holds ``piece``."""
        text = piece.text
        if piece.kind == "letters":
            return len(text) >= 2 and self._mentions(ordinal, text)
        if text in self.name.texts[self.group_of[ordinal]]:
            return True
        return any(text in word for _p, word in self.keywords.keywords_of[ordinal])

    def _bundles_about(self, reading: phrases.Reading) -> tuple[str, ...]:
        """Bundles one of whose words the phrase says, whole or in its characters
        (孩子出生了 says 生孩子)."""
        text = reading.cleaned
        chars = set(text)
        return tuple(
            code
            for code, words in self.bundle_words
            if any(len(w) >= 2 and (w in text or set(w) <= chars) for w in words)
        )

    def _phrase(self, query: str, limit: int, filters: Filters | None) -> Found:
        """Items ranked by how much of the phrase they explain (module docstring)."""
        reading = phrases.read(query, self._known, self._known_run, self.vocabulary)
        if not any(p.kind != "unknown" for p in reading.pieces):
            return Found([], approximate=True, dropped=reading.dropped)
        found: dict[str, list[Hit]] = {}

        def exact(text: str, size: int = PHRASE_POOL) -> list[Hit]:
            if text not in found:
                found[text] = self.exact(text, limit=size, filters=filters)
            return found[text]

        first_seen: dict[int, int] = {}
        why: dict[int, str] = {}

        def offer(hits: list[Hit], tag: str | None = None) -> set[int]:
            ordinals = set()
            for hit in hits:
                ordinal = self.ordinal_of[hit.code]
                ordinals.add(ordinal)
                if ordinal not in first_seen:
                    first_seen[ordinal] = len(first_seen)
                    why[ordinal] = tag or hit.why
            return ordinals

        cleaned = reading.cleaned
        whole = offer(exact(cleaned, limit)) if cleaned != normalise(query) else set()
        bundles = self._bundles_about(reading)
        in_bundle: set[int] = set()
        for code in bundles:
            in_bundle.update(self.bundle_items.get(code, ()))
        read_as = tuple(dict.fromkeys((p.said, p.text) for p in reading.pieces if p.said))
        if len(whole) >= limit:  # all explain the whole phrase: nothing can rank above
            ordered = sorted(first_seen, key=lambda o: (o not in in_bundle, first_seen[o]))
            return Found(
                [Hit(self.codes[o], self.names[o], why[o]) for o in ordered],
                approximate=True,
                matched=tuple(dict.fromkeys(p.text for p in reading.pieces if p.kind != "unknown")),
                dropped=reading.dropped,
                read_as=read_as,
                bundles=bundles,
            )
        segments: dict[str, list[phrases.Piece]] = {}
        for piece in reading.pieces:
            segments.setdefault(str(piece.segment), []).append(piece)
        by_segment: list[tuple[str, list[phrases.Piece], set[int], set[int]]] = []
        for pieces in segments.values():
            text = "".join(p.text for p in pieces)
            said = offer(exact(text), "phrase") if len(text) >= 2 else set()
            by_sound: set[int] = set()
            if not said and len(text) >= 2 and any(p.kind != "letters" for p in pieces):
                sounds = phrases.spoken(text)
                if len(sounds) >= 4:
                    by_sound = offer(exact(sounds), "sound")
            by_segment.append((text, pieces, said, by_sound))
        for piece in sorted(reading.pieces, key=lambda p: -len(p.text)):
            if len(piece.text) >= 2 and piece.kind in ("run", "letters"):
                offer(exact(piece.text), "phrase")
        if not first_seen and len(cleaned) >= 2:  # 开饭diàn typed half in pinyin
            sounds = phrases.spoken(cleaned)
            if len(sounds) >= 4:
                whole = offer(exact(sounds, limit), "sound")

        total = float(len(cleaned))

        # What an item's name and words say of a segment, worked out once per name
        # and word list: at 100,000 items the candidates are mostly one name in
        # many districts (a third of the time the phrased benchmark took).
        told_of: dict[tuple[int, int, int], int] = {}
        keywords_of = self.keywords.keywords_of

        def told(ordinal: int, index: int, pieces: list[phrases.Piece]) -> int:
            key = (self.group_of[ordinal], id(keywords_of[ordinal]), index)
            value = told_of.get(key)
            if value is None:
                value = told_of[key] = sum(len(p.text) for p in pieces if self._says(ordinal, p))
            return value

        def score(ordinal: int) -> float:
            if ordinal in whole:
                return total + 1
            points = 0.0
            for index, (text, pieces, said, by_sound) in enumerate(by_segment):
                if ordinal in said:
                    points += len(text)
                    continue
                heard = SOUND_WEIGHT * len(text) if ordinal in by_sound else 0.0
                points += max(told(ordinal, index, pieces), heard)
            return points

        scored = [(score(o), o) for o in first_seen]
        scored.sort(key=lambda s: (-s[0], s[1] not in in_bundle, first_seen[s[1]]))
        if scored:  # what explains less than half as much as the best is noise
            best = scored[0][0]  # (a two-character homophone scores 1.5: kept when best)
            floor = min(best, max(2.0, best / 2))
            scored = [s for s in scored if s[0] >= floor]
        hits = [Hit(self.codes[o], self.names[o], why[o]) for _s, o in scored[:limit]]
        shown = {o for _s, o in scored[:limit]}
        matched = tuple(
            dict.fromkeys(
                p.text
                for p in reading.pieces
                if p.kind != "unknown" and (shown & whole or any(self._says(o, p) for o in shown))
            )
        )
        heard = tuple(text for text, _p, _s, by_sound in by_segment if by_sound & shown)
        return Found(
            hits,
            approximate=True,
            matched=matched,
            by_sound=heard,
            dropped=reading.dropped,
            read_as=read_as,
            bundles=bundles,
        )

    def _mentions(self, ordinal: int, term: str) -> bool:
        group = self.group_of[ordinal]
        return (
            term in self.name.texts[group]
            or self.keywords.contains(ordinal, term)
            or any(word == term for _p, word in self.keywords.keywords_of[ordinal])
            or term in self.pinyin.texts[group]
            or term in self.initials.texts[group]
            or term in self.code_of[ordinal]
        )


class SearchService:
    """The shared lookup for this store: built lazily, rebuilt after catalog changes.

    Plugins reach it as ``runtime.extras["catalog.search"]`` (the lookup plugin
    puts it there); it listens to ``core.catalog.store`` writes, so a sync pull or
    an import is visible at the next search. A small catalog is rebuilt at once
    (milliseconds); one of ``background_from`` items or more is rebuilt on a
    thread while searches keep using the previous index, so a clerk typing while
    sync pulls pages of a 20,000-item catalog never waits seconds for a keystroke.
    """

    def __init__(self, *, background_from: int = 5000) -> None:
        from core.catalog import store

        self._store = store
        self._index: CatalogIndex | None = None
        self._lock = threading.Lock()  # one build at a time
        self._state = threading.Lock()  # guards the flags below
        self._generation = 0  # catalog changes seen
        self._stale = False  # the index predates the last change
        self._rebuilding = False
        self.background_from = background_from
        store.on_change(self._changed)

    def close(self) -> None:
        self._store.remove_listener(self._changed)

    def _changed(self, kind: str, code: str | None) -> None:
        index = self._index
        if kind == "usage":
            if index is not None and code is not None:
                index.bump(code)
            return
        with self._state:
            self._generation += 1
            if index is None or len(index) < self.background_from:
                self._index = None
            else:
                self._stale = True

    def _build(self) -> CatalogIndex:
        built = CatalogIndex(self._store.search_rows(), self._store.bundles(), self._store.words())
        built.set_usage(self._store.usage_counts())
        log.info("catalog search index built: %d items", len(built))
        return built

    def index(self) -> CatalogIndex:
        index = self._index
        if index is None:
            with self._lock:
                if self._index is None:
                    self._index = self._build()
                index = self._index
        elif self._stale and not self._rebuilding:
            self._rebuild_in_background()
        assert index is not None
        return index

    @property
    def rebuilding(self) -> bool:
        return self._rebuilding

    def _rebuild_in_background(self) -> None:
        with self._state:
            if self._rebuilding:
                return
            self._rebuilding = True

        def run() -> None:
            try:
                while True:
                    generation = self._generation
                    with self._lock:
                        built = self._build()
                    with self._state:
                        self._index = built
                        if generation == self._generation:
                            self._stale = False
                            return
            except Exception:
                log.exception("rebuilding the catalog search index failed")
            finally:
                with self._state:
                    self._rebuilding = False
                _close_thread_connection()

        threading.Thread(target=run, name="catalog-index", daemon=True).start()

    def warm(self) -> None:
        """Build the index from a worker thread, closing the connection it opened there."""
        try:
            self.index()
        finally:
            _close_thread_connection()

    def search(self, query: str, *, limit: int = 20, filters: Filters | None = None) -> list[Hit]:
        return self.index().search(query, limit=limit, filters=filters)

    def lookup(self, query: str, *, limit: int = 20, filters: Filters | None = None) -> Found:
        return self.index().lookup(query, limit=limit, filters=filters)


def _close_thread_connection() -> None:
    """peewee keeps a connection per thread: a worker closes the one it opened."""
    from core.db import database

    if threading.current_thread() is not threading.main_thread() and not database.is_closed():
        database.close()
