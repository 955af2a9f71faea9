"""Reading what people say at the counter: a phrase cut into the words the catalog knows.

A citizen says 我想开个饭店 or 孩子出生了要办什么, not an item's name. The exact tiers
of ``core.catalog.search`` find nothing for that; this module reads such a phrase
into *pieces* the search can use:

- traditional characters a clerk pastes are made simplified (OpenCC's tables, the
  pure-Python reimplementation: ≈ 1 MB, loaded on the first phrase);
- the catalog's synonyms (``words`` with a meaning: 饭馆 → 饭店) are read as their
  meaning;
- fillers (我想, 怎么, 办理, 了, 吗…: ``DEFAULT_FILLERS`` and the catalog's ``words``
  without a meaning) are dropped;
- what is left is cut greedily, left to right, into the longest runs the catalog
  knows (a run inside some item name, everyday word or bundle word), single known
  characters, and characters the catalog has never seen.

The cut that scores best wins (``_cut``): long known runs beat short ones, a
filler beats a known run of its length and a synonym beats both, so 办理退休 drops
办理 although 办理 is in some names, while 个体户 stays one run although 个 alone
is a filler; a run never starts with a filler of two characters or more.

``spoken(text)`` turns hanzi into toneless pinyin for homophone slips (营业职照 →
yingyezhizhao): the search matches that against the pinyin it already holds. The
syllables come from pypinyin's single-character table, read as JSON without
importing pypinyin itself (which would load its 55 MB phrase dictionary), and are
kept for the ≈ 7,000 characters of GB 2312 only: what an input method offers.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# Words people wrap around what they mean. A bureau adds its own as catalog words
# without a meaning (docs/catalog-format.md). Longest match wins, so 个体户 is kept.
DEFAULT_FILLERS: tuple[str, ...] = (
    "请问",
    "你好",
    "您好",
    "我想",
    "我要",
    "想要",
    "我们",
    "帮我",
    "给我",
    "怎么",
    "怎样",
    "如何",
    "咋办",
    "办理",
    "申请",
    "一个",
    "一下",
    "什么",
    "哪些",
    "哪里",
    "在哪",
    "需要",
    "要办",
    "可以",
    "应该",
    "手续",
    "流程",
    "准备",
    "我",
    "想",
    "要",
    "个",
    "了",
    "吗",
    "呢",
    "啊",
    "吧",
    "的",
    "去",
    "能",
    "该",
    "咋",
    "办",
    "把",
    "给",
    "得",
)

MAX_RUN = 12  # longest known run tried at one position (item names are rarely longer)
MAX_PHRASE = 40  # characters read; a pasted paragraph is cut here


def _is_hanzi(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


@dataclass(frozen=True)
class Piece:
    text: str  # as the search uses it (a synonym's meaning, simplified, lower case)
    kind: str  # "run" (known, 2+ characters), "single" (one known character),
    # "letters" (pinyin, initials or a code), "unknown"
    said: str = ""  # what was typed, when a synonym replaced it
    segment: int = 0  # pieces between two dropped fillers share a segment number


@dataclass(frozen=True)
class Reading:
    """A phrase read: its content pieces, in order, and what was left out."""

    pieces: tuple[Piece, ...] = ()
    dropped: tuple[str, ...] = ()

    @property
    def cleaned(self) -> str:
        return "".join(p.text for p in self.pieces)

    def segments(self) -> list[str]:
        """The content between dropped fillers, each joined: 开 | 饭店 for 开个饭店."""
        found: dict[int, str] = {}
        for piece in self.pieces:
            found[piece.segment] = found.get(piece.segment, "") + piece.text
        return list(found.values())


@dataclass
class Vocabulary:
    """Fillers and synonyms: the defaults and the catalog's ``words``."""

    fillers: frozenset[str] = frozenset(DEFAULT_FILLERS)
    synonyms: dict[str, str] = field(default_factory=dict)
    longest: int = 0

    @classmethod
    def from_words(cls, words: Iterable[dict[str, str]]) -> Vocabulary:
        fillers = set(DEFAULT_FILLERS)
        synonyms: dict[str, str] = {}
        for word in words:
            said = fold(word.get("code", ""))
            means = fold(word.get("means", ""))
            if not said:
                continue
            if means:
                synonyms[said] = means
            else:
                fillers.add(said)
        longest = max((len(w) for w in [*fillers, *synonyms]), default=0)
        return cls(frozenset(fillers), synonyms, longest)

    def __post_init__(self) -> None:
        if not self.longest:
            self.longest = max((len(w) for w in [*self.fillers, *self.synonyms]), default=0)
        self._spoken_fillers: tuple[str, ...] | None = None

    def spoken_fillers(self) -> tuple[str, ...]:
        """The fillers of two characters or more in pinyin (woxiang, zenme, banli),
        longest first: one syllable (le, ma) could be the end of a real word."""
        if self._spoken_fillers is None:
            said = {spoken(f) for f in self.fillers if len(f) >= 2}
            self._spoken_fillers = tuple(sorted(filter(None, said), key=len, reverse=True))
        return self._spoken_fillers


