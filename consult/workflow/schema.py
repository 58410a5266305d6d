"""The marshmallow schema of a workflow definition file: a small, closed vocabulary.

Unknown keys are refused everywhere. Graph checks (reachability, known roles and guards,
sane windows) run afterwards in :mod:`consult.workflow.loader`.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from consult import vocabulary
from consult.workflow.duration import Duration
from consult.workflow.payload import PROVIDERS, TYPES

NAME = validate.Regexp(r"^[a-z][a-z0-9_]*$", error="use lower_snake_case: letters, digits, _")
DOC_TYPES = vocabulary.DOC_TYPES


class DurationField(fields.Field):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Duration:
        try:
            return Duration.parse(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class Strict(Schema):
    class Meta:
        unknown = RAISE


class PayloadFieldSchema(Strict):
    type = fields.String(required=True, validate=validate.OneOf(list(TYPES)))
    title = fields.String(load_default="")
    help = fields.String(load_default="")
    required = fields.Boolean(load_default=False)
    default = fields.Raw(load_default=None)
    default_from = fields.String(load_default=None, validate=validate.OneOf(list(PROVIDERS)))
    max_length = fields.Integer(load_default=None, validate=validate.Range(min=1))
    minimum = fields.Integer(load_default=None)
    past_requires = fields.List(fields.String(validate=NAME), load_default=list)
    min_items = fields.Integer(load_default=None, validate=validate.Range(min=0))
    max_items = fields.Integer(load_default=None, validate=validate.Range(min=1))


class RecordSchema(Strict):
    type = fields.String(required=True, validate=validate.OneOf(DOC_TYPES))
    subject = fields.String(required=True)
    number_from = fields.String(load_default=None)
    issued_on_from = fields.String(load_default=None)
    only_with = fields.String(load_default=None)
    kind = fields.String(load_default="", validate=NAME)


class ActionSchema(Strict):
    title = fields.String(required=True)
    description = fields.String(load_default="")
    roles = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    to = fields.String(required=True)
    guards = fields.List(fields.String(), load_default=list)
    effects = fields.List(fields.String(), load_default=list)
    payload = fields.Dict(
        keys=fields.String(validate=NAME),
        values=fields.Nested(PayloadFieldSchema),
        load_default=dict,
    )
    records = fields.List(fields.Nested(RecordSchema), load_default=list)
    requires = fields.Dict(
        keys=fields.String(validate=NAME),
        values=fields.List(fields.String(validate=NAME), validate=validate.Length(min=1)),
        load_default=dict,
    )


class TrackActionSchema(ActionSchema):
    source = fields.List(
        fields.String(validate=NAME),
        required=True,
        data_key="from",
        validate=validate.Length(min=1),
    )


class TrackStateSchema(Strict):
    title = fields.String(required=True)
    description = fields.String(load_default="")
    closes_review = fields.Boolean(load_default=False)


class TrackSchema(Strict):
    title = fields.String(required=True)
    initial = fields.String(required=True, validate=NAME)
    during = fields.List(fields.String(validate=NAME), required=True)
    states = fields.Dict(
        keys=fields.String(validate=NAME),
        values=fields.Nested(TrackStateSchema),
        required=True,
        validate=validate.Length(min=2),
    )
    actions = fields.Dict(
        keys=fields.String(validate=NAME),
        values=fields.Nested(TrackActionSchema),
        required=True,
        validate=validate.Length(min=1),
    )


class StageSchema(Strict):
    title = fields.String(required=True)
    description = fields.String(load_default="")
    final = fields.Boolean(load_default=False)
    review = fields.Boolean(load_default=False)
    actions = fields.Dict(
        keys=fields.String(validate=NAME), values=fields.Nested(ActionSchema), load_default=dict
    )


class WindowSchema(Strict):
    title = fields.String(required=True)
    opens_with = fields.String(required=True)
    start_from = fields.String(load_default=None, data_key="from")
    duration = DurationField(required=True)
    minimum = DurationField(load_default=None)
    basis = fields.String(load_default="")
    set_by = fields.String(load_default=None)
    on_close = fields.String(load_default=None)
    accepts_comments = fields.Boolean(load_default=False)
    posting = fields.Boolean(load_default=False)
    deadline_for = fields.String(load_default=None)
    maximum = DurationField(load_default=None)
    done_from = fields.String(load_default=None)


class BallotSchema(Strict):
    title = fields.String(required=True)
    opens_with = fields.String(required=True)
    counted_by = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    village_from = fields.String(required=True)
    unit = fields.String(load_default="household", validate=validate.OneOf(["household"]))
    options = fields.Dict(
        keys=fields.String(validate=NAME),
        values=fields.String(),
        required=True,
        validate=validate.Length(min=2),
    )
    passes_with = fields.String(required=True)
    more_than_percent = fields.Integer(required=True, validate=validate.Range(min=0, max=99))
    base = fields.String(load_default="all", validate=validate.OneOf(["all", "answered"]))
    quorum_percent = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100))
    basis = fields.String(required=True)
    channels = fields.List(
        fields.String(validate=validate.OneOf(vocabulary.CHANNELS)),
        load_default=lambda: ["paper", "online"],
        validate=validate.Length(min=1),
    )
    precedence = fields.List(
        fields.String(validate=validate.OneOf(vocabulary.CHANNELS)), load_default=list
    )
    start_from = fields.String(load_default=None, data_key="from")
    notice = DurationField(load_default=None)
    notice_basis = fields.String(load_default="")

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("passes_with") not in (data.get("options") or {}):
            raise ValidationError("passes_with must be one of the options", "passes_with")
        extra = set(data.get("precedence") or ()) - set(data.get("channels") or ())
        if extra:
            raise ValidationError(
                "precedence names channels not in channels: " + ", ".join(sorted(extra)),
                "precedence",
            )
        if data.get("notice") is not None and not data.get("notice_basis"):
            raise ValidationError("a notice needs its legal basis (notice_basis:)", "notice")


class ReviewSchema(Strict):
    propose = fields.List(fields.String(), load_default=list)
    dispose = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    explain = fields.List(fields.String(), load_default=list)


class DefinitionSchema(Strict):
    id = fields.String(
        required=True,
        validate=validate.Regexp(r"^[a-z][a-z0-9-]*$", error="use lower-kebab-case"),
    )
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    title = fields.String(required=True)
    description = fields.String(load_default="")
    drill = fields.Boolean(load_default=False)
    initial = fields.String(required=True)
    stages = fields.Dict(
        keys=fields.String(validate=NAME),
        values=fields.Nested(StageSchema),
        required=True,
        validate=validate.Length(min=1),
    )
    windows = fields.Dict(
        keys=fields.String(validate=NAME), values=fields.Nested(WindowSchema), load_default=dict
    )
    tracks = fields.Dict(
        keys=fields.String(validate=NAME), values=fields.Nested(TrackSchema), load_default=dict
    )
    review = fields.Nested(ReviewSchema, load_default=None)
    ballots = fields.Dict(
        keys=fields.String(validate=NAME), values=fields.Nested(BallotSchema), load_default=dict
    )
    valid_from = fields.Date(load_default=None)
    valid_from_basis = fields.String(load_default="")

    @validates_schema
    def _initial_is_a_stage(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("initial") not in (data.get("stages") or {}):
            raise ValidationError(f"unknown stage {data.get('initial')!r}", "initial")
