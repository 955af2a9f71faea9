"""Build the demo service catalog of Zibo (淄博市, 370300) as data/demo/catalog.json.

Run it from the repository root:

    .venv/bin/python data/demo/build_catalog.py

The catalog follows the JSON schema of the catalog import/export (docs/catalog-format.md):
departments, handling items (业务办理项), one-thing bundles (一件事) and service points
over the four levels (市 → 区县 → 镇街 → 村社区).

How the file is organised:
- constants for places, hours and phones of the Zibo halls;
- small helpers that build the parts every item repeats: materials that many items
  share (身份证件 via 电子证照, 营业执照 held by 市场监管, 户口簿…), the standard flow
  申请 → 受理 → 审查 → 决定 → 送达 with special steps that do not count toward the legal
  deadline (现场核查, 专家评审, 检验检测, 听证: 行政许可法 art. 45), situations;
- one function per department that declares its items with `add(...)`;
- the bundles, which name their items by the handle returned from `add(...)`;
- the service points, generated from tables of districts, towns and communities.

Codes are assigned in declaration order: main item `<region>-<DEPT>-<type>-<nnn>`, sub-item
`<main>-<letter>`, handling item `<main>-<nn>`. Declaring items in a fixed order keeps
the codes stable between runs. The data is invented for the demo but written the way
Shandong's catalogs word it; it is not an official catalog.

Standard library only.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).with_name("catalog.json")

# ---------------------------------------------------------------------------
# Places, hours, phones
# ---------------------------------------------------------------------------

CITY = "370300"
ZHANGDIAN = "370303"
CITY_HALL = "淄博市政务服务中心（淄博市张店区人民西路228号 淄博市民中心）"
ZHANGDIAN_HALL = "张店区政务服务中心（淄博市张店区华光路366号）"
HOURS = "周一至周五 上午9:00—12:00，下午13:30—17:00（法定节假日除外）；周六上午延时服务"
COMPLAINT_PHONE = "0533-2512345"  # 12345 政务服务便民热线 (一号咨询)
ONLINE_BASE = "http://zwfw.sd.gov.cn/ZB/icity/proinfo/index?code="
FREE = ("", "不收费")
E_LICENCE_BASIS = "《国务院关于在线政务服务的若干规定》第十条（电子证照与纸质证照具有同等法律效力）"

TYPE_CODES = {
    "行政许可": "XK",
    "行政确认": "QR",
    "行政裁决": "CJ",
    "行政给付": "JF",
    "行政奖励": "JL",
    "行政备案": "BA",
    "其他行政权力": "QT",
    "公共服务": "GG",
}


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    short: str
    window: str  # window in the city hall
    phone: str  # city-level consultation phone
    district_phone: str  # 张店区 consultation phone

    @property
    def prefix(self) -> str:
        return self.code.upper()

    def district_body(self) -> str:
        """The 张店区 counterpart of a city department (淄博市X局 → 淄博市张店区X局)."""
        return self.name.replace("淄博市", "淄博市张店区", 1)


DEPARTMENTS = [
    Department("scjg", "淄博市市场监督管理局", "市场监管", "二楼A区企业开办综合窗口", "0533-3182701", "0533-2186021"),
    Department("sw", "国家税务总局淄博市税务局", "税务", "二楼A区税务综合窗口", "0533-3587366", "0533-2186035"),
    Department("rs", "淄博市人力资源和社会保障局", "人社", "三楼C区社会保障综合窗口", "0533-3161512", "0533-2186052"),
    Department("ga", "淄博市公安局", "公安", "一楼B区公安综合窗口", "0533-2153110", "0533-2186066"),
    Department("wj", "淄博市卫生健康委员会", "卫健", "三楼C区卫生健康窗口", "0533-3180756", "0533-2186078"),
    Department("yb", "淄博市医疗保障局", "医保", "三楼C区医疗保障窗口", "0533-3119216", "0533-2186083"),
    Department("mz", "淄博市民政局", "民政", "三楼C区民政窗口", "0533-3182316", "0533-2186091"),
    Department("zj", "淄博市住房和城乡建设局", "住建", "四楼D区工程建设项目综合窗口", "0533-2317706", "0533-2186105"),
    Department("zrzy", "淄博市自然资源和规划局", "自然资源和规划", "四楼D区工程建设项目综合窗口", "0533-3181662", "0533-2186112"),
    Department("bdc", "淄博市不动产登记中心", "不动产登记", "一楼E区不动产登记综合窗口", "0533-3110561", "0533-2186126"),
    Department("jt", "淄博市交通运输局", "交通运输", "二楼F区交通运输窗口", "0533-2310712", "0533-2186138"),
    Department("sthj", "淄博市生态环境局", "生态环境", "四楼D区工程建设项目综合窗口", "0533-3183327", "0533-2186142"),
    Department("fgw", "淄博市发展和改革委员会", "发展改革", "四楼D区投资项目窗口", "0533-3183658", "0533-2186157"),
    Department("shw", "淄博市商务局", "商务", "二楼F区商务窗口", "0533-2866231", "0533-2186163"),
    Department("cg", "淄博市城市管理局", "城管", "二楼F区城市管理窗口", "0533-2785106", "0533-2186171"),
    Department("wl", "淄博市文化和旅游局", "文旅", "二楼F区文化旅游窗口", "0533-2868337", "0533-2186186"),
    Department("jy", "淄博市教育局", "教育", "三楼C区教育窗口", "0533-3183210", "0533-2186192"),
    Department("sl", "淄博市水利局", "水利", "四楼D区工程建设项目综合窗口", "0533-3182520", "0533-2186205"),
    Department("xf", "淄博市消防救援支队", "消防", "四楼D区消防窗口", "0533-2966119", "0533-2186219"),
]
DEPT = {d.code: d for d in DEPARTMENTS}


# ---------------------------------------------------------------------------
# Materials
# ---------------------------------------------------------------------------


def mat(
    key: str,
    name: str,
    *,
    form: str = "原件",
    copies: int = 1,
    source: str = "申请人",
    basis: str = "",
    sample: str = "无",
    required: bool = True,
    situations: tuple[str, ...] = (),
    pending_allowed: bool = False,
) -> dict[str, Any]:
    """One 申请材料. `situations` empty means every situation of the item;
    `pending_allowed` marks a material the counter may accept later (容缺受理)."""
    return {
        "key": key,
        "name": name,
        "form": form,
        "copies": copies,
        "source": source,
        "basis": basis,
        "sample": sample,
        "required": required,
        "situations": list(situations),
        "pending_allowed": pending_allowed,
    }


def apply_form(key: str, name: str, basis: str, **kw: Any) -> dict[str, Any]:
    """A blank application form the applicant fills in (sample provided)."""
    return mat(key, name, basis=basis, sample=f"《{name}》空白表格及填写示范文本", **kw)


def id_card(key: str = "applicant_id", who: str = "申请人", **kw: Any) -> dict[str, Any]:
    """Identity card, read from the 电子证照 library: the applicant need not bring a copy."""
    return mat(key, f"{who}身份证件", form="电子", source="部门共享", basis=E_LICENCE_BASIS, **kw)


def legal_rep_id(**kw: Any) -> dict[str, Any]:
    return id_card("legal_rep_id", "法定代表人（负责人）", **kw)


def business_licence(**kw: Any) -> dict[str, Any]:
    """营业执照: held by 市场监管 and shared, the applicant need not bring it."""
    return mat("business_licence", "营业执照", form="电子", source="部门共享", basis=E_LICENCE_BASIS, **kw)


def agent_power(**kw: Any) -> dict[str, Any]:
    return mat(
        "agent_power",
        "委托代理人身份证件及授权委托书（委托办理时提供）",
        sample="《授权委托书》示范文本",
        basis="《中华人民共和国民法典》第一百六十五条",
        required=False,
        **kw,
    )


def premises(**kw: Any) -> dict[str, Any]:
    return mat(
        "premises",
        "经营场所使用证明（不动产权证书或租赁合同）",
        form="复印件",
        basis="《中华人民共和国市场主体登记管理条例实施细则》第二十六条",
        **kw,
    )


def hukou_book(key: str = "hukou_book", who: str = "申请人", **kw: Any) -> dict[str, Any]:
    return mat(key, f"{who}居民户口簿", basis="《中华人民共和国户口登记条例》", **kw)


def marriage_cert(**kw: Any) -> dict[str, Any]:
    return mat(
        "marriage_cert", "父母结婚证", form="电子", source="部门共享", basis=E_LICENCE_BASIS, **kw
    )


def birth_cert(**kw: Any) -> dict[str, Any]:
    """出生医学证明: issued by 卫健 and shared with 公安, 医保, 人社 in the 新生儿出生 bundle."""
    return mat("birth_cert", "《出生医学证明》", form="电子", source="部门共享", basis=E_LICENCE_BASIS, **kw)


def photo(key: str = "photo", name: str = "近期免冠彩色证件照片（白底）", copies: int = 1, **kw: Any) -> dict[str, Any]:
    return mat(key, name, copies=copies, basis="相关证照照片标准", **kw)


def project_code(**kw: Any) -> dict[str, Any]:
    """投资项目代码: from the 投资项目在线审批监管平台, shared by every construction item."""
    return mat(
        "project_code", "投资项目代码（项目备案或核准文件）", form="电子", source="部门共享",
        basis="《企业投资项目核准和备案管理条例》第三条", **kw,
    )


def land_cert(**kw: Any) -> dict[str, Any]:
    return mat(
        "land_cert", "不动产权证书（土地使用权证明）", form="电子", source="部门共享",
        basis="《不动产登记暂行条例》第二十一条", **kw,
    )


def property_cert(**kw: Any) -> dict[str, Any]:
    return mat(
        "property_cert", "不动产权证书（房屋产权证明）", form="电子", source="部门共享",
        basis="《不动产登记暂行条例》第二十一条", **kw,
    )


def old_licence(key: str, name: str, **kw: Any) -> dict[str, Any]:
    """The licence being changed, renewed or cancelled (returned to the issuer)."""
    return mat(key, f"原{name}正、副本", basis="《中华人民共和国行政许可法》第四十九条、第五十条", **kw)


# ---------------------------------------------------------------------------
# Situations and flows
# ---------------------------------------------------------------------------


def sit(code: str, name: str, *conditions: str) -> dict[str, Any]:
    """One 办理情形 with its own 受理条件."""
    return {"code": code, "name": name, "conditions": list(conditions)}


DEFAULT_SITUATION = {"新设": "首次申请", "变更": "登记事项变更", "延续": "有效期届满延续", "注销": "申请注销", "": "申请办理"}

FLOWS = {
    "licence": ("申请", "受理", "审查", "决定", "送达"),
    "service": ("申请", "受理", "办理", "办结"),
    "filing": ("申请", "受理", "备案", "送达"),
}


def flow(promised: int, kind: str = "licence", extra: tuple[tuple[str, int], ...] = ()) -> list[dict[str, Any]]:
    """The ordered steps; the counted days add up to the promised days.

    Special steps (`extra`: 现场核查, 专家评审, 检验检测, 听证…) go before the decision and
    do not count toward the deadline.
    """
    names = FLOWS[kind]
    days = dict.fromkeys(names, 0)
    if promised:
        first, middle, last = names[1], names[2], names[-2]
        days[first] = 1 if promised >= 3 else 0
        days[last] = 1 if promised >= 2 and last != middle else 0
        days[middle] = promised - days[first] - days[last]
    steps = [{"name": n, "days": days[n], "counts": True} for n in names]
    at = len(names) - 2 if kind == "licence" else len(names) - 1  # before 决定, or before 办结/送达
    for name, d in extra:
        steps.insert(at, {"name": name, "days": d, "counts": False})
        at += 1
    return steps


# ---------------------------------------------------------------------------
# Items
# ---------------------------------------------------------------------------

ITEMS: list[dict[str, Any]] = []
_main_seq: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
_handling_seq: dict[str, int] = defaultdict(int)
_sub_names: dict[str, str] = {}


def add(
    dept: str,
    main_name: str,
    name: str,
    *,
    item_type: str,
    basis: str,
    objects: tuple[str, ...],
    materials: list[dict[str, Any]],
    legal: int,
    promised: int,
    result: str,
    faq: list[tuple[str, str]],
    keywords: tuple[str, ...],
    handling: str = "",
    sub: tuple[str, str] | None = None,
    level: str = "市",
    region: str = CITY,
    body: str = "",
    conditions: tuple[str, ...] = (),
    situations: list[dict[str, Any]] | None = None,
    kind: str = "licence",
    extra: tuple[tuple[str, int], ...] = (),
    fee: tuple[str, str] = FREE,
    validity: str = "长期有效",
    online: bool = True,
    visits: int = 1,
    place: str = "",
    phone: str = "",
) -> str:
    """Declare one handling item and return its code (the bundles refer to it)."""
    d = DEPT[dept]
    tcode = TYPE_CODES[item_type]
    seqs = _main_seq[(region, dept, tcode)]
    seqs.setdefault(main_name, len(seqs) + 1)
    main_code = f"{region}-{d.prefix}-{tcode}-{seqs[main_name]:03d}"
    letter, sub_name = sub or ("A", main_name)
    sub_code = f"{main_code}-{letter}"
    assert _sub_names.setdefault(sub_code, sub_name) == sub_name, sub_code
    _handling_seq[main_code] += 1
    code = f"{main_code}-{_handling_seq[main_code]:02d}"
    district = region != CITY
    if situations is None:
        situations = [sit("S1", DEFAULT_SITUATION[handling], *conditions)]
    on_the_spot = promised == 0
    ITEMS.append(
        {
            "code": code,
            "name": name,
            "main_code": main_code,
            "main_name": main_name,
            "sub_code": sub_code,
            "sub_name": sub_name,
            "handling_type": handling,
            "item_type": item_type,
            "department": dept,
            "implementing_body": body or (d.district_body() if district else d.name),
            "exercise_level": level,
            "region_code": region,
            "legal_basis": basis,
            "service_object": list(objects),
            "situations": situations,
            "materials": materials,
            "steps": flow(promised, kind, extra),
            "legal_days": legal,
            "promised_days": promised,
            "on_the_spot": on_the_spot,
            "fee_basis": fee[0],
            "fee_standard": fee[1],
            "place": place or (f"{ZHANGDIAN_HALL}{d.short}窗口" if district else f"{CITY_HALL}{d.window}"),
            "hours": HOURS,
            "phone": phone or (d.district_phone if district else d.phone),
            "complaint_phone": COMPLAINT_PHONE,
            "result_name": result,
            "result_sample": f"{result}（样本）" if result else "",
            "result_validity": validity,
            "online": online,
            "online_url": f"{ONLINE_BASE}{code}" if online else "",
            "visits": visits if online else max(visits, 1),  # offline items need the applicant on site
            "faq": [{"q": q, "a": a} for q, a in faq],
            "keywords": list(keywords),
        }
    )
    return code


# ---------------------------------------------------------------------------
# 市场监管
# ---------------------------------------------------------------------------

FOOD_BASIS = "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）"
REGISTRATION_BASIS = "《中华人民共和国市场主体登记管理条例》；《中华人民共和国市场主体登记管理条例实施细则》"


def operator_id(**kw: Any) -> dict[str, Any]:
    """Identity of the 经营者 or 法定代表人: one key for every item of 开饭店."""
    return id_card("operator_id", "经营者（法定代表人、负责人）", **kw)


def market_items() -> dict[str, str]:
    c: dict[str, str] = {}
    food = dict(
        dept="scjg", main_name="食品经营许可", sub=("A", "食品经营许可（县级）"), item_type="行政许可",
        basis=FOOD_BASIS, objects=("自然人", "法人"), level="县", region=ZHANGDIAN, result="食品经营许可证",
        validity="5年", legal=10,
    )
    c["food_new"] = add(
        name="食品经营许可（新设）", handling="新设", promised=3, visits=1, **food,
        situations=[
            sit("S1", "仅销售预包装食品（含保健食品等特殊食品）",
                "具有与经营的食品品种、数量相适应的经营场所，并与有毒、有害场所以及其他污染源保持规定的距离",
                "有专职或者兼职的食品安全管理人员和保证食品安全的规章制度",
                "销售婴幼儿配方乳粉、保健食品等特殊食品的，设专区或者专柜"),
            sit("S2", "含热食类食品制售",
                "有与制售热食类食品相适应的加工操作场所，粗加工、切配、烹饪、餐用具清洗消毒等区域布局合理",
                "具有消毒、更衣、盥洗、通风、防尘、防蝇、防鼠、防虫、处理废水和存放垃圾的设备设施",
                "主要负责人和食品安全管理人员经食品安全知识培训并考核合格"),
        ],
        materials=[
            apply_form("food_apply", "食品经营许可申请书", FOOD_BASIS),
            business_licence(),
            operator_id(),
            premises(),
            mat("food_rules", "食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等规章制度",
                basis="《食品经营许可和备案管理办法》第十二条", sample="《食品安全管理制度》参考文本",
                pending_allowed=True),
            mat("food_layout", "与食品经营相适应的主要设备设施、经营布局、操作流程等文件（含平面布局图）",
                basis="《食品经营许可和备案管理办法》第十二条", sample="餐饮服务经营场所平面布局图示例", situations=("S2",),
                pending_allowed=True),
            agent_power(),
        ],
        extra=(("现场核查", 3),),
        faq=[
            ("开一家小饭店，是先办营业执照还是先办食品经营许可？", "先取得营业执照，再申请食品经营许可；在“开饭店一件事”窗口可一次提交，两证同步办理。"),
            ("只卖包装好的饮料和零食也要办许可吗？", "仅销售预包装食品的实行备案管理；同时销售保健食品、婴幼儿配方乳粉等特殊食品的，按本事项申请许可。"),
            ("现场核查的时间算在承诺时限里吗？", "不算。现场核查时间不计入办理时限，核查人员会提前电话预约。"),
        ],
        keywords=("开饭店", "开餐馆", "开超市", "食品许可证", "卖熟食", "开小吃店"),
    )
    c["food_change"] = add(
        name="食品经营许可（变更）", handling="变更", promised=2, visits=0, **food,
        conditions=("食品经营许可证载明的许可事项发生变化，在变化后10个工作日内提出申请",
                    "经营场所发生迁移的，应当重新申请食品经营许可，不适用本事项"),
        materials=[
            apply_form("food_change_apply", "食品经营许可变更申请书", FOOD_BASIS),
            old_licence("old_food_licence", "食品经营许可证"),
            business_licence(),
            mat("change_proof", "与变更事项有关的材料（如新任负责人身份证件、变更后的布局图）",
                basis="《食品经营许可和备案管理办法》第二十八条"),
        ],
        faq=[("饭店换了负责人需要重新办证吗？", "不需要重新办证，申请变更即可，一般2个工作日内办结，可网上办理。")],
        keywords=("食品许可证变更", "饭店换负责人", "餐馆改名"),
    )
    c["food_renew"] = add(
        name="食品经营许可（延续）", handling="延续", promised=3, visits=0, **food,
        conditions=("在食品经营许可有效期届满前90个工作日至15个工作日期间提出延续申请",
                    "经营条件未发生重大变化，仍符合许可条件"),
        materials=[
            apply_form("food_renew_apply", "食品经营许可延续申请书", FOOD_BASIS),
            old_licence("old_food_licence", "食品经营许可证"),
            mat("condition_statement", "经营条件是否发生变化的书面说明", basis="《食品经营许可和备案管理办法》第三十一条",
                sample="《经营条件未发生变化承诺书》示范文本"),
        ],
        faq=[("食品经营许可证过期了还能延续吗？", "有效期届满后不能延续，需要按新设重新申请；请在到期前15个工作日前提交延续申请。")],
        keywords=("食品许可证到期", "续证", "食品许可证延期"),
    )
    c["food_cancel"] = add(
        name="食品经营许可（注销）", handling="注销", promised=0, visits=0, **food,
        conditions=("食品经营者主动申请注销，或食品经营许可被撤回、撤销、营业执照被吊销的",),
        materials=[
            apply_form("food_cancel_apply", "食品经营许可注销申请书", FOOD_BASIS),
            old_licence("old_food_licence", "食品经营许可证"),
        ],
        faq=[("饭店关门了，食品经营许可证要注销吗？", "需要。停止经营后30个工作日内申请注销，网上提交即可当场办结。")],
        keywords=("饭店不干了", "食品许可证注销", "关店"),
    )

    company = dict(dept="scjg", main_name="企业登记", item_type="行政许可", objects=("自然人", "法人"),
                   basis=f"《中华人民共和国公司法》；{REGISTRATION_BASIS}", result="营业执照",
                   validity="长期有效（营业期限以执照载明为准）", legal=3)
    c["company_new"] = add(
        name="企业设立登记", handling="新设", promised=0, visits=0, sub=("A", "企业设立登记"), **company,
        situations=[
            sit("S1", "有限责任公司",
                "股东人数为五十人以下，股东依法认缴出资",
                "有自主申报的公司名称、住所和依法制定的公司章程",
                "有公司组织机构，法定代表人由代表公司执行公司事务的董事或者经理担任"),
            sit("S2", "个人独资企业",
                "投资人为一个自然人，以其个人财产对企业债务承担无限责任",
                "有合法的企业名称、投资人申报的出资、固定的生产经营场所和必要的从业人员"),
            sit("S3", "合伙企业",
                "有二个以上合伙人，普通合伙人为完全民事行为能力人",
                "有书面合伙协议、合伙人认缴或者实际缴付的出资和生产经营场所"),
        ],
        materials=[
            apply_form("company_apply", "公司登记（备案）申请书", REGISTRATION_BASIS, situations=("S1",)),
            apply_form("sole_apply", "个人独资企业登记（备案）申请书", REGISTRATION_BASIS, situations=("S2",)),
            apply_form("partner_apply", "合伙企业登记（备案）申请书", REGISTRATION_BASIS, situations=("S3",)),
            mat("articles", "公司章程", basis="《中华人民共和国公司法》第四十六条", sample="《有限责任公司章程》参考文本", situations=("S1",)),
            mat("shareholder_id", "股东主体资格证明（自然人股东身份证件或法人股东营业执照）", form="电子",
                source="部门共享", basis=E_LICENCE_BASIS, situations=("S1",)),
            mat("partner_agreement", "全体合伙人签署的合伙协议", basis="《中华人民共和国合伙企业法》第十四条",
                sample="《合伙协议》参考文本", situations=("S3",)),
            legal_rep_id(),
            premises(),
            agent_power(),
        ],
        faq=[
            ("注册公司需要验资吗？", "不需要。注册资本实行认缴登记制，股东按章程约定的期限缴足（一般不超过五年）。"),
            ("营业执照多久能拿到？", "材料齐全、符合法定形式的当场办结；全程网办的可选择免费邮寄或下载电子营业执照。"),
            ("开饭店注册公司还是个体户好？", "规模小、一人或家庭经营可办个体工商户；有合伙人或需要对外融资的可设立公司。两者都可在“开饭店一件事”中办理。"),
        ],
        keywords=("开公司", "注册公司", "办执照", "营业执照", "开饭店", "公司注册"),
    )
    c["company_change"] = add(
        name="企业变更登记", handling="变更", promised=1, visits=0, sub=("B", "企业变更登记"), **company,
        situations=[
            sit("S1", "名称、住所、经营范围等一般事项变更", "变更事项经股东会（股东、投资人、合伙人）决议或决定"),
            sit("S2", "法定代表人变更", "新任法定代表人符合任职资格，不属于失信被执行人等限制情形"),
            sit("S3", "注册资本或股东（投资人）变更", "股权转让或增减资已依法履行内部决议程序，减资的已依法公告"),
        ],
        materials=[
            apply_form("company_change_apply", "企业变更登记（备案）申请书", REGISTRATION_BASIS),
            mat("resolution", "股东会决议或股东决定（投资人决定、合伙人决议）", basis="《中华人民共和国公司法》第五十九条",
                sample="《股东会决议》参考文本"),
            mat("new_articles", "修改后的公司章程或章程修正案", basis="《中华人民共和国公司法》第五十九条", situations=("S1", "S3")),
            id_card("new_rep_id", "新任法定代表人", situations=("S2",)),
            mat("equity_agreement", "股权转让协议或增资、减资相关文件", situations=("S3",),
                basis="《中华人民共和国公司法》第八十四条"),
            business_licence(),
        ],
        faq=[
            ("公司换地址要先办什么？", "跨登记机关迁移住所的，先向迁入地登记机关申请变更登记，档案由登记机关内部调转，不需要企业自己跑。"),
            ("换法人需要本人到场吗？", "新任法定代表人通过“山东省市场主体登记全程电子化平台”实名认证、电子签名即可，无需到场。"),
        ],
        keywords=("公司变更", "改公司名", "换法人", "公司迁址"),
    )
    c["company_cancel"] = add(
        name="企业注销登记", handling="注销", promised=1, visits=0, sub=("C", "企业注销登记"), **company,
        situations=[
            sit("S1", "一般注销", "已依法成立清算组并完成清算，清算报告经股东会确认", "已结清税款，取得清税信息"),
            sit("S2", "简易注销", "未发生债权债务或者已将债权债务清偿完结", "未发生或已结清清偿费用、职工工资、社会保险费用、法定补偿金和应缴纳税款",
                "经国家企业信用信息公示系统公示20日期满无异议"),
        ],
        materials=[
            apply_form("company_cancel_apply", "企业注销登记申请书", REGISTRATION_BASIS),
            mat("liquidation_report", "经确认的清算报告", basis="《中华人民共和国公司法》第二百三十九条", situations=("S1",)),
            mat("tax_clearance", "清税证明", form="电子", source="部门共享", basis="《中华人民共和国税收征收管理法实施细则》第十五条"),
            mat("simple_cancel_pledge", "全体投资人承诺书", basis="《中华人民共和国市场主体登记管理条例》第三十三条",
                sample="《全体投资人承诺书》示范文本", situations=("S2",)),
            business_licence(),
        ],
        extra=(("简易注销公示", 20),),
        faq=[("简易注销要等多久？", "在国家企业信用信息公示系统公示20日，期满无异议后1个工作日内办结；公示期不计入承诺时限。")],
        keywords=("注销公司", "公司不干了", "关公司"),
    )

    gt = dict(dept="scjg", main_name="个体工商户登记", item_type="行政许可", objects=("自然人",), level="县",
              region=ZHANGDIAN, basis=f"《促进个体工商户发展条例》；{REGISTRATION_BASIS}", result="营业执照（个体工商户）",
              legal=3)
    c["gt_new"] = add(
        name="个体工商户注册登记", handling="新设", promised=0, visits=0, **gt,
        situations=[
            sit("S1", "个人经营", "经营者为有经营能力的公民", "有固定的经营场所，经营范围不属于法律法规禁止的项目"),
            sit("S2", "家庭经营", "以家庭共有财产投资或由家庭成员共同经营", "参加经营的家庭成员姓名一并登记"),
        ],
        materials=[
            apply_form("gt_apply", "个体工商户登记（备案）申请书", REGISTRATION_BASIS),
            operator_id(),
            premises(),
            mat("family_proof", "参加经营的家庭成员身份证件及家庭关系证明（户口簿或结婚证）", form="电子",
                source="部门共享", basis=E_LICENCE_BASIS, situations=("S2",)),
            agent_power(),
        ],
        faq=[
            ("个体户可以没有字号吗？", "可以。个体工商户可以不使用名称，执照上名称栏显示为“*”。"),
            ("在家里开网店需要办执照吗？", "个人利用自己的技能从事依法无须取得许可的便民劳务活动和零星小额交易的可以不登记；需要登记的可将网络经营场所作为经营场所。"),
        ],
        keywords=("开饭店", "个体户", "开小店", "办执照", "营业执照", "个体执照"),
    )
    c["gt_change"] = add(
        name="个体工商户变更登记", handling="变更", promised=0, visits=0, **gt,
        situations=[
            sit("S1", "名称、经营范围、经营场所变更", "变更后的经营场所具备经营条件，经营范围不属于禁止项目"),
            sit("S2", "变更经营者", "原经营者与新经营者协商一致，新经营者为有经营能力的公民"),
        ],
        materials=[
            apply_form("gt_change_apply", "个体工商户变更登记（备案）申请书", REGISTRATION_BASIS),
            business_licence(),
            id_card("new_operator_id", "新经营者", situations=("S2",)),
            mat("operator_agreement", "原经营者与新经营者的变更协议", basis="《促进个体工商户发展条例》第十三条", situations=("S2",)),
        ],
        faq=[("个体户转给亲戚经营，要先注销再重新办吗？", "不用。2022年起个体工商户可以直接变更经营者，原有的字号、许可证可以延续使用。")],
        keywords=("个体户变更", "换经营者", "个体执照改名"),
    )
    c["gt_cancel"] = add(
        name="个体工商户注销登记", handling="注销", promised=0, visits=0, **gt,
        situations=[
            sit("S1", "一般注销", "已结清税款和其他债务"),
            sit("S2", "简易注销", "未发生债权债务或者已将债权债务清偿完结，无未结清税款"),
        ],
        materials=[
            apply_form("gt_cancel_apply", "个体工商户注销登记申请书", REGISTRATION_BASIS),
            business_licence(),
            mat("tax_clearance", "清税证明", form="电子", source="部门共享",
                basis="《中华人民共和国税收征收管理法实施细则》第十五条", situations=("S1",)),
        ],
        faq=[("个体户注销还要公示吗？", "个体工商户简易注销无需公示，网上申请后当场办结。")],
        keywords=("个体户注销", "小店不干了", "注销执照"),
    )

    drug = dict(dept="scjg", main_name="药品经营许可（零售）", item_type="行政许可", objects=("法人",), level="县",
                region=ZHANGDIAN, basis="《中华人民共和国药品管理法》第五十一条、第五十二条；《药品经营和使用质量监督管理办法》",
                result="药品经营许可证", validity="5年")
    c["drug_new"] = add(
        name="药品零售许可（新设）", handling="新设", legal=20, promised=10, visits=1, **drug,
        situations=[
            sit("S1", "零售单体药店",
                "有依法经过资格认定的执业药师或者其他药学技术人员",
                "有与所经营药品相适应的营业场所、设备、陈列和仓储设施以及卫生环境",
                "有保证药品质量的规章制度，符合药品经营质量管理规范（GSP）要求"),
            sit("S2", "零售连锁门店", "连锁总部已取得药品经营许可，门店纳入总部统一质量管理体系",
                "门店配备执业药师，营业场所符合总部统一标准"),
        ],
        materials=[
            apply_form("drug_apply", "药品经营许可证申请表（零售）", "《药品经营和使用质量监督管理办法》第十二条"),
            business_licence(),
            legal_rep_id(),
            premises(),
            mat("pharmacist_cert", "执业药师注册证", form="电子", source="部门共享", basis=E_LICENCE_BASIS),
            mat("drug_layout", "营业场所、仓库平面布置图及设施设备清单", basis="《药品经营和使用质量监督管理办法》第十二条"),
            mat("quality_rules", "药品质量管理制度文件目录", basis="《药品经营质量管理规范》"),
            mat("chain_authorization", "连锁总部出具的门店纳入统一管理的证明", situations=("S2",),
                basis="《药品经营和使用质量监督管理办法》第十二条"),
        ],
        extra=(("现场核查", 5),),
        faq=[
            ("开药店必须有执业药师吗？", "必须。零售药店应当配备执业药师，负责处方审核和合理用药指导。"),
            ("药店离另一家药店多远才能开？", "我市已取消药店间距限制，符合条件即可申请。"),
        ],
        keywords=("开药店", "药店许可证", "卖药", "药品经营许可证"),
    )
    c["drug_change"] = add(
        name="药品零售许可（变更）", handling="变更", legal=15, promised=5, visits=0, **drug,
        situations=[
            sit("S1", "许可事项变更（经营地址、经营范围）", "变更后的条件符合药品经营质量管理规范要求"),
            sit("S2", "登记事项变更（企业名称、法定代表人、负责人）", "营业执照已先行变更"),
        ],
        materials=[
            apply_form("drug_change_apply", "药品经营许可证变更申请表", "《药品经营和使用质量监督管理办法》第二十一条"),
            old_licence("old_drug_licence", "药品经营许可证"),
            business_licence(),
            mat("drug_layout", "营业场所、仓库平面布置图及设施设备清单", basis="《药品经营和使用质量监督管理办法》第十二条",
                situations=("S1",)),
        ],
        extra=(("现场核查", 5),),
        faq=[("药店换地址要重新办证吗？", "不用重新办证，申请许可事项变更，经现场核查合格后换发许可证。")],
        keywords=("药店变更", "药店换地址", "药店增加经营范围"),
    )
    c["device_filing"] = add(
        dept="scjg", main_name="第二类医疗器械经营备案", name="第二类医疗器械经营备案", item_type="行政备案",
        objects=("法人",), level="县", region=ZHANGDIAN, kind="filing", legal=0, promised=0, visits=0,
        basis="《医疗器械监督管理条例》第四十一条；《医疗器械经营监督管理办法》",
        conditions=("有与经营规模和经营范围相适应的经营场所和贮存条件", "有与经营的医疗器械相适应的质量管理制度和质量管理人员"),
        materials=[
            apply_form("device_form", "第二类医疗器械经营备案表", "《医疗器械经营监督管理办法》第十九条"),
            business_licence(),
            legal_rep_id(),
            premises(),
            mat("device_quality", "质量管理制度及质量管理人员身份证明、学历或职称证明", basis="《医疗器械经营监督管理办法》第十九条"),
        ],
        result="第二类医疗器械经营备案凭证",
        faq=[("药店卖血压计、体温计要办什么？", "办理第二类医疗器械经营备案，网上提交当场取得备案凭证；药品零售企业可在开药店时一并办理。")],
        keywords=("卖医疗器械", "医疗器械备案", "卖血压计"),
    )
    c["small_catering"] = add(
        dept="scjg", main_name="食品小作坊、小餐饮登记", name="小餐饮经营登记", sub=("B", "小餐饮经营登记"),
        item_type="其他行政权力", objects=("自然人",), level="县", region=ZHANGDIAN, legal=15, promised=3, visits=1,
        basis="《山东省食品小作坊小餐饮和食品摊点管理条例》第十二条",
        conditions=("有固定经营场所、从业人员较少、经营条件简单", "经营场所面积在50平方米以下，与有毒有害场所保持规定距离",
                    "从业人员取得健康证明"),
        materials=[
            apply_form("small_catering_apply", "小餐饮登记申请书", "《山东省食品小作坊小餐饮和食品摊点管理条例》第十二条"),
            operator_id(),
            business_licence(),
            mat("health_cert", "从业人员健康证明", form="复印件", basis="《中华人民共和国食品安全法》第四十五条"),
        ],
        extra=(("现场核查", 3),),
        result="小餐饮登记证", validity="3年",
        faq=[("夫妻俩开个早餐店办小餐饮登记还是食品经营许可？", "经营场所小、从业人员少、条件简单的办理小餐饮登记；达不到的按食品经营许可办理。")],
        keywords=("开小饭馆", "小吃店", "早餐店", "小餐饮登记证"),
    )
    c["special_equipment"] = add(
        dept="scjg", main_name="特种设备使用登记", name="特种设备使用登记", item_type="行政许可", objects=("法人",),
        legal=15, promised=3, visits=0,
        basis="《中华人民共和国特种设备安全法》第三十三条；《特种设备使用管理规则》（TSG 08-2017）",
        situations=[
            sit("S1", "电梯", "电梯安装监督检验合格", "使用单位明确电梯安全管理人员"),
            sit("S2", "锅炉、压力容器", "设备定期检验合格", "作业人员持有特种设备作业人员证"),
            sit("S3", "场（厂）内专用机动车辆（叉车）", "车辆经监督检验合格", "驾驶人员持有叉车司机作业人员证"),
        ],
        materials=[
            apply_form("equipment_form", "特种设备使用登记表", "《特种设备使用管理规则》"),
            business_licence(),
            mat("product_cert", "产品合格证（含产品数据表）", form="复印件", basis="《特种设备使用管理规则》"),
            mat("inspection_cert", "监督检验证明", form="复印件", basis="《中华人民共和国特种设备安全法》第二十五条"),
        ],
        result="特种设备使用登记证",
        faq=[("新装的电梯没办使用登记能用吗？", "不能。电梯投入使用前或投入使用后30日内必须办理使用登记。")],
        keywords=("电梯登记", "叉车上牌", "锅炉登记"),
    )
    c["food_production"] = add(
        dept="scjg", main_name="食品生产许可", name="食品生产许可（新设）", handling="新设", item_type="行政许可",
        objects=("法人",), legal=20, promised=10, visits=1,
        basis="《中华人民共和国食品安全法》第三十五条；《食品生产许可管理办法》（国家市场监督管理总局令第24号）",
        conditions=("具有与生产的食品品种、数量相适应的食品原料处理和食品加工、包装、贮存等场所",
                    "有与生产的食品相适应的生产设备设施和食品安全管理人员、规章制度",
                    "有合理的设备布局和工艺流程，防止交叉污染"),
        materials=[
            apply_form("food_production_apply", "食品生产许可申请书", "《食品生产许可管理办法》第十三条"),
            business_licence(),
            mat("production_layout", "食品生产加工场所及其周围环境平面图、各功能区间布局平面图", basis="《食品生产许可管理办法》第十三条"),
            mat("process_flow", "食品生产主要设备设施清单及工艺流程图", basis="《食品生产许可管理办法》第十三条"),
        ],
        extra=(("现场核查", 10),),
        result="食品生产许可证", validity="5年",
        faq=[("食品生产许可的现场核查怎么安排？", "受理后组织2名以上核查人员在10个工作日内完成现场核查，核查时间不计入许可时限。")],
        keywords=("开食品厂", "食品SC", "食品生产许可证", "食品加工"),
    )
    return c


# ---------------------------------------------------------------------------
# 税务, 公安
# ---------------------------------------------------------------------------


def handler_id(**kw: Any) -> dict[str, Any]:
    return id_card("handler_id", "经办人", **kw)


def tax_items() -> dict[str, str]:
    c: dict[str, str] = {}
    c["invoice"] = add(
        dept="sw", main_name="发票领用", name="发票申领（新办纳税人首次申领）", item_type="公共服务", objects=("法人", "自然人"),
        level="县", region=ZHANGDIAN, body="国家税务总局淄博市张店区税务局", legal=5, promised=0, visits=0,
        basis="《中华人民共和国发票管理办法》第十五条；《中华人民共和国发票管理办法实施细则》第十五条",
        conditions=("已办理市场主体登记并完成税务信息确认", "已确定办税人员并完成实名认证"),
        materials=[
            business_licence(),
            legal_rep_id(),
            handler_id(),
            mat("invoice_seal", "发票专用章印模", basis="《中华人民共和国发票管理办法》第二十二条"),
        ],
        result="发票（数电发票开票额度）",
        faq=[
            ("新办企业领发票要去税务局吗？", "不用。通过电子税务局或“开办企业一件事”提交，数电发票开票额度自动赋予，当场可开票。"),
            ("发票专用章在哪里刻？", "在政务服务中心企业开办综合窗口一次申请，公章、发票专用章一并刻制，新开办企业首套印章免费。"),
        ],
        keywords=("领发票", "开发票", "发票申领", "数电发票"),
    )
    c["general_taxpayer"] = add(
        dept="sw", main_name="增值税一般纳税人登记", name="增值税一般纳税人登记", item_type="其他行政权力", objects=("法人",),
        level="县", region=ZHANGDIAN, body="国家税务总局淄博市张店区税务局", legal=5, promised=0, visits=0,
        basis="《增值税一般纳税人登记管理办法》（国家税务总局令第43号）",
        situations=[
            sit("S1", "年应税销售额超过小规模纳税人标准", "年应税销售额超过500万元，在申报期结束后15日内办理"),
            sit("S2", "未超过标准自愿登记", "会计核算健全，能够提供准确税务资料"),
        ],
        materials=[
            apply_form("taxpayer_form", "增值税一般纳税人登记表", "《增值税一般纳税人登记管理办法》第五条"),
            business_licence(),
        ],
        result="增值税一般纳税人登记信息（税务事项通知书）",
        faq=[("小规模纳税人可以主动转一般纳税人吗？", "可以。会计核算健全的可以自愿登记为一般纳税人，登记后不得转回小规模纳税人（国家另有规定的除外）。")],
        keywords=("一般纳税人", "转一般纳税人", "开专票"),
    )
    c["deed_tax"] = add(
        dept="sw", main_name="契税申报", name="契税申报缴纳（存量房交易）", item_type="其他行政权力", objects=("自然人", "法人"),
        legal=5, promised=0, visits=1, place=f"{CITY_HALL}一楼E区不动产交易登记税费综合窗口",
        basis="《中华人民共和国契税法》第九条、第十条",
        situations=[
            sit("S1", "家庭唯一住房", "购买家庭唯一住房，面积90平方米及以下的减按1%、以上的减按1.5%征收"),
            sit("S2", "家庭第二套住房", "购买家庭第二套改善性住房，面积90平方米及以下的减按1%、以上的减按2%征收"),
            sit("S3", "非住房", "购买商铺、办公用房等非住房，按3%征收"),
        ],
        materials=[
            mat("house_contract", "存量房买卖合同（网签备案）", form="电子", source="部门共享", basis="《中华人民共和国契税法》第九条"),
            id_card("buyer_id", "买受人"),
            id_card("seller_id", "出卖人"),
            property_cert(),
            mat("family_housing", "家庭住房情况书面查询结果或承诺书", form="电子", source="部门共享",
                basis="《财政部 税务总局 住房城乡建设部关于促进房地产市场平稳健康发展有关税收政策的公告》", situations=("S1", "S2")),
        ],
        result="契税完税凭证",
        faq=[
            ("买二手房契税谁交？", "契税由买受人（承受方）缴纳；卖方涉及的增值税、个人所得税在同一窗口一并申报。"),
            ("交完契税多久能过户？", "在不动产登记综合窗口“一窗受理”，缴税和转移登记同步办理，一般当天办结。"),
        ],
        keywords=("买房交税", "契税", "二手房交税", "过户交税"),
    )
    c["tax_clearance"] = add(
        dept="sw", main_name="清税证明开具", name="清税证明开具", item_type="公共服务", objects=("法人", "自然人"),
        level="县", region=ZHANGDIAN, body="国家税务总局淄博市张店区税务局", legal=20, promised=0, visits=0,
        basis="《中华人民共和国税收征收管理法实施细则》第十五条；《国家税务总局关于进一步优化办理企业税务注销程序的通知》",
        conditions=("已结清应纳税款、滞纳金、罚款", "已缴销发票和税控设备"),
        materials=[
            apply_form("clearance_form", "清税申报表", "《国家税务总局关于进一步优化办理企业税务注销程序的通知》"),
            business_licence(),
        ],
        result="清税证明",
        faq=[("没有欠税的企业注销能即办吗？", "未处于税务检查状态、无欠税（滞纳金）及罚款、已缴销发票的纳税人，采取“承诺制”容缺办理，即时出具清税文书。")],
        keywords=("清税", "注销公司税务", "清税证明"),
    )
    return c


def police_items() -> dict[str, str]:
    c: dict[str, str] = {}
    c["seal"] = add(
        dept="ga", main_name="公章刻制备案", name="公章刻制备案", item_type="行政备案", objects=("法人",), kind="filing",
        legal=1, promised=0, visits=0,
        basis="《国务院关于第六批取消和调整行政审批项目的决定》（国发〔2012〕52号）；《印铸刻字业暨公章刻制治安管理办法》",
        conditions=("已取得营业执照或其他主体资格证明", "选择经公安机关备案的印章刻制企业刻制"),
        materials=[
            business_licence(),
            legal_rep_id(),
            handler_id(),
            apply_form("seal_form", "印章刻制备案申请表", "《印铸刻字业暨公章刻制治安管理办法》"),
        ],
        result="印章及印章备案信息",
        faq=[("刻章要去派出所吗？", "不用。办理营业执照时一并申请，刻章企业直接在系统备案，印章可与执照一起领取或邮寄。"),
            ("刻章要花钱吗？", "新开办企业首套印章（公章、财务章、发票专用章等）由政府购买服务免费刻制。")],
        keywords=("刻章", "刻公章", "公章备案", "刻印章"),
    )
    c["birth_register"] = add(
        dept="ga", main_name="户口登记", name="出生登记", sub=("A", "出生登记"), item_type="行政确认", objects=("自然人",),
        level="县", region=ZHANGDIAN, body="淄博市公安局张店分局（户籍所在地派出所）", legal=10, promised=0, visits=1,
        basis="《中华人民共和国户口登记条例》第七条；《山东省公安厅关于进一步深化户籍制度改革的实施意见》",
        place=f"户籍所在地公安派出所户籍室或{ZHANGDIAN_HALL}户政窗口",
        situations=[
            sit("S1", "婚内生育，随父或随母登记", "婴儿出生后一个月内由父母一方申报", "随其落户的父亲或母亲为本地常住户口"),
            sit("S2", "非婚生育", "能够提供亲子关系证明", "随其落户的父亲或母亲为本地常住户口"),
        ],
        materials=[
            birth_cert(),
            id_card("parent_id", "父母双方"),
            hukou_book("parent_hukou", who="随其落户的父亲或母亲"),
            marriage_cert(situations=("S1",)),
            mat("paternity", "具有资质的鉴定机构出具的亲子鉴定证明", basis="《公安部关于进一步做好无户口人员登记户口工作的意见》",
                situations=("S2",)),
        ],
        result="居民户口簿（新生儿户口页）",
        faq=[
            ("孩子出生多久内要上户口？", "应在出生后一个月内申报出生登记；超过时限的仍可办理，不影响落户。"),
            ("可以不去派出所，在医院就把户口办了吗？", "可以。通过“新生儿出生一件事”，出生医学证明、户口登记、医保参保、社保卡一次申请、网上办理。"),
        ],
        keywords=("上户口", "报户口", "生孩子", "新生儿落户", "出生登记"),
    )
    idcard = dict(dept="ga", main_name="居民身份证申领、换领、补领", item_type="行政确认", objects=("自然人",), level="县",
                  region=ZHANGDIAN, body="淄博市公安局张店分局", legal=60, basis="《中华人民共和国居民身份证法》第八条、第十一条",
                  result="中华人民共和国居民身份证", place=f"户籍所在地公安派出所或{ZHANGDIAN_HALL}户政窗口")
    c["idcard_new"] = add(
        name="居民身份证申领（首次）", online=False, handling="新设", promised=10, visits=1, **idcard,
        conditions=("申请人为本地常住户口的中国公民", "未满十六周岁的由监护人陪同申领"),
        materials=[
            hukou_book(),
            mat("guardian_id", "监护人身份证件（未满十六周岁的）", form="电子", source="部门共享", basis=E_LICENCE_BASIS,
                required=False),
        ],
        fee=("《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）", "工本费20元"),
        validity="未满十六周岁5年；十六至二十五周岁10年；二十六至四十五周岁20年；四十六周岁以上长期",
        faq=[
            ("小孩多大可以办身份证？", "未满十六周岁的公民可以由监护人代为申领，十六周岁以上应当申领。"),
            ("可以邮寄身份证吗？", "可以。受理时选择邮政寄递，制证完成后直接寄到家。"),
        ],
        keywords=("办身份证", "小孩办身份证", "第一次办身份证", "领身份证"),
    )
    c["idcard_renew"] = add(
        name="居民身份证换领（有效期满）", online=False, handling="延续", promised=10, visits=1, **idcard,
        conditions=("居民身份证有效期满或即将满（提前三个月内）", "申请人为本地常住户口，或符合异地受理条件"),
        materials=[mat("old_idcard", "原居民身份证", basis="《中华人民共和国居民身份证法》第十一条")],
        fee=("《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）", "工本费20元"),
        validity="按换领时年龄确定（10年、20年或长期）",
        faq=[("身份证过期了可以在外地换吗？", "可以。居民身份证换领、补领已实现全国通办，可到居住地任一公安户籍窗口办理。")],
        keywords=("换身份证", "身份证过期", "身份证到期"),
    )
    c["passport"] = add(
        dept="ga", main_name="普通护照签发", name="普通护照签发", online=False, item_type="行政许可", objects=("自然人",),
        body="淄博市公安局出入境管理支队", legal=15, promised=7, visits=1, place=f"{CITY_HALL}一楼B区出入境窗口",
        basis="《中华人民共和国护照法》第四条、第五条",
        situations=[
            sit("S1", "首次申请", "申请人为中国公民，不存在法律规定不准出境的情形"),
            sit("S2", "有效期不足六个月换发", "持有的护照有效期不足六个月或签证页即将用完"),
        ],
        materials=[
            apply_form("passport_form", "中国公民出入境证件申请表", "《中华人民共和国护照法》第五条"),
            id_card(),
            photo(),
            mat("old_passport", "原护照", situations=("S2",), basis="《中华人民共和国普通护照和出入境通行证签发管理办法》第十二条"),
        ],
        fee=("《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》（发改价格〔2019〕914号）", "120元/本"),
        result="中华人民共和国普通护照", validity="未满十六周岁5年；十六周岁以上10年",
        faq=[("办护照要带户口本吗？", "不需要。凭居民身份证即可在全国任一出入境窗口申请。")],
        keywords=("办护照", "出国", "护照"),
    )
    return c


# ---------------------------------------------------------------------------
# 卫健, 医保
# ---------------------------------------------------------------------------

HYGIENE_BASIS = "《公共场所卫生管理条例》第八条；《公共场所卫生管理条例实施细则》第二十二条"


def health_items() -> dict[str, str]:
    c: dict[str, str] = {}
    c["birth_cert"] = add(
        dept="wj", main_name="出生医学证明签发", name="出生医学证明（首次签发）", handling="新设", item_type="公共服务",
        objects=("自然人",), body="淄博市卫生健康委员会（委托辖区助产机构签发）", legal=30, promised=0, visits=1,
        basis="《中华人民共和国母婴保健法》第二十三条；《国家卫生健康委关于进一步做好出生医学证明管理工作的通知》",
        place="新生儿出生的助产机构（淄博市妇幼保健院、淄博市中心医院等）出生医学证明签发窗口",
        situations=[
            sit("S1", "在助产机构内出生", "新生儿在本市具有助产技术服务资质的医疗机构内出生", "父母双方或一方持有效身份证件申领"),
            sit("S2", "在助产机构外出生", "新生儿在医疗机构外出生，已完成亲子鉴定", "由出生地所在县（区）指定的签发机构签发"),
        ],
        materials=[
            apply_form("birth_cert_form", "出生医学证明首次签发登记表", "《中华人民共和国母婴保健法》第二十三条"),
            id_card("parent_id", "父母双方"),
            mat("home_birth_proof", "接生人员证明及亲子鉴定证明", basis="《出生医学证明管理办法》", situations=("S2",)),
        ],
        result="出生医学证明",
        faq=[
            ("出生医学证明什么时候办？", "新生儿出院前由父母持身份证件在助产机构申领，当场签发；同时可在医院申请“新生儿出生一件事”。"),
            ("孩子名字没想好能先办出生证吗？", "可以先办理。出生医学证明签发后姓名原则上不再变更，请确定姓名后再申领。"),
        ],
        keywords=("生孩子", "出生证", "新生儿", "出生证明", "办出生证"),
    )
    c["birth_cert_reissue"] = add(
        dept="wj", main_name="出生医学证明签发", name="出生医学证明（换发、补发）", handling="变更", item_type="公共服务",
        objects=("自然人",), body="淄博市卫生健康委员会（淄博市妇幼保健院）", legal=30, promised=5, visits=1,
        basis="《中华人民共和国母婴保健法》第二十三条；《国家卫生健康委关于进一步做好出生医学证明管理工作的通知》",
        place="淄博市妇幼保健院出生医学证明管理窗口（张店区杏园东路66号）",
        situations=[
            sit("S1", "换发（信息有误或证件破损）", "出生医学证明信息登记有误或证件污损、残缺", "交回原出生医学证明"),
            sit("S2", "补发（遗失）", "出生医学证明遗失，新生儿尚未办理出生登记或已办理需补发", "在原签发机构所在地办理"),
        ],
        materials=[
            apply_form("birth_cert_reissue_form", "出生医学证明换发、补发申请表", "《出生医学证明管理办法》"),
            id_card("parent_id", "父母双方"),
            mat("old_birth_cert", "原出生医学证明（换发时交回）", situations=("S1",), basis="《出生医学证明管理办法》"),
            mat("loss_statement", "出生医学证明遗失说明", situations=("S2",), basis="《出生医学证明管理办法》",
                sample="《出生医学证明遗失声明》示范文本"),
        ],
        result="出生医学证明",
        faq=[("出生证丢了还能补吗？", "可以。在原签发机构所在县区的指定机构申请补发，5个工作日内办结。")],
        keywords=("出生证丢了", "补办出生证", "出生证改名"),
    )
    c["vaccination_card"] = add(
        dept="wj", main_name="预防接种证办理", name="预防接种证办理", online=False, item_type="公共服务", objects=("自然人",),
        level="县", region=ZHANGDIAN, body="淄博市张店区卫生健康局（辖区社区卫生服务中心预防接种门诊）", legal=1, promised=0,
        visits=1, kind="service", basis="《中华人民共和国疫苗管理法》第四十七条",
        place="居住地社区卫生服务中心（乡镇卫生院）预防接种门诊",
        conditions=("儿童出生后一个月内由监护人到居住地接种单位建立预防接种证",),
        materials=[birth_cert(), id_card("parent_id", "父母双方")],
        result="预防接种证",
        faq=[("在外地出生的孩子能在淄博打疫苗吗？", "可以。在居住地接种单位办理接种证，按居住地免疫程序接种。")],
        keywords=("打疫苗", "接种证", "疫苗本", "宝宝打针"),
    )
    c["birth_registration"] = add(
        dept="wj", main_name="生育登记服务", name="生育登记", item_type="公共服务", objects=("自然人",), legal=1,
        promised=0, visits=0, kind="service",
        basis="《中华人民共和国人口与计划生育法》；《山东省人口与计划生育条例》第二十条",
        conditions=("夫妻双方或一方户籍在本市，或女方在本市居住", "已怀孕或已生育子女"),
        materials=[id_card("parent_id", "父母双方"), marriage_cert(required=False)],
        result="生育服务登记信息（电子）",
        faq=[("还需要办准生证吗？", "不需要。生育登记网上即可办理，不再需要准生证，不影响出生登记和生育保险待遇。")],
        keywords=("准生证", "生育登记", "怀孕登记", "生孩子"),
    )
    hygiene = dict(dept="wj", main_name="公共场所卫生许可", item_type="行政许可", objects=("法人", "自然人"), level="县",
                   region=ZHANGDIAN, basis=HYGIENE_BASIS, result="公共场所卫生许可证", validity="4年", legal=20)
    c["hygiene_new"] = add(
        name="公共场所卫生许可（新设）", handling="新设", promised=5, visits=1, **hygiene,
        situations=[
            sit("S1", "住宿场所（宾馆、酒店、民宿）", "客房、卫生间、布草间、消毒间布局合理", "卫生检测合格"),
            sit("S2", "沐浴场所、美容美发场所", "设置独立的公共用品用具消毒间（区）", "从业人员持有有效健康合格证明"),
            sit("S3", "游泳场所", "设置强制通过式浸脚消毒池和淋浴设施", "池水水质经检测合格"),
        ],
        materials=[
            apply_form("hygiene_apply", "公共场所卫生许可申请表", HYGIENE_BASIS),
            business_licence(),
            legal_rep_id(),
            mat("hygiene_layout", "经营场所平面图和卫生设施布局图", basis=HYGIENE_BASIS),
            mat("hygiene_test", "公共场所卫生检测或者评价报告", basis=HYGIENE_BASIS),
            mat("health_cert", "从业人员健康证明", form="复印件", basis="《中华人民共和国食品安全法》第四十五条"),
        ],
        extra=(("现场核查", 3), ("检验检测", 5)),
        faq=[
            ("开理发店要办卫生许可证吗？", "需要。美容美发场所应当取得公共场所卫生许可证后方可营业。"),
            ("卫生检测报告去哪里做？", "可委托具有资质的检测机构检测，检测时间不计入办理时限。"),
        ],
        keywords=("开宾馆", "开理发店", "开美容院", "开游泳馆", "卫生许可证"),
    )
    c["hygiene_change"] = add(
        name="公共场所卫生许可（变更）", handling="变更", promised=1, visits=0, **hygiene,
        conditions=("单位名称、法定代表人（负责人）等登记事项发生变化", "经营场所地址、经营项目未发生变化"),
        materials=[
            apply_form("hygiene_change_apply", "公共场所卫生许可变更申请表", HYGIENE_BASIS),
            old_licence("old_hygiene_licence", "公共场所卫生许可证"),
            business_licence(),
        ],
        faq=[("宾馆换老板要重新办卫生许可证吗？", "经营场所和项目不变的，只需办理变更，1个工作日办结。")],
        keywords=("卫生许可证变更", "宾馆换老板", "理发店改名"),
    )
    c["hygiene_renew"] = add(
        name="公共场所卫生许可（延续）", handling="延续", promised=3, visits=0, **hygiene,
        conditions=("在卫生许可证有效期届满30日前提出申请", "卫生条件未发生变化，卫生检测合格"),
        materials=[
            apply_form("hygiene_renew_apply", "公共场所卫生许可延续申请表", HYGIENE_BASIS),
            old_licence("old_hygiene_licence", "公共场所卫生许可证"),
            mat("hygiene_test", "公共场所卫生检测或者评价报告", basis=HYGIENE_BASIS),
        ],
        faq=[("卫生许可证延续要现场检查吗？", "卫生条件未变化并作出承诺的，一般不再现场核查，3个工作日内办结。")],
        keywords=("卫生许可证到期", "卫生许可证延续"),
    )
    c["hospital"] = add(
        dept="wj", main_name="医疗机构执业登记", name="医疗机构执业登记（新设）", handling="新设", item_type="行政许可",
        objects=("法人",), legal=45, promised=15, visits=1,
        basis="《医疗机构管理条例》第十五条；《医疗机构管理条例实施细则》第二十五条",
        situations=[
            sit("S1", "医院（二级及以下）", "符合医疗机构基本标准", "有适合的名称、组织机构和场所，有与开展业务相适应的经费、设施、设备和专业卫生技术人员"),
            sit("S2", "门诊部", "符合门诊部基本标准", "有相应的卫生技术人员和相应的规章制度"),
        ],
        materials=[
            apply_form("hospital_apply", "医疗机构申请执业登记注册书", "《医疗机构管理条例实施细则》第二十五条"),
            business_licence(),
            legal_rep_id(),
            premises(),
            mat("medical_staff", "医疗机构卫生技术人员名录表及执业证书", basis="《医疗机构管理条例实施细则》第二十五条"),
            mat("medical_rules", "医疗机构规章制度及各级各类人员岗位职责", basis="《医疗机构管理条例实施细则》第二十五条"),
        ],
        extra=(("现场核查", 5), ("专家评审", 10)),
        result="医疗机构执业许可证", validity="5年",
        faq=[("开门诊部需要先设置审批吗？", "除三级医院等外，设置审批与执业登记合并办理，直接申请执业登记。")],
        keywords=("开医院", "开门诊部", "医疗机构执业许可证"),
    )
    c["clinic"] = add(
        dept="wj", main_name="诊所备案", name="诊所备案", item_type="行政备案", objects=("自然人", "法人"), level="县",
        region=ZHANGDIAN, kind="filing", legal=0, promised=0, visits=1,
        basis="《医疗机构管理条例》第十条；《诊所备案管理暂行办法》（国卫医政发〔2022〕33号）",
        situations=[
            sit("S1", "西医（综合）诊所", "主要负责人取得医师执业证书并经执业注册后从事5年以上同一专业临床工作",
                "符合《诊所基本标准》规定的房屋、设备和人员要求"),
            sit("S2", "中医诊所", "举办人取得中医（专长）医师资格证书并注册", "符合《中医诊所基本标准》"),
        ],
        materials=[
            apply_form("clinic_form", "诊所备案信息表", "《诊所备案管理暂行办法》第八条"),
            operator_id(),
            premises(),
            mat("doctor_cert", "诊所主要负责人医师执业证书", form="电子", source="部门共享", basis=E_LICENCE_BASIS),
            mat("clinic_rules", "诊所规章制度、诊疗科目和设备清单", basis="《诊所备案管理暂行办法》第八条"),
        ],
        result="诊所备案凭证",
        faq=[("开诊所还要审批吗？", "不需要。诊所实行备案管理，材料齐全当场发放备案凭证，备案后30日内接受现场核查。")],
        keywords=("开诊所", "个体诊所", "中医诊所", "诊所备案"),
    )
    return c


RESIDENT_INSURANCE_BASIS = "《中华人民共和国社会保险法》第二十五条；《淄博市居民基本医疗保险实施办法》"


def medical_insurance_items() -> dict[str, str]:
    c: dict[str, str] = {}
    resident = dict(dept="yb", main_name="城乡居民基本医疗保险参保登记", item_type="公共服务", objects=("自然人",),
                    basis=RESIDENT_INSURANCE_BASIS, legal=5, promised=0, visits=0, kind="service",
                    result="城乡居民基本医疗保险参保信息", validity="按年度参保缴费")
    c["newborn_insurance"] = add(
        name="城乡居民医保参保登记（新生儿）", sub=("A", "城乡居民医保参保登记（新生儿）"), **resident,
        conditions=("新生儿父母一方为本市参保人或户籍在本市", "出生后90日内参保缴费的，自出生之日起享受居民医保待遇"),
        materials=[birth_cert(), mat("newborn_hukou", "新生儿居民户口簿（已落户）", form="电子", source="部门共享",
                                     basis=E_LICENCE_BASIS), id_card("parent_id", "父母双方")],
        faq=[
            ("宝宝出生多久内交医保可以报销住院费？", "出生后90日内参保缴费的，出生之日起发生的医疗费用可按规定报销。"),
            ("还没上户口能先参保吗？", "可以。凭出生医学证明和父母身份证件先行参保，落户后系统自动更新信息。"),
        ],
        keywords=("生孩子", "新生儿医保", "宝宝医保", "小孩医保"),
    )
    c["resident_insurance"] = add(
        name="城乡居民医保参保登记（一般居民）", sub=("B", "城乡居民医保参保登记（一般居民）"), **resident,
        conditions=("本市户籍或持本市居住证的城乡居民", "未参加职工基本医疗保险"),
        materials=[id_card(), hukou_book(required=False)],
        faq=[("居民医保什么时候交？", "每年9月至12月集中缴纳次年费用，可在“爱山东”APP、银行网点或村（社区）便民服务站缴纳。")],
        keywords=("居民医保", "交医保", "农村合作医疗", "新农合"),
    )
    c["employer_insurance"] = add(
        dept="yb", main_name="职工基本医疗保险参保登记", name="用人单位医疗保险参保登记", item_type="公共服务",
        objects=("法人",), legal=5, promised=0, visits=0, kind="service",
        basis="《中华人民共和国社会保险法》第五十七条、第五十八条",
        conditions=("用人单位自成立之日起30日内申请", "已取得营业执照"),
        materials=[business_licence(), legal_rep_id(),
                   mat("bank_account", "单位银行结算账户信息", basis="《社会保险费征缴暂行条例》", form="电子", source="部门共享")],
        result="单位医疗保险参保登记信息",
        faq=[("新公司医保和养老保险要分开登记吗？", "不用。通过“开办企业一件事”一次提交，人社、医保参保登记同步完成。")],
        keywords=("公司交医保", "单位参保", "医保开户"),
    )
    c["remote_medical"] = add(
        dept="yb", main_name="异地就医备案", name="基本医疗保险跨省异地就医备案", item_type="公共服务", objects=("自然人",),
        legal=1, promised=0, visits=0, kind="service",
        basis="《国家医保局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》（医保发〔2022〕22号）",
        situations=[
            sit("S1", "异地长期居住（含异地安置退休、常驻异地工作）", "在备案地长期居住或工作"),
            sit("S2", "临时外出就医（转诊、急诊）", "经本市定点医疗机构转诊或在异地急诊抢救"),
        ],
        materials=[id_card(), mat("residence_pledge", "个人承诺书", basis="医保发〔2022〕22号",
                                  sample="《跨省异地长期居住人员备案承诺书》示范文本", situations=("S1",))],
        result="异地就医备案信息",
        faq=[("去外地看病能直接刷医保卡吗？", "办理异地就医备案后，在备案地开通直接结算的定点医院可直接刷卡结算。")],
        keywords=("异地就医", "外地看病", "异地报销"),
    )
    c["pharmacy_designation"] = add(
        dept="yb", main_name="医药机构定点申请", name="定点零售药店申请", item_type="公共服务", objects=("法人",),
        legal=65, promised=30, visits=1, basis="《零售药店医疗保障定点管理暂行办法》（国家医疗保障局令第3号）",
        conditions=("在注册地址正式经营至少3个月", "至少有1名取得执业药师资格证书的药学技术人员", "已建立医保药品管理制度和信息系统"),
        materials=[
            apply_form("pharmacy_designation_form", "定点零售药店申请表", "国家医疗保障局令第3号第七条"),
            business_licence(),
            mat("drug_licence", "药品经营许可证", form="电子", source="部门共享", basis=E_LICENCE_BASIS),
            mat("pharmacist_cert", "执业药师注册证", form="电子", source="部门共享", basis=E_LICENCE_BASIS),
        ],
        extra=(("现场评估", 10),),
        result="医疗保障定点协议",
        faq=[("药店开业多久能申请医保定点？", "正式营业满3个月后可以申请，评估时间不计入承诺时限。")],
        keywords=("药店医保定点", "医保刷卡", "定点药店"),
    )
    c["maternity"] = add(
        dept="yb", main_name="生育保险待遇申领", name="生育津贴申领", item_type="行政给付", objects=("自然人", "法人"),
        legal=20, promised=5, visits=0, kind="service", basis="《中华人民共和国社会保险法》第五十四条、第五十六条",
        conditions=("用人单位为职工缴纳了生育保险费", "职工符合生育政策，生育或终止妊娠后享受产假"),
        materials=[id_card(), birth_cert(required=False),
                   mat("leave_proof", "用人单位出具的产假证明", basis="《女职工劳动保护特别规定》第七条")],
        result="生育津贴", validity="一次性发放",
        faq=[("生育津贴发给个人还是单位？", "生育津贴按规定拨付至用人单位，由单位按月足额支付给职工；单位已垫付工资的可冲抵。")],
        keywords=("生育津贴", "生孩子报销", "产假工资"),
    )
    c["retiree_insurance"] = add(
        dept="yb", main_name="职工医保退休人员待遇核定", name="职工医保退休人员缴费年限核定", item_type="公共服务",
        objects=("自然人",), legal=10, promised=3, visits=0, kind="service",
        basis="《中华人民共和国社会保险法》第二十七条；《淄博市职工基本医疗保险实施办法》",
        conditions=("已办理基本养老保险退休手续", "职工医保累计缴费年限男满25年、女满20年，其中本市实际缴费满10年"),
        materials=[id_card(), mat("retirement_approval", "退休审批表", form="电子", source="部门共享", basis=E_LICENCE_BASIS)],
        result="退休人员医保待遇享受资格",
        faq=[("医保缴费年限不够怎么办？", "可以按规定一次性补缴不足年限的医保费用，补足后享受退休人员医保待遇。")],
        keywords=("退休医保", "医保年限", "退休人员医保"),
    )
    return c


# ---------------------------------------------------------------------------
# 人社, 民政
# ---------------------------------------------------------------------------

SOCIAL_INSURANCE_BASIS = "《中华人民共和国社会保险法》第五十七条、第五十八条；《社会保险费征缴暂行条例》"


def labour_items() -> dict[str, str]:
    c: dict[str, str] = {}
    c["employee_insurance"] = add(
        dept="rs", main_name="社会保险登记", name="职工参保登记", item_type="公共服务", objects=("法人",),
        legal=5, promised=0, visits=0, kind="service", basis=SOCIAL_INSURANCE_BASIS,
        situations=[
            sit("S1", "新开办单位首次参保", "用人单位自成立之日起30日内申请办理社会保险登记", "已取得营业执照"),
            sit("S2", "已参保单位职工增员", "用人单位自用工之日起30日内为职工办理参保登记"),
        ],
        materials=[
            business_licence(),
            legal_rep_id(situations=("S1",)),
            mat("employee_list", "参保职工花名册（姓名、身份证号码、用工时间、缴费基数）",
                basis=SOCIAL_INSURANCE_BASIS, sample="《参保职工花名册》模板"),
            mat("bank_account", "单位银行结算账户信息", basis="《社会保险费征缴暂行条例》", form="电子", source="部门共享",
                situations=("S1",)),
        ],
        result="社会保险登记信息及职工参保记录",
        faq=[
            ("公司刚成立还没招人，要办社保登记吗？", "需要在成立后30日内办理单位社会保险登记；招用职工后30日内为职工办理参保。"),
            ("社保登记和医保登记是一起办吗？", "是。通过“开办企业一件事”一次提交，养老、工伤、失业和医疗保险登记同步完成。"),
        ],
        keywords=("交社保", "公司交社保", "员工参保", "社保开户"),
    )
    c["social_card"] = add(
        dept="rs", main_name="社会保障卡服务", name="社会保障卡申领", item_type="公共服务", objects=("自然人",),
        legal=10, promised=0, visits=1, kind="service",
        basis="《中华人民共和国社会保险法》第五十八条；《社会保障卡管理办法》",
        situations=[
            sit("S1", "成年人首次申领", "已参加本市社会保险或持有本市户籍、居住证"),
            sit("S2", "新生儿申领", "新生儿已办理出生登记或出生医学证明", "由父母或其他监护人代为申领"),
        ],
        materials=[
            id_card(situations=("S1",)),
            birth_cert(situations=("S2",)),
            mat("newborn_hukou", "新生儿居民户口簿（已落户）", form="电子", source="部门共享", basis=E_LICENCE_BASIS,
                situations=("S2",), required=False),
            id_card("parent_id", "父母双方", situations=("S2",)),
            mat("card_photo", "社会保障卡照片（调用公安制证照片，无需另行提供）", form="电子", source="部门共享",
                basis="《社会保障卡管理办法》"),
        ],
        result="社会保障卡（第三代）", validity="10年",
        faq=[
            ("社保卡能当场拿到吗？", "在市、区县政务服务中心和合作银行的即时制卡网点，材料齐全的当场制卡。"),
            ("宝宝的社保卡怎么办？", "通过“新生儿出生一件事”一并申请，制卡后免费邮寄到家。"),
        ],
        keywords=("办社保卡", "社保卡", "宝宝社保卡", "医保卡"),
    )
    employment = dict(dept="rs", item_type="公共服务", objects=("自然人",), level="县", region=ZHANGDIAN,
                      legal=5, promised=0, visits=0, kind="service")
    c["employment"] = add(
        main_name="就业登记", name="就业登记", **employment,
        basis="《中华人民共和国就业促进法》；《就业服务与就业管理规定》第六十二条",
        conditions=("劳动者被用人单位招用或从事个体经营、灵活就业", "用人单位自录用之日起30日内办理"),
        materials=[id_card(), mat("labour_contract", "劳动合同或用工证明", basis="《就业服务与就业管理规定》第六十二条")],
        result="就业登记信息",
        faq=[("灵活就业也能办就业登记吗？", "可以。灵活就业人员可在“爱山东”APP自行登记。")],
        keywords=("就业登记", "上班登记", "灵活就业"),
    )
    c["unemployment"] = add(
        main_name="失业登记", name="失业登记", **employment,
        basis="《中华人民共和国就业促进法》；《就业服务与就业管理规定》第六十三条",
        conditions=("法定劳动年龄内、有劳动能力、有就业要求、处于无业状态", "在常住地办理"),
        materials=[id_card(), mat("termination_proof", "解除或终止劳动关系证明（有的提供）", required=False,
                                  basis="《就业服务与就业管理规定》第六十三条")],
        result="就业创业证（电子）",
        faq=[("失业登记有什么用？", "登记后可享受职业介绍、职业培训、创业补贴等公共就业服务，符合条件的可申领失业保险金。")],
        keywords=("失业", "没工作了", "失业登记"),
    )
    c["unemployment_benefit"] = add(
        dept="rs", main_name="失业保险金申领", name="失业保险金申领", item_type="行政给付", objects=("自然人",),
        level="县", region=ZHANGDIAN, legal=10, promised=1, visits=0, kind="service",
        basis="《中华人民共和国社会保险法》第四十五条；《失业保险条例》第十四条",
        conditions=("失业前用人单位和本人已经缴纳失业保险费满一年", "非因本人意愿中断就业", "已经进行失业登记，并有求职要求"),
        materials=[id_card(), mat("termination_proof", "解除或终止劳动关系证明（有的提供）", required=False,
                                  basis="《就业服务与就业管理规定》第六十三条")],
        result="失业保险金", validity="按缴费年限确定，最长24个月",
        faq=[
            ("被公司辞退了能领失业金吗？", "非本人意愿中断就业、失业保险缴费满1年的可以领取，网上申请即可。"),
            ("领失业金期间医保怎么办？", "领取失业保险金期间的职工医保费由失业保险基金代缴。"),
        ],
        keywords=("失业金", "领失业金", "失业", "被辞退"),
    )
    c["retirement"] = add(
        dept="rs", main_name="职工退休审批", name="职工正常退休（职）申请", item_type="行政确认", objects=("自然人", "法人"),
        legal=20, promised=5, visits=0,
        basis="《国务院关于渐进式提高法定退休年龄的决定》；《中华人民共和国社会保险法》第十六条",
        situations=[
            sit("S1", "达到法定退休年龄正常退休", "达到按渐进式延迟退休办法确定的法定退休年龄",
                "基本养老保险累计缴费达到最低缴费年限"),
            sit("S2", "弹性提前退休", "距法定退休年龄不超过3年，本人自愿申请", "基本养老保险累计缴费达到最低缴费年限"),
            sit("S3", "弹性延迟退休", "达到法定退休年龄，本人与用人单位协商一致", "延迟时间最长不超过3年"),
        ],
        materials=[
            apply_form("retirement_form", "职工退休（职）申请表", "《中华人民共和国社会保险法》第十六条"),
            id_card(),
            mat("personnel_file", "职工人事档案", basis="《企业职工档案管理规定》", sample="无（由档案保管机构调取）"),
        ],
        result="退休审批表", validity="长期有效",
        faq=[
            ("我哪年能退休？", "可在“爱山东”APP“退休年龄计算器”按出生年月和性别查询法定退休年龄。"),
            ("退休要自己跑人社局吗？", "不用。单位或本人网上申请，退休审批、养老金核定、医保待遇核定在“退休一件事”中一次办结。"),
        ],
        keywords=("退休", "办退休", "退休审批", "到龄退休"),
    )
    c["pension"] = add(
        dept="rs", main_name="城镇职工基本养老保险待遇申领", name="城镇职工基本养老保险待遇申领", item_type="行政给付",
        objects=("自然人",), legal=20, promised=5, visits=0, kind="service",
        basis="《中华人民共和国社会保险法》第十六条；《国务院关于完善企业职工基本养老保险制度的决定》",
        conditions=("已办理退休审批", "基本养老保险累计缴费达到最低缴费年限"),
        materials=[
            id_card(),
            mat("retirement_approval", "退休审批表", form="电子", source="部门共享", basis=E_LICENCE_BASIS),
            mat("pension_bank", "本人社会保障卡（金融账户已激活）", form="电子", source="部门共享", basis="《社会保障卡管理办法》"),
        ],
        result="基本养老金", validity="按月发放",
        faq=[("养老金什么时候开始发？", "自办理退休手续的次月起按月发放到本人社会保障卡金融账户。")],
        keywords=("领退休金", "养老金", "退休工资"),
    )
    c["resident_pension"] = add(
        dept="rs", main_name="城乡居民基本养老保险参保登记", name="城乡居民基本养老保险参保登记", item_type="公共服务",
        objects=("自然人",), level="县", region=ZHANGDIAN, legal=5, promised=0, visits=0, kind="service",
        basis="《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        conditions=("年满16周岁（不含在校学生）", "非国家机关和事业单位工作人员，未参加职工基本养老保险", "本市户籍"),
        materials=[id_card(), apply_form("resident_pension_form", "城乡居民基本养老保险参保登记表", "国发〔2014〕8号")],
        result="城乡居民基本养老保险参保信息",
        faq=[("农村老人在村里能办养老保险吗？", "可以。村（社区）便民服务站代办参保登记和缴费档次变更。")],
        keywords=("居民养老保险", "农村养老保险", "交养老"),
    )
    c["hr_service"] = add(
        dept="rs", main_name="人力资源服务许可", name="经营性人力资源服务机构从事职业中介活动许可（新设）", handling="新设",
        item_type="行政许可", objects=("法人",), legal=20, promised=5, visits=0,
        basis="《人力资源市场暂行条例》第十八条；《人力资源服务机构管理规定》",
        conditions=("有明确的章程和管理制度", "有开展业务必备的固定场所、办公设施", "有3名以上取得人力资源服务相关证书的专职工作人员"),
        materials=[
            apply_form("hr_apply", "人力资源服务许可申请书", "《人力资源市场暂行条例》第十八条"),
            business_licence(),
            premises(),
            mat("hr_staff", "专职工作人员名单及资格证明", basis="《人力资源服务机构管理规定》"),
        ],
        result="人力资源服务许可证", validity="长期有效",
        faq=[("开劳务派遣公司也是办这个吗？", "不是。劳务派遣经营许可是另一个事项；本事项适用于职业介绍等职业中介活动。")],
        keywords=("开中介", "职业介绍", "人力资源公司"),
    )
    c["startup_loan"] = add(
        dept="rs", main_name="创业担保贷款申请", name="创业担保贷款申请", item_type="公共服务", objects=("自然人", "法人"),
        legal=20, promised=10, visits=1, kind="service",
        basis="《财政部 人力资源社会保障部 中国人民银行关于进一步加大创业担保贷款贴息力度全力支持重点群体创业就业的通知》",
        situations=[
            sit("S1", "个人创业", "属于城镇登记失业人员、高校毕业生、退役军人等重点群体", "已办理营业执照且正常经营"),
            sit("S2", "小微企业", "当年新招用符合条件人员达到职工总数15%以上", "无拖欠职工工资、欠缴社会保险费等失信记录"),
        ],
        materials=[
            apply_form("loan_apply", "创业担保贷款申请表", "财金〔2020〕21号"),
            id_card(situations=("S1",)),
            business_licence(),
            mat("business_plan", "创业项目计划书或经营情况说明", basis="财金〔2020〕21号"),
        ],
        result="创业担保贷款（个人最高30万元、小微企业最高400万元）", validity="个人贷款期限最长3年",
        faq=[("创业担保贷款要抵押吗？", "由政府性融资担保机构提供担保，个人贷款10万元以下的免除反担保。")],
        keywords=("创业贷款", "贷款创业", "创业扶持"),
    )
    return c


MARRIAGE_BASIS = "《中华人民共和国民法典》第一千零四十九条；《婚姻登记条例》"


def civil_affairs_items() -> dict[str, str]:
    c: dict[str, str] = {}
    marriage = dict(dept="mz", main_name="婚姻登记", item_type="行政确认", objects=("自然人",), level="县", region=ZHANGDIAN,
                    body="淄博市张店区民政局（婚姻登记处）", basis=MARRIAGE_BASIS, place="张店区婚姻登记处（淄博市张店区共青团西路95号）",
                    phone="0533-2186095")
    couple_ids = id_card("couple_id", "男女双方")
    c["marriage"] = add(
        name="结婚登记", online=False, sub=("A", "结婚登记"), legal=0, promised=0, visits=1, **marriage,
        situations=[
            sit("S1", "双方均为初婚", "男年满二十二周岁，女年满二十周岁", "双方完全自愿，均无配偶",
                "双方没有直系血亲和三代以内旁系血亲关系"),
            sit("S2", "一方或双方再婚", "男年满二十二周岁，女年满二十周岁", "原婚姻关系已依法解除或配偶已死亡"),
        ],
        materials=[
            couple_ids,
            photo("couple_photo", "男女双方近期半身免冠合影照片（2寸红底）", copies=3),
            mat("marriage_statement", "本人无配偶以及与对方没有直系血亲和三代以内旁系血亲关系的签字声明",
                basis="《婚姻登记条例》第五条", sample="《申请结婚登记声明书》（现场填写）"),
            mat("divorce_proof", "离婚证或离婚判决书、调解书（再婚的）", situations=("S2",), basis="《婚姻登记条例》第五条"),
        ],
        result="结婚证",
        faq=[
            ("领结婚证还要户口本吗？", "不需要。2025年5月起结婚登记凭双方身份证即可办理，可在任一婚姻登记机关办理。"),
            ("领证要预约吗？", "建议通过“爱山东”APP预约；520、七夕等热门日期需提前预约。"),
        ],
        keywords=("结婚", "领证", "领结婚证", "登记结婚"),
    )
    c["divorce"] = add(
        name="离婚登记", sub=("B", "离婚登记"), legal=30, promised=1, visits=2, online=False, **marriage,
        conditions=("双方自愿离婚，对子女抚养、财产及债务处理等事项协商一致", "双方均亲自到场"),
        materials=[
            couple_ids,
            mat("marriage_cert_original", "结婚证原件", basis="《婚姻登记条例》第十一条"),
            mat("divorce_agreement", "双方共同签署的离婚协议书", copies=3, basis="《中华人民共和国民法典》第一千零七十六条",
                sample="《离婚协议书》参考文本"),
        ],
        extra=(("离婚冷静期", 30),),
        result="离婚证",
        faq=[("离婚冷静期是多少天？", "收到离婚登记申请之日起30日内为冷静期，期满后30日内双方再次到场申请发证。")],
        keywords=("离婚", "协议离婚", "离婚登记"),
    )
    c["marriage_reissue"] = add(
        name="补领婚姻登记证", online=False, sub=("C", "补领婚姻登记证"), legal=0, promised=0, visits=1, **marriage,
        conditions=("婚姻登记证遗失或损毁", "婚姻登记档案可查或能够证明婚姻关系"),
        materials=[id_card(), photo("cert_photo", "当事人近期半身免冠照片（2寸红底）", copies=2)],
        result="结婚证或离婚证（补发）",
        faq=[("结婚证丢了能在外地补吗？", "补领婚姻登记证已实现全国通办，可在任一婚姻登记机关办理。")],
        keywords=("结婚证丢了", "补结婚证", "补领结婚证"),
    )
    c["elderly_home"] = add(
        dept="mz", main_name="养老机构备案", name="养老机构备案", item_type="行政备案", objects=("法人",), kind="filing",
        legal=0, promised=0, visits=1,
        basis="《中华人民共和国老年人权益保障法》第四十三条；《养老机构管理办法》（民政部令第66号）第九条",
        conditions=("已依法办理法人登记", "服务设施符合消防、建筑、卫生、环保和养老服务相关标准"),
        materials=[
            apply_form("elderly_home_form", "养老机构备案书", "《养老机构管理办法》第九条"),
            business_licence(),
            mat("elderly_home_pledge", "养老机构备案承诺书", basis="《养老机构管理办法》第九条", sample="《养老机构备案承诺书》示范文本"),
            premises(),
        ],
        result="养老机构备案回执",
        faq=[("开养老院还要办设立许可吗？", "不需要。养老机构设立许可已取消，办理登记后向民政部门备案即可。")],
        keywords=("开养老院", "养老院", "办敬老院", "养老机构备案"),
    )
    assistance = dict(dept="mz", item_type="行政给付", objects=("自然人",), level="县", region=ZHANGDIAN, kind="service",
                      place=f"户籍所在地镇（街道）便民服务中心或{ZHANGDIAN_HALL}民政窗口")
    c["dibao"] = add(
        main_name="最低生活保障审核确认", name="最低生活保障", legal=30, promised=20, visits=1, **assistance,
        basis="《社会救助暂行办法》第九条、第十一条；《山东省最低生活保障办法》",
        conditions=("共同生活的家庭成员人均收入低于当地最低生活保障标准", "家庭财产状况符合当地规定", "持有本市户籍"),
        materials=[
            apply_form("dibao_form", "最低生活保障申请书", "《社会救助暂行办法》第十一条"),
            id_card(),
            hukou_book(),
            mat("econ_authorization", "家庭经济状况核对授权书", basis="《社会救助暂行办法》第十一条", sample="《家庭经济状况核对授权书》示范文本"),
        ],
        extra=(("公示", 7),),
        fee=FREE, result="最低生活保障金", validity="按月发放，定期复核",
        faq=[("低保在哪里申请？", "向户籍所在地镇（街道）提出申请，也可由村（社区）便民服务站代办。"),
             ("家里有车还能申请低保吗？", "拥有非生活必需机动车的一般不符合条件，残疾人功能性补偿代步车辆等除外。")],
        keywords=("低保", "申请低保", "吃低保", "生活困难"),
    )
    c["tekun"] = add(
        main_name="特困人员认定", name="特困人员救助供养审核确认", online=False, legal=30, promised=20, visits=1, **assistance,
        basis="《社会救助暂行办法》第十四条；《特困人员认定办法》",
        conditions=("无劳动能力、无生活来源", "无法定赡养、抚养、扶养义务人，或者其法定义务人无履行义务能力"),
        materials=[
            apply_form("tekun_form", "特困人员救助供养申请书", "《特困人员认定办法》"),
            id_card(),
            hukou_book(),
            mat("econ_authorization", "家庭经济状况核对授权书", basis="《社会救助暂行办法》第十一条", sample="《家庭经济状况核对授权书》示范文本"),
        ],
        extra=(("公示", 7),),
        result="特困人员救助供养证", validity="定期复核",
        faq=[("特困人员可以去敬老院吗？", "生活不能自理的特困人员优先安排到供养服务机构集中供养，也可选择在家分散供养。")],
        keywords=("五保户", "特困供养", "没人养老"),
    )
    c["temporary_aid"] = add(
        main_name="临时救助", name="临时救助", online=False, legal=15, promised=5, visits=1, **assistance,
        basis="《社会救助暂行办法》第四十七条；《山东省临时救助办法》",
        situations=[
            sit("S1", "急难型救助", "因火灾、交通事故、突发重大疾病等意外导致基本生活陷入困境"),
            sit("S2", "支出型救助", "因生活必需支出突然增加超出家庭承受能力，导致基本生活出现严重困难"),
        ],
        materials=[
            apply_form("aid_form", "临时救助申请书", "《社会救助暂行办法》第四十七条"),
            id_card(),
            mat("hardship_proof", "遭遇困难的相关证明（医疗费用票据、事故证明等）", basis="《山东省临时救助办法》"),
        ],
        result="临时救助金", validity="一次性发放",
        faq=[("急难情况能先救助吗？", "情况紧急的，镇（街道）可先行救助，事后补齐手续。")],
        keywords=("临时救助", "急难救助", "突发困难"),
    )
    c["social_org"] = add(
        dept="mz", main_name="社会团体登记", name="社会团体成立登记", handling="新设", item_type="行政许可",
        objects=("自然人", "法人"), legal=60, promised=15, visits=1,
        basis="《社会团体登记管理条例》第九条、第十一条",
        conditions=("有50个以上个人会员或者30个以上单位会员", "有规范的名称、相应的组织机构和固定的住所", "有合法的资产和经费来源，市级社团活动资金不少于3万元"),
        materials=[
            apply_form("social_org_apply", "社会团体成立登记申请书", "《社会团体登记管理条例》第十一条"),
            mat("sponsor_approval", "业务主管单位批准文件（直接登记的除外）", required=False, basis="《社会团体登记管理条例》第九条"),
            mat("social_org_articles", "社会团体章程草案", basis="《社会团体登记管理条例》第十四条", sample="《社会团体示范章程》"),
            mat("capital_proof", "验资报告或资金证明", basis="《社会团体登记管理条例》第十一条"),
            premises(),
        ],
        extra=(("专家评审", 10),),
        result="社会团体法人登记证书", validity="5年",
        faq=[("行业协会商会需要找业务主管单位吗？", "行业协会商会、科技类、公益慈善类、城乡社区服务类社会组织可直接登记。")],
        keywords=("成立协会", "商会注册", "社团登记"),
    )
    return c


# ---------------------------------------------------------------------------
# 工程建设项目: 发展改革, 自然资源和规划, 住建, 生态环境, 水利, 消防
# ---------------------------------------------------------------------------

PROJECT_SITUATIONS = [
    sit("S1", "社会投资项目", "项目已取得投资项目代码", "建设单位已取得土地使用权"),
    sit("S2", "政府投资项目", "项目可行性研究报告（或初步设计）已批复", "建设资金已落实"),
    sit("S3", "社会投资小型低风险项目", "地上建筑面积不大于2000平方米、功能单一、技术要求简单的新建、改扩建项目",
        "不涉及易燃易爆、有毒有害物质"),
]


def shared_permit(key: str, name: str, **kw: Any) -> dict[str, Any]:
    """A permit issued earlier in the construction chain: shared, the applicant need not bring it."""
    return mat(key, name, form="电子", source="部门共享", basis="《工程建设项目审批制度改革实施方案》（信息共享）", **kw)


def construction_items() -> dict[str, str]:
    c: dict[str, str] = {}
    c["project_filing"] = add(
        dept="fgw", main_name="企业投资项目备案", name="企业投资项目备案", item_type="行政备案", objects=("法人",),
        kind="filing", legal=0, promised=0, visits=0,
        basis="《企业投资项目核准和备案管理条例》第十三条；《企业投资项目核准和备案管理办法》（国家发展改革委令第2号）",
        conditions=("项目不属于《政府核准的投资项目目录》范围", "项目符合国家产业政策，不属于禁止投资项目"),
        materials=[
            apply_form("project_filing_form", "企业投资项目备案信息表（在线填报）", "《企业投资项目核准和备案管理条例》第十三条"),
            business_licence(),
            mat("project_pledge", "项目符合产业政策的承诺", basis="《企业投资项目核准和备案管理办法》", sample="《项目备案承诺书》示范文本"),
        ],
        result="项目备案证明（含投资项目代码）",
        faq=[("项目备案多久能办好？", "通过山东省投资项目在线审批监管平台填报，信息完整的即时备案并赋予项目代码。"),
             ("备案后项目信息变了怎么办？", "项目法人、建设地点、规模、内容发生较大变更的，应及时在平台修改备案信息。")],
        keywords=("项目备案", "立项", "投资备案", "项目立项"),
    )
    c["project_approval"] = add(
        dept="fgw", main_name="企业投资项目核准", name="企业投资项目核准", item_type="行政许可", objects=("法人",),
        legal=20, promised=10, visits=0,
        basis="《企业投资项目核准和备案管理条例》第六条、第九条；《政府核准的投资项目目录（山东省）》",
        conditions=("项目属于《政府核准的投资项目目录》范围", "已取得用地预审与选址意见书（需要的）"),
        materials=[
            apply_form("project_approval_report", "项目申请报告", "《企业投资项目核准和备案管理条例》第六条"),
            business_licence(),
            shared_permit("site_opinion", "建设项目用地预审与选址意见书"),
        ],
        extra=(("专家评审", 20),),
        result="项目核准批复文件", validity="2年（可申请延期一次）",
        faq=[("哪些项目要核准，哪些只备案？", "列入《政府核准的投资项目目录》的项目实行核准，其余企业投资项目实行备案。")],
        keywords=("项目核准", "核准批复", "立项核准"),
    )
    c["energy_review"] = add(
        dept="fgw", main_name="固定资产投资项目节能审查", name="节能审查", item_type="行政许可", objects=("法人",),
        legal=20, promised=10, visits=0,
        basis="《中华人民共和国节约能源法》第十五条；《固定资产投资项目节能审查办法》（国家发展改革委令第2号）",
        conditions=("年综合能源消费量1000吨标准煤以上（或电力500万千瓦时以上）", "项目开工建设前提出申请"),
        materials=[
            apply_form("energy_apply", "节能审查申请书", "《固定资产投资项目节能审查办法》"),
            project_code(),
            mat("energy_report", "固定资产投资项目节能报告", basis="《固定资产投资项目节能审查办法》第九条"),
        ],
        extra=(("专家评审", 15),),
        result="节能审查意见", validity="2年",
        faq=[("哪些项目不需要节能审查？", "年综合能源消费量不满1000吨标准煤且年电力消费量不满500万千瓦时的项目，不再单独进行节能审查。")],
        keywords=("节能审查", "能评", "节能报告"),
    )
    c["site_selection"] = add(
        dept="zrzy", main_name="建设项目用地预审与选址意见书核发", name="建设项目用地预审与选址意见书", item_type="行政许可",
        objects=("法人",), legal=20, promised=5, visits=0,
        basis="《中华人民共和国土地管理法》第五十二条；《中华人民共和国城乡规划法》第三十六条；《自然资源部关于以“多规合一”为基础推进规划用地“多审合一、多证合一”改革的通知》",
        situations=[
            sit("S1", "以划拨方式提供国有土地使用权的项目", "项目符合国土空间规划", "已取得投资项目代码"),
            sit("S2", "需核准的单独选址项目", "项目选址符合国土空间规划和用途管制要求", "节约集约用地，符合用地标准"),
        ],
        materials=[
            apply_form("site_apply", "建设项目用地预审与选址申请表", "《建设项目用地预审管理办法》第七条"),
            project_code(),
            mat("site_map", "建设项目拟选址位置图及用地范围（勘测定界图）", basis="《建设项目用地预审管理办法》第七条"),
            mat("feasibility", "项目建议书或可行性研究报告", basis="《建设项目用地预审管理办法》第七条", situations=("S1",)),
        ],
        result="建设项目用地预审与选址意见书", validity="3年",
        faq=[("以出让方式拿的地要办选址意见书吗？", "以出让方式取得国有土地使用权的项目不再核发选址意见书，只做用地预审（需要的）。")],
        keywords=("选址", "用地预审", "拿地", "选址意见书"),
    )
    c["land_planning"] = add(
        dept="zrzy", main_name="建设用地规划许可证核发", name="建设用地规划许可证核发", item_type="行政许可", objects=("法人",),
        legal=20, promised=5, visits=0, basis="《中华人民共和国城乡规划法》第三十七条、第三十八条",
        situations=[
            sit("S1", "以划拨方式取得国有土地使用权", "已取得用地预审与选址意见书", "已取得划拨决定书"),
            sit("S2", "以出让方式取得国有土地使用权", "已签订国有建设用地使用权出让合同", "规划条件已纳入出让合同"),
        ],
        materials=[
            apply_form("land_planning_apply", "建设用地规划许可申请表", "《中华人民共和国城乡规划法》第三十七条"),
            project_code(),
            shared_permit("site_opinion", "建设项目用地预审与选址意见书", situations=("S1",)),
            mat("land_contract", "国有建设用地使用权出让合同", form="电子", source="部门共享", basis="《中华人民共和国城乡规划法》第三十八条",
                situations=("S2",)),
            mat("red_line", "宗地图及用地红线图", basis="《中华人民共和国城乡规划法》第三十七条"),
        ],
        result="建设用地规划许可证",
        faq=[("出让土地签完合同多久能拿到用地规划许可证？", "我市推行“交地即发证”，签订出让合同、缴清价款后与不动产权证书同步核发。")],
        keywords=("用地规划许可证", "建设用地规划许可", "拿地"),
    )
    c["building_planning"] = add(
        dept="zrzy", main_name="建设工程规划许可证核发", name="建设工程规划许可证核发", item_type="行政许可", objects=("法人",),
        legal=20, promised=5, visits=0, basis="《中华人民共和国城乡规划法》第四十条；《山东省城乡规划条例》",
        situations=PROJECT_SITUATIONS,
        materials=[
            apply_form("building_planning_apply", "建设工程规划许可申请表", "《中华人民共和国城乡规划法》第四十条"),
            project_code(),
            land_cert(),
            shared_permit("land_planning_permit", "建设用地规划许可证"),
            mat("design_scheme", "建设工程设计方案（总平面图、建筑单体平立剖面图）", form="电子",
                basis="《中华人民共和国城乡规划法》第四十条"),
        ],
        extra=(("专家评审", 5), ("公示", 7)),
        result="建设工程规划许可证",
        faq=[("设计方案要公示吗？", "建设工程设计方案在作出许可前批前公示7日，公示和专家评审时间不计入承诺时限。"),
             ("小型低风险项目可以简化吗？", "社会投资小型低风险项目实行“拿地即开工”，工程规划许可与施工许可可同步办理。")],
        keywords=("工程规划许可证", "规划许可", "盖楼", "规划证"),
    )
    c["rural_planning"] = add(
        dept="zrzy", main_name="乡村建设规划许可证核发", name="乡村建设规划许可证核发（农村村民住宅）", item_type="行政许可",
        objects=("自然人",), level="乡(镇、街道)", region=ZHANGDIAN, body="淄博市张店区各镇人民政府", legal=20, promised=5,
        visits=1, basis="《中华人民共和国城乡规划法》第四十一条；《山东省农村村民住宅建设管理办法》",
        place="宅基地所在镇便民服务中心自然资源和规划窗口",
        conditions=("申请人为本村集体经济组织成员，符合一户一宅规定", "建房选址符合村庄规划，经村民小组会议讨论通过并公示"),
        materials=[
            apply_form("rural_house_apply", "农村宅基地和建房（规划许可）申请表", "《山东省农村村民住宅建设管理办法》"),
            id_card(),
            hukou_book(),
            mat("village_opinion", "村民小组会议讨论通过及公示情况", basis="《中华人民共和国城乡规划法》第四十一条"),
            mat("house_design", "农房设计图或选用的通用图集", basis="《山东省农村村民住宅建设管理办法》",
                sample="《淄博市农村住房设计通用图集》"),
        ],
        extra=(("现场核查", 3),),
        result="乡村建设规划许可证", validity="1年（未开工的需重新申请）",
        faq=[("农村翻盖老房子要办手续吗？", "原址翻建、改建的也需申请乡村建设规划许可证，在镇便民服务中心办理。")],
        keywords=("盖房子", "农村建房", "翻盖房子", "宅基地建房"),
    )
    c["drawing_review"] = add(
        dept="zj", main_name="房屋建筑和市政基础设施工程施工图设计文件审查", name="施工图审查（含消防、人防、技防）",
        item_type="其他行政权力", objects=("法人",), legal=20, promised=5, visits=0,
        basis="《建设工程质量管理条例》第十一条；《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》（住房城乡建设部令第13号）",
        situations=PROJECT_SITUATIONS,
        materials=[
            project_code(),
            shared_permit("building_planning_permit", "建设工程规划许可证"),
            mat("construction_drawings", "全套施工图设计文件（电子图纸）", form="电子", basis="住房城乡建设部令第13号第九条"),
            mat("survey_report", "岩土工程勘察报告", form="电子", basis="住房城乡建设部令第13号第九条"),
        ],
        extra=(("技术审查", 10),),
        result="施工图设计文件审查合格书",
        faq=[("施工图审查要交审图费吗？", "不用。我市施工图审查实行政府购买服务，建设单位不承担审查费用。"),
             ("消防、人防图纸要分别送审吗？", "不用。施工图联合审查一次完成消防、人防、技防等专项审查，出具一份审查合格书。")],
        keywords=("施工图审查", "审图", "图审", "消防人防审图"),
    )
    c["construction_permit"] = add(
        dept="zj", main_name="建筑工程施工许可证核发", name="建筑工程施工许可证核发", item_type="行政许可", objects=("法人",),
        legal=7, promised=1, visits=0,
        basis="《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》（住房城乡建设部令第18号）",
        situations=PROJECT_SITUATIONS,
        materials=[
            apply_form("construction_permit_apply", "建筑工程施工许可证申请表", "住房城乡建设部令第18号第四条"),
            project_code(),
            land_cert(),
            shared_permit("building_planning_permit", "建设工程规划许可证"),
            shared_permit("drawing_review_cert", "施工图设计文件审查合格书"),
            mat("construction_contract", "施工合同（依法招标的附中标通知书）", form="电子", basis="住房城乡建设部令第18号第四条"),
            mat("funding_pledge", "建设资金已落实承诺书", basis="住房城乡建设部令第18号第四条", sample="《建设资金落实承诺书》示范文本"),
        ],
        result="建筑工程施工许可证",
        validity="自领取之日起3个月内开工（可申请延期两次，每次不超过3个月）",
        faq=[("工程投资额多少以下不用办施工许可证？", "工程投资额在100万元以下或建筑面积在500平方米以下的建筑工程可以不申请施工许可证。"),
             ("施工许可证多久能拿到？", "材料齐全的1个工作日内办结，电子证照实时推送，无需领取纸质证书。")],
        keywords=("开工", "施工许可证", "施工证", "工程开工"),
    )
    c["joint_acceptance"] = add(
        dept="zj", main_name="建设工程竣工联合验收", name="联合验收（规划、土地、消防、人防、档案）", item_type="其他行政权力",
        objects=("法人",), legal=15, promised=5, visits=1, basis="《国务院办公厅关于全面开展工程建设项目审批制度改革的实施意见》（国办发〔2019〕11号）",
        situations=PROJECT_SITUATIONS,
        materials=[
            apply_form("joint_acceptance_apply", "建设工程竣工联合验收申请表", "国办发〔2019〕11号"),
            project_code(),
            shared_permit("construction_permit_cert", "建筑工程施工许可证"),
            mat("completion_report", "工程竣工验收报告及竣工图", form="电子", basis="《建设工程质量管理条例》第十六条"),
            mat("survey_as_built", "竣工测绘成果（多测合一）", form="电子", basis="国办发〔2019〕11号"),
        ],
        extra=(("现场核查", 3),),
        result="建设工程竣工联合验收意见书",
        faq=[("联合验收包括哪些？", "规划核实、土地核验、消防验收（备案）、人防验收、城建档案验收等一次申请、统一现场查验、限时出具意见。")],
        keywords=("竣工验收", "联合验收", "完工验收"),
    )
    c["completion_filing"] = add(
        dept="zj", main_name="房屋建筑和市政基础设施工程竣工验收备案", name="竣工验收备案", item_type="行政备案",
        objects=("法人",), kind="filing", legal=15, promised=0, visits=0,
        basis="《建设工程质量管理条例》第四十九条；《房屋建筑和市政基础设施工程竣工验收备案管理办法》",
        conditions=("工程已通过竣工验收（联合验收）", "自竣工验收合格之日起15日内申请"),
        materials=[
            apply_form("completion_filing_form", "房屋建筑和市政基础设施工程竣工验收备案表", "《房屋建筑和市政基础设施工程竣工验收备案管理办法》第五条"),
            shared_permit("joint_acceptance_opinion", "建设工程竣工联合验收意见书"),
            mat("quality_warranty", "住宅质量保证书和住宅使用说明书（商品住宅）", required=False,
                basis="《房屋建筑和市政基础设施工程竣工验收备案管理办法》第五条"),
        ],
        result="竣工验收备案证明",
        faq=[("竣工验收备案后可以办房产证吗？", "可以。备案完成后即可申请国有建设用地使用权及房屋所有权首次登记。")],
        keywords=("竣工备案", "验收备案", "竣工验收备案"),
    )
    c["presale"] = add(
        dept="zj", main_name="商品房预售许可", name="商品房预售许可", item_type="行政许可", objects=("法人",),
        legal=10, promised=5, visits=0, basis="《中华人民共和国城市房地产管理法》第四十五条；《城市商品房预售管理办法》",
        conditions=("已交付全部土地使用权出让金，取得土地使用权证书", "持有建设工程规划许可证和施工许可证",
                    "投入开发建设的资金达到工程建设总投资的25%以上，并已确定施工进度和竣工交付日期"),
        materials=[
            apply_form("presale_apply", "商品房预售许可申请表", "《城市商品房预售管理办法》第七条"),
            business_licence(),
            land_cert(),
            shared_permit("building_planning_permit", "建设工程规划许可证"),
            shared_permit("construction_permit_cert", "建筑工程施工许可证"),
            mat("presale_plan", "商品房预售方案及预售资金监管协议", basis="《城市商品房预售管理办法》第七条"),
        ],
        extra=(("现场核查", 2),),
        result="商品房预售许可证",
        faq=[("预售资金怎么监管？", "预售资金全部存入监管账户，按工程进度拨付，确保交房。")],
        keywords=("预售证", "卖期房", "商品房预售"),
    )
    fire = dict(dept="zj", item_type="行政许可", objects=("法人",), legal=15, promised=5, visits=0,
                basis="《中华人民共和国消防法》第十一条、第十三条；《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）",
                situations=[sit("S1", "特殊建设工程", "属于《建设工程消防设计审查验收管理暂行规定》第十四条所列的特殊建设工程",
                                "已取得建设工程规划许可证")])
    c["fire_design"] = add(
        main_name="特殊建设工程消防设计审查", name="特殊建设工程消防设计审查", **fire,
        materials=[
            apply_form("fire_design_apply", "特殊建设工程消防设计审查申请表", "住房和城乡建设部令第51号第十五条"),
            project_code(),
            mat("fire_design_docs", "消防设计文件", form="电子", basis="住房和城乡建设部令第51号第十五条"),
        ],
        extra=(("专家评审", 10),),
        result="特殊建设工程消防设计审查意见书",
        faq=[("消防设计审查和施工图审查是一回事吗？", "特殊建设工程在施工图联合审查中同步完成消防设计技术审查，再由住建部门出具审查意见。")],
        keywords=("消防审查", "消防设计", "消防图纸"),
    )
    c["fire_acceptance"] = add(
        main_name="特殊建设工程消防验收", name="特殊建设工程消防验收", **fire,
        materials=[
            apply_form("fire_acceptance_apply", "特殊建设工程消防验收申请表", "住房和城乡建设部令第51号第二十七条"),
            project_code(),
            mat("fire_test_report", "工程竣工验收报告及消防设施检测报告", form="电子", basis="住房和城乡建设部令第51号第二十七条"),
        ],
        extra=(("现场核查", 3),),
        result="特殊建设工程消防验收意见书",
        faq=[("消防验收能并入联合验收吗？", "可以。申请联合验收时消防验收一并办理，统一现场查验。")],
        keywords=("消防验收", "消防验收合格", "工程消防"),
    )
    eia = dict(dept="sthj", main_name="建设项目环境影响评价审批", item_type="行政许可", objects=("法人",), visits=0,
               basis="《中华人民共和国环境影响评价法》第二十二条；《建设项目环境保护管理条例》第九条",
               result="环境影响评价批复", validity="5年（超过5年开工的重新审核）")
    c["eia_report"] = add(
        name="环境影响评价审批（环境影响报告书）", sub=("A", "环境影响报告书审批"), legal=60, promised=20, **eia,
        conditions=("项目可能造成重大环境影响，按《建设项目环境影响评价分类管理名录》应编制报告书", "已依法开展公众参与"),
        materials=[
            apply_form("eia_apply", "建设项目环境影响评价文件审批申请书", "《建设项目环境保护管理条例》第九条"),
            project_code(),
            mat("eia_report_doc", "建设项目环境影响报告书（全本及公开版）", form="电子", basis="《中华人民共和国环境影响评价法》第十七条"),
            mat("public_participation", "公众参与说明", form="电子", basis="《环境影响评价公众参与办法》第十八条"),
        ],
        extra=(("专家评审", 15), ("公示", 10), ("听证", 10)),
        faq=[("环评审批要开听证会吗？", "对环境可能造成重大影响、公众意见分歧较大的项目，依法举行听证，听证时间不计入审批时限。")],
        keywords=("环评", "环评审批", "环境影响报告书"),
    )
    c["eia_table"] = add(
        name="环境影响评价审批（环境影响报告表）", sub=("B", "环境影响报告表审批"), legal=30, promised=10, **eia,
        conditions=("项目可能造成轻度环境影响，按《建设项目环境影响评价分类管理名录》应编制报告表",),
        materials=[
            apply_form("eia_apply", "建设项目环境影响评价文件审批申请书", "《建设项目环境保护管理条例》第九条"),
            project_code(),
            mat("eia_table_doc", "建设项目环境影响报告表（全本及公开版）", form="电子", basis="《中华人民共和国环境影响评价法》第十六条"),
        ],
        extra=(("技术审查", 5), ("公示", 5)),
        faq=[("报告表审批要多久？", "法定30个工作日，我市承诺10个工作日，技术评估和公示时间不计入。")],
        keywords=("环评", "环评报告表", "环评审批"),
    )
    c["eia_filing"] = add(
        dept="sthj", main_name="建设项目环境影响登记表备案", name="建设项目环境影响登记表备案", item_type="行政备案",
        objects=("法人", "自然人"), kind="filing", legal=0, promised=0, visits=0,
        basis="《中华人民共和国环境影响评价法》第二十二条；《建设项目环境影响登记表备案管理办法》",
        conditions=("项目对环境影响很小，按分类管理名录填报环境影响登记表",),
        materials=[apply_form("eia_filing_form", "建设项目环境影响登记表（在线填报）", "《建设项目环境影响登记表备案管理办法》")],
        result="建设项目环境影响登记表备案回执",
        faq=[("饭店要做环评吗？", "一般餐饮项目不纳入环评管理；确需填报登记表的在网上填报即时备案。")],
        keywords=("环评备案", "登记表备案", "小项目环评"),
    )
    c["pollution_permit"] = add(
        dept="sthj", main_name="排污许可证核发", name="排污许可证核发（新设）", handling="新设", item_type="行政许可",
        objects=("法人",), legal=20, promised=10, visits=0,
        basis="《中华人民共和国环境保护法》第四十五条；《排污许可管理条例》第六条、第十一条",
        conditions=("依法取得建设项目环境影响评价文件审批意见或按规定办理登记备案", "按照污染物排放标准、总量控制要求确定排放量"),
        materials=[
            apply_form("pollution_apply", "排污许可证申请表（全国排污许可证管理信息平台填报）", "《排污许可管理条例》第八条"),
            business_licence(),
            mat("monitoring_plan", "自行监测方案", form="电子", basis="《排污许可管理条例》第八条"),
        ],
        extra=(("现场核查", 5),),
        result="排污许可证", validity="5年",
        faq=[("排污许可和环评是什么关系？", "环评管准入，排污许可管排放；新建项目在实际排污前取得排污许可证。")],
        keywords=("排污许可证", "排污证", "污染物排放"),
    )
    c["water_permit"] = add(
        dept="sl", main_name="取水许可", name="取水许可（新设）", handling="新设", item_type="行政许可", objects=("法人", "自然人"),
        legal=45, promised=15, visits=1, basis="《中华人民共和国水法》第四十八条；《取水许可和水资源费征收管理条例》第十条",
        situations=[
            sit("S1", "取用地表水", "取水量符合用水总量控制指标和用水定额", "已编制建设项目水资源论证报告"),
            sit("S2", "取用地下水", "不在地下水禁采区，限采区内符合控制要求", "已编制建设项目水资源论证报告"),
        ],
        materials=[
            apply_form("water_apply", "取水许可申请书", "《取水许可和水资源费征收管理条例》第十一条"),
            business_licence(required=False),
            mat("water_assessment", "建设项目水资源论证报告书（表）", form="电子", basis="《取水许可和水资源费征收管理条例》第十一条"),
        ],
        extra=(("专家评审", 10), ("现场核查", 5)),
        result="取水许可证", validity="5年至10年",
        faq=[("自家院里打井浇菜要办取水许可吗？", "家庭生活和零星散养、圈养畜禽饮用等少量取水的，不需要申请取水许可。"),
             ("取水许可收费吗？", "许可本身不收费；取得许可后按实际取水量依法缴纳水资源税。")],
        keywords=("取水许可", "打井", "抽地下水"),
    )
    c["soil_conservation"] = add(
        dept="sl", main_name="生产建设项目水土保持方案审批", name="水土保持方案审批", item_type="行政许可", objects=("法人",),
        legal=20, promised=10, visits=0, basis="《中华人民共和国水土保持法》第二十五条、第二十六条",
        conditions=("项目位于水土流失重点预防区或重点治理区，或征占地面积在5公顷以上、挖填土石方总量在5万立方米以上",),
        materials=[
            apply_form("soil_apply", "生产建设项目水土保持方案审批申请", "《中华人民共和国水土保持法》第二十五条"),
            project_code(),
            mat("soil_plan", "生产建设项目水土保持方案报告书", form="电子", basis="《中华人民共和国水土保持法》第二十五条"),
        ],
        extra=(("技术审查", 10),),
        fee=("《山东省水土保持补偿费征收使用管理办法》", "按征占用土地面积一次性计征水土保持补偿费，每平方米1.2元"),
        result="水土保持方案批复",
        faq=[("小项目也要编水保方案吗？", "征占地面积0.5公顷以上5公顷以下或挖填土石方1000立方米以上5万立方米以下的，编制报告表或实行承诺制管理。")],
        keywords=("水保方案", "水土保持", "水保审批"),
    )
    c["river_works"] = add(
        dept="sl", main_name="河道管理范围内建设项目工程建设方案审批", name="河道管理范围内建设项目工程建设方案审批",
        item_type="行政许可", objects=("法人",), legal=20, promised=10, visits=1,
        basis="《中华人民共和国水法》第三十八条；《中华人民共和国河道管理条例》第十一条",
        conditions=("工程建设方案符合防洪标准和有关技术要求", "已编制防洪评价报告"),
        materials=[
            apply_form("river_apply", "河道管理范围内建设项目申请书", "《中华人民共和国河道管理条例》第十一条"),
            project_code(),
            mat("flood_assessment", "防洪评价报告", form="电子", basis="《河道管理范围内建设项目管理的有关规定》"),
        ],
        extra=(("专家评审", 10), ("现场核查", 3)),
        result="河道管理范围内建设项目工程建设方案审批意见",
        faq=[("在河上修桥要办什么？", "跨河、穿河、临河的桥梁、管线等工程建设方案需经水行政主管部门审批后方可开工。")],
        keywords=("河道施工", "跨河桥", "河道建设"),
    )
    c["fire_check"] = add(
        dept="xf", main_name="公众聚集场所投入使用、营业前消防安全检查", name="公众聚集场所投入使用、营业前消防安全检查",
        item_type="行政许可", objects=("法人", "自然人"), legal=10, promised=1, visits=1,
        basis="《中华人民共和国消防法》第十五条；《公众聚集场所投入使用、营业前消防安全检查规定》",
        situations=[
            sit("S1", "告知承诺方式", "申请人书面承诺场所符合消防技术标准和管理规定", "场所已依法通过消防验收或备案（需要的）"),
            sit("S2", "检查合格后许可", "场所消防设施、器材完好有效，疏散通道、安全出口畅通", "员工经消防安全培训"),
        ],
        materials=[
            apply_form("fire_check_apply", "公众聚集场所投入使用、营业前消防安全检查申请表", "《中华人民共和国消防法》第十五条"),
            business_licence(),
            operator_id(),
            mat("fire_pledge", "消防安全告知承诺书", situations=("S1",), basis="《中华人民共和国消防法》第十五条", sample="《告知承诺书》示范文本"),
            mat("fire_plan", "场所平面布置图及消防设施平面图", basis="《公众聚集场所投入使用、营业前消防安全检查规定》"),
        ],
        extra=(("现场核查", 3),),
        result="公众聚集场所投入使用、营业前消防安全检查合格证",
        faq=[("开饭店需要消防检查吗？", "建筑面积较大的餐饮、KTV、商场等公众聚集场所营业前须申请消防安全检查；选择告知承诺的当场发证。")],
        keywords=("消防检查", "开业消防", "消防许可", "饭店消防"),
    )
    return c


# ---------------------------------------------------------------------------
# 不动产登记 and the utility transfers that follow a house sale
# ---------------------------------------------------------------------------

REAL_ESTATE_BASIS = "《中华人民共和国民法典》第二百零九条；《不动产登记暂行条例》；《不动产登记暂行条例实施细则》"
REAL_ESTATE_FEE = (
    "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）",
    "住宅类80元/件，非住宅类550元/件（含第一本证书工本费）",
)


def real_estate_items() -> dict[str, str]:
    c: dict[str, str] = {}
    transfer = dict(dept="bdc", main_name="不动产转移登记", item_type="行政确认", objects=("自然人", "法人"),
                    basis=REAL_ESTATE_BASIS, legal=30, fee=REAL_ESTATE_FEE, result="不动产权证书")
    c["transfer"] = add(
        name="不动产转移登记（存量房）", sub=("A", "国有建设用地使用权及房屋所有权转移登记（存量房）"), promised=0, visits=1,
        **transfer,
        situations=[
            sit("S1", "存量房买卖（二手房）", "买卖双方已签订网签备案的存量房买卖合同", "房屋已办理不动产登记，无查封等限制"),
            sit("S2", "赠与", "赠与双方已签订赠与合同并办理公证（或共同到场申请）", "房屋已办理不动产登记，无查封等限制"),
            sit("S3", "继承、受遗赠", "已办理继承公证或提供全部法定继承人到场确认的材料"),
        ],
        materials=[
            apply_form("real_estate_apply", "不动产登记申请书", "《不动产登记暂行条例》第十六条"),
            id_card("buyer_id", "买受人"),
            id_card("seller_id", "出卖人"),
            property_cert(),
            mat("house_contract", "存量房买卖合同（网签备案）", form="电子", source="部门共享", basis="《中华人民共和国契税法》第九条",
                situations=("S1",)),
            mat("tax_receipt", "契税等税费完税凭证", form="电子", source="部门共享", basis="《中华人民共和国契税法》第十一条"),
            mat("gift_contract", "赠与合同及公证书", situations=("S2",), basis="《不动产登记暂行条例实施细则》第三十八条"),
            mat("inheritance_proof", "继承公证书或全部法定继承人的身份证明、亲属关系证明", situations=("S3",),
                basis="《不动产登记暂行条例实施细则》第十四条"),
        ],
        faq=[
            ("二手房过户要跑几个部门？", "不动产登记、税务、住建在一个窗口“一窗受理、集成服务”，交易、缴税、登记当天办结，水电气暖网可同步过户。"),
            ("过户当天能拿到房产证吗？", "可以。存量房转移登记当场办结，同步发放电子证照，纸质证书可邮寄。"),
        ],
        keywords=("二手房过户", "买房", "卖房", "过户", "二手房", "房产过户"),
    )
    c["transfer_new"] = add(
        name="不动产转移登记（新建商品房）", sub=("B", "国有建设用地使用权及房屋所有权转移登记（新建商品房）"), promised=1,
        visits=0, **transfer,
        conditions=("开发企业已办理项目首次登记", "购房人已签订商品房买卖合同并缴纳契税"),
        materials=[
            apply_form("real_estate_apply", "不动产登记申请书", "《不动产登记暂行条例》第十六条"),
            id_card("buyer_id", "买受人"),
            mat("new_house_contract", "商品房买卖合同（网签备案）", form="电子", source="部门共享", basis="《城市商品房预售管理办法》"),
            mat("tax_receipt", "契税等税费完税凭证", form="电子", source="部门共享", basis="《中华人民共和国契税法》第十一条"),
        ],
        faq=[("买的新房什么时候能办房产证？", "我市推行“交房即交证”，符合条件的新建商品房交付时即可领取不动产权证书。")],
        keywords=("买新房", "新房办证", "交房即交证", "房产证"),
    )
    c["first_registration"] = add(
        dept="bdc", main_name="不动产首次登记", name="国有建设用地使用权及房屋所有权首次登记", item_type="行政确认",
        objects=("法人",), basis=REAL_ESTATE_BASIS, legal=30, promised=5, visits=0, fee=REAL_ESTATE_FEE,
        conditions=("建设工程已竣工验收备案", "已完成房屋测绘（多测合一）"),
        materials=[
            apply_form("real_estate_apply", "不动产登记申请书", "《不动产登记暂行条例》第十六条"),
            business_licence(),
            land_cert(),
            shared_permit("completion_filing_cert", "竣工验收备案证明"),
            mat("house_survey", "房屋测绘成果报告", form="电子", basis="《不动产登记暂行条例实施细则》第三十五条"),
        ],
        extra=(("公示", 15),),
        result="不动产权证书（首次登记）",
        faq=[("首次登记需要公示吗？", "房屋首次登记在登记前公告15个工作日，公告时间不计入办理时限。")],
        keywords=("首次登记", "大证", "新楼办证"),
    )
    c["mortgage"] = add(
        dept="bdc", main_name="不动产抵押权登记", name="不动产抵押权首次登记", item_type="行政确认", objects=("自然人", "法人"),
        basis=REAL_ESTATE_BASIS, legal=30, promised=0, visits=0,
        fee=(REAL_ESTATE_FEE[0], "住宅类80元/件，非住宅类550元/件（小微企业、个体工商户抵押登记免收）"),
        result="不动产登记证明（抵押权）",
        conditions=("抵押人与抵押权人已签订抵押合同", "抵押物已办理不动产登记，无查封限制"),
        materials=[
            apply_form("real_estate_apply", "不动产登记申请书", "《不动产登记暂行条例》第十六条"),
            property_cert(),
            mat("mortgage_contract", "抵押合同及主债权合同", form="电子", basis="《不动产登记暂行条例实施细则》第六十六条"),
        ],
        faq=[("在银行能办抵押登记吗？", "可以。我市不动产登记服务延伸到合作银行网点，贷款、抵押登记在银行一站办结。")],
        keywords=("房子抵押", "抵押贷款", "抵押登记"),
    )
    c["records_query"] = add(
        dept="bdc", main_name="不动产登记资料查询", name="不动产登记资料查询", item_type="公共服务", objects=("自然人", "法人"),
        legal=5, promised=0, visits=0, kind="service", basis="《不动产登记资料查询暂行办法》第十四条、第十九条",
        situations=[
            sit("S1", "权利人查询本人不动产", "查询人为不动产权利人或其委托人"),
            sit("S2", "利害关系人查询", "查询人为不动产交易的当事人、诉讼当事人等利害关系人", "查询范围限于不动产自然状况、有无查封抵押"),
        ],
        materials=[id_card(), mat("interest_proof", "存在利害关系的证明材料（买卖意向合同、起诉状等）", situations=("S2",),
                                  basis="《不动产登记资料查询暂行办法》第十九条")],
        result="不动产登记资料查询结果证明",
        faq=[("可以查别人名下有几套房吗？", "不可以。利害关系人只能查询特定不动产的登记信息，不能以权利人姓名查询其名下全部房产。")],
        keywords=("查房产", "房产查询", "查档"),
    )
    return c


def utility_transfer(dept: str, utility: str, body: str, phone: str, *, account_doc: str, extra_words: tuple[str, ...]) -> str:
    """水/电/燃气/有线电视 过户 after a house sale: the same form for every utility."""
    return add(
        dept=dept, main_name=f"{utility}过户", name=f"{utility}过户", item_type="公共服务", objects=("自然人", "法人"),
        body=body, legal=3, promised=0, visits=0, kind="service", phone=phone,
        basis="《优化营商环境条例》第二十五条；《山东省优化营商环境条例》（水电气暖网联动过户）",
        place=f"{CITY_HALL}一楼E区不动产交易登记税费综合窗口（水电气暖网联动过户专窗）或{body}营业厅",
        conditions=("房屋已办理不动产转移登记", f"原户{account_doc}已结清"),
        materials=[
            id_card("buyer_id", "买受人"),
            property_cert(),
            mat(f"{dept}_account_no", f"{utility}户号或原{account_doc}", form="电子", source="部门共享",
                basis="《山东省优化营商环境条例》"),
        ],
        result=f"{utility}用户信息变更", validity="长期有效",
        faq=[(f"{utility}过户要去营业厅吗？", "不用。办理二手房转移登记时勾选联动过户，登记完成后信息自动推送，当场办结。")],
        keywords=extra_words,
    )


def utility_items() -> dict[str, str]:
    return {
        "water_transfer": utility_transfer("cg", "供水", "淄博市城市供水服务中心", "0533-2785116", account_doc="水费",
                                           extra_words=("水表过户", "自来水过户", "二手房过户")),
        "power_transfer": utility_transfer("fgw", "供电", "国网山东省电力公司淄博供电公司", "0533-2150095", account_doc="电费",
                                           extra_words=("电表过户", "电费过户", "二手房过户")),
        "gas_transfer": utility_transfer("zj", "燃气", "淄博绿博燃气有限公司", "0533-2858222", account_doc="燃气费",
                                         extra_words=("燃气过户", "天然气过户", "二手房过户")),
        "tv_transfer": utility_transfer("wl", "有线电视", "山东广电网络有限公司淄博分公司", "0533-2185096", account_doc="收视费",
                                        extra_words=("有线电视过户", "闭路过户", "宽带过户")),
    }


# ---------------------------------------------------------------------------
# 交通运输, 商务, 城管, 文旅, 教育
# ---------------------------------------------------------------------------

ROAD_BASIS = "《中华人民共和国道路运输条例》"
TAXI_BASIS = "《巡游出租汽车经营服务管理规定》；《网络预约出租汽车经营服务管理暂行办法》；《淄博市网络预约出租汽车经营服务管理实施细则》"


def transport_items() -> dict[str, str]:
    c: dict[str, str] = {}
    c["freight"] = add(
        dept="jt", main_name="道路运输经营许可", name="道路普通货物运输经营许可（新设）", sub=("A", "道路普通货物运输经营许可"),
        handling="新设", item_type="行政许可", objects=("自然人", "法人"), level="县", region=ZHANGDIAN, legal=20, promised=3,
        visits=0, basis=f"{ROAD_BASIS}第二十一条、第二十四条；《道路货物运输及站场管理规定》",
        conditions=("有与其经营业务相适应并经检测合格的车辆（总质量4.5吨以上）", "有符合规定条件的驾驶人员（取得货运从业资格）",
                    "有健全的安全生产管理制度"),
        materials=[
            apply_form("freight_apply", "道路货物运输经营申请表", "《道路货物运输及站场管理规定》第八条"),
            business_licence(required=False),
            id_card(),
            mat("vehicle_info", "拟投入车辆承诺书（车辆数量、类型、技术性能）", basis="《道路货物运输及站场管理规定》第八条"),
            mat("driver_cert", "驾驶人员机动车驾驶证和从业资格证", form="电子", source="部门共享", basis=E_LICENCE_BASIS),
        ],
        result="道路运输经营许可证", validity="长期有效",
        faq=[("4.5吨以下的小货车跑运输要办证吗？", "总质量4.5吨及以下普通货运车辆从事普通货运经营的，无需办理道路运输经营许可证和车辆营运证。")],
        keywords=("跑货运", "开货车", "货运许可证", "道路运输证"),
    )
    c["passenger"] = add(
        dept="jt", main_name="道路运输经营许可", name="道路旅客运输经营许可（班车客运）", sub=("B", "道路旅客运输经营许可"),
        handling="新设", item_type="行政许可", objects=("法人",), legal=20, promised=10, visits=1,
        basis=f"{ROAD_BASIS}第八条、第十条；《道路旅客运输及客运站管理规定》",
        conditions=("有与经营业务相适应并经检测合格的客车", "驾驶人员取得客运从业资格，3年内无重大以上交通责任事故",
                    "有健全的安全生产管理制度和明确的线路、站点方案"),
        materials=[
            apply_form("passenger_apply", "道路旅客运输经营申请表", "《道路旅客运输及客运站管理规定》第十二条"),
            business_licence(),
            mat("route_plan", "拟开通线路、站点方案及可行性报告", basis="《道路旅客运输及客运站管理规定》第十二条"),
            mat("safety_rules", "安全生产管理制度文本", basis="《道路旅客运输及客运站管理规定》第十二条"),
        ],
        extra=(("听证", 10), ("专家评审", 5)),
        result="道路运输经营许可证及班车客运标志牌", validity="4年至8年",
        faq=[("客运班线许可为什么要听证？", "新增客运班线涉及其他经营者重大利益的，依申请或依职权组织听证，听证时间不计入许可时限。")],
        keywords=("跑客运", "客运班线", "开长途车"),
    )
    taxi_driver = dict(dept="jt", main_name="出租汽车驾驶员从业资格", item_type="行政许可", objects=("自然人",),
                       legal=20, promised=5, visits=1, basis=f"《出租汽车驾驶员从业资格管理规定》；{TAXI_BASIS}")
    c["taxi_driver"] = add(
        name="巡游出租汽车驾驶员从业资格证核发", sub=("A", "巡游出租汽车驾驶员从业资格"), **taxi_driver,
        conditions=("取得相应准驾车型机动车驾驶证并具有3年以上驾驶经历", "无交通肇事犯罪、危险驾驶犯罪记录，无吸毒记录",
                    "通过全国公共科目和本市区域科目考试"),
        materials=[
            apply_form("taxi_driver_apply", "出租汽车驾驶员从业资格证申请表", "《出租汽车驾驶员从业资格管理规定》第十一条"),
            id_card(),
            mat("driving_licence", "机动车驾驶证", form="电子", source="部门共享", basis=E_LICENCE_BASIS),
            mat("no_crime", "无犯罪记录证明（由公安部门核查）", form="电子", source="部门共享", basis="《出租汽车驾驶员从业资格管理规定》第十条"),
        ],
        result="出租汽车驾驶员从业资格证", validity="6年",
        faq=[("开出租车要考什么？", "参加全国公共科目和淄博市区域科目考试，考试合格后注册取得从业资格证。")],
        keywords=("跑出租", "开出租车", "出租车资格证"),
    )
    c["ride_hailing_driver"] = add(
        name="网络预约出租汽车驾驶员证核发", sub=("B", "网络预约出租汽车驾驶员从业资格"), **taxi_driver,
        conditions=("取得相应准驾车型机动车驾驶证并具有3年以上驾驶经历", "无交通肇事犯罪、危险驾驶犯罪记录，无吸毒记录，最近连续3个记分周期内没有记满12分记录",
                    "通过网约车驾驶员从业资格考试"),
        materials=[
            apply_form("ride_driver_apply", "网络预约出租汽车驾驶员证申请表", "《网络预约出租汽车经营服务管理暂行办法》第十四条"),
            id_card(),
            mat("driving_licence", "机动车驾驶证", form="电子", source="部门共享", basis=E_LICENCE_BASIS),
            mat("no_crime", "无犯罪记录证明（由公安部门核查）", form="电子", source="部门共享", basis="《出租汽车驾驶员从业资格管理规定》第十条"),
        ],
        result="网络预约出租汽车驾驶员证", validity="6年",
        faq=[("跑滴滴要办哪些证？", "人要有网约车驾驶员证，车要有网约车运输证，平台公司要有网约车经营许可，三证齐全才合规。")],
        keywords=("开网约车", "跑滴滴", "网约车驾驶员证", "网约车资格证"),
    )
    c["ride_hailing_vehicle"] = add(
        dept="jt", main_name="网络预约出租汽车运输证核发", name="网约车运输证核发", item_type="行政许可", objects=("自然人", "法人"),
        legal=10, promised=3, visits=1, basis=f"《网络预约出租汽车经营服务管理暂行办法》第十二条、第十三条；{TAXI_BASIS}",
        conditions=("7座及以下乘用车，车辆注册登记不超过3年", "安装具有行驶记录功能的车辆卫星定位装置、应急报警装置",
                    "车辆轴距、排量（或纯电续航）符合本市规定"),
        materials=[
            apply_form("ride_vehicle_apply", "网络预约出租汽车运输证申请表", "《网络预约出租汽车经营服务管理暂行办法》第十三条"),
            mat("vehicle_licence", "机动车行驶证", form="电子", source="部门共享", basis=E_LICENCE_BASIS),
            mat("platform_agreement", "与网约车平台公司签订的协议", basis="《网络预约出租汽车经营服务管理暂行办法》第十三条"),
            mat("insurance_policy", "营运性质的机动车交通事故责任强制保险和第三者责任险保单", form="复印件",
                basis="《网络预约出租汽车经营服务管理暂行办法》第二十三条"),
        ],
        extra=(("检验检测", 3),),
        result="网络预约出租汽车运输证", validity="8年（以车辆使用年限为限）",
        faq=[("私家车能办网约车运输证吗？", "符合车辆条件的私家车变更为“预约出租客运”使用性质后可以申请。")],
        keywords=("开网约车", "网约车运输证", "跑滴滴", "网约车车证"),
    )
    c["repair_filing"] = add(
        dept="jt", main_name="机动车维修经营备案", name="机动车维修经营备案", item_type="行政备案", objects=("自然人", "法人"),
        level="县", region=ZHANGDIAN, kind="filing", legal=0, promised=0, visits=0,
        basis=f"{ROAD_BASIS}第三十七条；《机动车维修管理规定》第九条",
        conditions=("有与维修业务相适应的维修车间和停车场地、设备设施", "有必要的技术人员"),
        materials=[
            apply_form("repair_form", "机动车维修经营备案表", "《机动车维修管理规定》第十四条"),
            business_licence(),
            mat("repair_site", "维修车间、停车场地使用证明及设备清单", basis="《机动车维修管理规定》第十四条"),
        ],
        result="机动车维修经营备案回执",
        faq=[("开汽修店还要办许可证吗？", "不用。机动车维修经营实行备案，取得营业执照后向所在地交通运输主管部门备案即可。")],
        keywords=("开修车厂", "汽修备案", "修车铺"),
    )
    return c


def commerce_items() -> dict[str, str]:
    c: dict[str, str] = {}
    c["fuel_retail"] = add(
        dept="shw", main_name="成品油零售经营批准", name="成品油零售经营资格审批（新设）", handling="新设", item_type="行政许可",
        objects=("法人",), legal=20, promised=10, visits=1,
        basis="《国务院关于取消和下放一批行政许可事项的决定》（国发〔2019〕6号）；《山东省成品油零售经营资格管理办法》",
        conditions=("符合本市成品油零售网点发展规划", "加油站建设工程已通过消防验收（备案）", "有符合规定的安全生产和环境保护条件"),
        materials=[
            apply_form("fuel_apply", "成品油零售经营资格申请表", "《山东省成品油零售经营资格管理办法》"),
            business_licence(),
            mat("fuel_safety", "安全评价报告及危险化学品经营许可证", form="电子", basis="《山东省成品油零售经营资格管理办法》"),
        ],
        extra=(("现场核查", 5), ("专家评审", 5)),
        result="成品油零售经营批准证书", validity="5年",
        faq=[("开加油站先办什么？", "先取得规划确认和建设手续，建成并通过消防、安全验收后申请成品油零售经营资格。")],
        keywords=("开加油站", "加油站许可", "卖成品油"),
    )
    c["recycling"] = add(
        dept="shw", main_name="再生资源回收经营者备案", name="再生资源回收经营者备案", item_type="行政备案",
        objects=("自然人", "法人"), level="县", region=ZHANGDIAN, kind="filing", legal=0, promised=0, visits=0,
        basis="《再生资源回收管理办法》第七条",
        conditions=("已取得营业执照", "回收站点符合城市规划和环境保护要求"),
        materials=[apply_form("recycling_form", "再生资源回收经营者备案登记表", "《再生资源回收管理办法》第七条"), business_licence()],
        result="再生资源回收经营者备案回执",
        faq=[("收废品要备案吗？", "从事再生资源回收经营活动的，取得营业执照后30日内向商务主管部门备案。")],
        keywords=("废品回收", "收废品", "回收站"),
    )
    c["prepaid_card"] = add(
        dept="shw", main_name="单用途商业预付卡发卡企业备案", name="单用途商业预付卡发卡企业备案", item_type="行政备案",
        objects=("法人",), kind="filing", legal=0, promised=0, visits=0, basis="《单用途商业预付卡管理办法（试行）》第七条",
        conditions=("企业法人自开展单用途卡业务之日起30日内备案", "建立预付资金存管制度"),
        materials=[
            apply_form("prepaid_form", "单用途商业预付卡发卡企业备案表", "《单用途商业预付卡管理办法（试行）》第八条"),
            business_licence(),
            mat("prepaid_rules", "单用途卡章程或协议样本及资金管理制度", basis="《单用途商业预付卡管理办法（试行）》第八条"),
        ],
        result="单用途商业预付卡发卡企业备案回执",
        faq=[("理发店办会员卡要备案吗？", "企业法人发行单用途预付卡的应当备案；个体工商户发卡按本市预付式消费管理规定执行。")],
        keywords=("办会员卡", "预付卡备案", "储值卡"),
    )
    c["used_car"] = add(
        dept="shw", main_name="二手车经营主体备案", name="二手车交易市场经营者和二手车经营主体备案", item_type="行政备案",
        objects=("法人", "自然人"), kind="filing", legal=0, promised=0, visits=0, basis="《二手车流通管理办法》第十三条",
        conditions=("已取得营业执照，经营范围包含二手车经营", "自取得营业执照之日起2个月内备案"),
        materials=[apply_form("used_car_form", "二手车经营主体备案表", "《二手车流通管理办法》第十三条"), business_licence()],
        result="二手车经营主体备案回执",
        faq=[("二手车行备案后能开发票吗？", "备案的二手车经营主体可以开具二手车销售统一发票，办理交易过户更便捷。")],
        keywords=("卖二手车", "二手车备案", "二手车行"),
    )
    return c


def city_management_items() -> dict[str, str]:
    c: dict[str, str] = {}
    c["construction_waste"] = add(
        dept="cg", main_name="城市建筑垃圾处置核准", name="城市建筑垃圾处置核准", item_type="行政许可", objects=("法人",),
        legal=20, promised=3, visits=0,
        basis="《国务院对确需保留的行政审批项目设定行政许可的决定》第101项；《城市建筑垃圾管理规定》（建设部令第139号）",
        situations=[
            sit("S1", "建设工程建筑垃圾（渣土）处置", "已确定建筑垃圾运输单位和消纳场所", "施工现场设置车辆冲洗设施"),
            sit("S2", "装修垃圾集中清运", "由物业或社区统一委托有资质的运输单位", "承诺按指定时间、路线运输"),
        ],
        materials=[
            apply_form("waste_apply", "城市建筑垃圾处置核准申请表", "建设部令第139号第七条"),
            project_code(situations=("S1",)),
            mat("waste_plan", "建筑垃圾处置方案（产生量、运输路线、消纳场所）", basis="建设部令第139号第七条"),
            mat("transport_contract", "与核准的运输单位签订的运输合同", basis="建设部令第139号第七条"),
        ],
        result="城市建筑垃圾处置核准证",
        validity="按工程工期核定",
        faq=[("家里装修的垃圾怎么处理？", "装修垃圾投放到小区指定的装修垃圾堆放点，由物业统一委托清运，个人无需办理核准。")],
        keywords=("建筑垃圾", "渣土", "拉渣土", "装修垃圾"),
    )
    c["outdoor_ad"] = add(
        dept="cg", main_name="户外广告设施设置审批", name="户外广告设施设置审批", item_type="行政许可", objects=("法人", "自然人"),
        level="县", region=ZHANGDIAN, legal=20, promised=3, visits=0,
        basis="《城市市容和环境卫生管理条例》第十一条；《山东省城市建设管理条例》；《淄博市户外广告和招牌设施设置管理办法》",
        situations=[
            sit("S1", "大型户外广告设施", "设置位置符合户外广告设施设置专项规划", "设施结构安全经专业机构论证"),
            sit("S2", "门头招牌（店招）", "招牌与建筑立面协调，一店一招", "字体规范，不遮挡窗户和消防通道"),
        ],
        materials=[
            apply_form("ad_apply", "户外广告（招牌）设施设置申请表", "《淄博市户外广告和招牌设施设置管理办法》"),
            business_licence(),
            operator_id(),
            mat("ad_design", "设施设计效果图及尺寸、材质说明", basis="《淄博市户外广告和招牌设施设置管理办法》"),
            mat("ad_safety", "结构安全检测或论证报告", situations=("S1",), basis="《城市市容和环境卫生管理条例》第十一条"),
        ],
        result="户外广告设施设置许可决定书", validity="大型户外广告3年；门头招牌长期有效",
        faq=[("饭店门口挂招牌要审批吗？", "门头招牌按“一店一招”标准设置，网上提交效果图3个工作日内办结；可在“开饭店一件事”中一起申请。")],
        keywords=("挂广告", "门头招牌", "店招", "广告牌"),
    )
    c["drainage"] = add(
        dept="cg", main_name="城镇污水排入排水管网许可", name="城镇污水排入排水管网许可", item_type="行政许可",
        objects=("法人", "自然人"), level="县", region=ZHANGDIAN, legal=20, promised=3, visits=0,
        basis="《城镇排水与污水处理条例》第二十一条；《城镇污水排入排水管网许可管理办法》",
        situations=[
            sit("S1", "餐饮、洗车、美容美发等排水户", "按规定设置隔油池、沉淀池等预处理设施", "排水水质符合《污水排入城镇下水道水质标准》"),
            sit("S2", "工业、建筑施工排水户", "已建设排水检测井和预处理设施", "排水水质经检测合格"),
        ],
        materials=[
            apply_form("drainage_apply", "城镇污水排入排水管网许可申请表", "《城镇污水排入排水管网许可管理办法》第九条"),
            business_licence(),
            operator_id(),
            mat("drainage_map", "排水户内部排水管网、专用检测井、污水排放口位置和口径图纸", basis="《城镇污水排入排水管网许可管理办法》第九条"),
            mat("water_quality", "排水水质检测报告", situations=("S2",), basis="《城镇污水排入排水管网许可管理办法》第九条"),
        ],
        extra=(("现场核查", 2),),
        result="城镇污水排入排水管网许可证", validity="5年",
        faq=[("开饭店为什么要办排水许可？", "餐饮油污易堵塞管网，餐饮排水户需设置隔油设施并取得排水许可；可在“开饭店一件事”中同步申请。")],
        keywords=("排水许可", "餐饮排水", "污水排放", "隔油池"),
    )
    c["road_occupation"] = add(
        dept="cg", main_name="占用、挖掘城市道路审批", name="占用、挖掘城市道路审批", item_type="行政许可", objects=("法人", "自然人"),
        legal=20, promised=3, visits=0, basis="《城市道路管理条例》第二十九条、第三十条、第三十一条",
        situations=[
            sit("S1", "临时占用城市道路", "因工程建设、物料堆放等确需临时占用", "占用期限一般不超过1年"),
            sit("S2", "挖掘城市道路", "因敷设管线等确需挖掘", "已取得建设工程规划许可（需要的）并制定交通疏导方案"),
        ],
        materials=[
            apply_form("road_apply", "占用、挖掘城市道路申请表", "《城市道路管理条例》第三十条"),
            business_licence(required=False),
            mat("road_plan", "施工方案、位置图及交通疏导方案", basis="《城市道路管理条例》第三十条"),
        ],
        fee=("《城市道路管理条例》第三十七条；《山东省物价局 山东省财政厅关于城市道路占用挖掘收费标准的通知》",
             "占道费、道路挖掘修复费按占用面积、时间和路面类型计收"),
        result="占用、挖掘城市道路许可决定书", validity="按批准期限",
        faq=[("紧急抢修也要先审批吗？", "管线紧急抢修可以先行挖掘，同时通知城管和公安交管部门，24小时内补办手续。")],
        keywords=("挖路", "占道", "马路开挖"),
    )
    return c


def culture_items() -> dict[str, str]:
    c: dict[str, str] = {}
    c["performance"] = add(
        dept="wl", main_name="营业性演出审批", name="营业性演出许可", item_type="行政许可", objects=("法人",),
        legal=3, promised=2, visits=0, basis="《营业性演出管理条例》第十三条；《营业性演出管理条例实施细则》",
        situations=[
            sit("S1", "境内营业性演出", "演出举办单位持有营业性演出许可证", "演出内容不含《营业性演出管理条例》第二十五条禁止的内容"),
            sit("S2", "大型营业性演出（观众5000人以上）", "已制定安全工作方案和应急预案", "演出场所已通过公安部门安全许可"),
        ],
        materials=[
            apply_form("performance_apply", "营业性演出申请登记表", "《营业性演出管理条例实施细则》第十六条"),
            business_licence(),
            mat("performance_program", "演出节目内容材料及演员名单", basis="《营业性演出管理条例实施细则》第十六条"),
            mat("venue_agreement", "演出场所合同或协议", basis="《营业性演出管理条例实施细则》第十六条"),
        ],
        result="营业性演出准予许可决定书", validity="限本次演出",
        faq=[("在烧烤店搞驻唱要审批吗？", "餐饮场所举办的营业性演出也需要审批，或由演出经纪机构申请。")],
        keywords=("办演唱会", "演出审批", "搞演出", "商演"),
    )
    c["entertainment"] = add(
        dept="wl", main_name="娱乐场所经营许可", name="娱乐场所经营许可（新设）", handling="新设", item_type="行政许可",
        objects=("法人", "自然人"), level="县", region=ZHANGDIAN, legal=20, promised=5, visits=1,
        basis="《娱乐场所管理条例》第九条、第十一条；《娱乐场所管理办法》",
        conditions=("场所位置不在居民楼、博物馆、图书馆和被核定为文物保护单位的建筑物内", "包厢、包间内不得设置隔断，并有透明门窗",
                    "歌舞娱乐场所的歌曲点播系统接入全国娱乐场所监管平台"),
        materials=[
            apply_form("entertainment_apply", "娱乐场所经营许可申请书", "《娱乐场所管理办法》第七条"),
            business_licence(),
            operator_id(),
            premises(),
            mat("entertainment_layout", "场所平面图及包厢分布示意图", basis="《娱乐场所管理办法》第七条"),
        ],
        extra=(("现场核查", 5), ("听证", 10)),
        result="娱乐经营许可证", validity="2年",
        faq=[("开KTV为什么要听证？", "娱乐场所经营许可涉及周边居民重大利益的，应当举行听证，听证时间不计入审批时限。")],
        keywords=("开KTV", "开歌厅", "娱乐场所许可证"),
    )
    c["travel_agency"] = add(
        dept="wl", main_name="旅行社业务经营许可", name="旅行社设立许可", handling="新设", item_type="行政许可", objects=("法人",),
        legal=20, promised=5, visits=0, basis="《中华人民共和国旅游法》第二十八条；《旅行社条例》第六条、第七条",
        conditions=("有固定的经营场所和必要的营业设施", "有必要的经营管理人员和导游", "按规定交纳旅游服务质量保证金"),
        materials=[
            apply_form("travel_apply", "旅行社业务经营许可申请书", "《旅行社条例实施细则》第七条"),
            business_licence(),
            premises(),
            mat("deposit_proof", "旅游服务质量保证金交存证明（或保险、银行担保）", basis="《旅行社条例》第十三条"),
        ],
        result="旅行社业务经营许可证", validity="长期有效",
        faq=[("开旅行社要交多少保证金？", "经营国内和入境旅游业务的交存20万元，可以用银行保函或保证保险替代现金。")],
        keywords=("开旅行社", "旅行社许可", "办旅行社"),
    )
    c["internet_cafe"] = add(
        dept="wl", main_name="互联网上网服务营业场所经营许可", name="互联网上网服务营业场所经营许可（新设）", handling="新设",
        item_type="行政许可", objects=("法人",), level="县", region=ZHANGDIAN, legal=20, promised=5, visits=1,
        basis="《互联网上网服务营业场所管理条例》第七条、第十一条",
        conditions=("营业场所距中学、小学校园出入口最近距离不少于200米", "计算机台数和营业面积符合规定", "已通过消防安全检查"),
        materials=[
            apply_form("cafe_apply", "互联网上网服务营业场所经营许可申请表", "《互联网上网服务营业场所管理条例》第十一条"),
            business_licence(),
            premises(),
            mat("cafe_tech", "网络安全技术措施落实情况说明", basis="《互联网上网服务营业场所管理条例》第十一条"),
        ],
        extra=(("现场核查", 5),),
        result="网络文化经营许可证", validity="2年",
        faq=[("网吧可以离学校多近？", "网吧与中小学校园出入口的直线距离不得少于200米。")],
        keywords=("开网吧", "开网咖", "网吧许可证"),
    )
    return c


def education_items() -> dict[str, str]:
    c: dict[str, str] = {}
    school = dict(dept="jy", main_name="民办学校设立", item_type="行政许可", objects=("自然人", "法人"), handling="新设",
                  basis="《中华人民共和国民办教育促进法》第十二条、第十七条；《中华人民共和国民办教育促进法实施条例》",
                  result="中华人民共和国民办学校办学许可证", validity="长期有效（按规定年检）")
    c["kindergarten"] = add(
        name="民办学校设立（实施学前教育的民办幼儿园）", sub=("A", "民办幼儿园设立"), level="县", region=ZHANGDIAN, legal=90,
        promised=30, visits=1, **school,
        conditions=("园舍符合《山东省幼儿园办园基本标准》，生均建筑面积、户外活动场地达标", "园长、教师具备相应资格",
                    "举办者有相应的资金保障"),
        materials=[
            apply_form("school_apply", "民办学校设立申请书", "《中华人民共和国民办教育促进法》第十三条"),
            mat("school_articles", "民办学校章程", basis="《中华人民共和国民办教育促进法》第十四条"),
            mat("school_premises", "校舍、园舍产权证明或10年以上租赁合同", basis="《中华人民共和国民办教育促进法实施条例》"),
            mat("staff_qualification", "校（园）长、教师资格证明", form="电子", source="部门共享", basis=E_LICENCE_BASIS),
            mat("school_funds", "资产来源、资金数额及有效证明文件", basis="《中华人民共和国民办教育促进法》第十三条"),
        ],
        extra=(("专家评审", 15), ("现场核查", 5)),
        faq=[("开幼儿园要先办营业执照吗？", "不要。先取得办学许可证，再到民政（非营利性）或市场监管（营利性）部门登记。")],
        keywords=("开幼儿园", "办幼儿园", "办学校", "民办学校"),
    )
    c["private_school"] = add(
        name="民办学校设立（实施中等学历教育）", sub=("B", "民办中等学历教育学校设立"), legal=90, promised=45, visits=1,
        **school,
        conditions=("符合本市教育事业发展规划和学校布局", "办学规模、校舍、设施设备达到省定办学条件标准",
                    "有符合条件的校长和专任教师队伍"),
        materials=[
            apply_form("school_apply", "民办学校设立申请书", "《中华人民共和国民办教育促进法》第十三条"),
            mat("school_articles", "民办学校章程", basis="《中华人民共和国民办教育促进法》第十四条"),
            mat("school_premises", "校舍、园舍产权证明或10年以上租赁合同", basis="《中华人民共和国民办教育促进法实施条例》"),
            mat("staff_qualification", "校（园）长、教师资格证明", form="电子", source="部门共享", basis=E_LICENCE_BASIS),
            mat("school_funds", "资产来源、资金数额及有效证明文件", basis="《中华人民共和国民办教育促进法》第十三条"),
        ],
        extra=(("专家评审", 20), ("现场核查", 5)),
        faq=[("民办学校要先筹设吗？", "具备办学条件的可直接申请正式设立；不具备的先申请筹设，筹设期不超过3年。")],
        keywords=("办学校", "民办学校", "开私立学校"),
    )
    c["training"] = add(
        dept="jy", main_name="非学科类校外培训机构设立", name="非学科类校外培训机构设立审批", handling="新设", item_type="行政许可",
        objects=("自然人", "法人"), level="县", region=ZHANGDIAN, legal=30, promised=10, visits=1,
        basis="《中华人民共和国民办教育促进法》；《山东省校外培训机构设置标准》",
        conditions=("培训场所人均面积不少于3平方米，不在地下室、居民楼内", "培训人员具备相应专业能力证明", "属于体育、文化艺术、科技等非学科类"),
        materials=[
            apply_form("training_apply", "校外培训机构设立申请表", "《山东省校外培训机构设置标准》"),
            operator_id(),
            premises(),
            mat("trainer_list", "培训人员名单及资格证明", basis="《山东省校外培训机构设置标准》"),
        ],
        extra=(("现场核查", 5),),
        result="民办学校办学许可证（非学科类培训）", validity="长期有效（按规定年检）",
        faq=[("开舞蹈班、美术班要审批吗？", "面向中小学生的文化艺术类校外培训机构需要取得办学许可后再办理法人登记。")],
        keywords=("开培训班", "办培训机构", "开舞蹈班", "开美术班"),
    )
    c["teacher_cert"] = add(
        dept="jy", main_name="教师资格认定", name="教师资格认定（初级中学及以下）", item_type="行政许可", objects=("自然人",),
        level="县", region=ZHANGDIAN, legal=30, promised=20, visits=0,
        basis="《中华人民共和国教师法》第十三条；《教师资格条例》；《〈教师资格条例〉实施办法》",
        conditions=("具备《中华人民共和国教师法》规定的学历或通过国家教师资格考试", "普通话水平达到二级乙等以上", "体检合格"),
        materials=[
            id_card(),
            mat("exam_cert", "中小学教师资格考试合格证明", form="电子", source="部门共享", basis="《教师资格条例》"),
            mat("mandarin_cert", "普通话水平测试等级证书", form="电子", source="部门共享", basis="《〈教师资格条例〉实施办法》"),
            mat("medical_exam", "教师资格认定体格检查表", basis="《〈教师资格条例〉实施办法》"),
            photo(),
        ],
        result="教师资格证书", validity="长期有效",
        faq=[("教师资格认定一年有几次？", "我市每年春季、秋季各集中受理一次，具体时间以中国教师资格网公告为准。")],
        keywords=("教师资格证", "考教资", "认定教师资格"),
    )
    return c


# ---------------------------------------------------------------------------
# One-thing bundles (一件事): items in the order the applicant goes through them
# ---------------------------------------------------------------------------


def bundles(c: dict[str, str]) -> list[dict[str, Any]]:
    def bundle(code: str, name: str, description: str, keywords: tuple[str, ...], *handles: str) -> dict[str, Any]:
        return {"code": code, "name": name, "description": description, "keywords": list(keywords),
                "items": [c[h] for h in handles]}

    return [
        bundle("yjs-kbqy", "开办企业",
               "企业设立登记、公章刻制、发票申领、社会保险和医疗保险参保登记一表申请、一窗受理，全程网办0.5个工作日办结，"
               "新开办企业首套印章免费刻制。营业执照、法定代表人身份证件只需提交一次，其余事项共享使用。",
               ("开公司", "注册公司", "开办企业", "办执照"),
               "company_new", "seal", "invoice", "employee_insurance", "employer_insurance"),
        bundle("yjs-kfd", "开饭店",
               "个体工商户注册登记（或企业设立登记）、食品经营许可、城镇污水排入排水管网许可、门头招牌设置、"
               "公众聚集场所营业前消防安全检查一次告知、一表申请、并联审批，现场核查一次完成。",
               ("开饭店", "开餐馆", "开饭馆", "开小吃店"),
               "gt_new", "food_new", "drainage", "outdoor_ad", "fire_check"),
        bundle("yjs-xsecs", "新生儿出生",
               "宝宝出生后，出生医学证明、预防接种证、出生登记（户口）、城乡居民医保参保登记、社会保障卡申领"
               "在助产机构或政务服务中心一次申请，出生医学证明、父母身份证件各部门共享，证件免费邮寄到家。",
               ("生孩子", "新生儿", "宝宝出生", "上户口"),
               "birth_cert", "vaccination_card", "birth_register", "newborn_insurance", "social_card"),
        bundle("yjs-esf", "二手房买卖与水电气过户",
               "存量房买卖的契税申报、不动产转移登记和供水、供电、燃气、有线电视过户在不动产登记综合窗口一次办结，"
               "买卖双方身份证件、不动产权证书、买卖合同只提交一次。",
               ("买房", "卖房", "二手房", "过户"),
               "deed_tax", "transfer", "water_transfer", "power_transfer", "gas_transfer", "tv_transfer"),
        bundle("yjs-wykg", "我要开工",
               "社会投资项目从立项到开工的7个环节：项目备案、用地预审与选址、建设用地规划许可、建设工程规划许可、"
               "施工图审查、建筑垃圾处置核准、施工许可，一家牵头、并联审批、限时办结，由45天压缩到3天。",
               ("开工", "拿地即开工", "工程审批", "项目开工"),
               "project_filing", "site_selection", "land_planning", "building_planning", "drawing_review",
               "construction_waste", "construction_permit"),
        bundle("yjs-kyd", "开药店",
               "企业设立登记、药品零售许可、第二类医疗器械经营备案、食品经营许可（销售保健食品）一次申请，"
               "现场核查一次完成；营业满3个月后可申请医保定点。",
               ("开药店", "开药房", "卖药"),
               "company_new", "drug_new", "device_filing", "food_new", "pharmacy_designation"),
        bundle("yjs-tx", "退休",
               "职工退休审批、基本养老金待遇核定和职工医保退休人员待遇核定一次申请，退休审批表各部门共享，"
               "次月起发放养老金。",
               ("退休", "办退休", "领养老金"),
               "retirement", "pension", "retiree_insurance"),
        bundle("yjs-sy", "失业保障",
               "失业登记和失业保险金申领一次申请，同步享受职业介绍、技能培训和创业扶持服务。",
               ("失业", "领失业金", "没工作了"),
               "unemployment", "unemployment_benefit", "startup_loan"),
    ]


# ---------------------------------------------------------------------------
# Service points: 市 → 区县 → 镇街 → 村社区
# ---------------------------------------------------------------------------

TOWN_HOURS = "周一至周五 上午8:30—12:00，下午13:30—17:30（法定节假日除外）"
VILLAGE_HOURS = "周一至周五 上午8:30—11:30，下午14:00—17:00；行动不便群众可预约上门代办"

# code, name, hall address, phone. 高新区, 经济开发区 and 文昌湖 have no GB/T 2260 code: local codes.
DISTRICTS = [
    ("370302", "淄川区", "淄博市淄川区般阳路36号", "0533-5182345"),
    ("370303", "张店区", "淄博市张店区华光路366号", "0533-2186001"),
    ("370304", "博山区", "淄博市博山区中心路86号", "0533-4182345"),
    ("370305", "临淄区", "淄博市临淄区晏婴路128号", "0533-7182345"),
    ("370306", "周村区", "淄博市周村区正阳路189号", "0533-6182345"),
    ("370321", "桓台县", "淄博市桓台县张北路2号", "0533-8182345"),
    ("370322", "高青县", "淄博市高青县青城路88号", "0533-6962345"),
    ("370323", "沂源县", "淄博市沂源县振兴路16号", "0533-3242345"),
    ("370371", "高新区", "淄博市高新区柳泉路125号 高新区政务服务中心", "0533-3582345"),
    ("370372", "经济开发区", "淄博经济开发区傅山路55号", "0533-2322345"),
    ("370373", "文昌湖省级旅游度假区", "淄博市文昌湖区萌山路6号", "0533-6512345"),
]

# Streets (街道) and towns (镇) of 张店区 and 周村区 (DOMAIN.md), with the address of their hall.
TOWNS = {
    "370303": [
        ("车站街道", "淄博市张店区联通路158号"),
        ("公园街道", "淄博市张店区共青团西路66号"),
        ("和平街道", "淄博市张店区和平路91号"),
        ("科苑街道", "淄博市张店区柳泉路东首科苑街道办事处一楼"),
        ("体育场街道", "淄博市张店区新村西路178号"),
        ("湖田街道", "淄博市张店区湖田路59号"),
        ("四宝山街道", "淄博市张店区北西五路88号"),
        ("马尚街道", "淄博市张店区马尚大道26号"),
        ("南定镇", "淄博市张店区南定镇政府驻地华润路6号"),
        ("沣水镇", "淄博市张店区沣水镇沣水大道12号"),
        ("傅家镇", "淄博市张店区傅家镇政府驻地鲁泰大道98号"),
        ("中埠镇", "淄博市张店区中埠镇中埠大道36号"),
        ("房镇镇", "淄博市张店区房镇镇人民路168号"),
    ],
    "370306": [
        ("城北路街道", "淄博市周村区城北路88号"),
        ("丝绸路街道", "淄博市周村区丝绸路102号"),
        ("青年路街道", "淄博市周村区青年路66号"),
        ("大街街道", "淄博市周村区大街83号"),
        ("永安街街道", "淄博市周村区永安街36号"),
        ("北郊镇", "淄博市周村区北郊镇政府驻地萌山路1号"),
        ("南郊镇", "淄博市周村区南郊镇政府驻地南郊大道18号"),
        ("王村镇", "淄博市周村区王村镇王村大街56号"),
        ("萌水镇", "淄博市周村区萌水镇萌水大道8号"),
    ],
}

# Communities (社区) and villages (村) with a 便民服务站: town name → [(name, address)].
VILLAGES = {
    "车站街道": [("华侨城社区", "淄博市张店区华侨城小区服务楼一楼"), ("新华社区", "淄博市张店区新华街17号")],
    "公园街道": [("金茵社区", "淄博市张店区金茵小区东门综合服务楼"), ("花园社区", "淄博市张店区花园路56号")],
    "和平街道": [("和平社区", "淄博市张店区和平路和平小区2号楼")],
    "科苑街道": [("华润社区", "淄博市张店区华润大厦北侧服务中心")],
    "南定镇": [("南定村", "淄博市张店区南定镇南定村委会")],
    "傅家镇": [("傅家村", "淄博市张店区傅家镇傅家村委会")],
    "中埠镇": [("中埠村", "淄博市张店区中埠镇中埠村委会")],
    "大街街道": [("丝市街社区", "淄博市周村区丝市街18号")],
    "青年路街道": [("正阳社区", "淄博市周村区正阳路东首正阳社区服务中心")],
    "王村镇": [("王村村", "淄博市周村区王村镇王村村委会")],
    "萌水镇": [("萌水村", "淄博市周村区萌水镇萌水村委会")],
}

DISTRICT_HANDLES = ["市场监管", "税务", "人社", "公安", "卫健", "医保", "民政", "住建", "自然资源和规划", "不动产登记",
                    "交通运输", "城管", "文旅", "教育"]
# 镇街: social affairs plus the items delegated to streets and towns.
TOWN_ITEMS = ["gt_new", "dibao", "tekun", "temporary_aid", "resident_insurance", "newborn_insurance", "social_card",
              "resident_pension", "employment", "unemployment", "birth_registration"]
# 村社区: public services and 代办 of applications the station forwards to the town (低保, 临时救助).
VILLAGE_ITEMS = ["resident_insurance", "resident_pension", "social_card", "birth_registration", "employment",
                 "unemployment", "dibao", "temporary_aid"]


def point(code: str, name: str, level: str, parent: str, district: str, town: str, village: str,
          address: str, hours: str, phone: str, handles: list[str]) -> dict[str, Any]:
    return {"code": code, "name": name, "level": level, "region_code": code, "parent": parent,
            "district": district, "town": town, "village": village, "address": address, "hours": hours,
            "phone": phone, "handles": handles}


def service_points(c: dict[str, str]) -> list[dict[str, Any]]:
    points = [point(CITY, "淄博市政务服务中心", "市", "", "", "", "", "淄博市张店区人民西路228号 淄博市民中心",
                    HOURS, COMPLAINT_PHONE, [d.short for d in DEPARTMENTS])]
    for dcode, dname, address, phone in DISTRICTS:
        points.append(point(dcode, f"{dname}政务服务中心", "区县", CITY, dname, "", "", address, HOURS, phone,
                            list(DISTRICT_HANDLES)))
        prefix = phone[:-4]  # towns and villages share the district's exchange
        for n, (town, town_address) in enumerate(TOWNS.get(dcode, []), start=1):
            tcode = f"{dcode}{n:03d}"
            handles = ["民政", "人社", "医保", "卫健"] + [c[h] for h in TOWN_ITEMS]
            if town.endswith("镇"):
                handles.append(c["rural_planning"])
            points.append(point(tcode, f"{dname}{town}便民服务中心", "镇街", dcode, dname, town, "", town_address,
                                TOWN_HOURS, f"{prefix}{n:02d}01", handles))
            for m, (village, village_address) in enumerate(VILLAGES.get(town, []), start=1):
                points.append(point(f"{tcode}{m:03d}", f"{town}{village}便民服务站", "村社区", tcode, dname, town, village,
                                    village_address, VILLAGE_HOURS, f"{prefix}{n:02d}{m + 1:02d}",
                                    [c[h] for h in VILLAGE_ITEMS]))
    return points


# ---------------------------------------------------------------------------
# Glossary: the plain words (白话) a printed guide uses for terms of the catalog.
# Material forms and sources are printed as what to do; the other terms get their
# plain words in the guide's "words explained" list when the guide uses them.
# ---------------------------------------------------------------------------

GLOSSARY: list[tuple[str, str]] = [
    ("原件", "带原件"),
    ("复印件", "带复印件"),
    ("电子", "电子版即可，可在网上提交"),
    ("部门共享", "不用带，窗口调取"),
    ("申请人", "自己准备"),
    ("即办件", "材料齐全的，当场办好"),
    ("当场办结", "当场办好"),
    ("受理", "窗口收下您的材料，开始办理"),
    ("不予受理", "窗口不收材料，并告诉您原因"),
    ("审查", "工作人员核对材料是否齐全、是否符合要求"),
    ("现场核查", "工作人员到您的场所实地查看"),
    ("决定", "作出同意或不同意的决定"),
    ("送达", "把证件或结果交给您（可邮寄）"),
    ("告知承诺", "您书面承诺符合条件，就可以先办，事后核查"),
    ("法定办结时限", "法律规定最多用多少个工作日办完"),
    ("承诺办结时限", "本中心承诺多少个工作日办完"),
    ("工作日", "周一到周五，法定节假日除外"),
    ("授权委托书", "您委托别人来办时，写明委托谁办什么的一张纸"),
    ("统一社会信用代码", "营业执照上的18位代码"),
    ("法定代表人", "营业执照上写的负责人"),
]


# ---------------------------------------------------------------------------
# Assemble
# ---------------------------------------------------------------------------


# How people say things (docs/catalog-format.md, "words"): a synonym the lookup
# reads as the catalog's word, or a filler (no meaning) it drops from a phrase, on
# top of the fillers it knows already (我想, 怎么, 办理, 了, 吗…).
WORDS: list[tuple[str, str]] = [
    ("饭馆", "饭店"),
    ("餐厅", "饭店"),
    ("娃", "孩子"),
    ("房本", "房产证"),
    ("退休金", "养老金"),
    ("啥", ""),
    ("咋整", ""),
    ("俺", ""),
    ("俺想", ""),
    ("麻烦", ""),
    ("问一下", ""),
    ("打听", ""),
]


def build() -> dict[str, Any]:
    ITEMS.clear()
    _main_seq.clear()
    _handling_seq.clear()
    _sub_names.clear()
    codes: dict[str, str] = {}
    for declare in (
        market_items, tax_items, police_items, health_items, medical_insurance_items, labour_items,
        civil_affairs_items, construction_items, real_estate_items, utility_items, transport_items,
        commerce_items, city_management_items, culture_items, education_items,
    ):
        codes.update(declare())
    return {
        "version": 1,
        "departments": [{"code": d.code, "name": d.name, "short": d.short} for d in DEPARTMENTS],
        "items": list(ITEMS),
        "bundles": bundles(codes),
        "service_points": service_points(codes),
        "glossary": [{"code": term, "plain": plain} for term, plain in GLOSSARY],
        "words": [{"code": word, "means": means} for word, means in WORDS],
    }


def main() -> None:
    catalog = build()
    OUTPUT.write_text(json.dumps(catalog, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{OUTPUT}: {len(catalog['items'])} items, {len(catalog['bundles'])} bundles, "
          f"{len(catalog['service_points'])} service points")


if __name__ == "__main__":
    main()
