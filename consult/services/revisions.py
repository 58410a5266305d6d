"""Draft versions after the synthesis: the legal officer revises the draft; the posted and the
revised texts are compared article by article, each change shown with the accepted opinions
that led to it."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup, escape
from sqlmodel import Session, col, select

from consult import permissions
from consult.actor import Actor
from consult.errors import Invalid, NotAllowedNow, NotFound
from consult.i18n import _
from consult.ledger import audit
from consult.models import (
    Article,
    ArticleText,
    Comment,
    CommentChange,
    Consultation,
    Document,
    DraftVersion,
)
from consult.permissions import Can
from consult.services import consultations, intake
from consult.services.consultations import ArticleView
from consult.vocabulary import TAKEN_UP
from consult.workflow.context import ActionContext
from consult.workflow.engine import ArticleInput
from consult.workflow.registry import guard

_TOKENS = re.compile(r"\s+|[^\s]+")


def versions(session: Session, consultation_id: int) -> list[DraftVersion]:
    query = select(DraftVersion).where(DraftVersion.consultation_id == consultation_id)
    return list(session.exec(query.order_by(col(DraftVersion.number))))


def version(session: Session, consultation_id: int, number: int) -> DraftVersion:
    found = session.exec(
        select(DraftVersion).where(
            DraftVersion.consultation_id == consultation_id, DraftVersion.number == number
        )
    ).first()
    if found is None:
        raise NotFound(_("The draft has no version %(number)s.", number=number))
    return found


def posted_version(session: Session, consultation_id: int) -> DraftVersion | None:
    """The version put to consultation: the last one saved before posting."""
    query = select(DraftVersion).where(
        DraftVersion.consultation_id == consultation_id, col(DraftVersion.pre_posting).is_(True)
    )
    return session.exec(query.order_by(col(DraftVersion.number).desc())).first()


def check_can_revise(session: Session, consultation: Consultation, now: datetime) -> None:
    """The draft is revised after the opinions are in and before the decision is issued."""
    assert consultation.id is not None
    window = intake.comment_window(session, consultation.id)
    if window is None or now < window.closes_at:
        raise NotAllowedNow(_("The draft can be revised only after the comment window has ended."))
    decided = session.exec(
        select(Document.id).where(
            Document.consultation_id == consultation.id, Document.type == "QĐ"
        )
    ).first()
    if decided is not None:
        raise NotAllowedNow(_("The decision is issued; the draft can no longer be revised."))


def revise(
    session: Session,
    consultation: Consultation,
    items: list[ArticleInput],
    actor: Actor,
    now: datetime,
    note: str = "",
) -> DraftVersion:
    """A new draft version with these articles. Every article of the draft must appear
    (an article is repealed by saying so in its text); new numbers add articles."""
    permissions.require_on(actor, Can.REVISE_DRAFT, consultation)
    check_can_revise(session, consultation, now)
    assert consultation.id is not None
    latest = consultations.latest_draft(session, consultation.id)
    assert latest is not None
    before = {a.number: a for a in consultations.articles(session, consultation.id, latest)}
    given = {i.number for i in items}
    missing = [n for n in before if n not in given]
    if missing:
        message = _(
            "Article(s) %(numbers)s are missing from the revised text; keep every article "
            "(write that an article is repealed instead of deleting it).",
            numbers=", ".join(missing),
        )
        raise Invalid(message, fields={"articles": message})
    changed = [
        i.number
        for i in items
        if i.number not in before
        or (before[i.number].title, before[i.number].text) != (i.title, i.text)
    ]
    if not changed:
        message = _(
            "Nothing changed: the revised text is the same as version %(n)s.", n=latest.number
        )
        raise Invalid(message, fields={"articles": message})
    draft = DraftVersion(
        consultation_id=consultation.id,
        number=latest.number + 1,
        note=note.strip(),
        created_at=now,
        created_by_id=actor.user_id,
    )
    session.add(draft)
    session.flush()
    ids: dict[str, int | None] = {
        k: v
        for k, v in session.exec(
            select(Article.number, Article.id).where(Article.consultation_id == consultation.id)
        )
    }
    position = len(ids)
    for item in items:
        article_id = ids.get(item.number)
        if article_id is None:
            position += 1
            article = Article(
                consultation_id=consultation.id, number=item.number, position=position
            )
            session.add(article)
            session.flush()
            article_id = article.id
        assert article_id is not None and draft.id is not None
        session.add(
            ArticleText(
                article_id=article_id,
                draft_version_id=draft.id,
                chapter=item.chapter,
                title=item.title,
                text=item.text,
            )
        )
    audit.record(
        session,
        now=now,
        actor=actor,
        action="revise_draft",
        organization_id=consultation.organization_id,
        consultation_id=consultation.id,
        detail={"version": draft.number, "changed": changed, "note": draft.note},
    )
    return draft


def diff_html(old: str, new: str) -> Markup:
    """Word by word: removed words in ``<del>``, added ones in ``<ins>``; all text escaped."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(a[i1:i2]))))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return Markup("".join(out).replace("\n", "<br>\n"))


