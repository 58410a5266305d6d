"""Opinions: citizens send them and follow them by receipt; reviewers list and answer them."""

from __future__ import annotations

from flask import jsonify, url_for
from flask.typing import ResponseReturnValue

from consult import permissions, scope
from consult.api import present
from consult.api.auth import public_write_limit, ratelimit_off, staff_only
from consult.api.base import bp, json_body, load, query_args, writing
from consult.api.openapi import document
from consult.api.schemas import (
    CommentIn,
    CommentPageOut,
    CommentQuery,
    ReceiptOut,
    ReceiptStatusOut,
    ReviewIn,
    StaffCommentOut,
)
from consult.extensions import limiter
from consult.permissions import Can
from consult.services import answers, intake, opinions

COMMENT_IN = CommentIn()
RECEIPT_OUT = ReceiptOut()
"""Built once: a schema instance per request costs more than the validation itself."""


@bp.route("/consultations/<int:id>/comments", methods=["POST"])
@limiter.limit(public_write_limit, exempt_when=ratelimit_off)
@document(
    summary="Send an opinion (anyone, no account); no name means anonymous",
    tag="comments",
    description="Accepted while the comment window is open; the answer's receipt lets the "
    "citizen follow the opinion at GET /receipts/{receipt}.",
    body=CommentIn,
    responses={201: ReceiptOut},
    errors=(400, 404, 409, 422, 429),
)
def comment_create(id: int) -> ResponseReturnValue:
    data = load(COMMENT_IN, json_body())
    stored = intake.receive(
        scope.runtime().db,
        id,
        intake.CommentInput(
            body=data["body"],
            author_name=data["author_name"],
            locality=data["locality"],
            contact=data["contact"],
            article=data["article"] or None,
            channel="online",
            client=scope.client_key(),
        ),
        scope.now(),
    )
    body = RECEIPT_OUT.dump(
        {
            "receipt": stored.receipt,
            "received_at": stored.received_at,
            "consultation": id,
            "article": data["article"] or None,
        }
    )
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = url_for("api.receipt", receipt=stored.receipt)
    return response


@bp.route("/receipts/<receipt>")
@document(
    summary="The status of an opinion and the response to it, without personal data",
    tag="comments",
    responses={200: ReceiptStatusOut},
    errors=(404,),
)
def receipt(receipt: str) -> ResponseReturnValue:
    session = scope.db()
    found = intake.by_receipt(session, receipt)
    return jsonify(ReceiptStatusOut().dump(present.receipt_status(session, found)))


@bp.route("/consultations/<int:id>/comments")
@document(
    summary="The opinions of a consultation, with personal data (staff of its organization)",
    tag="comments",
    query=CommentQuery,
    responses={200: CommentPageOut},
    errors=(403, 404, 422),
)
@staff_only
def comment_list(id: int) -> ResponseReturnValue:
    query = load(CommentQuery(), query_args())
    session, actor = scope.db(), scope.current_actor()
    item = scope.runtime().engine.get(session, id)
    permissions.require_on(actor, Can.READ_PERSONAL_DATA, item)
    flt = opinions.CommentFilter(
        **{k: query[k] for k in ("disposition", "article", "locality", "channel", "q")}
    )
    rows, total = opinions.search(session, id, flt, page=query["page"], per_page=query["per_page"])
    numbers = present.article_numbers(session, id)
    return jsonify(
        CommentPageOut().dump(
            {
                "items": [present.staff_comment(r, numbers) for r in rows],
                "page": query["page"],
                "per_page": query["per_page"],
                "total": total,
            }
        )
    )


@bp.route("/comments/<int:id>", methods=["PATCH"])
@document(
    summary="Give an opinion its disposition, reason and response (reviewer)",
    tag="comments",
    description="Allowed from the moment an opinion arrives until the synthesis is "
    "submitted. not_accepted needs a reason (giải trình).",
    body=ReviewIn,
    responses={200: StaffCommentOut},
    errors=(400, 403, 404, 409, 422),
)
@staff_only
def comment_review(id: int) -> ResponseReturnValue:
    data = load(ReviewIn(), json_body())
    session, runtime = writing(), scope.runtime()
    reviewed = answers.review(
        session,
        runtime.engine,
        id,
        scope.current_actor(),
        scope.now(),
        disposition=data["disposition"],
        reason=data["reason"],
        response=data["response"],
        group=data["group"],
    )
    scope.db().commit()
    numbers = present.article_numbers(session, reviewed.consultation_id)
    return jsonify(StaffCommentOut().dump(present.staff_comment(reviewed, numbers)))
