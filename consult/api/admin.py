"""The administration's API (admin tokens): accounts, villages, posting places, a year's
holidays. Each view parses, calls one service of :mod:`consult.services.administration` or
:mod:`consult.services.calendar_updates`, and answers with a schema."""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue
from sqlmodel import Session

from consult import scope
from consult.api.admin_schemas import (
    HolidayYearIn,
    HolidayYearOut,
    PostingPlaceIn,
    PostingPlaceListOut,
    PostingPlaceOut,
    UserIn,
    UserListOut,
    UserOut,
    UserPatchIn,
    VillageIn,
    VillageListOut,
    VillageOut,
)
from consult.api.auth import staff_only
from consult.api.base import bp, refusals
from consult.models import Organization, PostingPlace
from consult.services import administration, calendar_updates


def _administered(session: Session) -> Organization:
    return administration.organization_for(session, scope.current_actor())


def _place(session: Session, place: PostingPlace) -> dict[str, Any]:
    village = administration.village_name(session, place)
    return {"name": place.name, "village": village, "kind": place.kind}


@bp.route("/users", tags=["administration"])
@staff_only
@bp.response(200, UserListOut())
@refusals(403)
def user_list() -> dict[str, Any]:
    """The organization's staff accounts and their roles (administrator)"""
    session = scope.db()
    members = administration.staff(session, scope.current_actor(), _administered(session))
    return {"items": [vars(m) | {"roles": list(m.roles)} for m in members]}


@bp.route("/users", methods=["POST"], tags=["administration"])
@staff_only
@bp.arguments(UserIn())
@bp.response(201, UserOut())
@refusals(400, 403, 422)
def user_create(data: dict[str, Any]) -> ResponseReturnValue:
    """Create a staff account with its roles (administrator)"""
    actor = scope.current_actor()
    with scope.writing() as session:
        organization = _administered(session)
        administration.add_user(session, actor, organization, now=scope.now(), **data)
        found = administration.member(session, actor, organization, data["username"].strip())
    return vars(found) | {"roles": list(found.roles)}, 201


@bp.route("/users/<username>", methods=["PATCH"], tags=["administration"])
@staff_only
@bp.arguments(UserPatchIn())
@bp.response(200, UserOut())
@refusals(400, 403, 404, 409, 422)
def user_change(data: dict[str, Any], username: str) -> dict[str, Any]:
    """Give or take roles; `active: false` deactivates (tokens and sessions refused at once)"""
    actor = scope.current_actor()
    with scope.writing() as session:
        changed = administration.change_user(
            session, actor, _administered(session), username, now=scope.now(), **data
        )
    return vars(changed) | {"roles": list(changed.roles)}


@bp.route("/villages", tags=["administration"])
@staff_only
@bp.response(200, VillageListOut())
@refusals(403)
def village_list() -> dict[str, Any]:
    """The organization's villages and residential groups (administrator)"""
    session = scope.db()
    found = administration.villages(session, _administered(session))
    return {"items": [{"name": v.name} for v in found]}


@bp.route("/villages", methods=["POST"], tags=["administration"])
@staff_only
@bp.arguments(VillageIn())
@bp.response(201, VillageOut())
@refusals(400, 403, 409, 422)
def village_create(data: dict[str, Any]) -> ResponseReturnValue:
    """Add a village or residential group (administrator)"""
    with scope.writing() as session:
        village = administration.add_village(
            session, scope.current_actor(), _administered(session), data["name"], scope.now()
        )
    return {"name": village.name}, 201


@bp.route("/posting-places", tags=["administration"])
@staff_only
@bp.response(200, PostingPlaceListOut())
@refusals(403)
def posting_place_list() -> dict[str, Any]:
    """The posting places, the workflows' default places (administrator)"""
    session = scope.db()
    found = administration.posting_places(session, _administered(session))
    return {"items": [_place(session, p) for p in found]}


@bp.route("/posting-places", methods=["POST"], tags=["administration"])
@staff_only
@bp.arguments(PostingPlaceIn())
@bp.response(201, PostingPlaceOut())
@refusals(400, 403, 409, 422)
def posting_place_create(data: dict[str, Any]) -> ResponseReturnValue:
    """Add a posting place, optionally in a village (administrator)"""
    with scope.writing() as session:
        place = administration.add_posting_place(
            session,
            scope.current_actor(),
            _administered(session),
            data["name"],
            scope.now(),
            village=data["village"],
        )
        answer = _place(session, place)
    return answer, 201


@bp.route("/holidays/<int:year>", tags=["administration"])
@bp.response(200, HolidayYearOut())
@refusals(422)
def holiday_year(year: int) -> dict[str, Any]:
    """A year's days off and make-up working days, with their source and whether provisional"""
    return calendar_updates.describe_year(scope.runtime().calendar, year)


@bp.route("/holidays/<int:year>", methods=["PUT"], tags=["administration"])
@staff_only
@bp.arguments(HolidayYearIn())
@bp.response(200, HolidayYearOut())
@refusals(400, 403, 422)
def holiday_year_enter(data: dict[str, Any], year: int) -> dict[str, Any]:
    """Enter a year's official notice (administrator); running windows move later, never
    earlier"""
    runtime = scope.runtime()
    body = dict(data)
    body["provisional_periods"] = [
        {"from": p["from_"], "to": p["to"], "why": p["why"]} for p in data["provisional_periods"]
    ]
    with scope.writing() as session:
        done = calendar_updates.announce_year(
            session,
            runtime.calendar,
            year=year,
            data=body,
            actor=scope.current_actor(),
            now=scope.now(),
        )
    runtime.use_calendar(done.calendar)
    return calendar_updates.describe_year(done.calendar, year)