@dataclass
class ArticleDiff:
    number: str
    title: str
    status: str
    """``unchanged``, ``changed``, ``added`` or ``removed``."""
    title_html: Markup
    text_html: Markup
    opinions: list[Comment] = field(default_factory=list)
    """Accepted opinions linked to this article's change."""


def compare(
    session: Session, consultation_id: int, old: DraftVersion, new: DraftVersion
) -> list[ArticleDiff]:
    """Article by article, in the new version's order; articles only in the old one last."""
    before = {a.id: a for a in consultations.articles(session, consultation_id, old)}
    after = consultations.articles(session, consultation_id, new)
    linked = _linked(session, consultation_id)
    result: list[ArticleDiff] = []
    empty = ArticleView(id=0, number="", chapter="", title="", text="")
    for article in after:
        prior = before.pop(article.id, None)
        status = (
            "added"
            if prior is None
            else "unchanged"
            if (prior.title, prior.text) == (article.title, article.text)
            else "changed"
        )
        base = prior or empty
        result.append(
            ArticleDiff(
                number=article.number,
                title=article.title,
                status=status,
                title_html=diff_html(base.title, article.title),
                text_html=diff_html(base.text, article.text),
                opinions=linked.get(article.id, []),
            )
        )
    for prior in before.values():
        result.append(
            ArticleDiff(
                number=prior.number,
                title=prior.title,
                status="removed",
                title_html=diff_html(prior.title, ""),
                text_html=diff_html(prior.text, ""),
                opinions=linked.get(prior.id, []),
            )
        )
    return result


def _linked(session: Session, consultation_id: int) -> dict[int, list[Comment]]:
    query = (
        select(CommentChange.article_id, Comment)
        .join(Comment, col(Comment.id) == col(CommentChange.comment_id))
        .where(Comment.consultation_id == consultation_id)
        .order_by(col(Comment.received_at), col(Comment.id))
    )
    out: dict[int, list[Comment]] = {}
    for article_id, comment in session.exec(query):
        out.setdefault(article_id, []).append(comment)
    return out


@guard("revisions_reflected")
def revisions_reflected(ctx: ActionContext) -> str | None:
    """Every accepted or partly accepted opinion that names an article to change is reflected
    in a revised draft (the article's text differs from the posted one), or says why the text
    stays (``unchanged_reason``): the decision never carries a promise the text does not keep."""
    session, cid = ctx.session, ctx.consultation_id
    all_versions = versions(session, cid)
    first = posted_version(session, cid)
    posted = _texts(session, first.id) if first else {}
    latest = _texts(session, all_versions[-1].id) if all_versions else {}
    query = (
        select(Article.number, Comment.receipt, CommentChange.article_id)
        .join(Comment, col(Comment.id) == col(CommentChange.comment_id))
        .join(Article, col(Article.id) == col(CommentChange.article_id))
        .where(
            Comment.consultation_id == cid,
            col(Comment.disposition).in_(TAKEN_UP),
            CommentChange.unchanged_reason == "",
        )
        .order_by(col(Article.position), col(Comment.id))
    )
    unreflected: dict[str, list[str]] = {}
    for number, receipt, article_id in session.exec(query):
        if posted.get(article_id) == latest.get(article_id):
            unreflected.setdefault(number, []).append(receipt)
    if not unreflected:
        return None
    items = [
        _("Article %(number)s (%(receipts)s)", number=number, receipts=", ".join(receipts))
        for number, receipts in unreflected.items()
    ]
    return _(
        "Not yet in a revised draft: %(items)s. Revise the draft, or say for each opinion why "
        "the article's text stays as posted.",
        items="; ".join(items),
    )


def _texts(session: Session, draft_version_id: int | None) -> dict[int, tuple[str, str]]:
    query = select(ArticleText.article_id, ArticleText.title, ArticleText.text).where(
        ArticleText.draft_version_id == draft_version_id
    )
    return {article_id: (title, text) for article_id, title, text in session.exec(query)}
