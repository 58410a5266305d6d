"""Schemas of the administration's API: accounts, villages, posting places, a year's holidays,
organizations."""

from __future__ import annotations

from marshmallow import Schema, fields

from consult.api.schemas import In, calendar_year, length


class UserIn(In):
    username = fields.String(required=True, validate=length(1, 80))
    password = fields.String(required=True, load_only=True)
    roles = fields.List(fields.String(), required=True, metadata={"example": ["drafter"]})
    full_name = fields.String(load_default="", validate=length(0, 120))


class UserPatchIn(In):
    roles = fields.List(fields.String(), metadata={"example": ["reviewer"]})
    active = fields.Boolean(metadata={"description": "false deactivates: tokens revoked at once"})


class UserOut(Schema):
    username = fields.String()
    full_name = fields.String()
    roles = fields.List(fields.String())
    active = fields.Boolean()


class UserListOut(Schema):
    items = fields.List(fields.Nested(UserOut))


class VillageIn(In):
    name = fields.String(required=True, metadata={"example": "Thôn Đồng Bông"})


class VillageOut(Schema):
    name = fields.String()


class VillageListOut(Schema):
    items = fields.List(fields.Nested(VillageOut))


class PostingPlaceIn(In):
    name = fields.String(required=True, metadata={"example": "Nhà văn hóa thôn Đồng Bông"})
    village = fields.String(load_default=None, allow_none=True)


class PostingPlaceOut(Schema):
    name = fields.String()
    village = fields.String(allow_none=True)
    kind = fields.String()


class PostingPlaceListOut(Schema):
    items = fields.List(fields.Nested(PostingPlaceOut))


class DayIn(In):
    date = fields.String(required=True, metadata={"example": "2027-01-01"})
    name = fields.String(load_default="")


class PeriodIn(In):
    from_ = fields.String(required=True, data_key="from")
    to = fields.String(required=True)
    why = fields.String(load_default="")


class HolidayYearIn(In):
    year = calendar_year()
    source = fields.String(required=True, validate=length(1, 4000))
    provisional = fields.Boolean(load_default=False)
    days_off = fields.List(fields.Nested(DayIn), required=True)
    working_days = fields.List(fields.Nested(DayIn), load_default=list)
    provisional_periods = fields.List(fields.Nested(PeriodIn), load_default=list)


class DayOut(Schema):
    date = fields.String()
    name = fields.String()


class PeriodOut(Schema):
    from_ = fields.String(data_key="from")
    to = fields.String()
    why = fields.String()


class HolidayYearOut(Schema):
    year = fields.Integer()
    source = fields.String()
    provisional = fields.Boolean()
    origin = fields.String(metadata={"description": "announcement, file or statutory"})
    days_off = fields.List(fields.Nested(DayOut))
    working_days = fields.List(fields.Nested(DayOut))
    provisional_periods = fields.List(fields.Nested(PeriodOut))


class OrganizationIn(In):
    code = fields.String(required=True, metadata={"example": "TANLAP"})
    name = fields.String(required=True, metadata={"example": "Ủy ban nhân dân xã Tân Lập"})
    place = fields.String(required=True, metadata={"example": "Tân Lập"})
    admin = fields.String(required=True, metadata={"description": "the first administrator"})
    password = fields.String(required=True, load_only=True)


class OrganizationOut(Schema):
    code = fields.String()
    name = fields.String()
    short_name = fields.String()
    place_name = fields.String()
    administrators = fields.List(fields.String())


class OrganizationListOut(Schema):
    items = fields.List(fields.Nested(OrganizationOut))
