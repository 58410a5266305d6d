"""What the staff desk shows: every consultation of the member's organizations by stage with
its next steps, and one consultation's whole file. Read-only; one call per page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from consult import permissions
from consult.actor import Actor
from consult.calendar import LegalCalendar
from consult.ledger import audit
from consult.models import Comment, Consultation, Document, PostingRecord, Window
from consult.permissions import Can
from consult.services import compliance, consultations, intake, notifications, opinions
from consult.services.compliance import ComplianceWarning
from consult.services.consultations import ArticleView
from consult.workflow.definition import Definition, Stage
from consult.workflow.engine import ActionOption, Engine

RECENT = 10


@dataclass
class StageGroup:
    title: str
    order: int
    final: bool
    rows: list[dict[str, Any]] = field(default_factory=list)


def publication_due(
    session: Session, calendar: LegalCalendar, consultation_id: int, now: datetime
) -> dict[str, Any] | None:
    """An issued decision not yet published: its deadline (5 working days, Art. 12(3))."""
    for document in consultations.documents(session, consultation_id, published_only=False):
        if document.type in notifications.PUBLISHED_TYPES and document.published_on is None:
            return {
                "document": document,
                "deadline": notifications.publication_deadline(calendar, document),
                "overdue": notifications.is_publication_overdue(calendar, document, now),
            }
    return None


def dashboard(
    session: Session, engine: Engine, actor: Actor, now: datetime
) -> tuple[list[StageGroup], dict[int, int]]:
    """The consultations of every organization the actor works in, grouped by stage (open
    stages first, in the definition's order), and their opinion counts."""
    groups: dict[str, StageGroup] = {}
    for organization_id in permissions.organizations_where(actor, Can.READ_STAFF_FILE):
        for item in consultations.listing(session, organization_id=organization_id):
            assert item.id is not None
            definition = engine.definition_of(session, item)
            stage = definition.stage(item.state)
            group = groups.setdefault(
                item.state,
                StageGroup(stage.title, list(definition.stages).index(item.state), stage.final),
            )
            group.rows.append(
                {
                    "consultation": item,
                    "workflow": definition.title,
                    "options": engine.options(session, item, actor, now),
                    "window": intake.comment_window(session, item.id),
                    "publication": publication_due(session, engine.calendar, item.id, now),
                }
            )
    ordered = sorted(groups.values(), key=lambda g: (g.final, g.order))
    counts = consultations.comment_counts(
        session, [r["consultation"].id for g in ordered for r in g.rows]
    )
    return ordered, counts


def stages(definition: Definition, state: str) -> list[dict[str, Any]]:
    """Every stage of the definition in order, marked done, current or next."""
    names = list(definition.stages)
    here = names.index(state) if state in names else -1
    return [
        {
            "stage": definition.stages[name],
            "status": "done" if i < here else "current" if i == here else "next",
        }
        for i, name in enumerate(names)
    ]


@dataclass
class ConsultationFile:
    """Everything the staff page of one consultation shows."""

    consultation: Consultation
    definition: Definition
    stage: Stage
    stages: list[dict[str, Any]]
    options: list[ActionOption]
    window: Window | None
    open_window: Window | None
    windows: list[Window]
    articles: list[ArticleView]
    counts: dict[int | None, int]
    comments: list[Comment]
    comment_total: int
    documents: list[Document]
    postings: list[PostingRecord]
    trail: list[Any]
    can_enter: bool
    warnings: list[ComplianceWarning]

    @property
    def window_titles(self) -> dict[str, str]:
        return {w.name: w.title for w in self.definition.windows.values()}

    @property
    def action_titles(self) -> dict[str, str]:
        return {a.name: a.title for a in self.definition.all_actions()}

    @property
    def article_numbers(self) -> dict[int, str]:
        return {a.id: a.number for a in self.articles}


def consultation_file(
    session: Session, engine: Engine, consultation_id: int, actor: Actor, now: datetime
) -> ConsultationFile:
    item = consultations.for_staff(session, consultation_id, actor)
    definition = engine.definition_of(session, item)
    recent, total = opinions.search(
        session, consultation_id, opinions.CommentFilter(), page=1, per_page=RECENT
    )
    return ConsultationFile(
        consultation=item,
        definition=definition,
        stage=definition.stage(item.state),
        stages=stages(definition, item.state),
        options=engine.options(session, item, actor, now),
        window=intake.comment_window(session, consultation_id),
        open_window=intake.check_open_or_none(session, item, now),
        windows=consultations.windows(session, consultation_id),
        articles=consultations.articles(session, consultation_id),
        counts=consultations.counts_by_article(session, consultation_id),
        comments=recent,
        comment_total=total,
        documents=consultations.documents(session, consultation_id, published_only=False),
        postings=consultations.postings(session, consultation_id),
        trail=audit.trail(session, consultation_id),
        can_enter=permissions.allows_on(actor, Can.ENTER_OPINIONS, item),
        warnings=compliance.warnings(session, definition, item),
    )
