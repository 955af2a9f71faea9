"""How a phrase is cut: the longest known words, fillers dropped, synonyms read as meant."""

from __future__ import annotations

from core.catalog import phrases
from core.catalog.phrases import Vocabulary

# What a catalog holds (names and everyday words), as the index answers ``known``.
TEXTS = [
    "个体工商户注册登记",
    "个体户",
    "预防接种证办理",
    "职工正常退休（职）申请",
    "开饭店",
    "我要开工",
]


def known(text: str) -> bool:
    return any(text in t for t in TEXTS)


def known_run(text: str) -> int:
    return max((n for n in range(2, len(text) + 1) if known(text[:n])), default=0)


def read(query: str, vocabulary: Vocabulary | None = None) -> phrases.Reading:
    return phrases.read(query, known, known_run, vocabulary or Vocabulary())


def cut(query: str, vocabulary: Vocabulary | None = None) -> tuple[list[str], list[str]]:
    reading = read(query, vocabulary)
    return [p.text for p in reading.pieces], list(reading.dropped)


def test_fillers_are_dropped_and_known_words_kept_whole() -> None:
    assert cut("我想开个饭店") == (["开", "饭店"], ["我想", "个"])
    # 个 alone is a filler, but 个体户 is one known word and stays whole.
    assert cut("我想办个体户") == (["个体户"], ["我想", "办"])
    # 办理 is in some names, yet as a filler it is dropped from a phrase.
    assert cut("怎么办理退休") == (["退休"], ["怎么", "办理"])
    # 我要开 is in the bundle name 我要开工, but a phrase saying 我要开… is not about it.
    assert cut("我要开个饭店") == (["开", "饭店"], ["我要", "个"])


def test_segments_are_split_by_fillers_and_punctuation() -> None:
    reading = read("开个饭店，退休")
    assert reading.segments() == ["开", "饭店", "退休"]
    assert reading.cleaned == "开饭店退休"


def test_the_catalogs_words_extend_the_defaults() -> None:
    words = Vocabulary.from_words(
        [{"code": "饭馆", "means": "饭店"}, {"code": "俺", "means": ""}, {"code": "", "means": ""}]
    )
    assert "俺" in words.fillers and "我想" in words.fillers
    reading = read("俺开饭馆", words)
    assert [(p.text, p.said) for p in reading.pieces] == [("开", ""), ("饭店", "饭馆")]
    assert reading.dropped == ("俺",)


def test_traditional_characters_are_read_as_simplified() -> None:
    assert phrases.fold("開飯店，營業執照") == "开饭店,营业执照"  # NFKC folds the comma
    assert cut("我想開個飯店") == (["开", "饭店"], ["我想", "个"])


def test_spoken_gives_toneless_pinyin_for_homophones() -> None:
    assert phrases.spoken("营业职照") == "yingyezhizhao"
    assert phrases.spoken("kai饭店") == "kaifandian"
    assert phrases.spoken("绿") == "lv"  # ü as v, the way the catalog's pinyin spells it
    assert phrases.sound("开办企业") == ("kaibanqiye", "kbqy")


def test_pinyin_fillers_are_dropped_from_the_ends_of_letters() -> None:
    assert cut("woxiangkaifandian") == (["kaifandian"], ["woxiang"])
    assert cut("wo xiang kai fan dian") == (["kaifandian"], ["woxiang"])
    assert cut("zenmebanlituixiu") == (["tuixiu"], ["zenme", "banli"])
    # One syllable is never taken for a filler, and two letters always stay.
    assert cut("kaifandianle") == (["kaifandianle"], [])
    assert cut("woxiang") == (["woxiang"], [])
