"""The API's marshmallow schemas: what comes in (validated, unknown fields refused) and what
goes out (instants ISO 8601 with offset, dates ``YYYY-MM-DD``). flask-smorest validates with
them and generates the OpenAPI document from them; the error shape is in ``errors``.

Rules that belong to the domain (comment lengths, dispositions, action payloads) are checked
by the services and the engine, once; these schemas check types and shapes, plus what only
the API accepts (a new consultation's draft).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import MAXYEAR, MINYEAR
from typing import Any

from marshmallow import INCLUDE, RAISE, Schema, ValidationError, fields, validates, validates_schema

from consult.api.workflow_schemas import PayloadFieldOut
from consult.i18n import _
from consult.models.comment import CHANNELS, DISPOSITIONS
from consult.scope import BIGGEST_ID, BIGGEST_PAGE

PER_PAGE_MAX = 200
ARTICLES_MAX = 300


class In(Schema):
    class Meta:
        unknown = RAISE


def whole_number(minimum: int = 1, maximum: int = BIGGEST_ID, **kwargs: Any) -> fields.Integer:
    """An integer within what the database stores (and documented so): a larger one is a 422
    naming the field, never a query that overflows."""
    metadata = {"minimum": minimum, "maximum": maximum, **kwargs.pop("metadata", {})}
    return fields.Integer(validate=between(minimum, maximum), metadata=metadata, **kwargs)


def calendar_year(**kwargs: Any) -> fields.Integer:
    """A year a date can have."""
    return whole_number(MINYEAR, MAXYEAR, **kwargs)


def length(minimum: int = 0, maximum: int | None = None) -> Callable[[str], None]:
    """A length check whose message is translated when it runs, inside the request."""

    def check(value: str) -> None:
        size = len(value.strip())
        if size < minimum:
            raise ValidationError(
                _("Required: fill it in.")
                if minimum == 1
                else _("At least %(min)s characters.", min=minimum)
            )
        if maximum is not None and len(value) > maximum:
            raise ValidationError(
                _(
                    "At most %(max)s characters (you wrote %(n)s); shorten it.",
                    max=maximum,
                    n=len(value),
                )
            )

    return check


def between(minimum: int, maximum: int | None = None) -> Callable[[int], None]:
    def check(value: int) -> None:
        if value < minimum or (maximum is not None and value > maximum):
            raise ValidationError(
                _("At least %(min)s.", min=minimum)
                if maximum is None
                else _("From %(min)s to %(max)s.", min=minimum, max=maximum)
            )

    return check


class ArticleNumber(fields.String):
    """An article's number as printed in the draft ("2" for Điều 2); a JSON number is accepted."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return str(super()._deserialize(value, attr, data, **kwargs)).strip()


# --- in ---------------------------------------------------------------------------------------


class TokenIn(In):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)


class PointIn(In):
    letter = fields.String(required=True, validate=length(1, 2), metadata={"example": "a"})
    text = fields.String(required=True, validate=length(1, 5000))


class ClauseIn(In):
    number = ArticleNumber(required=True, validate=length(1, 10), metadata={"example": "1"})
    text = fields.String(required=True, validate=length(1, 10000))
    points = fields.List(fields.Nested(PointIn), load_default=list)


