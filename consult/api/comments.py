"""Opinions: citizens send them and follow them by receipt; reviewers list and answer them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Response, request
from sqlalchemy import Engine

from consult import permissions, scope
from consult.api import present
from consult.api.auth import public_write, staff_only
from consult.api.base import PREFIX, bp, refusals
from consult.api.schemas import (
    CommentIn,
    CommentPageOut,
    CommentQuery,
    ReceiptOut,
    ReceiptStatusOut,
    ReviewIn,
    StaffCommentOut,
)
from consult.permissions import Can
from consult.services import answers, intake, opinions

COMMENT_IN = CommentIn()
RECEIPT_OUT = ReceiptOut()
"""Built once: a schema instance per request costs more than the validation itself."""
RECEIPTS = f"{PREFIX}/receipts/"
"""Where a receipt is followed (the ``receipt`` route): the ``Location`` of a new opinion."""


@bp.route("/consultations/<int:id>/comments", methods=["POST"], tags=["comments"])
@public_write
@bp.arguments(COMMENT_IN)
@bp.response(201, RECEIPT_OUT)
@refusals(400, 404, 409, 422, 429)
def comment_create(data: dict[str, Any], id: int) -> Response:
    """Send an opinion (anyone, no account); no name means anonymous

    Accepted while the comment window is open; the answer's receipt lets the citizen follow
    the opinion at GET /receipts/{receipt}. Most are answered before Flask's request, by the
    same schema, service and answer (:mod:`consult.front`).
    """
    article, stored = store_opinion(scope.runtime().db, id, data, scope.client_key(), scope.now())
    body, location = receipt_answer(request.script_root, id, article, stored)
    return Response(body, 201, {"Location": location}, mimetype="application/json")


def store_opinion(
    engine: Engine, id: int, data: dict[str, Any], client: str, now: datetime
) -> tuple[str | None, intake.Stored]:
    """A citizen's opinion online, as :data:`COMMENT_IN` loaded it: stored, or refused."""
    article = data["article"] or None
    stored = intake.receive(
        engine,
        id,
        intake.CommentInput(
            body=data["body"],
            author_name=data["author_name"],
            locality=data["locality"],
            contact=data["contact"],
            article=article,
            clause=data["clause"],
            channel="online",
            client=client,
        ),
        now,
    )
    return article, stored


def receipt_answer(
    script_root: str, id: int, article: str | None, stored: intake.Stored
) -> tuple[str, str]:
    """The 201 answer's body and ``Location``: :class:`ReceiptOut`'s fields, written as its
    dump and ``jsonify`` would write them (keys sorted), without either's work; every
    citizen's opinion ends here."""
    body = json.dumps(
        {
            "article": article,
            "consultation": id,
            "received_at": stored.received_at.isoformat(),
            "receipt": stored.receipt,
        },
        sort_keys=True,
    )
    return body + "\n", f"{script_root}{RECEIPTS}{stored.receipt}"  # codes need no quoting


@bp.route("/receipts/<receipt>", tags=["comments"])
@bp.response(200, ReceiptStatusOut())
@refusals(404)
def receipt(receipt: str) -> dict[str, Any]:
    """The status of an opinion and the response to it, without personal data"""
    session = scope.db()
    return present.receipt_status(session, intake.by_receipt(session, receipt))


@bp.route("/consultations/<int:id>/comments", tags=["comments"])
@staff_only
@bp.arguments(CommentQuery(), location="query")
@bp.response(200, CommentPageOut())
@refusals(403, 404, 422)
def comment_list(query: dict[str, Any], id: int) -> dict[str, Any]:
    """The opinions of a consultation, with personal data (staff of its organization)"""
    session, actor = scope.db(), scope.current_actor()
    item = scope.runtime().engine.get(session, id)
    permissions.require_on(actor, Can.READ_PERSONAL_DATA, item)
    flt = opinions.CommentFilter(
        **{k: query[k] for k in ("disposition", "article", "locality", "channel", "q")}
    )
    rows, total = opinions.search(session, id, flt, page=query["page"], per_page=query["per_page"])
    numbers = present.article_numbers(session, id)
    return {
        "items": [present.staff_comment(r, numbers) for r in rows],
        "page": query["page"],
        "per_page": query["per_page"],
        "total": total,
    }


@bp.route("/comments/<int:id>", methods=["PATCH"], tags=["comments"])
@staff_only
@bp.arguments(ReviewIn())
@bp.response(200, StaffCommentOut())
@refusals(400, 403, 404, 409, 422)
def comment_review(data: dict[str, Any], id: int) -> dict[str, Any]:
    """Give an opinion its disposition, reason and response (reviewer)

    Allowed from the moment an opinion arrives until the synthesis is submitted.
    not_accepted needs a reason (giải trình).
    """
    with scope.writing() as session:
        reviewed = answers.review(
            session,
            scope.runtime().engine,
            id,
            scope.current_actor(),
            scope.now(),
            disposition=data["disposition"],
            reason=data["reason"],
            response=data["response"],
            group=data["group"],
        )
    numbers = present.article_numbers(scope.db(), reviewed.consultation_id)
    return present.staff_comment(reviewed, numbers)
