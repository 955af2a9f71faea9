"""Search quality on the demo catalog: the item a clerk means is in the top three.

Each query is what someone at the counter would type (hanzi from one character,
pinyin initials, full pinyin, codes, everyday words) with the item they mean; it
fails below 95%. A second set is what citizens say (phrases, sentences, typing
slips, mixed pinyin, traditional characters); it fails below 90%. Both print every
miss, so a change to the ranking or the catalog shows what it costs.
"""

from __future__ import annotations

from pathlib import Path

import peewee
import pytest

from core.catalog import store
from core.catalog.formats import load_catalog
from core.catalog.search import SearchService

DEMO_CATALOG = Path(__file__).resolve().parents[3] / "data" / "demo" / "catalog.json"

QUERIES: list[tuple[str, str]] = [
    # everyday words
    ("开饭店", "食品经营许可（新设）"),
    ("开饭店", "个体工商户注册登记"),
    ("生孩子", "出生医学证明（首次签发）"),
    ("生孩子", "出生登记"),
    ("上户口", "出生登记"),
    ("开公司", "企业设立登记"),
    ("刻章", "公章刻制备案"),
    ("领发票", "发票申领（新办纳税人首次申领）"),
    ("结婚", "结婚登记"),
    ("离婚", "离婚登记"),
    ("低保", "最低生活保障"),
    ("办退休", "职工正常退休（职）申请"),
    ("失业金", "失业保险金申领"),
    ("二手房过户", "不动产转移登记（存量房）"),
    ("开工", "建筑工程施工许可证核发"),
    ("环评", "环境影响评价审批（环境影响报告书）"),
    ("打井", "取水许可（新设）"),
    ("盖房子", "乡村建设规划许可证核发（农村村民住宅）"),
    ("开药店", "药品零售许可（新设）"),
    ("办身份证", "居民身份证申领（首次）"),
    ("身份证过期", "居民身份证换领（有效期满）"),
    ("办护照", "普通护照签发"),
    ("打疫苗", "预防接种证办理"),
    ("异地就医", "基本医疗保险跨省异地就医备案"),
    ("跑滴滴", "网络预约出租汽车驾驶员证核发"),
    ("开加油站", "成品油零售经营资格审批（新设）"),
    ("收废品", "再生资源回收经营者备案"),
    ("开诊所", "诊所备案"),
    ("开宾馆", "公共场所卫生许可（新设）"),
    ("开养老院", "养老机构备案"),
    ("电表过户", "供电过户"),
    # hanzi, from one character
    ("食", "食品经营许可（新设）"),
    ("护照", "普通护照签发"),
    ("施工许可", "建筑工程施工许可证核发"),
    ("一般纳税人", "增值税一般纳税人登记"),
    ("消防验收", "特殊建设工程消防验收"),
    ("商品房预售", "商品房预售许可"),
    ("排污许可", "排污许可证核发（新设）"),
    ("婚姻登记证", "补领婚姻登记证"),
    ("社会保障卡", "社会保障卡申领"),
    # pinyin initials
    ("yyzz", "企业设立登记"),
    ("spjyxk", "食品经营许可（新设）"),
    ("jhdj", "结婚登记"),
    ("gzkz", "公章刻制备案"),
    ("csdj", "出生登记"),
    ("sbk", "社会保障卡申领"),
    ("db", "最低生活保障"),
    # full pinyin
    ("jiehun", "结婚登记"),
    ("dibao", "最低生活保障"),
    ("shipinjingying", "食品经营许可（新设）"),
    ("huzhao", "普通护照签发"),
    ("qushui", "取水许可（新设）"),
    ("zhensuo", "诊所备案"),
]


