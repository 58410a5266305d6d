"""Starting a consultation on a draft: the consultation pinned to its definition, the first
draft version and its articles (stable ids across later versions), and the audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from consult import permissions
from consult.actor import Actor
from consult.errors import Invalid
from consult.i18n import _
from consult.ledger import audit
from consult.models import Article, ArticleText, Consultation, DraftVersion, Organization
from consult.permissions import Can
from consult.workflow.catalog import Catalog


@dataclass(frozen=True)
class ArticleInput:
    number: str
    title: str
    text: str
    chapter: str = ""


def check_articles(articles: list[ArticleInput]) -> None:
    """At least one article, each number once (an opinion names its article by number)."""
    if not articles:
        message = _("Enter at least one article.")
        raise Invalid(message, fields={"articles": message})
    numbers = [a.number for a in articles]
    repeated = sorted({n for n in numbers if numbers.count(n) > 1})
    if repeated:
        message = _(
            "Article numbers must differ; repeated: %(numbers)s.", numbers=", ".join(repeated)
        )
        raise Invalid(message, fields={"articles": message})


def start(
    catalog: Catalog,
    session: Session,
    *,
    organization: Organization,
    actor: Actor,
    workflow_id: str,
    title: str,
    summary: str,
    articles: list[ArticleInput],
    now: datetime,
    preamble: str = "",
) -> Consultation:
    assert organization.id is not None
    permissions.require(actor, Can.START_CONSULTATION, organization.id)
    check_articles(articles)
    definition = catalog.get(workflow_id)
    catalog.snapshot(session, definition, now)
    consultation = Consultation(
        organization_id=organization.id,
        workflow_id=definition.id,
        workflow_version=definition.version,
        workflow_hash=definition.source_hash,
        title=title,
        summary=summary,
        state=definition.initial,
        created_at=now,
        updated_at=now,
        created_by_id=actor.user_id,
    )
    session.add(consultation)
    session.flush()
    assert consultation.id is not None
    draft = DraftVersion(
        consultation_id=consultation.id,
        number=1,
        created_at=now,
        created_by_id=actor.user_id,
        note=_("Draft put to consultation"),
        preamble=preamble.strip(),
        pre_posting=True,
    )
    session.add(draft)
    session.flush()
    assert draft.id is not None
    write_articles(session, consultation, draft, articles)
    audit.record(
        session,
        now=now,
        actor=actor,
        action="start",
        organization_id=organization.id,
        consultation_id=consultation.id,
        detail={
            "workflow": definition.id,
            "version": definition.version,
            "hash": definition.source_hash,
            "title": title,
            "articles": len(articles),
        },
    )
    return consultation


def write_articles(
    session: Session,
    consultation: Consultation,
    draft: DraftVersion,
    items: list[ArticleInput],
    known: dict[str, Article] | None = None,
) -> None:
    """The text of each article in ``draft``, in order; an article already ``known`` by its
    number keeps its row (opinions point at it), a new one gets its own."""
    assert consultation.id is not None
    for position, item in enumerate(items):
        article = (known or {}).get(item.number) or Article(
            consultation_id=consultation.id, number=item.number
        )
        article.position = position
        session.add(article)
        session.flush()
        assert article.id is not None and draft.id is not None
        session.add(
            ArticleText(
                article_id=article.id,
                draft_version_id=draft.id,
                chapter=item.chapter,
                title=item.title,
                text=item.text,
            )
        )
