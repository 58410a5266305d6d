"""A household vote: a household answers online, anyone reads the results (counts only, no
names), staff import the register of households (CSV or XLSX) and enter paper answers."""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import Schema, fields

from consult import scope
from consult.api.auth import public_write, staff_only
from consult.api.base import bp, refusals
from consult.api.schemas import In, length
from consult.errors import Invalid
from consult.i18n import _
from consult.models import Organization
from consult.permissions import Can
from consult.services import ballots, consultations, households

MAX_BYTES = 5_000_000


class BallotAnswerIn(In):
    household = fields.String(
        required=True,
        validate=length(1, 40),
        metadata={"description": "The household's code in the village's register."},
    )
    voter_name = fields.String(
        load_default="",
        validate=length(0, 120),
        metadata={"description": "Online: the full name of the household head (required)."},
    )
    option = fields.String(required=True, metadata={"description": "An option's code."})
    channel = fields.String(
        load_default=ballots.ONLINE,
        metadata={"description": "online (anyone); paper or meeting (staff only)."},
    )
    note = fields.String(load_default="", validate=length(0, 2000))


class BallotAnswerOut(Schema):
    receipt = fields.Integer(metadata={"description": "The number of the answer as received."})
    household = fields.String()
    option = fields.String()
    channel = fields.String()
    answered_at = fields.DateTime()


class OptionOut(Schema):
    code = fields.String()
    label = fields.String()
    households = fields.Integer()
    percent_of_all = fields.Float()


class ThresholdOut(Schema):
    option = fields.String()
    more_than_percent = fields.Float()
    base = fields.String()
    basis = fields.String()


class RoundOut(Schema):
    ballot = fields.String()
    title = fields.String()
    round = fields.Integer()
    village = fields.String()
    opens_at = fields.String()
    counted_at = fields.String(allow_none=True)
    passed = fields.Boolean(allow_none=True)
    options = fields.List(fields.Nested(OptionOut))
    eligible = fields.Integer()
    answered = fields.Integer()
    absent = fields.Integer()
    received = fields.Integer()
    by_channel = fields.Dict(keys=fields.String(), values=fields.Integer())
    threshold = fields.Nested(ThresholdOut)


class BallotOut(Schema):
    consultation = fields.Integer()
    rounds = fields.List(fields.Nested(RoundOut))


class ImportedOut(Schema):
    added = fields.Integer()
    updated = fields.Integer()
    by_village = fields.Dict(keys=fields.String(), values=fields.Integer())


IMPORT_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        }
    },
}


@bp.route("/consultations/<int:id>/ballot/answers", methods=["POST"], tags=["ballots"])
@public_write
@bp.arguments(BallotAnswerIn())
@bp.response(201, BallotAnswerOut())
@refusals(400, 403, 404, 409, 422, 429)
def ballot_answer(data: dict[str, Any], id: int) -> dict[str, Any]:
    """A household's answer to the open vote (online: anyone, no account)

    One answer per household counts: a household answering again replaces its earlier
    online answer; a paper answer (entered by staff) stands over an online one.
    """
    actor = scope.current_actor() if data["channel"] != ballots.ONLINE else None
    if actor is not None and actor.user_id is None:
        actor = None
    given = ballots.Answer(
        household=data["household"],
        option=data["option"],
        channel=data["channel"],
        voter_name=data["voter_name"],
        note=data["note"],
    )
    with scope.writing() as session:
        row = ballots.answer(session, scope.runtime().engine, id, given, actor, scope.now())
        return {
            "receipt": row.id,
            "household": given.household.strip(),
            "option": row.option,
            "channel": row.channel,
            "answered_at": row.answered_at,
        }


@bp.route("/consultations/<int:id>/ballot", tags=["ballots"])
@bp.response(200, BallotOut())
@refusals(404)
def ballot_result(id: int) -> dict[str, Any]:
    """The counted results of the consultation's household votes, without names"""
    return {"consultation": id, "rounds": ballots.results(scope.db(), scope.runtime().engine, id)}


@bp.route("/consultations/<int:id>/households", methods=["POST"], tags=["ballots"])
@staff_only
@bp.doc(requestBody=IMPORT_BODY)
@bp.response(200, ImportedOut())
@refusals(400, 401, 403, 404, 422)
def households_import(id: int) -> dict[str, Any]:
    """Import the register of households (CSV or XLSX: Mã hộ, Chủ hộ, Thôn, Địa chỉ)"""
    actor = scope.current_actor()
    item = consultations.for_staff(scope.db(), id, actor, Can.KEEP_HOUSEHOLDS)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        message = _("Send the register (CSV or XLSX) as multipart “file”.")
        raise Invalid(message, fields={"file": message})
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        message = _("Household register: the file is over 5 MB.")
        raise Invalid(message, fields={"file": message})
    with scope.writing() as session:
        organization = session.get(Organization, item.organization_id)
        assert organization is not None
        rows = households.read_rows(data, upload.filename)
        done = households.import_rows(session, organization, rows, actor, scope.now())
    return {"added": done.added, "updated": done.updated, "by_village": done.by_village}
