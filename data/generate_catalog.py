"""Synthetic catalogs of N handling items with realistic Chinese names, for benchmarks.

    python data/generate_catalog.py --items 100000 out.json   (or out.xlsx)

Names are built the way real catalogs name items: a main item (食品经营许可,
建设工程规划许可证核发…), a sub-item qualifier (by scale, grade, applicant type or
speciality) and a handling type (新设/变更/延续/注销); the same item exists once per
district or town, with its own code and region, as in a provincial catalog. The
result passes ``core.catalog.formats.validate_document``: every item has situations,
materials, steps, keywords, and departments and bundles resolve.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from core.catalog.formats import CatalogDocument  # noqa: E402

DEPARTMENTS: list[tuple[str, str, str, list[str]]] = [
    (
        "scjg",
        "淄博市市场监督管理局",
        "市场监管",
        [
            "食品经营许可",
            "食品生产许可",
            "营业执照",
            "特种设备使用登记",
            "药品零售企业许可",
            "医疗器械经营备案",
            "计量器具型式批准",
            "工业产品生产许可",
            "广告发布登记",
            "公司登记",
        ],
    ),
    (
        "zjj",
        "淄博市住房和城乡建设局",
        "住建",
        [
            "建筑工程施工许可",
            "建筑业企业资质",
            "房地产开发企业资质",
            "商品房预售许可",
            "燃气经营许可",
            "城市建筑垃圾处置核准",
            "建设工程消防验收",
            "物业服务企业备案",
        ],
    ),
    (
        "zrzy",
        "淄博市自然资源和规划局",
        "自然资源",
        [
            "建设用地规划许可证核发",
            "建设工程规划许可证核发",
            "乡村建设规划许可证核发",
            "不动产登记",
            "采矿权登记",
            "测绘资质审批",
            "建设项目用地预审与选址意见书",
        ],
    ),
    (
        "jtys",
        "淄博市交通运输局",
        "交通运输",
        [
            "道路运输经营许可",
            "道路运输从业人员从业资格",
            "出租汽车经营许可",
            "公路超限运输许可",
            "机动车维修经营备案",
            "网络预约出租汽车运输证",
        ],
    ),
    (
        "wjw",
        "淄博市卫生健康委员会",
        "卫健",
        [
            "医疗机构执业许可",
            "医师执业注册",
            "护士执业注册",
            "公共场所卫生许可",
            "出生医学证明",
            "放射诊疗许可",
            "母婴保健技术服务执业许可",
        ],
    ),
    (
        "mz",
        "淄博市民政局",
        "民政",
        [
            "婚姻登记",
            "社会团体登记",
            "民办非企业单位登记",
            "养老机构备案",
            "最低生活保障",
            "特困人员救助供养",
            "殡葬服务",
        ],
    ),
    (
        "rs",
        "淄博市人力资源和社会保障局",
        "人社",
        [
            "社会保险登记",
            "失业保险金申领",
            "职业技能等级认定",
            "人力资源服务许可",
            "劳务派遣经营许可",
            "养老保险待遇核定",
            "就业创业证申领",
        ],
    ),
    (
        "ga",
        "淄博市公安局",
        "公安",
        [
            "户口登记",
            "居民身份证办理",
            "公章刻制备案",
            "机动车登记",
            "驾驶证申领",
            "旅馆业特种行业许可",
            "出入境证件办理",
        ],
    ),
    (
        "sthj",
        "淄博市生态环境局",
        "生态环境",
        ["建设项目环境影响评价审批", "排污许可", "危险废物经营许可", "辐射安全许可"],
    ),
    (
        "sw",
        "淄博市商务局",
        "商务",
        ["对外贸易经营者备案", "单用途商业预付卡备案", "二手车交易市场备案", "拍卖企业许可"],
    ),
    (
        "sl",
        "淄博市水利局",
        "水利",
        ["取水许可", "生产建设项目水土保持方案审批", "河道管理范围内建设项目审批"],
    ),
    (
        "swj",
        "国家税务总局淄博市税务局",
        "税务",
        ["发票领用", "税务登记", "增值税一般纳税人登记", "个人所得税汇算清缴"],
    ),
]

QUALIFIERS = [
    "",
    "（个体工商户）",
    "（企业）",
    "（一级）",
    "（二级）",
    "（三级）",
    "（餐饮服务）",
    "（仅销售预包装食品）",
    "（分支机构）",
    "（外资）",
    "（内资）",
    "（小型）",
    "（大中型）",
    "（市级）",
    "（县级）",
    "（跨区域）",
    "（首次申请）",
    "（补发）",
]
HANDLING = ["新设", "变更", "延续", "注销"]
REGIONS = [
    ("370300", "市"),
    ("370302", "县"),
    ("370303", "县"),
    ("370304", "县"),
    ("370305", "县"),
    ("370306", "县"),
    ("370321", "县"),
    ("370322", "县"),
    ("370323", "县"),
    ("370303001", "乡(镇、街道)"),
    ("370303002", "乡(镇、街道)"),
    ("370303003", "乡(镇、街道)"),
    ("370303101", "乡(镇、街道)"),
    ("370306001", "乡(镇、街道)"),
    ("370306101", "乡(镇、街道)"),
    ("370302001", "乡(镇、街道)"),
    ("370304001", "乡(镇、街道)"),
    ("370305001", "乡(镇、街道)"),
    ("370321001", "乡(镇、街道)"),
    ("370322001", "乡(镇、街道)"),
    ("370323001", "乡(镇、街道)"),
]
COLLOQUIAL = {
    "食品经营许可": ["开饭店", "开餐馆", "开超市"],
    "营业执照": ["开店", "开饭店", "个体户"],
    "公司登记": ["开公司", "注册公司"],
    "出生医学证明": ["生孩子", "新生儿"],
    "户口登记": ["上户口", "生孩子", "落户"],
    "建筑工程施工许可": ["开工", "盖楼"],
    "婚姻登记": ["结婚", "离婚", "领证"],
    "不动产登记": ["过户", "买房", "房产证"],
    "失业保险金申领": ["失业", "领失业金"],
    "驾驶证申领": ["考驾照"],
    "发票领用": ["领发票"],
}
ITEM_TYPES = ["行政许可", "行政确认", "行政备案", "公共服务", "行政给付", "其他行政权力"]


def _item(
    rng: random.Random,
    n: int,
    dept: str,
    main: str,
    qualifier: str,
    handling: str,
    region: str,
    level: str,
    main_index: int,
) -> dict[str, Any]:
    name = f"{main}{qualifier}（{handling}）"
    main_code = f"{region}-{dept.upper()}-{main_index:03d}"
    code = f"{main_code}-{QUALIFIERS.index(qualifier):02d}-{HANDLING.index(handling)}"
    situations = [
        {"code": "S1", "name": "自然人申请", "conditions": ["申请人具有完全民事行为能力"]},
        {"code": "S2", "name": "法人申请", "conditions": ["申请单位依法设立", "有固定的经营场所"]},
    ]
    materials = [
        {
            "key": "id_card",
            "name": "申请人身份证明",
            "form": "原件",
            "copies": 1,
            "source": "申请人",
            "basis": "",
            "sample": "",
            "required": True,
            "situations": ["S1"],
        },
        {
            "key": "license",
            "name": "营业执照",
            "form": "电子",
            "copies": 0,
            "source": "部门共享",
            "basis": "",
            "sample": "",
            "required": True,
            "situations": ["S2"],
        },
        {
            "key": f"{dept}-form",
            "name": f"{main}申请表",
            "form": "原件",
            "copies": 1,
            "source": "申请人",
            "basis": "",
            "sample": "",
            "required": True,
            "situations": [],
        },
    ]
    legal = rng.choice([0, 5, 10, 20, 30])
    return {
        "code": code,
        "name": name,
        "main_code": main_code,
        "main_name": main,
        "sub_code": f"{main_code}-{QUALIFIERS.index(qualifier):02d}",
        "sub_name": f"{main}{qualifier}",
        "handling_type": handling,
        "item_type": ITEM_TYPES[main_index % len(ITEM_TYPES)],
        "department": dept,
        "implementing_body": "淄博市行政审批服务局",
        "exercise_level": level,
        "region_code": region,
        "legal_basis": f"《{main}管理办法》",
        "service_object": ["自然人", "法人"] if n % 3 else ["法人"],
        "situations": situations,
        "materials": materials,
        "steps": [
            {"name": "申请", "days": 0, "counts": True},
            {"name": "受理", "days": 1, "counts": True},
            {"name": "审查", "days": max(legal - 2, 0), "counts": True},
            {"name": "决定", "days": 1, "counts": True},
        ],
        "legal_days": legal,
        "promised_days": legal // 2,
        "on_the_spot": legal == 0,
        "fee_basis": "",
        "fee_standard": "不收费",
        "place": "淄博市民中心",
        "hours": "工作日 9:00-17:00",
        "phone": "0533-2512345",
        "complaint_phone": "0533-2512345",
        "result_name": f"{main}决定书",
        "result_sample": "",
        "result_validity": "",
        "online": bool(n % 2),
        "online_url": "https://zwfw.sd.gov.cn/" if n % 2 else "",
        "visits": 0 if n % 2 else 1,
        "faq": [],
        "keywords": list(COLLOQUIAL.get(main, [])),
    }


def generate_catalog(items: int, *, seed: int = 20261128) -> CatalogDocument:
    """A valid catalog of exactly ``items`` handling items (deterministic for a seed)."""
    rng = random.Random(seed)
    doc = CatalogDocument()
    doc.departments = [{"code": c, "name": n, "short": s} for c, n, s, _m in DEPARTMENTS]
    combos = [
        (dept, main, index)
        for dept, _n, _s, mains in DEPARTMENTS
        for index, main in enumerate(mains, 1)
    ]
    n = 0
    for region, level in REGIONS:
        for qualifier in QUALIFIERS:
            for handling in HANDLING:
                for dept, main, index in combos:
                    if n >= items:
                        break
                    doc.items.append(
                        _item(rng, n, dept, main, qualifier, handling, region, level, index)
                    )
                    n += 1
    if n < items:
        raise ValueError(f"the generator's name space holds {n} items, fewer than {items}")
    rng.shuffle(doc.items)
    codes = [item["code"] for item in doc.items]
    doc.bundles = [
        {
            "code": f"yjs-{k:03d}",
            "name": name,
            "description": "",
            "keywords": [],
            "items": rng.sample(codes, min(4, len(codes))),
        }
        for k, name in enumerate(
            ["开办企业", "开饭店", "新生儿出生", "二手房买卖", "我要开工", "退休"]
        )
    ]
    doc.service_points = [
        {
            "code": "370300",
            "name": "淄博市民中心",
            "level": "市",
            "region_code": "370300",
            "parent": "",
            "district": "",
            "town": "",
            "village": "",
            "address": "张店区心环路",
            "hours": "工作日 9:00-17:00",
            "phone": "0533-2512345",
            "handles": [],
        }
    ]
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    from core.catalog.formats import dump_catalog

    dump_catalog(generate_catalog(args.items, seed=args.seed), args.output)
    print(f"{args.items} items written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
