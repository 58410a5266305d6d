"""Workflows, consultations, their actions and documents: parse, call the engine or a
service, answer with a schema."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, url_for
from flask.typing import ResponseReturnValue

from consult import permissions, scope
from consult.actor import Actor
from consult.api import present
from consult.api.auth import staff_only
from consult.api.base import bp, refusals
from consult.api.draft_schemas import article_inputs
from consult.api.schemas import (
    ActionPayloadIn,
    ConsultationIn,
    ConsultationListOut,
    ConsultationOut,
    ConsultationQuery,
    DocumentListOut,
    StaffConsultationOut,
)
from consult.api.workflow_schemas import WorkflowListOut
from consult.models import Consultation, Organization
from consult.permissions import Can
from consult.services import consultations, organizations

STAFF_CONSULTATION_OUT = StaffConsultationOut()
CONSULTATION_OUT = ConsultationOut()


@bp.route("/workflows", tags=["workflows"])
@bp.response(200, WorkflowListOut())
def workflows() -> dict[str, Any]:
    """The loaded workflow definitions with their stages, actions and windows"""
    return {"items": [present.workflow(d) for d in scope.runtime().catalog.all()]}


@bp.route("/consultations", tags=["consultations"])
@bp.arguments(ConsultationQuery(), location="query")
@bp.response(200, ConsultationListOut())
@refusals(422)
def consultation_list(query: dict[str, Any]) -> dict[str, Any]:
    """Consultations: the public ones; staff also see their organization's drafts"""
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
    return {"items": items, "total": len(items)}


def _drafting_organization(actor: Actor) -> Organization:
    """The organization where the caller drafts; with none, the only one (the engine then
    refuses a caller who is not its drafter)."""
    session = scope.db()
    for organization_id in permissions.organizations_where(actor, Can.START_CONSULTATION):
        found = session.get(Organization, organization_id)
        if found is not None:
            return found
    return organizations.by_code(session, None)


@bp.route("/consultations", methods=["POST"], tags=["consultations"])
@staff_only
@bp.arguments(ConsultationIn())
@bp.response(201, StaffConsultationOut)
@refusals(400, 403, 422)
def consultation_create(data: dict[str, Any]) -> ResponseReturnValue:
    """Start a consultation on a draft (legal officer)"""
    runtime, actor, now = scope.runtime(), scope.current_actor(), scope.now()
    with scope.writing() as session:
        created = runtime.engine.start(
            session,
            organization=_drafting_organization(actor),
            actor=actor,
            workflow_id=data["workflow"],
            title=data["title"].strip(),
            summary=data["summary"].strip(),
            articles=article_inputs(data["articles"]),
            preamble=data["preamble"],
            now=now,
        )
    location = url_for("api.consultation", id=created.id)
    return _consultation_response(created), 201, {"Location": location}


@bp.route("/consultations/<int:id>", tags=["consultations"])
@bp.response(200, StaffConsultationOut)
@refusals(404)
def consultation(id: int) -> Response:
    """One consultation: window, documents, articles and what the caller may do now

    Staff of its organization also see version, postings, windows and, for each action of
    the stage they hold a role for, why it is blocked (blocked_by).
    """
    item = present.visible(scope.db(), scope.runtime().engine, id, scope.current_actor())
    return _consultation_response(item)


@bp.route("/consultations/<int:id>/actions/<action>", methods=["POST"], tags=["consultations"])
@staff_only
@bp.arguments(
    ActionPayloadIn(),
    required=False,
    description="The action's payload fields, as GET /workflows lists them; {} takes every "
    "default. Unknown fields are refused.",
)
@bp.response(200, StaffConsultationOut)
@refusals(400, 403, 404, 409, 422)
def take_action(payload: dict[str, Any], id: int, action: str) -> Response:
    """Take a workflow action with its payload"""
    runtime, actor, now = scope.runtime(), scope.current_actor(), scope.now()
    with scope.writing() as session:
        ctx = runtime.engine.take(session, id, action, actor, payload, now)
    return _consultation_response(ctx.consultation)


@bp.route("/consultations/<int:id>/documents", tags=["consultations"])
@bp.response(200, DocumentListOut())
@refusals(404)
def document_list(id: int) -> dict[str, Any]:
    """The consultation's documents: published ones for anyone, all for its staff"""
    session, actor = scope.db(), scope.current_actor()
    item = present.visible(session, scope.runtime().engine, id, actor)
    staff = present.is_staff_of(actor, item)
    items = consultations.documents(session, id, published_only=not staff)
    return {"items": [present.document(d) for d in items]}


def _consultation_response(item: Consultation) -> Response:
    """The staff view for its organization's staff, the public one for anyone else (one
    operation, two schemas: the view dumps it itself)."""
    session, engine = scope.db(), scope.runtime().engine
    data, staff = present.detail(session, engine, item, scope.current_actor(), scope.now())
    schema = STAFF_CONSULTATION_OUT if staff else CONSULTATION_OUT
    return jsonify(schema.dump(data))
