"""``sihao intake …`` as a user runs it (a real subprocess), and the rating card that
takes this site's case number and fills the item and window from the case."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input, Select

from core.runtime import Runtime
from plugins.feedback.models import Rating
from plugins.feedback.ui.rating_entry import RatingEntryScreen
from plugins.intake import service
from plugins.intake.service import MaterialStatus, Outcome
from tests.core.documents import pdf
from tests.plugins.intake.helpers import FOOD, take
from tests.workstation.helpers import open_as, wait_for
from tests.workstation.test_cli import sihao
from workstation.app import SihaoApp


def test_cases_paper_and_next_step_from_the_command_line(
    intake_runtime: Runtime, data_dir: Path, tmp_path: Path
) -> None:
    accepted = take(intake_runtime, today=dt.date(2026, 9, 28))
    notified = take(intake_runtime, outcome=Outcome.NOTIFIED, premises=MaterialStatus.MISSING)
    intake_runtime.shutdown()  # the commands open the store themselves

    listing = sihao(data_dir, "intake", "cases")
    assert listing.returncode == 0, listing.stderr
    assert accepted.case_no in listing.stdout and notified.case_no in listing.stdout
    assert "张*" in listing.stdout and "张三" not in listing.stdout
    only = sihao(data_dir, "intake", "cases", "--state", "notified")
    assert notified.case_no in only.stdout and accepted.case_no not in only.stdout
    wrong = sihao(data_dir, "intake", "cases", "--state", "done")
    assert wrong.returncode != 0 and "没有状态 done" in wrong.stderr

    counted = sihao(data_dir, "intake", "stats")
    assert counted.returncode == 0, counted.stderr
    [row] = [line.split("\t") for line in counted.stdout.splitlines() if FOOD in line]
    assert row[0] == "2026-09" and row[4:] == ["2", "1"]  # two cases, one accepted

    out = tmp_path / "notice.pdf"
    written = sihao(data_dir, "intake", "paper", notified.case_no, "--out", str(out))
    assert written.returncode == 0, written.stderr
    assert "一次性告知书" in pdf.text(out)

    step = sihao(data_dir, "intake", "advance", accepted.case_no, "--as", "1001")
    assert step.returncode == 0, step.stderr
    assert "审查" in step.stdout
    refused = sihao(data_dir, "intake", "advance", accepted.case_no, "--as", "1001",
                    "--result", "approved")  # fmt: skip
    assert refused.returncode == 2 and "请填写所发证照的编号" in refused.stderr
    missing = sihao(data_dir, "intake", "paper", "370303-ZWFW-20260101-AAAA-0001", "--out",
                    str(out))  # fmt: skip
    assert missing.returncode == 2 and "本站没有办件" in missing.stderr


async def test_the_rating_card_takes_a_case_number_and_fills_item_and_window(
    intake_runtime: Runtime,
) -> None:
    case = take(intake_runtime, window_no="A03", staff_no="1002")
    app = SihaoApp(intake_runtime, watch=False)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = await open_as(pilot, "3001", "feedback.rating_entry", RatingEntryScreen)
        screen.query_one("#target", Select).value = "case"
        await pilot.pause()
        screen.query_one("#case-no", Input).value = case.case_no
        await pilot.pause()
        assert await wait_for(pilot, lambda: screen.query_one("#item-code", Input).value == FOOD)
        assert screen.query_one("#window", Select).value == "A03"
        screen.query_one("#pad").focus()
        await pilot.press("5", "enter")
        assert await wait_for(pilot, lambda: Rating.select().exists())
    rating = Rating.get()
    assert (rating.case_no, rating.item_code, rating.window_no) == (case.case_no, FOOD, "A03")
    assert service.find(case.case_no, intake_runtime.config.site_code) is not None
