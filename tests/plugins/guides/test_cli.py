"""``sihao guide`` and ``sihao guides …`` run as a user runs them: a real subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.documents import pdf
from tests.cups import CupsPdfPrinter
from tests.plugins.guides.conftest import FOOD
from tests.workstation.test_cli import sihao


@pytest.fixture
def site(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    assert sihao(data, "demo", "seed").returncode == 0
    return data


def test_guide_for_a_situation_to_a_file(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "食品.pdf"
    out.parent.mkdir()
    result = sihao(site, "guide", FOOD, "--situation", "含热食类食品制售", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout
    text = pdf.text(out)
    assert "食品经营许可（新设） 办事指南" in text and "平面布局图" in text
    assert [p.name for p in out.parent.iterdir()] == ["食品.pdf"]  # no temporary file left


def test_bundle_guide_to_a_file(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "bundle.pdf"
    result = sihao(site, "guide", "--bundle", "开饭店", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "开饭店（一件事）办事指南" in pdf.text(out)


def test_bad_input_is_one_chinese_sentence_and_nothing_written(site: Path, tmp_path: Path) -> None:
    unknown = sihao(site, "guide", "NO-SUCH", "--out", str(tmp_path / "a.pdf"))
    assert unknown.returncode == 2 and "事项编码 NO-SUCH 不在本机的事项目录中" in unknown.stderr
    situation = sihao(site, "guide", FOOD, "--situation", "S9", "--out", str(tmp_path / "b.pdf"))
    assert situation.returncode == 2 and "没有办理情形 S9" in situation.stderr
    bundle = sihao(site, "guide", "--bundle", "开火箭", "--out", str(tmp_path / "c.pdf"))
    assert bundle.returncode == 2 and "没有名为 开火箭 的一件事" in bundle.stderr
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    unwritable = sihao(site, "guide", FOOD, "--out", str(blocker / "g.pdf"))
    assert unwritable.returncode == 2 and "保存" in unwritable.stderr
    font = sihao(site, "guide", FOOD, "--out", str(tmp_path / "d.pdf"))
    assert font.returncode == 0
    for result in (unknown, situation, bundle, unwritable):
        assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.pdf", "data", "not-a-folder"]


def test_english_with_lang_en(site: Path, tmp_path: Path) -> None:
    result = sihao(site, "--lang", "en", "guide", "--bundle", "x", "--out", str(tmp_path / "x.pdf"))
    assert result.returncode == 2 and "There is no one-thing bundle x" in result.stderr


def test_a_paused_printer_keeps_the_guide_queued_and_says_so(
    site: Path, cups_printer: CupsPdfPrinter
) -> None:
    cups_printer.stop()
    result = sihao(site, "guide", FOOD, "--printer", cups_printer.name)
    assert result.returncode == 3, result.stderr
    assert cups_printer.name in result.stderr and "已暂停" in result.stderr
    assert list((site / "print-queue").glob("*.pdf"))


def test_handbook_and_qr_wall_from_the_command_line(site: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.pdf"
    result = sihao(site, "guides", "handbook", "--top", "5", "--out", str(book))
    assert result.returncode == 0, result.stderr
    assert "审批服务高频事项办事指南" in pdf.text(book, 1)
    wall = tmp_path / "wall.pdf"
    result = sihao(site, "guides", "qrwall", "--top", "8", "--paper", "A3", "--out", str(wall))
    assert result.returncode == 0, result.stderr
    assert len(pdf.decode_qr(wall, 1, tmp_path)) == 8
