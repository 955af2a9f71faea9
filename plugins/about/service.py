"""What the About screen and CLI show, without any UI."""

from __future__ import annotations

from dataclasses import dataclass

from core import audit
from core.db import atomic
from core.i18n import _
from core.masking import mask_name
from core.models import Site, Staff, Window
from core.roles import Role, SiteLevel
from plugins.about.models import SiteNotice


@dataclass(frozen=True)
class WindowLine:
    number: str
    name: str
    departments: str
    staff_on_duty: list[str]


@dataclass(frozen=True)
class SiteOverview:
    code: str
    name: str
    level: str
    region_code: str
    address: str
    phone: str
    parents: list[str]
    windows: list[WindowLine]
    unassigned_on_duty: list[str]
    notices: list[str]


def _person(staff: Staff) -> str:
    return f"{mask_name(staff.name)}（{Role(staff.role).label}）"


def overview(site_code: str, *, include_off_duty: bool = False) -> SiteOverview | None:
    site = Site.get_or_none(Site.code == site_code)
    if site is None:
        return None
    parents: list[str] = []
    parent = site.parent
    while parent is not None:
        parents.append(parent.name)
        parent = parent.parent
    staff = list(Staff.select().where((Staff.site == site_code) & Staff.active))
    if not include_off_duty:
        staff = [s for s in staff if s.on_duty]
    windows = []
    for window in Window.select().where(Window.site == site_code).order_by(Window.number):
        people = [_person(s) for s in staff if s.window_id == window.id]
        windows.append(WindowLine(window.number, window.name, window.departments, people))
    notices = [
        n.text
        for n in SiteNotice.select()
        .where((SiteNotice.site_code == site_code) & ~SiteNotice.retracted)
        .order_by(SiteNotice.created_at.desc())
        .limit(5)
    ]
    return SiteOverview(
        code=site.code,
        name=site.name,
        level=SiteLevel(site.level).label,
        region_code=site.region_code,
        address=site.address,
        phone=site.phone,
        parents=parents,
        windows=windows,
        unassigned_on_duty=[_person(s) for s in staff if s.window_id is None],
        notices=notices,
    )


def post_notice(site_code: str, text: str, author: str) -> SiteNotice:
    text = text.strip()
    if not text:
        raise ValueError(_("A notice needs some text."))
    if len(text) > 200:
        raise ValueError(_("A notice is at most 200 characters."))
    with atomic():
        notice = SiteNotice.create(site_code=site_code, text=text, author=author)
        audit.record("about.notice", actor=author, row=notice)
    return notice
