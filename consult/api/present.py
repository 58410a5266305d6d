"""Consultations, documents and opinions as the API shows them to the caller.

Who sees what: anyone sees a public consultation, its published documents and the actions
they may take now; the staff of its organization also see drafts, unpublished documents,
postings, the record's version and, for each action of the stage they hold a role for,
why it is blocked. Personal data of opinions is for staff only (Law 10/2022 Art. 9(2)).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from consult import permissions, scope
from consult.actor import Actor
from consult.calendar import format_deadline
from consult.errors import NotFound
from consult.i18n import _, current_language
from consult.models import Article, Comment, Consultation, Document, Window
from consult.permissions import Can
from consult.services import calendar_updates, consultations, intake, opinions
from consult.workflow.definition import Action, Definition, PayloadField
from consult.workflow.engine import Engine


def is_staff_of(actor: Actor, consultation: Consultation) -> bool:
    return permissions.allows_on(actor, Can.READ_STAFF_FILE, consultation)


def visible(session: Session, engine: Engine, consultation_id: int, actor: Actor) -> Consultation:
    """The consultation, or 404 when it does not exist or is a draft the caller may not see."""
    consultation = engine.get(session, consultation_id)
    if not consultations.is_public(consultation) and not is_staff_of(actor, consultation):
        raise NotFound(_("Consultation %(id)s does not exist.", id=consultation_id))
    return consultation


def window(item: Window | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {
        "name": item.name,
        "opens_at": item.opens_at,
        "closes_at": item.closes_at,
        "closes_at_text": format_deadline(item.closes_at, lang=current_language()),
        "duration": item.duration,
        "basis": item.basis,
        "closed_at": item.closed_at,
        "provisional_note": calendar_updates.window_note(scope.runtime().calendar, item),
    }


def document(item: Document) -> dict[str, Any]:
    return {
        "id": item.id,
        "type": item.type,
        "number": item.number,
        "symbol": item.symbol,
        "issued_on": item.issued_on,
        "subject": item.subject,
        "signer_name": item.signer_name,
        "published_on": item.published_on,
        # The public page of the consultation, at the document's anchor.
        "url": f"/consultations/{item.consultation_id}#doc-{item.id}",
    }


def payload_field(item: PayloadField, default: Any = None) -> dict[str, Any]:
    return {
        "name": item.name,
        "type": item.type,
        "title": item.title,
        "required": item.required,
        "help": item.help,
        "max_length": item.max_length,
        "minimum": item.minimum,
        "default": default if default is not None else item.default,
    }


def summary(
    session: Session,
    engine: Engine,
    consultation: Consultation,
    now: datetime,
    comment_count: int | None = None,
) -> dict[str, Any]:
    assert consultation.id is not None
    definition = engine.definition_of(session, consultation)
    return {
        "id": consultation.id,
        "workflow": consultation.workflow_id,
        "workflow_version": consultation.workflow_version,
        "title": consultation.title,
        "summary": consultation.summary,
        "state": consultation.state,
        "stage_title": definition.stage(consultation.state).title,
        "window": window(intake.comment_window(session, consultation.id)),
        "accepts_comments": intake.check_open_or_none(session, consultation, now) is not None,
        "comment_count": (
            comment_count if comment_count is not None else opinions.count(session, consultation.id)
        ),
        "version": consultation.version,
    }


def detail(
    session: Session, engine: Engine, consultation: Consultation, actor: Actor, now: datetime
) -> tuple[dict[str, Any], bool]:
    """The consultation for ``actor``, and whether it is the staff view."""
    assert consultation.id is not None
    staff = is_staff_of(actor, consultation)
    data = summary(session, engine, consultation, now)
    data["documents"] = [
        document(d)
        for d in consultations.documents(session, consultation.id, published_only=not staff)
    ]
    data["articles"] = [asdict(a) for a in consultations.articles(session, consultation.id)]
    actions = []
    for option in engine.options(session, consultation, actor, now):
        if not (staff or option.allowed):
            continue
        defaults = engine.payload_defaults(session, consultation, option.action, actor, now)
        actions.append(
            {
                **action(option.action, defaults),
                "allowed": option.allowed,
                "blocked_by": option.blocked_by,
                "missing": list(option.missing),
            }
        )
    data["actions"] = actions
    if staff:
        data["postings"] = [
            {
                "what": p.what,
                "place": p.place,
                "starts_on": p.starts_on,
                "ends_on": p.ends_on,
                "document_id": p.document_id,
            }
            for p in consultations.postings(session, consultation.id)
        ]
        data["windows"] = [window(w) for w in consultations.windows(session, consultation.id)]
    return data, staff


def action(item: Action, defaults: dict[str, Any] | None = None) -> dict[str, Any]:
    defaults = defaults or {}
    return {
        "name": item.name,
        "title": item.title,
        "payload": [payload_field(f, defaults.get(f.name)) for f in item.payload],
    }


def workflow(definition: Definition) -> dict[str, Any]:
    return {
        "id": definition.id,
        "version": definition.version,
        "title": definition.title,
        "description": definition.description,
        "drill": definition.drill,
        "initial": definition.initial,
        "stages": [
            {
                "name": stage.name,
                "title": stage.title,
                "description": stage.description,
                "final": stage.final,
                "review": stage.review,
                "actions": [step(a) for a in stage.actions.values()],
            }
            for stage in definition.stages.values()
        ],
        "windows": [
            {
                "name": spec.name,
                "title": spec.title,
                "opens_with": spec.opens_with,
                "duration": str(spec.duration),
                "minimum": str(spec.minimum) if spec.minimum else None,
                "basis": spec.basis,
                "on_close": spec.on_close,
                "accepts_comments": spec.accepts_comments,
                "posting": spec.posting,
            }
            for spec in definition.windows.values()
        ],
        "tracks": [
            {
                "name": track.name,
                "title": track.title,
                "initial": track.initial,
                "during": list(track.during),
                "states": [
                    {"name": s.name, "title": s.title, "closes_review": s.closes_review}
                    for s in track.states.values()
                ],
                "actions": [
                    {
                        **step(a),
                        "from_": [b.source for b in track.actions if b.name == a.name],
                    }
                    for a in {a.name: a for a in track.actions}.values()
                ],
            }
            for track in definition.tracks.values()
        ],
        "review": (
            {
                "propose": list(definition.review.propose),
                "dispose": list(definition.review.dispose),
                "explain": list(definition.review.explain),
            }
            if definition.review
            else None
        ),
    }


def step(a: Action) -> dict[str, Any]:
    """A step of a definition as ``GET /workflows`` describes it."""
    return {
        **action(a),
        "description": a.description,
        "roles": list(a.roles),
        "to": a.target,
        "guards": list(a.guards),
        "requires": {track: list(states) for track, states in a.requires},
        "records": [r.type for r in a.records],
    }


def article_numbers(session: Session, consultation_id: int) -> dict[int, str]:
    return {a.id: a.number for a in consultations.articles(session, consultation_id)}


def staff_comment(item: Comment, numbers: dict[int, str]) -> dict[str, Any]:
    return {
        "id": item.id,
        "receipt": item.receipt,
        "received_at": item.received_at,
        "body": item.body,
        "article": numbers.get(item.article_id) if item.article_id is not None else None,
        "channel": item.channel,
        "locality": item.locality,
        "author_name": item.author_name,
        "contact": item.contact,
        "anonymous": item.is_anonymous,
        "represents": item.represents,
        "disposition": item.disposition,
        "reason": item.reason,
        "response": item.response,
        "group": item.group_key,
        "reviewed_at": item.reviewed_at,
    }


def receipt_status(session: Session, item: Comment) -> dict[str, Any]:
    consultation = session.get(Consultation, item.consultation_id)
    assert consultation is not None
    number = None
    if item.article_id is not None:
        number = session.exec(select(Article.number).where(Article.id == item.article_id)).first()
    return {
        "receipt": item.receipt,
        "consultation": {"id": consultation.id, "title": consultation.title},
        "article": number,
        "body": item.body,
        "received_at": item.received_at,
        "status": intake.status_of(item),
        "disposition": item.disposition,
        "reason": item.reason,
        "response": item.response,
    }
