"""Admin calls from a workstation: IT's staff desk and the Plugins screen at a site
with a central server.

Every call needs two things: the workstation's token (which names its site) and
the signed-in IT administrator's own staff number and PIN, checked here against the
server's copy (``staff_desk.check_admin``: role it_admin, of the workstation's site
or a site above it). The call acts on the workstation's own site only; another
site's staff are "not found". Each change is logged (``AdminLog``) with the staff
number and the workstation, and reaches every workstation of the site by pull.

Refusals carry a short ``code`` beside the English ``message`` so the workstation
can say it in the clerk's language: ``not_allowed`` (403), ``not_found``,
``taken``, ``invalid`` (400).

``/v1/staff/pin`` is not an admin call: a member of staff whose PIN IT reset sets
their own at sign-in, proving the temporary one.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException
from pydantic import AfterValidator, BaseModel, Field

from server import db, staff_desk
from server.admin import AdminError
from server.app import Credentials, SchemaHeader  # app imports this module when it builds
from server.staff_desk import NotAllowed


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Short = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_storable)]
Pin = Annotated[str, Field(min_length=1, max_length=32), AfterValidator(_storable)]


class AdminCredentials(BaseModel):
    staff_no: Short
    pin: Pin


class AdminIn(BaseModel):
    admin: AdminCredentials


class StaffAddIn(AdminIn):
    staff_no: Short
    name: Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_storable)]
    role: Short
    window: Short | None = None


class PluginIn(AdminIn):
    plugin: Short
    enabled: bool


class PinChangeIn(BaseModel):
    staff_no: Short
    current: Pin
    new: Pin
    confirm: Pin


def _refuse(exc: AdminError) -> HTTPException:
    if isinstance(exc, NotAllowed):
        return HTTPException(403, detail={"code": "not_allowed", "message": str(exc)})
    text = str(exc)
    code = "not_found" if text.startswith("no staff") else "taken" if "taken" in text else "invalid"
    return HTTPException(400, detail={"code": code, "message": text})


def routes(authenticate: Any) -> APIRouter:
    """The admin router; ``authenticate(credentials, schema)`` gives the caller."""
    router = APIRouter(tags=["admin"])

    def admin_of(body: AdminIn, credentials: Any, schema: int | None) -> tuple[Any, str]:
        caller = authenticate(credentials, schema)
        try:
            staff = staff_desk.check_admin(body.admin.staff_no, body.admin.pin, caller.site_code)
        except AdminError as exc:
            raise _refuse(exc) from exc
        return caller, staff.staff_no

    @router.post("/v1/admin/staff/list")
    def staff_list(
        body: AdminIn, credentials: Credentials, x_sihao_schema: SchemaHeader = None
    ) -> dict[str, Any]:
        """The staff of the calling workstation's site."""
        with db.request_connection():
            caller, _actor = admin_of(body, credentials, x_sihao_schema)
            return {"staff": staff_desk.list_staff([caller.site_code])}

    @router.post("/v1/admin/staff/add")
    def staff_add(
        body: StaffAddIn, credentials: Credentials, x_sihao_schema: SchemaHeader = None
    ) -> dict[str, Any]:
        """A new member of this site with a temporary PIN (returned once)."""
        with db.request_connection():
            caller, actor = admin_of(body, credentials, x_sihao_schema)
            pin = staff_desk.temporary_pin()
            try:
                staff = staff_desk.add(
                    body.staff_no,
                    body.name,
                    caller.site_code,
                    body.role,
                    pin=pin,
                    window=body.window,
                    actor=actor,
                    workstation=caller.workstation_id,
                )
            except AdminError as exc:
                raise _refuse(exc) from exc
            return {"staff": staff_desk.staff_row(staff), "temporary_pin": pin}

    def _act(action: str) -> Any:
        def handler(
            staff_no: str,
            body: AdminIn,
            credentials: Credentials,
            x_sihao_schema: SchemaHeader = None,
        ) -> dict[str, Any]:
            with db.request_connection():
                caller, actor = admin_of(body, credentials, x_sihao_schema)
                where = {"site": caller.site_code, "actor": actor}
                where["workstation"] = caller.workstation_id
                answer: dict[str, Any] = {}
                try:
                    if action == "deactivate":
                        staff_desk.set_active(staff_no, False, **where)
                    elif action == "activate":
                        staff_desk.set_active(staff_no, True, **where)
                    elif action == "reset-pin":
                        answer["temporary_pin"] = staff_desk.reset_pin(staff_no, **where)
                    else:
                        staff_desk.unlock(staff_no, **where)
                except AdminError as exc:
                    raise _refuse(exc) from exc
                return answer

        handler.__name__ = f"staff_{action.replace('-', '_')}"
        handler.__doc__ = f"{action.capitalize()} a member of this site's staff."
        return handler

    for action in ("deactivate", "activate", "reset-pin", "unlock"):
        router.post(f"/v1/admin/staff/{{staff_no}}/{action}")(_act(action))

    @router.post("/v1/admin/plugins")
    def plugin_switch(
        body: PluginIn, credentials: Credentials, x_sihao_schema: SchemaHeader = None
    ) -> dict[str, Any]:
        """Switch one plugin for this workstation's site."""
        from core.plugins import discover
        from server import admin

        with db.request_connection():
            caller, actor = admin_of(body, credentials, x_sihao_schema)
            if body.plugin not in discover():
                raise _refuse(AdminError(f"unknown plugin {body.plugin}"))
            with db.transaction():
                policy = admin.set_policy(
                    caller.site_code,
                    enable=[body.plugin] if body.enabled else [],
                    disable=[] if body.enabled else [body.plugin],
                )
                staff_desk.record(
                    "plugins.enable" if body.enabled else "plugins.disable",
                    body.plugin,
                    actor=actor,
                    site=caller.site_code,
                    workstation=caller.workstation_id,
                )
            return {"enabled_plugins": policy["enabled_plugins"]}

    @router.post("/v1/staff/pin")
    def change_pin(
        body: PinChangeIn, credentials: Credentials, x_sihao_schema: SchemaHeader = None
    ) -> dict[str, Any]:
        """A member of this site sets a new PIN, proving the current (temporary) one."""
        with db.request_connection():
            caller = authenticate(credentials, x_sihao_schema)
            try:
                staff = staff_desk.change_own_pin(
                    body.staff_no, body.current, body.new, body.confirm, caller.site_code
                )
            except AdminError as exc:
                raise _refuse(exc) from exc
            from server import admin

            return {"staff": admin.staff_data(staff)}

    return router
