"""Answering opinions (tổng hợp, tiếp thu, giải trình): a disposition for one opinion
(:func:`review`) or for many at once (:func:`dispose`: a group of duplicates is answered once,
each copy keeps its own receipt and record), a disposition proposed for the role that disposes
(:func:`propose`, :func:`take_proposals`), and the articles an opinion changed or, with a
reason, keeps unchanged.

Who may do which, and when, is the engine's rule (:meth:`Engine.review_refusal`, from the
definition's ``review``). The consultation's row is locked and its version bumped first, so a
report approved at the same moment either sees this answer or refuses it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, update
from sqlmodel import Session, col, select

from consult import permissions
from consult.actor import Actor
from consult.errors import Forbidden, Invalid, NotFound
from consult.i18n import _
from consult.ledger import audit
from consult.models import Comment, CommentChange, Consultation
from consult.models.comment import DISPOSITIONS
from consult.services import counts
from consult.services.review import MAX_BULK, article_ids
from consult.vocabulary import TAKEN_UP
from consult.workflow.engine import Engine
from consult.workflow.reviewing import Act, roles_for


def _rows(session: Session, consultation_id: int, comment_ids: list[int]) -> list[Comment]:
    if not comment_ids:
        raise Invalid(_("Choose at least one opinion."))
    if len(comment_ids) > MAX_BULK:
        raise Invalid(_("At most %(max)s opinions at once.", max=MAX_BULK))
    rows = list(
        session.exec(
            select(Comment)
            .where(Comment.consultation_id == consultation_id, col(Comment.id).in_(comment_ids))
            .order_by(col(Comment.id))
        )
    )
    if len(rows) != len(set(comment_ids)):
        raise Invalid(_("Some of the chosen opinions are not in this consultation."))
    return rows


def dispose(
    session: Session,
    engine: Engine,
    consultation_id: int,
    comment_ids: list[int],
    actor: Actor,
    now: datetime,
    *,
    disposition: str,
    reason: str = "",
    response: str = "",
    group: str | None = None,
    articles: list[str] | None = None,
    unchanged_reason: str = "",
) -> int:
    """Give every opinion in ``comment_ids`` the same disposition, reason and response, and
    link taken-up ones to the articles they change (or, with ``unchanged_reason``, say why the
    articles' text stays as posted). ``group=None`` keeps each one's group. The caller
    commits."""
    changed = article_ids(session, consultation_id, articles or [])
    if changed and disposition not in TAKEN_UP:
        message = _("Only an accepted or partly accepted opinion changes articles.")
        raise Invalid(message, fields={"articles": message})
    rows = _rows(session, consultation_id, comment_ids)
    consultation = claim(session, engine, consultation_id, actor)
    may_explain = _may_explain(session, engine, consultation, actor)
    ids = [r.id for r in rows if r.id is not None]
    with counts.changing(session, ids):
        for row in rows:
            _answer(
                may_explain,
                session,
                consultation,
                row,
                actor,
                now,
                disposition=disposition,
                reason=reason,
                response=response,
                group=row.group_key if group is None else group,
            )
    session.execute(delete(CommentChange).where(col(CommentChange.comment_id).in_(ids)))
    for cid in ids:
        for aid in changed:
            session.add(
                CommentChange(
                    comment_id=cid, article_id=aid, unchanged_reason=unchanged_reason.strip()
                )
            )
    return len(rows)


_consultation = Consultation.__table__  # type: ignore[attr-defined]
_BUMP = (
    update(_consultation)
    .where(_consultation.c.id == bindparam("id_"))
    .values(version=_consultation.c.version + 1)
)


def claim(
    session: Session, engine: Engine, consultation_id: int, actor: Actor, act: Act = "dispose"
) -> Consultation:
    """Lock the consultation (its version bumped), then check the actor may ``act`` now."""
    session.connection().execute(_BUMP, {"id_": consultation_id})
    consultation = session.get(Consultation, consultation_id, populate_existing=True)
    if consultation is None:
        raise NotFound(_("Consultation %(id)s does not exist.", id=consultation_id))
    engine.check_review(session, consultation, actor, act)
    return consultation


def review(
    session: Session,
    engine: Engine,
    comment_id: int,
    actor: Actor,
    now: datetime,
    *,
    disposition: str,
    reason: str = "",
    response: str = "",
    group: str = "",
) -> Comment:
    """Give one opinion its disposition (tiếp thu / giải trình). The caller commits."""
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(_("Opinion %(id)s does not exist.", id=comment_id))
    consultation = claim(session, engine, comment.consultation_id, actor)
    with counts.changing(session, [comment_id]):
        return _answer(
            _may_explain(session, engine, consultation, actor),
            session,
            consultation,
            comment,
            actor,
            now,
            disposition=disposition,
            reason=reason,
            response=response,
            group=group,
        )


def _may_explain(
    session: Session, engine: Engine, consultation: Consultation, actor: Actor
) -> bool:
    definition = engine.definition_of(session, consultation)
    return permissions.holds_any(
        actor, consultation.organization_id, roles_for(definition, "explain")
    )


def _answer(
    may_explain: bool,
    session: Session,
    consultation: Consultation,
    comment: Comment,
    actor: Actor,
    now: datetime,
    *,
    disposition: str,
    reason: str,
    response: str,
    group: str,
) -> Comment:
    problems = {}
    if disposition not in DISPOSITIONS:
        problems["disposition"] = _("One of: %(values)s.", values=", ".join(DISPOSITIONS))
    if disposition == "not_accepted" and not reason.strip():
        problems["reason"] = _("Explain why the opinion is not taken up (giải trình).")
    if problems:
        raise Invalid(
            _("Some fields are not valid: %(names)s.", names=", ".join(problems)), fields=problems
        )
    if reason.strip() != comment.reason and not may_explain:
        message = _("The explanation (giải trình) is written by the role the procedure names.")
        raise Forbidden(message, fields={"reason": message})
    comment.disposition = disposition
    comment.reason = reason.strip()
    comment.response = response.strip()
    comment.group_key = group.strip()
    comment.reviewed_by_id = actor.user_id
    comment.reviewed_at = now
    session.add(comment)
    audit.record(
        session,
        now=now,
        actor=actor,
        action="review_comment",
        organization_id=consultation.organization_id,
        consultation_id=consultation.id,
        detail={
            "comment": comment.id,
            "receipt": comment.receipt,
            "disposition": disposition,
            "reason": comment.reason,
            "response": comment.response,
            "group": comment.group_key,
        },
    )
    return comment


def propose(
    session: Session,
    engine: Engine,
    consultation_id: int,
    comment_ids: list[int],
    actor: Actor,
    now: datetime,
    *,
    disposition: str,
    note: str = "",
) -> int:
    """Propose a disposition (and a suggested response or explanation) for the role that
    disposes to take or not: the Front's part in the review (Art. 28). The caller commits."""
    if disposition not in DISPOSITIONS:
        message = _("One of: %(values)s.", values=", ".join(DISPOSITIONS))
        raise Invalid(message, fields={"disposition": message})
    rows = _rows(session, consultation_id, comment_ids)
    consultation = claim(session, engine, consultation_id, actor, "propose")
    for row in rows:
        row.proposed_disposition = disposition
        row.proposal_note = note.strip()
        row.proposed_by_id = actor.user_id
        row.proposed_at = now
        session.add(row)
    audit.record(
        session,
        now=now,
        actor=actor,
        action="propose_disposition",
        organization_id=consultation.organization_id,
        consultation_id=consultation.id,
        detail={
            "comments": [r.id for r in rows],
            "receipts": [r.receipt for r in rows],
            "disposition": disposition,
            "note": note.strip(),
        },
    )
    return len(rows)


def take_proposals(
    session: Session,
    engine: Engine,
    consultation_id: int,
    comment_ids: list[int],
    actor: Actor,
    now: datetime,
) -> int:
    """Give each chosen opinion the disposition proposed for it; the proposal's note becomes
    the explanation of one not taken up, else the response (when none is written yet)."""
    rows = [r for r in _rows(session, consultation_id, comment_ids) if r.proposed_disposition]
    if not rows:
        raise Invalid(_("None of the chosen opinions has a proposed disposition."))
    consultation = claim(session, engine, consultation_id, actor)
    may_explain = _may_explain(session, engine, consultation, actor)
    with counts.changing(session, [r.id for r in rows if r.id is not None]):
        for row in rows:
            disposition = row.proposed_disposition or ""
            note = row.proposal_note
            refused = disposition == "not_accepted"
            _answer(
                may_explain,
                session,
                consultation,
                row,
                actor,
                now,
                disposition=disposition,
                reason=(row.reason or note) if refused else row.reason,
                response=row.response or ("" if refused else note),
                group=row.group_key,
            )
    return len(rows)
