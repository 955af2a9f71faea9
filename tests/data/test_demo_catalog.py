"""The demo catalog (data/demo/catalog.json) is complete and consistent.

The lookup, the guides, the checklists and the demo all read this file, so these tests
check what they rely on: counts, unique codes, references between items, bundles,
materials and service points, every field a clerk sees filled, and the domain rules
(legal days ≥ promised days, special steps outside the deadline, 0533 phones).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any, cast

import pytest

CATALOG = Path(__file__).resolve().parents[2] / "data" / "demo" / "catalog.json"

ITEM_TYPES = {
    "行政许可",
    "行政确认",
    "行政裁决",
    "行政给付",
    "行政奖励",
    "行政备案",
    "其他行政权力",
    "公共服务",
}
LEVELS = {"国家", "省", "市", "县", "乡(镇、街道)", "村(社区)"}
HANDLING_TYPES = {"新设", "变更", "延续", "注销", ""}
POINT_LEVELS = ["市", "区县", "镇街", "村社区"]
PHONE = re.compile(r"^0533-\d{7,8}$")
SPECIAL_STEPS = {
    "现场核查",
    "现场评估",
    "专家评审",
    "检验检测",
    "听证",
    "简易注销公示",
    "公示",
    "技术审查",
    "离婚冷静期",
}

MIN_ITEMS = 90
MIN_DEPARTMENTS = 12
MIN_BUNDLES = 6
MIN_POINTS = 36


@cache
def catalog() -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(CATALOG.read_text(encoding="utf-8")))


def items() -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], catalog()["items"])


def item_named(name: str) -> dict[str, Any]:
    found = [i for i in items() if i["name"] == name]
    assert len(found) == 1, f"expected exactly one item named {name}, found {len(found)}"
    return found[0]


def bundle_named(name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [b for b in catalog()["bundles"] if b["name"] == name]
    assert len(found) == 1, f"expected exactly one bundle named {name}"
    return found[0]


def test_counts() -> None:
    c = catalog()
    assert c["version"] == 1
    assert len(c["items"]) >= MIN_ITEMS
    used = {i["department"] for i in c["items"]}
    assert len(used) >= MIN_DEPARTMENTS
    assert len(c["bundles"]) >= MIN_BUNDLES
    assert len(c["service_points"]) >= MIN_POINTS


@pytest.mark.parametrize("section", ["departments", "items", "bundles", "service_points"])
def test_codes_are_unique(section: str) -> None:
    codes = Counter(entry["code"] for entry in catalog()[section])
    assert [code for code, n in codes.items() if n > 1] == []


def test_department_codes_and_shorts() -> None:
    depts = catalog()["departments"]
    assert all(d["code"] and d["name"] and d["short"] for d in depts)
    assert len({d["short"] for d in depts}) == len(depts)


def test_items_refer_to_departments() -> None:
    known = {d["code"] for d in catalog()["departments"]}
    assert [i["code"] for i in items() if i["department"] not in known] == []


def test_item_fields_are_filled() -> None:
    for item in items():
        for field in (
            "code",
            "name",
            "main_code",
            "main_name",
            "sub_code",
            "sub_name",
            "implementing_body",
            "region_code",
            "legal_basis",
            "place",
            "hours",
            "result_name",
            "result_sample",
            "result_validity",
            "fee_standard",
        ):
            assert isinstance(item[field], str) and item[field].strip(), (item["code"], field)
        assert item["item_type"] in ITEM_TYPES, item["code"]
        assert item["exercise_level"] in LEVELS, item["code"]
        assert item["handling_type"] in HANDLING_TYPES, item["code"]
        assert item["service_object"] and set(item["service_object"]) <= {"自然人", "法人"}, item[
            "code"
        ]
        assert item["code"].startswith(item["main_code"]) and item["sub_code"].startswith(
            item["main_code"]
        )
        assert item["visits"] in (0, 1, 2), item["code"]
        assert bool(item["online_url"]) == item["online"], item["code"]
        if not item["online"]:
            assert item["visits"] >= 1, f"{item['code']}: an offline item needs a visit"
        if item["fee_standard"] != "不收费":
            assert item["fee_basis"], f"{item['code']}: a fee needs its basis"
        assert 1 <= len(item["faq"]) <= 3, item["code"]
        assert all(f["q"].strip() and f["a"].strip() for f in item["faq"]), item["code"]
        assert 2 <= len(item["keywords"]) <= 6, item["code"]
        assert len(set(item["keywords"])) == len(item["keywords"]), item["code"]


def test_sub_items_have_one_name() -> None:
    names: dict[str, set[str]] = {}
    for item in items():
        names.setdefault(item["sub_code"], set()).add(item["sub_name"])
        names.setdefault(item["main_code"], set()).add(item["main_name"])
    assert {code: n for code, n in names.items() if len(n) > 1} == {}


def test_situations_have_their_own_conditions() -> None:
    for item in items():
        sits = item["situations"]
        assert sits, item["code"]
        assert len({s["code"] for s in sits}) == len(sits), item["code"]
        for s in sits:
            assert s["name"].strip() and s["conditions"], (item["code"], s["code"])
            assert all(c.strip() for c in s["conditions"]), (item["code"], s["code"])


def test_materials_are_complete_and_refer_to_situations() -> None:
    for item in items():
        sit_codes = {s["code"] for s in item["situations"]}
        mats = item["materials"]
        assert mats, item["code"]
        assert len({m["key"] for m in mats}) == len(mats), item["code"]
        for m in mats:
            assert m["key"] and m["name"].strip() and m["sample"].strip(), (item["code"], m)
            assert m["form"] in {"原件", "复印件", "电子"}, (item["code"], m["key"])
            assert m["source"] in {"申请人", "部门共享"}, (item["code"], m["key"])
            assert m["copies"] >= 1, (item["code"], m["key"])
            assert isinstance(m["required"], bool)
            assert set(m["situations"]) <= sit_codes, (item["code"], m["key"])
        for s in sit_codes:  # every situation has at least one required material
            assert any(
                m["required"] and (not m["situations"] or s in m["situations"]) for m in mats
            ), (item["code"], s)


def test_material_key_means_one_material() -> None:
    names: dict[str, set[str]] = {}
    for item in items():
        for m in item["materials"]:
            names.setdefault(m["key"], set()).add(m["name"])
    assert {k: n for k, n in names.items() if len(n) > 1} == {}


def test_some_materials_are_shared_by_departments() -> None:
    shared = [m for i in items() for m in i["materials"] if m["source"] == "部门共享"]
    assert len(shared) >= 30
    assert any(m["key"] == "business_licence" for m in shared)


def test_deadlines_and_steps() -> None:
    for item in items():
        code = item["code"]
        assert item["legal_days"] >= item["promised_days"] >= 0, code
        assert item["on_the_spot"] == (item["promised_days"] == 0), code
        steps = item["steps"]
        assert steps and steps[0]["name"] == "申请", code
        counted = [s for s in steps if s["counts"]]
        assert sum(s["days"] for s in counted) == item["promised_days"], code
        for s in steps:
            if s["name"] in SPECIAL_STEPS:
                assert s["counts"] is False, (code, s["name"])
            if not s["counts"]:
                assert s["name"] in SPECIAL_STEPS, (code, s["name"])


def test_some_items_are_instant_some_online_some_charge() -> None:
    assert sum(i["on_the_spot"] for i in items()) >= 10
    assert sum(i["online"] for i in items()) >= len(items()) // 2
    assert 1 <= sum(i["fee_standard"] != "不收费" for i in items()) <= len(items()) // 4
    assert {s["name"] for i in items() for s in i["steps"] if not s["counts"]} >= {
        "现场核查",
        "专家评审",
    }


def test_phones() -> None:
    bad = [
        (i["code"], p)
        for i in items()
        for p in (i["phone"], i["complaint_phone"])
        if not PHONE.match(p)
    ]
    bad += [
        (p["code"], p["phone"]) for p in catalog()["service_points"] if not PHONE.match(p["phone"])
    ]
    assert bad == []


@pytest.mark.parametrize(
    "name, word",
    [
        ("食品经营许可（新设）", "开饭店"),
        ("企业设立登记", "开饭店"),
        ("个体工商户注册登记", "开饭店"),
        ("出生医学证明（首次签发）", "生孩子"),
        ("出生登记", "生孩子"),
        ("城乡居民医保参保登记（新生儿）", "生孩子"),
        ("企业设立登记", "开公司"),
    ],
)
def test_colloquial_keywords(name: str, word: str) -> None:
    assert word in item_named(name)["keywords"]


def test_handling_types_of_food_licence() -> None:
    names = {i["name"]: i for i in items() if i["main_name"] == "食品经营许可"}
    assert {i["handling_type"] for i in names.values()} == {"新设", "变更", "延续", "注销"}
    new = item_named("食品经营许可（新设）")
    assert {s["name"] for s in new["situations"]} >= {"含热食类食品制售"}
    assert any("仅销售预包装食品" in s["name"] for s in new["situations"])


REQUIRED_BUNDLES = ["开办企业", "开饭店", "新生儿出生", "二手房买卖与水电气过户", "我要开工"]


def test_bundles_refer_to_items() -> None:
    codes = {i["code"] for i in items()}
    for b in catalog()["bundles"]:
        assert b["name"].strip() and b["description"].strip() and b["keywords"], b["code"]
        assert len(b["items"]) >= 2, b["code"]
        assert len(set(b["items"])) == len(b["items"]), b["code"]
        assert set(b["items"]) <= codes, b["code"]


@pytest.mark.parametrize("name", REQUIRED_BUNDLES)
def test_required_bundles_exist(name: str) -> None:
    bundle_named(name)


def test_start_work_bundle_has_seven_procedures_in_order() -> None:
    by_code = {i["code"]: i for i in items()}
    names = [by_code[c]["name"] for c in bundle_named("我要开工")["items"]]
    assert len(names) == 7
    assert names[0] == "企业投资项目备案" and names[-1] == "建筑工程施工许可证核发"


def shared_keys(bundle: dict[str, Any]) -> set[str]:
    by_code = {i["code"]: i for i in items()}
    counts = Counter(m["key"] for c in bundle["items"] for m in by_code[c]["materials"])
    return {key for key, n in counts.items() if n >= 2}


@pytest.mark.parametrize(
    "name, keys",
    [
        ("开办企业", {"business_licence", "legal_rep_id"}),
        ("新生儿出生", {"birth_cert", "parent_id"}),
        ("开饭店", {"operator_id", "business_licence"}),
        ("二手房买卖与水电气过户", {"buyer_id", "property_cert"}),
        ("我要开工", {"project_code"}),
    ],
)
def test_bundle_items_share_materials_by_key(name: str, keys: set[str]) -> None:
    assert keys <= shared_keys(bundle_named(name))


def test_every_bundle_shares_some_material() -> None:
    assert [b["name"] for b in catalog()["bundles"] if not shared_keys(b)] == []


def test_birth_certificate_comes_first_in_newborn_bundle() -> None:
    by_code = {i["code"]: i for i in items()}
    first = by_code[bundle_named("新生儿出生")["items"][0]]
    assert first["name"] == "出生医学证明（首次签发）"
    later = [by_code[c] for c in bundle_named("新生儿出生")["items"][1:]]
    assert all(any(m["key"] == "birth_cert" for m in i["materials"]) for i in later)


DISTRICT_CODES = {
    "370302",
    "370303",
    "370304",
    "370305",
    "370306",
    "370321",
    "370322",
    "370323",
    "370371",
    "370372",
}
ZHANGDIAN_TOWNS = {
    "车站街道",
    "公园街道",
    "和平街道",
    "科苑街道",
    "体育场街道",
    "湖田街道",
    "四宝山街道",
    "马尚街道",
    "南定镇",
    "沣水镇",
    "傅家镇",
    "中埠镇",
    "房镇镇",
}
ZHOUCUN_TOWNS = {
    "城北路街道",
    "丝绸路街道",
    "青年路街道",
    "大街街道",
    "永安街街道",
    "北郊镇",
    "南郊镇",
    "王村镇",
    "萌水镇",
}


def points() -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], catalog()["service_points"])


def test_service_points_form_a_four_level_tree() -> None:
    by_code = {p["code"]: p for p in points()}
    roots = [p for p in points() if p["parent"] == ""]
    assert [(p["code"], p["level"]) for p in roots] == [("370300", "市")]
    for p in points():
        assert p["level"] in POINT_LEVELS, p["code"]
        for field in ("name", "region_code", "address", "hours", "phone"):
            assert p[field].strip(), (p["code"], field)
        if p["parent"]:
            parent = by_code[p["parent"]]
            assert POINT_LEVELS.index(p["level"]) == POINT_LEVELS.index(parent["level"]) + 1, p[
                "code"
            ]
            if p["level"] in ("镇街", "村社区"):
                assert p["region_code"].startswith(parent["region_code"]), p["code"]
                assert p["district"] == parent["district"], p["code"]
        level = POINT_LEVELS.index(p["level"])
        assert bool(p["district"]) == (level >= 1), p["code"]
        assert bool(p["town"]) == (level >= 2), p["code"]
        assert bool(p["village"]) == (level == 3), p["code"]


def test_every_district_and_the_domain_towns_have_a_point() -> None:
    codes = {p["code"] for p in points() if p["level"] == "区县"}
    assert DISTRICT_CODES <= codes
    towns = {(p["district"], p["town"]) for p in points() if p["level"] == "镇街"}
    assert {("张店区", t) for t in ZHANGDIAN_TOWNS} <= towns
    assert {("周村区", t) for t in ZHOUCUN_TOWNS} <= towns
    assert sum(p["level"] == "村社区" for p in points()) >= 6


def test_service_point_handles_refer_to_departments_or_items() -> None:
    shorts = {d["short"] for d in catalog()["departments"]}
    by_code = {i["code"]: i for i in items()}
    for p in points():
        assert p["handles"], p["code"]
        assert set(p["handles"]) <= shorts | set(by_code), p["code"]
        if p["level"] == "村社区":  # only public services and 代办 of benefits the town decides
            kinds = {by_code[h]["item_type"] for h in p["handles"]}
            assert kinds <= {"公共服务", "行政给付"}, p["code"]


def test_json_is_the_output_of_the_script() -> None:
    """catalog.json is generated: edit data/demo/build_catalog.py and run it, never the JSON."""
    from data.demo.build_catalog import build

    built = json.dumps(build(), ensure_ascii=False, indent=1) + "\n"
    assert built == CATALOG.read_text(encoding="utf-8"), "run: python data/demo/build_catalog.py"
