"""Staff roles. Screens and records check them; names shown to people are translated."""

from __future__ import annotations

from enum import StrEnum

from core.i18n import _


class Role(StrEnum):
    CLERK = "clerk"
    STEWARD = "steward"
    SUPERVISOR = "supervisor"
    OFFICER = "officer"  # invited supervisor or business-environment experience officer
    IT_ADMIN = "it_admin"

    @property
    def label(self) -> str:
        labels = {
            Role.CLERK: _("Window clerk"),
            Role.STEWARD: _("Project steward"),
            Role.SUPERVISOR: _("Supervisor"),
            Role.OFFICER: _("Invited supervisor / experience officer"),
            Role.IT_ADMIN: _("IT administrator"),
        }
        return labels[self]

    @property
    def short_label(self) -> str:
        """A name short enough for a table column at 80 columns, in either language."""
        labels = {
            Role.CLERK: _("Clerk"),
            Role.STEWARD: _("Steward"),
            Role.SUPERVISOR: _("Supervisor"),
            Role.OFFICER: _("Officer"),
            Role.IT_ADMIN: _("IT admin"),
        }
        return labels[self]


ALL_ROLES: frozenset[Role] = frozenset(Role)


class SiteLevel(StrEnum):
    """The four levels of service points, top to bottom."""

    CITY = "city"
    DISTRICT = "district"
    TOWN = "town"
    VILLAGE = "village"

    @property
    def label(self) -> str:
        # Domain words: the same in both UI languages would confuse an English reader,
        # so they are translated like any label.
        labels = {
            SiteLevel.CITY: _("City"),
            SiteLevel.DISTRICT: _("District/county"),
            SiteLevel.TOWN: _("Town/street"),
            SiteLevel.VILLAGE: _("Village/community"),
        }
        return labels[self]
