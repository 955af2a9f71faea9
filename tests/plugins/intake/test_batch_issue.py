"""打包审核 and 批量发证: one decision with exceptions, a case per applicant, numbered
certificates read back with pdftotext, and an issue killed with SIGKILL then run
again that issues none twice and misses none."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.runtime import Runtime
from data import generate_batch
from plugins.intake import batch_import, batch_issue, batch_review, service
from plugins.intake.batch_import import BatchError
from plugins.intake.batch_models import BatchCertificate, BatchRow, BatchState, IntakeBatch
from plugins.intake.models import CaseStep
from tests.conftest import make_runtime
from tests.core.documents import pdf
from tests.plugins.intake.helpers import FOOD
from tests.workstation.test_cli import SIHAO

SITUATIONS = ["仅销售预包装食品（含保健食品等特殊食品）", "含热食类食品制售"]


@pytest.fixture
def batch_runtime(data_dir: Path) -> Iterator[Runtime]:
    rt = make_runtime(data_dir, plugins=["lookup", "intake"])
    rt.config.plugin_settings["intake"] = {"batch_inbox": False}
    from core.config import save_site_config

    save_site_config(rt.paths.site_config, rt.config)
    rt.apply_policy()
    rt.startup()
    assert "intake" in rt.host.loaded(), rt.host.plugins["intake"].error
    yield rt
    rt.shutdown()


def imported(runtime: Runtime, tmp_path: Path, count: int) -> IntakeBatch:
    path = tmp_path / f"{FOOD} 名单.xlsx"
    generate_batch.write_xlsx(path, count, SITUATIONS, bad_share=0)
    result = batch_import.import_file(runtime, path, actor="1001")
    assert result.batch is not None and result.good_rows == count
    return result.batch


def last_steps(batch: IntakeBatch) -> dict[int, CaseStep]:
    found = {}
    for row in BatchRow.select().where(BatchRow.batch_id == batch.id):
        steps = service.steps(row.case_id)
        found[row.row_no] = steps[-1]
        assert [s.to_state for s in steps].count("decided") <= 1
    return found


def test_one_decision_with_exceptions_then_numbered_certificates(
    batch_runtime: Runtime, tmp_path: Path
) -> None:
    batch = imported(batch_runtime, tmp_path, 6)
    with pytest.raises(BatchError) as early:
        batch_issue.issue(batch_runtime, batch, actor="1002")
    assert "尚待审核" in str(early.value)
    with pytest.raises(BatchError) as blank:
        batch_review.decide(batch, "approve", reviewer="1002", exceptions={3: " "})
    assert "第 3 行" in str(blank.value)
    decided = batch_review.decide(
        batch, "approve", reviewer="1002", exceptions={3: "经营场所不符合要求"}
    )
    with pytest.raises(BatchError):
        batch_review.decide(decided, "refuse", reviewer="1002", note="再审")
    assert batch_review.open_cases(batch_runtime, decided, actor="1002") == 6
    assert batch_review.open_cases(batch_runtime, decided, actor="1002") == 0  # never twice
    result = batch_issue.issue(batch_runtime, decided, actor="1002", out_dir=tmp_path / "out")
    assert result.issued_now == 5 and result.total == 5
    assert result.batch.state == BatchState.ISSUED
    certs = list(BatchCertificate.select().order_by(BatchCertificate.cert_no))
    assert [c.cert_no for c in certs] == [f"{batch.batch_no}-{n:04d}" for n in range(1, 6)]
    steps = last_steps(batch)
    assert steps[3].result == "refused" and steps[3].note == "经营场所不符合要求"
    rows = {r.row_no: r for r in BatchRow.select()}
    for row_no, step in steps.items():
        if row_no == 3:
            continue
        cert = BatchCertificate.get(BatchCertificate.row_id == rows[row_no].id)
        assert step.to_state == "decided" and step.result == "approved"
        assert step.licence_no == cert.cert_no
    first = certs[0]
    holder = BatchRow.get_by_id(first.row_id)
    text = pdf.text(tmp_path / "out" / first.file_name)
    assert first.cert_no in text and holder.name in text and "食品经营许可证" in text
    assert holder.id_number not in text.replace(" ", "")  # masked on the certificate
    assert f"{first.valid_until:%Y年%m月%d日}" in text
    assert pdf.page_count(result.combined) == 5
    combined = pdf.text(result.combined)
    assert all(c.cert_no in combined for c in certs)


@pytest.mark.parametrize("processes", [0, 3])
def test_killed_halfway_the_issue_finishes_without_issuing_twice(
    batch_runtime: Runtime, tmp_path: Path, processes: int
) -> None:
    """In one process (the default), and with the combined file and the single
    certificates laid out by child processes (``batch_issue_processes = 3``)."""
    from core.config import save_site_config

    batch_runtime.config.plugin_settings["intake"]["batch_issue_processes"] = processes
    save_site_config(batch_runtime.paths.site_config, batch_runtime.config)
    count = 120
    batch = imported(batch_runtime, tmp_path, count)
    decided = batch_review.decide(batch, "approve", reviewer="1002", exceptions={2: "重复申报"})
    batch_review.open_cases(batch_runtime, decided, actor="1002")
    out = tmp_path / "certs"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIHAO_")}
    command = [*SIHAO, "--data-dir", str(batch_runtime.paths.data_dir), "intake", "issue"]
    command += [batch.batch_no, "--out", str(out), "--as", "1002"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if out.exists() and len(list(out.glob("*.pdf"))) >= 30:
            break
        assert first.poll() is None, first.communicate()
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    # Children were laying certificates out ahead (into the staging folder) when killed.
    assert (out / batch_issue.STAGING).exists() == (processes > 1)
    issued_before = BatchCertificate.select().count()
    assert 0 < issued_before < count - 1, "the kill came too late to test a resume"
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert "Traceback" not in second.stderr
    certs = list(BatchCertificate.select())
    numbers = [c.cert_no for c in certs]
    assert len(numbers) == len(set(numbers)) == count - 1  # none twice, none missing
    assert sorted(numbers) == [f"{batch.batch_no}-{n:04d}" for n in range(1, count)]
    assert sorted(p.name for p in out.glob(f"{batch.batch_no}-0*.pdf")) == sorted(
        c.file_name for c in certs
    )
    assert all(batch_issue.whole_pdf(out / c.file_name) for c in certs)
    assert not list(out.glob(".cert-*"))  # no temporary file left by the kill
    assert not (out / batch_issue.STAGING).exists()  # what was laid out ahead, cleared
    decided_steps = CaseStep.select().where(CaseStep.to_state == "decided").count()
    assert decided_steps == count  # one 办结 a case: 119 approved, 1 refused
    combined = out / f"{batch.batch_no}{batch_issue.COMBINED_SUFFIX}"
    assert pdf.page_count(combined) == count - 1
    assert IntakeBatch.get_by_id(batch.id).state == BatchState.ISSUED
    json.dumps(second.stdout)  # printable


def test_a_certificate_file_lost_after_issue_is_written_again_with_its_number(
    batch_runtime: Runtime, tmp_path: Path
) -> None:
    batch = imported(batch_runtime, tmp_path, 3)
    decided = batch_review.decide(batch, "approve", reviewer="1002")
    result = batch_issue.issue(batch_runtime, decided, actor="1002", out_dir=tmp_path / "o")
    victim = BatchCertificate.select().first()
    (result.out_dir / victim.file_name).write_bytes(b"%PDF-1.4 cut")
    again = batch_issue.issue(batch_runtime, decided, actor="1002")
    assert again.issued_now == 0 and again.rewritten == 1
    assert victim.cert_no in pdf.text(result.out_dir / victim.file_name)
    assert BatchCertificate.select().count() == 3


def test_a_number_taken_by_another_issue_stops_this_one_with_a_sentence(
    batch_runtime: Runtime, tmp_path: Path
) -> None:
    batch = imported(batch_runtime, tmp_path, 2)
    decided = batch_review.decide(batch, "approve", reviewer="1002")
    batch_review.open_cases(batch_runtime, decided, actor="1002")
    import datetime as dt

    BatchCertificate.create(  # what another process issuing the same batch wrote first
        batch_id=batch.id,
        row_id="written-elsewhere",
        cert_no=batch_issue.cert_no(batch, 1),
        holder_name="—",
        issued_on=dt.date.today(),
    )
    with pytest.raises(BatchError) as stopped:
        batch_issue.issue(batch_runtime, decided, actor="1002", out_dir=tmp_path / "o")
    assert "正在别处发证" in str(stopped.value)
    assert BatchCertificate.select().count() == 1  # nothing of this run was kept
    assert CaseStep.select().where(CaseStep.to_state == "decided").count() == 0
