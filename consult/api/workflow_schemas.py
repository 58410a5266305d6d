"""What ``GET /api/v1/workflows`` says of each definition: its stages, tracks, windows, the
review's roles and each step's payload (its types are the workflow's own table)."""

from __future__ import annotations

from marshmallow import Schema, fields

from consult.workflow.payload import TYPES


class PayloadFieldOut(Schema):
    name = fields.String()
    type = fields.String(metadata={"enum": list(TYPES)})
    title = fields.String()
    required = fields.Boolean()
    help = fields.String()
    max_length = fields.Integer(allow_none=True)
    minimum = fields.Integer(allow_none=True)
    default = fields.Raw(
        allow_none=True, metadata={"description": "What is used when the field is left out"}
    )


class WindowSpecOut(Schema):
    name = fields.String()
    title = fields.String()
    opens_with = fields.String()
    duration = fields.String(metadata={"example": "20d"})
    minimum = fields.String(allow_none=True)
    basis = fields.String()
    on_close = fields.String(allow_none=True)
    accepts_comments = fields.Boolean()
    posting = fields.Boolean()


class WorkflowActionOut(Schema):
    name = fields.String()
    title = fields.String()
    description = fields.String()
    roles = fields.List(fields.String())
    to = fields.String()
    guards = fields.List(fields.String())
    requires = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Tracks that must be in one of these states first"},
    )
    records = fields.List(fields.String(), metadata={"description": "Document types recorded"})
    payload = fields.List(fields.Nested(PayloadFieldOut))


class StageOut(Schema):
    name = fields.String()
    title = fields.String()
    description = fields.String()
    final = fields.Boolean()
    review = fields.Boolean()
    actions = fields.List(fields.Nested(WorkflowActionOut))


class TrackStateOut(Schema):
    name = fields.String()
    title = fields.String()
    closes_review = fields.Boolean()


class TrackActionOut(WorkflowActionOut):
    from_ = fields.List(fields.String(), data_key="from")


class TrackOut(Schema):
    name = fields.String()
    title = fields.String()
    initial = fields.String()
    during = fields.List(fields.String())
    states = fields.List(fields.Nested(TrackStateOut))
    actions = fields.List(fields.Nested(TrackActionOut))


class ReviewRolesOut(Schema):
    propose = fields.List(fields.String())
    dispose = fields.List(fields.String())
    explain = fields.List(fields.String())


class WorkflowOut(Schema):
    id = fields.String()
    version = fields.Integer()
    title = fields.String()
    description = fields.String()
    drill = fields.Boolean()
    initial = fields.String()
    stages = fields.List(fields.Nested(StageOut))
    windows = fields.List(fields.Nested(WindowSpecOut))
    tracks = fields.List(fields.Nested(TrackOut))
    review = fields.Nested(
        ReviewRolesOut,
        allow_none=True,
        metadata={"description": "Who proposes, disposes and explains (null: the default roles)"},
    )


class WorkflowListOut(Schema):
    items = fields.List(fields.Nested(WorkflowOut))
