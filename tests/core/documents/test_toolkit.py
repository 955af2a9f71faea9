"""The document toolkit, read back from real PDFs with poppler and zbar."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

from core.documents import (
    Document,
    DocumentError,
    FlowStep,
    FontMissing,
    Footer,
    MissingGlyphs,
    PageSetup,
    PaperSize,
    PersonalData,
    PersonalDataFound,
    WriteFailed,
    find_font,
)
from core.i18n import set_language
from tests.core.documents import pdf

ITEM = "370300-000-XK-0001"
URL = f"https://zwfw.zibo.gov.cn/item/{ITEM}"
FOOTER = Footer(
    site="张店区政务服务中心",
    catalog_version="2026.12.01-3",
    document_id=ITEM,
    printed_at=datetime(2026, 12, 7, 9, 30),
)
STEPS = [
    FlowStep("申请"),
    FlowStep("受理", "1个工作日"),
    FlowStep("现场核查", "5个工作日", counts=False),
    FlowStep("审查", "2个工作日"),
    FlowStep("专家评审", "不超过10个工作日", counts=False),
    FlowStep("决定", "1个工作日"),
    FlowStep("送达", "当场"),
]


def guide(size: PaperSize = PaperSize.A4) -> Document:
    doc = Document(
        title="食品经营许可 办事指南",
        footer=FOOTER,
        page=PageSetup(size=size, header="淄博市政务服务 · 白话版办事指南"),
        personal_data=PersonalData.REFUSE,
    )
    doc.title_block("食品经营许可（新设）白话版办事指南")
    doc.heading("一、谁可以办")
    doc.paragraph("在张店区开饭店、小吃店的个人或企业。咨询电话 0533-2512345。")
    doc.fields([("事项编码", ITEM), ("承诺办结时限", "5个工作日")])
    doc.heading("二、要带的材料")
    doc.table(
        ["序号", "材料名称", "形式", "份数"],
        [
            [str(i), f"材料{i:02d}：营业执照副本复印件（加盖公章）", "复印件", "1"]
            for i in range(1, 61)
        ],
        widths=[0.1, 0.6, 0.15, 0.15],
    )
    doc.heading("三、办理流程")
    doc.flow(STEPS)
    doc.qr(URL, caption="扫码在线办理")
    return doc


@pytest.fixture(scope="module")
def guide_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return guide().write(tmp_path_factory.mktemp("guide") / "guide.pdf")


def test_chinese_text_reads_back(guide_pdf: Path) -> None:
    text = pdf.text(guide_pdf)
    assert "食品经营许可（新设）白话版办事指南" in text
    assert "在张店区开饭店、小吃店的个人或企业。" in text
    assert "0533-2512345" in text


def test_every_font_is_embedded(guide_pdf: Path) -> None:
    rows = pdf.fonts(guide_pdf)
    assert rows, "the PDF names no font"
    assert all(row.embedded for row in rows), rows
    assert all(row.type.startswith("TrueType") or "TrueType" in row.type for row in rows)


def test_sixty_materials_span_pages_with_the_header_repeated(guide_pdf: Path) -> None:
    pages = pdf.page_count(guide_pdf)
    assert pages >= 3
    seen: list[int] = []
    table_pages = 0
    for number in range(1, pages + 1):
        text = pdf.text(guide_pdf, number)
        rows = [int(m) for m in re.findall(r"材料(\d\d)：", text)]
        if rows:
            table_pages += 1
            assert "材料名称" in text, f"page {number} has rows but no header"
            # The header comes before the first row of the page.
            assert text.index("材料名称") < text.index(f"材料{rows[0]:02d}：")
        seen += rows
    assert table_pages >= 2
    assert seen == list(range(1, 61)), "every material once, in order"


def test_footer_on_every_page(guide_pdf: Path) -> None:
    pages = pdf.page_count(guide_pdf)
    for number in range(1, pages + 1):
        text = pdf.text(guide_pdf, number)
        assert f"第 {number} 页 / 共 {pages} 页" in text
        assert "张店区政务服务中心" in text
        assert "打印时间 2026-12-07 09:30" in text
        assert "目录版本 2026.12.01-3" in text
        assert f"编号 {ITEM}" in text


def test_qr_code_decodes_to_the_url(guide_pdf: Path, tmp_path: Path) -> None:
    pages = pdf.page_count(guide_pdf)
    found = [
        code for page in range(1, pages + 1) for code in pdf.decode_qr(guide_pdf, page, tmp_path)
    ]
    assert found == [URL]


def test_flow_chart_draws_excluded_steps_apart_and_labelled(guide_pdf: Path) -> None:
    words = pdf.words(guide_pdf)
    text = pdf.text(guide_pdf)
    assert "不计入法定办结时限的环节" in text

    def x_of(name: str) -> float:
        hits = [w for w in words if w.text == name]
        assert hits, f"{name} not drawn"
        return (hits[0].x_min + hits[0].x_max) / 2

    counted = [x_of(n) for n in ("受理", "审查", "决定", "送达")]
    excluded = [x_of(n) for n in ("现场核查", "专家评审")]
    assert max(counted) - min(counted) < 1, "counted steps share one lane"
    assert min(excluded) > max(counted) + 50, "excluded steps sit in a lane of their own"


@pytest.mark.parametrize("size", [PaperSize.A4, PaperSize.A5])
def test_nothing_is_drawn_outside_the_page(size: PaperSize, tmp_path: Path) -> None:
    path = guide(size).write(tmp_path / "guide.pdf")
    words = pdf.words(path)
    assert words
    for word in words:
        assert 0 <= word.x_min and word.x_max <= word.page_width, word
        assert 0 <= word.y_min and word.y_max <= word.page_height, word
    # Text, table rules, flow-chart boxes and QR squares all stay off the margins
    # (15 mm each side; 1 mm of slack for anti-aliasing of the frame's edge).
    assert pdf.ink_in_margins(path, tmp_path, side_mm=14.0) == []
    if size is PaperSize.A5:
        # The footer takes two lines on A5 and still shows the page count.
        assert "共" in pdf.text(path, 1)


def test_a_long_flow_chart_splits_between_steps(tmp_path: Path) -> None:
    doc = Document(title="t", footer=FOOTER, page=PageSetup(size=PaperSize.A5))
    doc.flow([FlowStep(f"环节{i:02d}", "1个工作日", counts=i % 5 != 0) for i in range(1, 31)])
    path = doc.write(tmp_path / "flow.pdf")
    assert pdf.page_count(path) >= 2
    assert re.findall(r"环节(\d\d)", pdf.text(path)) == [f"{i:02d}" for i in range(1, 31)]
    for word in pdf.words(path):
        assert 0 <= word.y_min and word.y_max <= word.page_height, word


def test_personal_data_is_masked_by_default(tmp_path: Path) -> None:
    doc = Document(title="受理回执", footer=FOOTER)
    doc.paragraph("申请人 张三，身份证号 370303198001011239，手机 13812345678。")
    text = pdf.text(doc.write(tmp_path / "receipt.pdf"))
    assert "370303********1239" in text and "138****5678" in text
    assert "370303198001011239" not in text and "13812345678" not in text


def test_a_guide_refuses_personal_data() -> None:
    doc = guide()
    with pytest.raises(PersonalDataFound) as caught:
        doc.paragraph("联系人手机 13812345678")
    assert "身份证号" in str(caught.value) or "手机号" in str(caught.value)
    assert "13812345678" not in str(caught.value)


def test_no_font_is_a_sentence_naming_the_fix() -> None:
    with pytest.raises(FontMissing) as caught:
        find_font(candidates=(), use_fontconfig=False)
    message = str(caught.value)
    assert "fonts-wqy-microhei" in message and "simsun.ttc" in message
    assert "字体" in message  # Chinese for the clerk


def test_no_font_in_english() -> None:
    set_language("en")
    with pytest.raises(FontMissing) as caught:
        find_font(candidates=(), use_fontconfig=False)
    assert str(caught.value).startswith("No Chinese font")


def test_a_configured_font_that_does_not_exist_is_not_silently_replaced(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        find_font(tmp_path / "simsun.ttc")
    assert "simsun.ttc" in str(caught.value) and "不存在" in str(caught.value)


def test_a_font_without_chinese_is_refused() -> None:
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not latin.exists():
        pytest.skip("DejaVu Sans is not installed here")
    with pytest.raises(DocumentError) as caught:
        find_font(latin)
    assert "中文" in str(caught.value)


def test_a_cff_opentype_font_is_refused_with_the_reason() -> None:
    cff = Path("/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf")
    if not cff.exists():
        pytest.skip("no CFF OpenType font installed here")
    with pytest.raises(DocumentError) as caught:
        find_font(cff)
    assert "CFF" in str(caught.value)


def test_a_character_the_font_lacks_is_refused_before_printing() -> None:
    doc = Document(title="t", footer=FOOTER)
    with pytest.raises(MissingGlyphs) as caught:
        doc.paragraph("申请人住址：北京市𠀀胡同")
    assert "𠀀" in str(caught.value)


def test_unwritable_path_is_a_sentence_and_leaves_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    target = blocker / "guide.pdf"
    with pytest.raises(WriteFailed) as caught:
        guide().write(target)
    assert "保存" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


def test_missing_folder_is_a_sentence_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(WriteFailed) as caught:
        guide().write(tmp_path / "gone" / "guide.pdf")
    assert "文件夹不存在" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_write_that_fails_half_way_keeps_the_previous_file_whole(tmp_path: Path) -> None:
    """The disk fills up in the middle of the new PDF (a file-size limit stands in for
    it, in a child process): the old file is untouched and no part file is left."""
    target = tmp_path / "guide.pdf"
    before = guide().write(target).read_bytes()
    child = textwrap.dedent(
        f"""
        import resource, signal, sys
        from core.documents import WriteFailed, write_atomic
        from core.i18n import set_language
        set_language("zh_CN")
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        try:
            write_atomic({str(target)!r}, b"%PDF-1.4 " + b"x" * 100_000)
        except WriteFailed as exc:
            print(exc)
            sys.exit(3)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", child], capture_output=True, text=True, cwd=Path.cwd(), timeout=60
    )
    assert result.returncode == 3, result.stderr
    assert "无法把文件保存到" in result.stdout and "文件过大" in result.stdout
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["guide.pdf"]