class ArticleIn(In):
    """An article as typed (``text``) or as ``POST /drafts/parse`` gives it (``clauses``,
    written out as "1. …" and "a) …" lines after any ``text``)."""

    number = ArticleNumber(required=True, validate=length(1, 20), metadata={"example": "2"})
    title = fields.String(load_default="", validate=length(0, 300))
    text = fields.String(load_default="", validate=length(0, 50000))
    chapter = fields.String(load_default="", validate=length(0, 200))
    clauses = fields.List(fields.Nested(ClauseIn), load_default=list)

    @validates_schema
    def some_text(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data.get("text", "").strip() and not data.get("clauses"):
            raise ValidationError(_("Required: fill it in."), field_name="text")


class ConsultationIn(In):
    workflow = fields.String(required=True, metadata={"example": "qcdc-ubnd-xa"})
    title = fields.String(required=True, validate=length(1, 300))
    summary = fields.String(load_default="", validate=length(0, 10000))
    preamble = fields.String(load_default="", validate=length(0, 20000))
    articles = fields.List(
        fields.Nested(ArticleIn),
        required=True,
        metadata={"minItems": 1, "maxItems": ARTICLES_MAX},
    )

    @validates("workflow")
    def known_workflow(self, value: str, **_kwargs: Any) -> None:
        from consult.scope import runtime

        known = [d.id for d in runtime().catalog.all()]
        if value not in known:
            raise ValidationError(
                _("Unknown workflow %(id)s: choose one of %(ids)s.", id=value, ids=", ".join(known))
            )

    @validates("articles")
    def some_articles(self, value: list[dict[str, Any]], **_kwargs: Any) -> None:
        if not value:
            raise ValidationError(_("Give the draft at least one article."))
        if len(value) > ARTICLES_MAX:
            raise ValidationError(
                _("At most %(max)s articles (you sent %(n)s).", max=ARTICLES_MAX, n=len(value))
            )

    @validates_schema
    def numbers_unique(self, data: dict[str, Any], **_kwargs: Any) -> None:
        seen: set[str] = set()
        problems: dict[int, dict[str, list[str]]] = {}
        for index, article in enumerate(data.get("articles") or []):
            number = article.get("number")
            if number in seen:
                message = _(
                    "Article %(number)s appears twice: number each article once.", number=number
                )
                problems[index] = {"number": [message]}
            seen.add(number)
        if problems:
            raise ValidationError({"articles": problems})


class CommentIn(In):
    body = fields.String(required=True, metadata={"maxLength": 5000})
    author_name = fields.String(load_default="", metadata={"maxLength": 120})
    locality = fields.String(load_default="", metadata={"maxLength": 100})
    contact = fields.String(load_default="", metadata={"maxLength": 200})
    article = ArticleNumber(
        load_default=None,
        allow_none=True,
        metadata={"description": "The article's number as in the draft; none: the whole draft."},
    )
    clause = ArticleNumber(
        load_default="",
        metadata={"description": "The clause (khoản) of that article, by its number."},
    )


class ReviewIn(In):
    disposition = fields.String(required=True, metadata={"enum": list(DISPOSITIONS)})
    reason = fields.String(
        load_default="",
        metadata={"description": "Required when the opinion is not accepted (giải trình)."},
    )
    response = fields.String(load_default="")
    group = fields.String(load_default="", metadata={"maxLength": 64})


class ActionPayloadIn(Schema):
    """A workflow action's payload: its fields are the definition's (GET /workflows), checked
    by the engine, which refuses unknown ones."""

    class Meta:
        unknown = INCLUDE


class ConsultationQuery(In):
    state = fields.String(load_default=None)
    workflow = fields.String(load_default=None)


class CommentQuery(In):
    disposition = fields.String(
        load_default=None,
        metadata={"enum": [*DISPOSITIONS, "none"], "description": "none: not yet reviewed"},
    )
    article = fields.String(
        load_default=None, metadata={"description": "An article number, or general"}
    )
    locality = fields.String(load_default=None)
    channel = fields.String(load_default=None, metadata={"enum": list(CHANNELS)})
    q = fields.String(
        load_default=None, metadata={"description": "Words, with or without diacritics"}
    )
    page = fields.Integer(
        load_default=1,
        validate=between(1, BIGGEST_PAGE),
        metadata={"minimum": 1, "maximum": BIGGEST_PAGE},
    )
    per_page = fields.Integer(
        load_default=50,
        validate=between(1, PER_PAGE_MAX),
        metadata={"minimum": 1, "maximum": PER_PAGE_MAX},
    )


# --- out --------------------------------------------------------------------------------------


class TokenOut(Schema):
    token = fields.String(required=True)
    expires_at = fields.DateTime(format="iso", required=True)


class ActionOut(Schema):
    name = fields.String()
    title = fields.String()
    payload = fields.List(fields.Nested(PayloadFieldOut))


class StaffActionOut(ActionOut):
    allowed = fields.Boolean()
    blocked_by = fields.String(
        allow_none=True, metadata={"description": "Why it cannot be taken now (null: it can)"}
    )
    missing = fields.List(
        fields.String(), metadata={"description": "Every precondition still missing"}
    )


class WindowOut(Schema):
    opens_at = fields.DateTime(format="iso")
    closes_at = fields.DateTime(format="iso")
    closes_at_text = fields.String(metadata={"example": "24:00 ngày 21/03/2024"})
    provisional_note = fields.String(
        allow_none=True,
        metadata={
            "description": "Set when the end was counted on a year whose holidays are not "
            "announced yet: it may move (later, never earlier)"
        },
    )


class StaffWindowOut(WindowOut):
    name = fields.String()
    duration = fields.String()
    basis = fields.String()
    closed_at = fields.DateTime(format="iso", allow_none=True)


class DocumentOut(Schema):
    id = fields.Integer()
    type = fields.String(metadata={"example": "QĐ"})
    number = fields.Integer()
    symbol = fields.String(metadata={"example": "156/QĐ-UBND"})
    issued_on = fields.Date()
    subject = fields.String()
    signer_name = fields.String()
    published_on = fields.Date(allow_none=True)
    url = fields.String()


class ArticleOut(Schema):
    id = fields.Integer()
    number = fields.String()
    chapter = fields.String()
    title = fields.String()
    text = fields.String()


class PostingOut(Schema):
    what = fields.String()
    place = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    document_id = fields.Integer(allow_none=True)


class ConsultationSummaryOut(Schema):
    id = fields.Integer()
    workflow = fields.String()
    workflow_version = fields.Integer()
    title = fields.String()
    summary = fields.String()
    state = fields.String()
    stage_title = fields.String()
    window = fields.Nested(WindowOut, allow_none=True)
    accepts_comments = fields.Boolean()
    comment_count = fields.Integer()
    documents = fields.List(fields.Nested(DocumentOut))
    """In a list: the published documents; in one consultation's detail, what the caller may see."""


class ConsultationOut(ConsultationSummaryOut):
    actions = fields.List(fields.Nested(ActionOut))
    articles = fields.List(fields.Nested(ArticleOut))


class StaffConsultationOut(ConsultationOut):
    version = fields.Integer()
    actions = fields.List(fields.Nested(StaffActionOut))
    postings = fields.List(fields.Nested(PostingOut))
    windows = fields.List(fields.Nested(StaffWindowOut))


class ConsultationListOut(Schema):
    items = fields.List(fields.Nested(ConsultationSummaryOut))
    total = fields.Integer()


class DocumentListOut(Schema):
    items = fields.List(fields.Nested(DocumentOut))


class ReceiptOut(Schema):
    """What a citizen sees of an opinion: never a name, a village or a contact."""

    receipt = fields.String(metadata={"example": "K7QM-4XPA"})
    received_at = fields.DateTime(format="iso")
    consultation = fields.Integer()
    article = fields.String(allow_none=True)


class ConsultationRef(Schema):
    id = fields.Integer()
    title = fields.String()


class ReceiptStatusOut(Schema):
    receipt = fields.String()
    consultation = fields.Nested(ConsultationRef)
    article = fields.String(allow_none=True)
    body = fields.String()
    received_at = fields.DateTime(format="iso")
    status = fields.String(metadata={"enum": ["received", "answered"]})
    disposition = fields.String(allow_none=True, metadata={"enum": list(DISPOSITIONS)})
    reason = fields.String()
    response = fields.String()


class StaffCommentOut(Schema):
    """An opinion as reviewers see it, with the personal data citizens never see."""

    id = fields.Integer()
    receipt = fields.String()
    received_at = fields.DateTime(format="iso")
    body = fields.String()
    article = fields.String(allow_none=True)
    channel = fields.String(metadata={"enum": list(CHANNELS)})
    locality = fields.String()
    author_name = fields.String()
    contact = fields.String()
    anonymous = fields.Boolean()
    represents = fields.Integer()
    disposition = fields.String(allow_none=True, metadata={"enum": list(DISPOSITIONS)})
    reason = fields.String()
    response = fields.String()
    group = fields.String()
    reviewed_at = fields.DateTime(format="iso", allow_none=True)


class CommentPageOut(Schema):
    items = fields.List(fields.Nested(StaffCommentOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
