from __future__ import annotations

from core import audit
from core.audit import AuditEntry
from core.runtime import Runtime
from plugins.about.models import SiteNotice
from plugins.about.service import post_notice


def _notices(n: int) -> list[SiteNotice]:
    return [post_notice("370303-ZWFW", f"第{i}号通知：窗口调整", "3001") for i in range(n)]


def test_intact_chain_verifies(runtime: Runtime) -> None:
    _notices(3)
    result = audit.verify(runtime.models())
    assert result.ok and result.checked >= 4


def test_edited_row_is_found(runtime: Runtime) -> None:
    notices = _notices(3)
    runtime.db.execute_sql("UPDATE site_notice SET text = '篡改' WHERE id = ?", (notices[1].id,))
    result = audit.verify(runtime.models())
    entry = AuditEntry.get(AuditEntry.entity_id == notices[1].id)
    assert not result.ok and result.broken_seq == entry.seq and "altered" in result.reason


def test_deleted_row_is_found(runtime: Runtime) -> None:
    notices = _notices(3)
    runtime.db.execute_sql("DELETE FROM site_notice WHERE id = ?", (notices[2].id,))
    result = audit.verify(runtime.models())
    assert not result.ok and "deleted" in result.reason


def test_deleted_or_edited_entry_breaks_the_chain(runtime: Runtime) -> None:
    _notices(4)
    runtime.db.execute_sql("UPDATE audit_entry SET actor = 'x' WHERE seq = 3")
    assert audit.verify(runtime.models()).broken_seq == 3
    runtime.db.execute_sql("DELETE FROM audit_entry WHERE seq = 3")
    result = audit.verify(runtime.models())
    assert result.broken_seq == 3 and "missing" in result.reason