def test_a_handbook_prints_each_items_code_on_its_own_pages(tmp_path: Path) -> None:
    doc = Document(title="办事指南汇编", footer=FOOTER)
    for code in ("370300-000-XK-0001", "370300-000-XK-0002"):
        doc.section(code)
        doc.heading(f"事项 {code}")
        doc.table(["序号", "材料"], [[str(i), f"材料{i}"] for i in range(1, 41)])
    path = doc.write(tmp_path / "handbook.pdf")
    pages = pdf.page_count(path)
    assert pages >= 4
    footers = [pdf.text(path, n) for n in range(1, pages + 1)]
    first = [n for n, text in enumerate(footers, 1) if "编号 370300-000-XK-0001" in text]
    second = [n for n, text in enumerate(footers, 1) if "编号 370300-000-XK-0002" in text]
    assert first and second and max(first) < min(second), (first, second)
    assert set(first) | set(second) == set(range(1, pages + 1))


def test_a_long_site_name_gives_way_before_the_print_time_on_a5(tmp_path: Path) -> None:
    long_site = "淄博市张店区行政审批服务局政务服务中心车站街道便民服务中心综合受理窗口" * 2
    doc = Document(
        title="t",
        footer=Footer(
            site=long_site,
            catalog_version="2026.12.01-3",
            document_id="370300-000-XK-0001",
            printed_at=datetime(2026, 12, 7, 9, 30),
        ),
        page=PageSetup(size=PaperSize.A5),
    )
    doc.paragraph("正文")
    path = doc.write(tmp_path / "a5.pdf")
    text = pdf.text(path)
    assert "打印时间 2026-12-07 09:30" in text and "第 1 页 / 共 1 页" in text
    assert "…" in text and long_site not in text
    assert pdf.ink_in_margins(path, tmp_path, side_mm=14.0) == []


def test_personal_data_in_the_header_is_masked_and_a_qr_code_refuses_it(tmp_path: Path) -> None:
    doc = Document(title="通知书", footer=FOOTER, page=PageSetup(header="申请人电话 13812345678"))
    doc.paragraph("正文")
    text = pdf.text(doc.write(tmp_path / "notice.pdf"))
    assert "138****5678" in text and "13812345678" not in text
    with pytest.raises(PersonalDataFound):
        doc.qr("https://example.invalid/?id=370303198001011239")
