"""Workflows, consultations, their actions and documents: parse, call the engine or a
service, answer with a schema."""

from __future__ import annotations

from flask import Response, jsonify, url_for
from flask.typing import ResponseReturnValue

from consult import permissions, scope
from consult.actor import Actor
from consult.api import present
from consult.api.auth import staff_only
from consult.api.base import bp, json_body, load, query_args, writing
from consult.api.openapi import document
from consult.api.schemas import (
    ConsultationIn,
    ConsultationListOut,
    ConsultationOut,
    ConsultationQuery,
    DocumentListOut,
    StaffConsultationOut,
    WorkflowListOut,
)
from consult.models import Consultation, Organization
from consult.permissions import Can
from consult.services import consultations, organizations
from consult.workflow.engine import ArticleInput

ACTION_PAYLOAD = {
    "type": "object",
    "additionalProperties": True,
    "description": (
        "The action's payload fields, as GET /workflows lists them; {} takes every default. "
        "Unknown fields are refused."
    ),
}


@bp.route("/workflows")
@document(
    summary="The loaded workflow definitions with their stages, actions and windows",
    tag="workflows",
    responses={200: WorkflowListOut},
)
def workflows() -> ResponseReturnValue:
    items = [present.workflow(d) for d in scope.runtime().catalog.all()]
    return jsonify(WorkflowListOut().dump({"items": items}))


@bp.route("/consultations")
@document(
    summary="Consultations: the public ones; staff also see their organization's drafts",
    tag="consultations",
    query=ConsultationQuery,
    responses={200: ConsultationListOut},
    errors=(422,),
)
def consultation_list() -> ResponseReturnValue:
    query = load(ConsultationQuery(), query_args())
    session, actor = scope.db(), scope.current_actor()
    listed = consultations.listing(
        session,
        state=query["state"],
        workflow=query["workflow"],
        public_only=not actor.roles_by_org,
    )
    found = [c for c in listed if consultations.is_public(c) or present.is_staff_of(actor, c)]
    counts = consultations.comment_counts(session, [c.id for c in found if c.id is not None])
    engine, now = scope.runtime().engine, scope.now()
    items = [
        present.summary(session, engine, c, now, comment_count=counts.get(c.id or 0, 0))
        | {
            "documents": [
                present.document(d)
                for d in consultations.documents(session, c.id or 0, published_only=True)
            ]
        }
        for c in found
    ]
    return jsonify(ConsultationListOut().dump({"items": items, "total": len(items)}))


def _drafting_organization(actor: Actor) -> Organization:
    """The organization where the caller drafts; with none, the only one (the engine then
    refuses a caller who is not its drafter)."""
    session = scope.db()
    for organization_id in permissions.organizations_where(actor, Can.START_CONSULTATION):
        found = session.get(Organization, organization_id)
        if found is not None:
            return found
    return organizations.by_code(session, None)


@bp.route("/consultations", methods=["POST"])
@document(
    summary="Start a consultation on a draft (legal officer)",
    tag="consultations",
    body=ConsultationIn,
    responses={201: StaffConsultationOut},
    errors=(400, 403, 422),
)
@staff_only
def consultation_create() -> ResponseReturnValue:
    data = load(ConsultationIn(), json_body())
    session, runtime, actor, now = writing(), scope.runtime(), scope.current_actor(), scope.now()
    created = runtime.engine.start(
        session,
        organization=_drafting_organization(actor),
        actor=actor,
        workflow_id=data["workflow"],
        title=data["title"].strip(),
        summary=data["summary"].strip(),
        articles=[
            ArticleInput(
                number=a["number"],
                title=a["title"].strip(),
                text=a["text"].strip(),
                chapter=a["chapter"].strip(),
            )
            for a in data["articles"]
        ],
        now=now,
    )
    scope.db().commit()
    response = _consultation_response(created)
    response.status_code = 201
    response.headers["Location"] = url_for("api.consultation", id=created.id)
    return response


@bp.route("/consultations/<int:id>")
@document(
    summary="One consultation: window, documents, articles and what the caller may do now",
    tag="consultations",
    description="Staff of its organization also see version, postings, windows and, for "
    "each action of the stage they hold a role for, why it is blocked (blocked_by).",
    responses={200: StaffConsultationOut},
    errors=(404,),
)
def consultation(id: int) -> ResponseReturnValue:
    item = present.visible(scope.db(), scope.runtime().engine, id, scope.current_actor())
    return _consultation_response(item)


@bp.route("/consultations/<int:id>/actions/<action>", methods=["POST"])
@document(
    summary="Take a workflow action with its payload",
    tag="consultations",
    body=ACTION_PAYLOAD,
    responses={200: StaffConsultationOut},
    errors=(400, 403, 404, 409, 422),
)
@staff_only
def take_action(id: int, action: str) -> ResponseReturnValue:
    payload = json_body()
    session, runtime, actor, now = writing(), scope.runtime(), scope.current_actor(), scope.now()
    ctx = runtime.engine.take(session, id, action, actor, payload, now)
    scope.db().commit()
    return _consultation_response(ctx.consultation)


@bp.route("/consultations/<int:id>/documents")
@document(
    summary="The consultation's documents: published ones for anyone, all for its staff",
    tag="consultations",
    responses={200: DocumentListOut},
    errors=(404,),
)
def document_list(id: int) -> ResponseReturnValue:
    session, actor = scope.db(), scope.current_actor()
    item = present.visible(session, scope.runtime().engine, id, actor)
    staff = present.is_staff_of(actor, item)
    items = [
        present.document(d) for d in consultations.documents(session, id, published_only=not staff)
    ]
    return jsonify(DocumentListOut().dump({"items": items}))


def _consultation_response(item: Consultation) -> Response:
    session, engine = scope.db(), scope.runtime().engine
    data, staff = present.detail(session, engine, item, scope.current_actor(), scope.now())
    schema = StaffConsultationOut() if staff else ConsultationOut()
    return jsonify(schema.dump(data))