def _strip_spoken(text: str, vocabulary: Vocabulary, dropped: list[str]) -> str:
    """``text`` (letters) without the pinyin fillers at its ends: woxiangkaifandian
    → kaifandian. At least two letters are always left."""
    stripped = True
    while stripped:
        stripped = False
        for filler in vocabulary.spoken_fillers():
            if len(text) - len(filler) < 2:
                continue
            if text.startswith(filler):
                text, stripped = text[len(filler) :], True
            elif text.endswith(filler):
                text, stripped = text[: -len(filler)], True
            if stripped:
                dropped.append(filler)
                break
    return text


_converter_lock = threading.Lock()


@functools.cache
def _t2s() -> Callable[[str], str]:
    from opencc import OpenCC  # ≈ 4 ms and 1 MB, on the first phrase only

    with _converter_lock:
        return OpenCC("t2s").convert  # type: ignore[no-any-return]


@functools.cache
def _traditional() -> frozenset[str]:
    """The characters OpenCC's traditional-to-simplified tables change (≈ 4,000),
    read from its own files: a phrase without any is left as it is (converting one
    cost a fifth of a phrase's time)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("opencc")
    if spec is None or spec.origin is None:
        return frozenset()
    # The character table only: the phrase table's entries hold characters that are
    # the same in both scripts (什麼), and all but three of them (沈默 → 沉默) hold
    # one of these too.
    found: set[str] = set()
    with (Path(spec.origin).parent / "dictionary" / "TSCharacters.txt").open(
        encoding="utf-8"
    ) as lines:
        for line in lines:
            found.update(line.split("\t", 1)[0])
    return frozenset(found)


def fold(text: str) -> str:
    """NFKC, lower case, traditional made simplified; punctuation kept as separators."""
    text = unicodedata.normalize("NFKC", text).lower()
    traditional = _traditional()
    if any(ch in traditional for ch in text):
        text = _t2s()(text)
    return text


def read(
    query: str,
    known: Callable[[str], bool],
    known_run: Callable[[str], int],
    vocabulary: Vocabulary,
) -> Reading:
    """Cut ``query`` into content pieces. ``known(ch)`` says whether the catalog has
    the character ``ch``; ``known_run(s)`` how long a start of ``s`` (two characters
    or more, else 0) it has."""
    text = fold(query)[:MAX_PHRASE]
    pieces: list[Piece] = []
    dropped: list[str] = []
    segment = 0
    position = 0
    while position < len(text):
        ch = text[position]
        if not ch.isalnum():  # punctuation and spaces separate, like a dropped filler
            segment += 1
            position += 1
            continue
        end = position
        hanzi = _is_hanzi(ch)
        while end < len(text) and text[end].isalnum() and _is_hanzi(text[end]) == hanzi:
            end += 1
            # Pinyin typed syllable by syllable (wo xiang kai fan dian) is one word.
            if (
                not hanzi
                and end + 1 < len(text)
                and text[end] == " "
                and text[end + 1].isascii()
                and text[end + 1].isalnum()
            ):
                end += 1
        if hanzi:
            run = text[position:end]
            segment = _cut(run, known, known_run, vocabulary, segment, pieces, dropped)
        else:
            letters = _strip_spoken(text[position:end].replace(" ", ""), vocabulary, dropped)
            pieces.append(Piece(letters, "letters", segment=segment))
        position = end
    return Reading(tuple(pieces), tuple(dropped))


def _leading_filler(text: str, fillers: frozenset[str], widest: int) -> int:
    """The length of the longest filler of two characters or more ``text`` starts with."""
    return max((n for n in range(2, min(widest, len(text)) + 1) if text[:n] in fillers), default=0)


def _cut(
    run: str,
    known: Callable[[str], bool],
    known_run: Callable[[str], int],
    vocabulary: Vocabulary,
    segment: int,
    pieces: list[Piece],
    dropped: list[str],
) -> int:
    """Cut a run of hanzi the way that scores best (a small dynamic programme).

    A piece of n characters scores n²: one long known run beats two short ones, so
    个体工商户 is not 个 + 体工商户. A filler scores a little more than a run of its
    length (办理退休: 办理 is dropped although some names hold it) and a synonym a
    little more again. A single known character scores 1, an unknown one 0.
    Fillers of two characters or more that open the run (请问, 我想, 我要…) are
    dropped first, and no run may start with one: 我要开个网店 is not about the
    bundle 我要开工, although 我要开 is in its name.
    Returns the segment number after the run.
    """
    fillers, synonyms = vocabulary.fillers, vocabulary.synonyms
    widest = vocabulary.longest  # the longest filler or synonym
    while True:
        lead = _leading_filler(run, fillers, widest)
        said = max((n for n in range(1, len(run) + 1) if run[:n] in synonyms), default=0)
        if not lead or said > lead:
            break
        dropped.append(run[:lead])
        run, segment = run[lead:], segment + 1
    size = len(run)
    # best[i]: (score, choice) of the best cut of run[i:]; a choice is (kind, length).
    best: list[tuple[float, tuple[str, int]]] = [(0.0, ("", 0))] * (size + 1)
    for start in range(size - 1, -1, -1):
        options: list[tuple[float, tuple[str, int]]] = []
        ch = run[start]
        options.append((float(known(ch)), ("single" if known(ch) else "unknown", 1)))
        for n in range(1, min(widest, size - start) + 1):
            word = run[start : start + n]
            if word in synonyms:
                options.append((n * n + 0.6, ("synonym", n)))
            if word in fillers:
                options.append((n * n + 0.5, ("filler", n)))
        # Every start of a known run is known too: each is an option (one that
        # begins with a filler only up to the filler's length).
        longest = known_run(run[start : start + MAX_RUN])
        lead = _leading_filler(run[start : start + longest], fillers, widest)
        options.extend((float(n * n), ("run", n)) for n in range(2, (lead or longest) + 1))
        best[start] = max(
            ((score + best[start + choice[1]][0], choice) for score, choice in options),
            key=lambda option: option[0],
        )
    position = 0
    while position < size:
        kind, n = best[position][1]
        word = run[position : position + n]
        if kind == "filler":
            dropped.append(word)
            segment += 1
        elif kind == "synonym":
            pieces.append(Piece(synonyms[word], "run", said=word, segment=segment))
        else:
            pieces.append(Piece(word, kind, segment=segment))
        position += n
    return segment


# -- sound -------------------------------------------------------------------------
@functools.cache
def _syllables() -> dict[str, str]:
    """Toneless pinyin (first reading) of each GB 2312 character: ≈ 7,000 entries."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("pypinyin")  # finds the package without importing it
    if spec is None or spec.origin is None:
        log.warning("pypinyin is not installed: homophones are not matched")
        return {}
    # Streamed line by line ("12295": "líng,yuán,xīng",), not json.loads: the whole
    # table is 41,000 entries, and building it to keep 7,000 left 5 MB resident.
    entry = re.compile(r'"(\d+)":\s*"([^",]+)')
    table: dict[str, str] = {}
    with (Path(spec.origin).parent / "pinyin_dict.json").open(encoding="utf-8") as lines:
        for line in lines:
            found = entry.search(line)
            if found is None:
                continue
            ch = chr(int(found[1]))
            try:
                ch.encode("gb2312")
            except UnicodeEncodeError:
                continue
            table[ch] = _toneless(found[2])
    return table


def _toneless(reading: str) -> str:
    # lǜ → lv: ü (u and a diaeresis once decomposed) is spelled v, as the store's is.
    first = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(c for c in first if not unicodedata.combining(c))


def spoken(text: str) -> str:
    """``text`` with each hanzi as toneless pinyin (letters and digits kept):
    营业职照 → yingyezhizhao, kai饭店 → kaifandian. Empty if a hanzi has no reading."""
    table = _syllables()
    out = []
    for ch in text:
        if _is_hanzi(ch):
            syllable = table.get(ch)
            if syllable is None:
                return ""
            out.append(syllable)
        elif ch.isalnum():
            out.append(ch)
    return "".join(out)


def sound(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of the hanzi of ``text``, as the store keeps a word's."""
    table = _syllables()
    syllables = [table[ch] for ch in text if ch in table]
    return "".join(syllables), "".join(s[:1] for s in syllables)
