"""What the records say about one consultation, gathered once for its documents and for the
periodic report: the plan, the postings, the opinions by channel and disposition, the
decision, its publication and the implementation plan.

Nothing here is typed in for a document: every figure comes from the register, the posting
records, the opinions and the audit log.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from consult import permissions
from consult.calendar import format_deadline, local_date, zone
from consult.documents import kinds
from consult.models import (
    AuditEvent,
    Comment,
    Consultation,
    Document,
    Membership,
    Organization,
    PostingRecord,
    User,
    Window,
)
from consult.services import consultations
from consult.services.consultations import ArticleView

CHANNELS_VI = {
    "online": "trực tuyến trên cổng thông tin điện tử",
    "paper": "bằng văn bản",
    "box": "qua hòm thư góp ý",
    "meeting": "tại hội nghị, cuộc họp",
    "questionnaire": "qua phiếu lấy ý kiến hộ gia đình",
    "front": "qua Ban công tác Mặt trận các thôn",
    "email": "qua thư điện tử",
    "phone": "qua điện thoại",
}
DISPOSITIONS_VI = {
    "accepted": "tiếp thu",
    "partly_accepted": "tiếp thu một phần",
    "not_accepted": "không tiếp thu, có giải trình",
    "out_of_scope": "không thuộc phạm vi dự thảo",
    "duplicate": "trùng ý kiến khác",
}
TAKEN_UP = ("accepted", "partly_accepted")
AUDIENCES = {
    "qcdc-co-quan": "cán bộ, công chức, viên chức, người lao động",
}
"""Who is consulted, per workflow; citizens (Nhân dân) when the workflow is not listed."""


@dataclass(frozen=True)
class Person:
    name: str
    position: str


@dataclass(frozen=True)
class Opinion:
    article: str
    body: str
    disposition: str
    reason: str
    response: str


@dataclass
class Facts:
    organization: Organization
    consultation: Consultation
    documents: dict[str, Document]
    """Registered documents by kind key."""
    articles: list[ArticleView]
    draft_postings: list[PostingRecord]
    publications: list[PostingRecord]
    comment_window: Window | None
    opinions: list[Comment]
    article_numbers: dict[int, str]
    synthesis_on: date | None
    people: dict[str, Person] = field(default_factory=dict)
    """Who signs for each party (``committee``, ``legal_officer``, ``front``)."""

    # --- the draft and who is consulted ---------------------------------------------------

    @property
    def audience(self) -> str:
        default = f"Nhân dân trên địa bàn {self.organization.short_name}"
        return AUDIENCES.get(self.consultation.workflow_id, default)

    # --- postings --------------------------------------------------------------------------

    @property
    def posting_places(self) -> list[str]:
        return _unique(p.place for p in self.draft_postings)

    @property
    def posted_from(self) -> date | None:
        return min((p.starts_on for p in self.draft_postings), default=None)

    @property
    def posted_until(self) -> date | None:
        ends = [p.ends_on for p in self.draft_postings if p.ends_on is not None]
        return max(ends, default=None)

    @property
    def posting_days(self) -> int | None:
        """Consecutive days posted, counted as the Civil Code counts (the first day is not)."""
        if self.posted_from is None or self.posted_until is None:
            return None
        return (self.posted_until - self.posted_from).days

    @property
    def comment_deadline(self) -> str:
        return format_deadline(self.comment_window.closes_at) if self.comment_window else ""

    @property
    def comment_last_day(self) -> date | None:
        if self.comment_window is None:
            return None
        local = self.comment_window.closes_at.astimezone(zone())
        return local.date() if local.time() != datetime.min.time() else _day_before(local.date())

    # --- publication ------------------------------------------------------------------------

    @property
    def publication_places(self) -> list[str]:
        return _unique(p.place for p in self.publications)

    @property
    def published_on(self) -> date | None:
        return min((p.starts_on for p in self.publications), default=None)

    # --- opinions ---------------------------------------------------------------------------

    @property
    def opinion_count(self) -> int:
        return len(self.opinions)

    @property
    def people_count(self) -> int:
        """People or households the opinions speak for (a Front summary may speak for 12)."""
        return sum(max(c.represents, 1) for c in self.opinions)

    @property
    def by_channel(self) -> list[tuple[str, int]]:
        counts = Counter(c.channel for c in self.opinions)
        order = list(CHANNELS_VI)
        return [
            (CHANNELS_VI.get(ch, ch), n)
            for ch, n in sorted(counts.items(), key=lambda i: _rank(order, i[0]))
        ]

    @property
    def by_disposition(self) -> list[tuple[str, int]]:
        counts = Counter(c.disposition for c in self.opinions if c.disposition)
        order = list(DISPOSITIONS_VI)
        return [
            (DISPOSITIONS_VI.get(d, d), n)
            for d, n in sorted(counts.items(), key=lambda i: _rank(order, i[0] or ""))
        ]

    @property
    def taken_up(self) -> list[Opinion]:
        return [self._opinion(c) for c in self.opinions if c.disposition in TAKEN_UP]

    @property
    def explained(self) -> list[Opinion]:
        return [self._opinion(c) for c in self.opinions if c.disposition == "not_accepted"]

    def _opinion(self, comment: Comment) -> Opinion:
        number = self.article_numbers.get(comment.article_id or 0)
        return Opinion(
            article=f"Điều {number}" if number else "Toàn văn dự thảo",
            body=comment.body,
            disposition=DISPOSITIONS_VI.get(comment.disposition or "", ""),
            reason=comment.reason,
            response=comment.response,
        )

    # --- documents --------------------------------------------------------------------------

    def document(self, key: str) -> Document | None:
        return self.documents.get(key)

    def person(self, party: str) -> Person:
        return self.people.get(party, Person("", ""))


def gather(session: Session, consultation: Consultation) -> Facts:
    assert consultation.id is not None
    organization = session.get(Organization, consultation.organization_id)
    assert organization is not None
    registered: dict[str, Document] = {}
    for document in consultations.documents(session, consultation.id, published_only=False):
        kind = kinds.kind_of(document)
        if kind is not None and kind.key not in registered:
            registered[kind.key] = document
    postings = consultations.postings(session, consultation.id)
    opinions = list(
        session.exec(
            select(Comment)
            .where(Comment.consultation_id == consultation.id)
            .order_by(col(Comment.received_at), col(Comment.id))
        )
    )
    articles = consultations.articles(session, consultation.id)
    return Facts(
        organization=organization,
        consultation=consultation,
        documents=registered,
        articles=articles,
        draft_postings=[p for p in postings if p.what == "draft"],
        publications=[p for p in postings if p.what == "decision"],
        comment_window=_comment_window(session, consultation.id),
        opinions=opinions,
        article_numbers={a.id: a.number for a in articles},
        synthesis_on=_synthesis_day(session, consultation.id),
        people=people(session, organization),
    )


def people(session: Session, organization: Organization) -> dict[str, Person]:
    """Who signs what: for each signing party (``committee``, ``legal_officer``, ``front``),
    the first active user of the organization holding its role."""
    query = (
        select(Membership.role, User)
        .join(User, col(User.id) == col(Membership.user_id))
        .where(Membership.organization_id == organization.id, col(User.is_active).is_(True))
        .order_by(col(Membership.id))
    )
    by_role: dict[str, Person] = {}
    for role, user in session.exec(query):
        by_role.setdefault(role, Person(user.full_name or user.username, user.position))
    return {
        party: by_role[role] for party, role in permissions.SIGNATORIES.items() if role in by_role
    }


def _comment_window(session: Session, consultation_id: int) -> Window | None:
    query = select(Window).where(
        Window.consultation_id == consultation_id, col(Window.accepts_comments).is_(True)
    )
    return session.exec(query.order_by(col(Window.opens_at))).first()


def _synthesis_day(session: Session, consultation_id: int) -> date | None:
    query = select(AuditEvent.at).where(
        AuditEvent.consultation_id == consultation_id, AuditEvent.action == "submit_synthesis"
    )
    at = session.exec(query.order_by(col(AuditEvent.id).desc())).first()
    return local_date(at) if at else None


def _unique(items: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _rank(order: list[str], key: str) -> tuple[int, str]:
    return (order.index(key) if key in order else len(order), key)


def _day_before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)
