"""``/organizations``: the communes under a province, for its administrator."""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue
from sqlmodel import Session

from consult import scope
from consult.api.admin_schemas import OrganizationIn, OrganizationListOut, OrganizationOut
from consult.api.auth import staff_only
from consult.api.base import bp, refusals
from consult.models import Organization
from consult.services import province


def _out(session: Session, commune: Organization) -> dict[str, Any]:
    return {
        "code": commune.code,
        "name": commune.name,
        "short_name": commune.short_name,
        "place_name": commune.place_name,
        "administrators": province.administrators(session, commune),
    }


@bp.route("/organizations", tags=["administration"])
@staff_only
@bp.response(200, OrganizationListOut())
@refusals(403)
def organization_list() -> dict[str, Any]:
    """The communes under the caller's province, each with its administrators"""
    session = scope.db()
    found = province.communes(session, province.province_of(session, scope.current_actor()))
    return {"items": [_out(session, c) for c in found]}


@bp.route("/organizations", methods=["POST"], tags=["administration"])
@staff_only
@bp.arguments(OrganizationIn())
@bp.response(201, OrganizationOut())
@refusals(400, 403, 409, 422)
def organization_create(data: dict[str, Any]) -> ResponseReturnValue:
    """Create a commune under the province with its first administrator"""
    with scope.writing() as session:
        done = province.create_commune(
            session,
            scope.current_actor(),
            code=data["code"],
            name=data["name"],
            place=data["place"],
            admin_username=data["admin"],
            password=data["password"],
            now=scope.now(),
        )
        answer = _out(session, done.organization)
    return answer, 201