# What people say at the counter, the way they say it (a verb or filler around a
# known word, a sentence, a homophone slip, pinyin and hanzi mixed, traditional
# characters pasted from elsewhere), with the item they mean. Before phrases were
# read, every one of these found nothing.
PHRASED: list[tuple[str, str]] = [
    # a verb or filler around a known word
    ("我想开个饭店", "食品经营许可（新设）"),
    ("开个饭店", "食品经营许可（新设）"),
    ("想开饭店", "个体工商户注册登记"),
    ("我要开公司", "企业设立登记"),
    ("想注册个公司", "企业设立登记"),
    ("怎么办理退休", "职工正常退休（职）申请"),
    ("我要办退休", "职工正常退休（职）申请"),
    ("请问怎么结婚登记", "结婚登记"),
    ("我想离婚", "离婚登记"),
    ("怎么领失业金", "失业保险金申领"),
    ("我想办护照", "普通护照签发"),
    ("我要刻个章", "公章刻制备案"),
    ("想开个药店", "药品零售许可（新设）"),
    ("我想开诊所", "诊所备案"),
    ("怎么上户口", "出生登记"),
    ("我要打疫苗", "预防接种证办理"),
    ("我要领发票", "发票申领（新办纳税人首次申领）"),
    ("想开个网吧", "互联网上网服务营业场所经营许可（新设）"),
    ("我想开幼儿园", "民办学校设立（实施学前教育的民办幼儿园）"),
    ("我想开个宾馆", "公共场所卫生许可（新设）"),
    ("我要办身份证", "居民身份证申领（首次）"),
    ("想跑滴滴", "网络预约出租汽车驾驶员证核发"),
    ("我想开加油站", "成品油零售经营资格审批（新设）"),
    # sentences
    ("孩子出生了要办什么", "出生登记"),
    ("生孩子要办什么手续", "出生医学证明（首次签发）"),
    ("身份证过期了怎么办", "居民身份证换领（有效期满）"),
    ("结婚证丢了怎么补", "补领婚姻登记证"),
    ("二手房过户需要什么材料", "不动产转移登记（存量房）"),
    ("我在外地看病怎么报销", "基本医疗保险跨省异地就医备案"),
    ("公司不干了怎么注销", "企业注销登记"),
    ("饭店不干了要办什么", "食品经营许可（注销）"),
    ("农村盖房子要什么手续", "乡村建设规划许可证核发（农村村民住宅）"),
    ("没工作了能领什么", "失业登记"),
    ("到年龄了怎么办退休", "职工正常退休（职）申请"),
    ("宝宝出生了要上户口", "出生登记"),
    ("我想在小区开个超市", "食品经营许可（新设）"),
    ("新房子怎么办房产证", "不动产转移登记（新建商品房）"),
    ("店门口想挂个招牌", "户外广告设施设置审批"),
    ("想给孩子办社保卡", "社会保障卡申领"),
    # homophone and near-miss typing
    ("营业职照", "企业设立登记"),
    ("食品经营许克", "食品经营许可（新设）"),
    ("结昏登记", "结婚登记"),
    ("离昏", "离婚登记"),
    ("低宝", "最低生活保障"),
    ("户照", "普通护照签发"),
    ("施工许克证", "建筑工程施工许可证核发"),
    ("失业经", "失业保险金申领"),
    ("取水许克", "取水许可（新设）"),
    ("排污许可症", "排污许可证核发（新设）"),
    ("社保卡申令", "社会保障卡申领"),
    ("出生医学正明", "出生医学证明（首次签发）"),
    # pinyin and hanzi mixed
    ("kai饭店", "食品经营许可（新设）"),
    ("开fandian", "食品经营许可（新设）"),
    ("结hun登记", "结婚登记"),
    ("shipin经营许可", "食品经营许可（新设）"),
    ("办huzhao", "普通护照签发"),
    ("我想开gongsi", "企业设立登记"),
    ("di保", "最低生活保障"),
    # all in pinyin, fillers and all
    ("woxiangkaifandian", "食品经营许可（新设）"),
    ("zenmebanlituixiu", "职工正常退休（职）申请"),
    ("wo yao jie hun", "结婚登记"),
    # traditional characters pasted from elsewhere
    ("開飯店", "食品经营许可（新设）"),
    ("營業執照", "企业设立登记"),
    ("結婚登記", "结婚登记"),
    ("我想辦護照", "普通护照签发"),
    ("食品經營許可", "食品经营许可（新设）"),
    ("怎麼辦理退休", "职工正常退休（职）申请"),
    ("孩子出生了要辦什麼", "出生登记"),
    ("二手房過戶", "不动产转移登记（存量房）"),
    # the catalog's own words: synonyms and fillers a bureau added
    ("娃出生了要办啥", "出生登记"),
    ("我想开个餐厅", "食品经营许可（新设）"),
    ("俺想开个饭馆", "食品经营许可（新设）"),
    ("房本怎么办", "不动产转移登记（新建商品房）"),
    ("退休金咋领", "城镇职工基本养老保险待遇申领"),
]


@pytest.fixture(scope="module")
def demo_search(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    from core import migrate
    from core.db import open_database

    db: peewee.SqliteDatabase = open_database(tmp_path_factory.mktemp("quality") / "s.db")
    migrate.run(db, "core", migrate.CORE_MIGRATIONS)
    store.replace_catalog(load_catalog(DEMO_CATALOG))
    return SearchService()


def test_query_set_is_big_enough() -> None:
    assert len(QUERIES) >= 40
    letters = [q for q, _e in QUERIES if q.isascii()]
    assert len(letters) >= 10
    assert len(PHRASED) >= 60
    mixed = [q for q, _e in PHRASED if not q.isascii() and any(c.isascii() for c in q)]
    assert len(mixed) >= 5


def _top_three(search: SearchService, queries: list[tuple[str, str]]) -> list[str]:
    misses = []
    for query, expected in queries:
        top = [h.name for h in search.search(query, limit=3)]
        if expected not in top:
            misses.append(f"{query!r}: wanted {expected}, got {top}")
    print(f"{len(queries) - len(misses)}/{len(queries)} in the top three")
    for miss in misses:
        print("MISS", miss)
    return misses


def test_expected_item_in_top_three(demo_search: SearchService) -> None:
    names = {i["name"] for i in store.iter_items()}
    missing = sorted({e for _q, e in QUERIES if e not in names})
    assert not missing, f"the query set names items the demo catalog lacks: {missing}"
    # Codes: each item found by its own code, printed or without separators.
    codes = [(i["code"], i["name"]) for i in store.iter_items()][::9]
    queries = QUERIES + [(code, name) for code, name in codes]
    misses = _top_three(demo_search, queries)
    assert len(misses) <= len(queries) * 0.05, "\n".join(misses)


def test_phrased_queries_find_the_item_meant(demo_search: SearchService) -> None:
    names = {i["name"] for i in store.iter_items()}
    missing = sorted({e for _q, e in PHRASED if e not in names})
    assert not missing, f"the phrased set names items the demo catalog lacks: {missing}"
    misses = _top_three(demo_search, PHRASED)
    assert len(misses) <= len(PHRASED) * 0.10, "\n".join(misses)


def test_pinyin_finds_what_the_hanzi_find(demo_search: SearchService) -> None:
    """kaifandian found 3 items where 开饭店 found 6: a bundle's words had no pinyin."""
    for hanzi, spoken, letters in [
        ("开饭店", "kaifandian", "kfd"),
        ("生孩子", "shenghaizi", "shz"),
        ("开公司", "kaigongsi", "kgs"),
    ]:
        meant = {h.code for h in demo_search.search(hanzi, limit=100)}
        assert {h.code for h in demo_search.search(spoken, limit=100)} == meant, spoken
        assert meant <= {h.code for h in demo_search.search(letters, limit=100)}, letters
