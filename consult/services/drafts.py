"""The working draft before posting: edited article by article or as a whole (each save a new
version, all kept), deleted if it was never posted. From posting on, the posted text stays
frozen; after the comment window the legal officer revises it (:mod:`consult.services.revisions`).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from consult import permissions
from consult.actor import Actor
from consult.errors import Invalid, NotAllowedNow, NotFound
from consult.i18n import _
from consult.ledger import audit
from consult.models import (
    Article,
    Consultation,
    Document,
    DraftVersion,
    PostingRecord,
    Window,
)
from consult.permissions import Can
from consult.services import consultations
from consult.services.draft_text import MAX_ARTICLE
from consult.workflow import drafting
from consult.workflow.engine import ArticleInput


def posted_refusal(session: Session, consultation: Consultation) -> str | None:
    """Why the draft can no longer be edited or deleted (it was posted), or None."""
    assert consultation.id is not None
    posted = (
        consultations.is_public(consultation)
        or session.exec(select(Window.id).where(Window.consultation_id == consultation.id)).first()
        or session.exec(
            select(PostingRecord.id).where(PostingRecord.consultation_id == consultation.id)
        ).first()
    )
    if posted:
        return _(
            "The draft has been posted: the posted text stays as it is. After the comment "
            "window the legal officer can revise it."
        )
    return None


def _check_editable(session: Session, consultation: Consultation, actor: Actor) -> None:
    permissions.require_on(actor, Can.EDIT_DRAFT, consultation)
    refusal = posted_refusal(session, consultation)
    if refusal:
        raise NotAllowedNow(refusal)


def edit_article(
    session: Session,
    consultation: Consultation,
    number: str,
    *,
    title: str,
    text: str,
    actor: Actor,
    now: datetime,
) -> DraftVersion:
    """A new version of the working draft with one article's title and text changed."""
    _check_editable(session, consultation, actor)
    assert consultation.id is not None
    current = consultations.articles(session, consultation.id)
    if number not in {a.number for a in current}:
        raise NotFound(_("The draft has no article %(number)s.", number=number))
    items = [
        ArticleInput(
            number=a.number,
            title=title.strip() if a.number == number else a.title,
            text=text.strip() if a.number == number else a.text,
            chapter=a.chapter,
        )
        for a in current
    ]
    return _save(session, consultation, items, actor, now, changed=[number])


def update(
    session: Session,
    consultation: Consultation,
    *,
    actor: Actor,
    now: datetime,
    title: str | None = None,
    summary: str | None = None,
    articles: list[ArticleInput] | None = None,
    preamble: str | None = None,
) -> Consultation:
    """Title, summary and the whole list of articles (added, removed, reordered) of a draft
    not yet posted; new articles keep no id of old ones, kept articles keep theirs."""
    _check_editable(session, consultation, actor)
    if title is not None:
        if not title.strip():
            message = _("Give the draft a title.")
            raise Invalid(message, fields={"title": message})
        consultation.title = title.strip()[:300]
    if summary is not None:
        consultation.summary = summary.strip()
    if articles is not None or preamble is not None:
        assert consultation.id is not None
        current = [
            ArticleInput(a.number, a.title, a.text, a.chapter)
            for a in consultations.articles(session, consultation.id)
        ]
        _save(session, consultation, articles or current, actor, now, preamble=preamble)
    consultation.updated_at = now
    session.add(consultation)
    return consultation


def _save(
    session: Session,
    consultation: Consultation,
    items: list[ArticleInput],
    actor: Actor,
    now: datetime,
    *,
    changed: list[str] | None = None,
    preamble: str | None = None,
) -> DraftVersion:
    drafting.check_articles(items)
    for item in items:
        if len(item.text) > MAX_ARTICLE:
            message = _("At most %(max)s characters.", max=MAX_ARTICLE)
            raise Invalid(message, fields={"text": message})
    assert consultation.id is not None
    latest = consultations.latest_draft(session, consultation.id)
    assert latest is not None
    draft = DraftVersion(
        consultation_id=consultation.id,
        number=latest.number + 1,
        note=_("Edited before posting"),
        preamble=latest.preamble if preamble is None else preamble.strip(),
        pre_posting=True,
        created_at=now,
        created_by_id=actor.user_id,
    )
    session.add(draft)
    session.flush()
    assert draft.id is not None
    known = {
        a.number: a
        for a in session.exec(select(Article).where(Article.consultation_id == consultation.id))
    }
    drafting.write_articles(session, consultation, draft, items, known)
    audit.record(
        session,
        now=now,
        actor=actor,
        action="edit_draft",
        organization_id=consultation.organization_id,
        consultation_id=consultation.id,
        detail={
            "version": draft.number,
            "articles": changed if changed is not None else [i.number for i in items],
        },
    )
    return draft


def delete(session: Session, consultation: Consultation, actor: Actor, now: datetime) -> None:
    """Delete a draft never posted: it leaves every list; the audit log keeps its trail.
    A draft with a numbered document (its plan) stays, since the register keeps the number."""
    _check_editable(session, consultation, actor)
    assert consultation.id is not None
    numbered = session.exec(
        select(Document).where(Document.consultation_id == consultation.id)
    ).first()
    if numbered is not None:
        raise NotAllowedNow(
            _(
                "Document %(symbol)s is numbered in the register for this draft, so the draft "
                "stays; leave it unposted or post it.",
                symbol=numbered.symbol,
            )
        )
    consultation.deleted_at = now
    consultation.updated_at = now
    session.add(consultation)
    audit.record(
        session,
        now=now,
        actor=actor,
        action="delete_draft",
        organization_id=consultation.organization_id,
        consultation_id=consultation.id,
        detail={"title": consultation.title},
    )
