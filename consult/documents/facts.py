"""What the records say about one consultation, gathered once for its documents and for the
periodic report: the plan, the postings, the opinions by channel and disposition, the
decision, its publication and the implementation plan.

Nothing here is typed in for a document: every figure comes from the register, the posting
records, the audit log and the synthesis report's figures: as the Chairman approved them
(:class:`~consult.models.SynthesisReport`) or, before that, computed from the opinions now
(:func:`consult.services.synthesis.compute`). Nothing is counted here, so every document and
page states the same counts. Codes are worded as :mod:`consult.vocabulary` says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from sqlmodel import Session, col, select

from consult import permissions
from consult.calendar import format_deadline, local_date, zone
from consult.documents import kinds
from consult.models import (
    AuditEvent,
    Consultation,
    Document,
    Membership,
    Organization,
    PostingRecord,
    User,
    Window,
)
from consult.services import consultations, synthesis
from consult.services.consultations import ArticleView
from consult.vocabulary import CHANNEL, DISPOSITION, NOT_REVIEWED, TAKEN_UP, Vocabulary

WHOLE_DRAFT = "Toàn văn dự thảo"
NOT_STATED = "Không ghi"
AUDIENCES = {
    "qcdc-co-quan": "cán bộ, công chức, viên chức, người lao động",
}
"""Who is consulted, per workflow; citizens (Nhân dân) when the workflow is not listed."""


@dataclass(frozen=True)
class Person:
    name: str
    position: str


@dataclass(frozen=True)
class Count:
    """One line of a count table: what (worded for the document), opinions, people."""

    label: str
    opinions: int
    people: int


@dataclass(frozen=True)
class Issue:
    """One line of the uptake and explanation (tiếp thu, giải trình): a group of copies, or
    the opinions given the same answer, or one opinion on its own."""

    number: int
    article: str
    """ "Điều 3" or "Toàn văn dự thảo"."""
    body: str
    """The opinion's text (the group's first copy)."""
    group: str
    """ "Nhóm 1" for a group of duplicates, else empty."""
    opinions: int
    people: int
    code: str
    """The disposition's code (``accepted``…; ``none`` while not reviewed)."""
    disposition: str
    """Its official wording: "Tiếp thu"."""
    changed: str
    """ "Điều 3, 5": the articles the draft changed for it."""
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
    figures: dict[str, Any]
    """The synthesis report's figures (:func:`consult.services.synthesis.compute`)."""
    synthesis_on: date | None
    people: dict[str, Person] = field(default_factory=dict)
    """Who signs for each party (``committee``, ``legal_officer``, ``front``)."""
    draft_number: int = 1
    """The draft version whose articles the documents carry (the latest: 1 as posted, 2 and
    on as revised after the opinions; frozen once the decision is issued)."""
    draft_revised_on: date | None = None
    """The day that version was made (Vietnam date)."""

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

    # --- opinions, from the synthesis figures ----------------------------------------------

    @property
    def totals(self) -> dict[str, int]:
        return dict(self.figures.get("totals") or {})

    @property
    def opinion_count(self) -> int:
        return int(self.totals.get("opinions", 0))

    @property
    def people_count(self) -> int:
        """People or households the opinions speak for (a Front summary may speak for 12)."""
        return int(self.totals.get("people", 0))

    def _counts(
        self, key: str, label: Callable[[str], str], order: Vocabulary | None = None
    ) -> list[Count]:
        rows: list[dict[str, Any]] = list(self.figures.get(key) or [])
        if order is not None:  # codes in the vocabulary's order, as every table lists them
            rows.sort(key=lambda r: order.rank(r["key"]))
        return [Count(label(r["key"]), int(r["opinions"]), int(r["people"])) for r in rows]

    @property
    def channel_counts(self) -> list[Count]:
        return self._counts("by_channel", CHANNEL.vi, CHANNEL)

    @property
    def disposition_counts(self) -> list[Count]:
        return self._counts("by_disposition", DISPOSITION.vi, DISPOSITION)

    @property
    def article_counts(self) -> list[Count]:
        titles: dict[str, str] = self.figures.get("articles") or {}
        return self._counts("by_article", lambda number: article_heading(number, titles))

    @property
    def locality_counts(self) -> list[Count]:
        """By village; empty when no opinion names one (an agency's officials)."""
        rows = self._counts("by_locality", lambda name: name or NOT_STATED)
        return rows if any(r["key"] for r in self.figures.get("by_locality") or []) else []

    @property
    def by_channel(self) -> list[tuple[str, int]]:
        return [(c.label, c.opinions) for c in self.channel_counts]

    @property
    def by_disposition(self) -> list[tuple[str, int]]:
        return [(c.label, c.opinions) for c in self.disposition_counts]

    @cached_property
    def issues(self) -> list[Issue]:
        raw: list[dict[str, Any]] = self.figures.get("issues") or []
        groups = group_numbers(raw)
        return [
            Issue(
                number=n,
                article=f"Điều {i['article']}" if i.get("article") else WHOLE_DRAFT,
                body=i.get("sample", ""),
                group=f"Nhóm {groups[i['group']]}" if i.get("group") else "",
                opinions=int(i.get("opinions", 0)),
                people=int(i.get("people", 0)),
                code=i.get("disposition") or NOT_REVIEWED,
                disposition=DISPOSITION.vi(i.get("disposition")),
                changed=", ".join(f"Điều {a}" for a in i.get("changed") or []),
                reason=i.get("reason", ""),
                response=i.get("response", ""),
            )
            for n, i in enumerate(raw, start=1)
        ]

    @property
    def taken_up(self) -> list[Issue]:
        return [i for i in self.issues if i.code in TAKEN_UP]

    @property
    def explained(self) -> list[Issue]:
        return [i for i in self.issues if i.code == "not_accepted"]

    # --- documents --------------------------------------------------------------------------

    def document(self, key: str) -> Document | None:
        return self.documents.get(key)

    def person(self, party: str) -> Person:
        return self.people.get(party, Person("", ""))


def gather(
    session: Session, consultation: Consultation, *, figures: dict[str, Any] | None = None
) -> Facts:
    """The facts of one consultation; ``figures`` are the synthesis report's (by default
    :func:`report_figures`)."""
    assert consultation.id is not None
    organization = session.get(Organization, consultation.organization_id)
    assert organization is not None
    registered: dict[str, Document] = {}
    for document in consultations.documents(session, consultation.id, published_only=False):
        kind = kinds.kind_of(document)
        if kind is not None and kind.key not in registered:
            registered[kind.key] = document
    postings = consultations.postings(session, consultation.id)
    draft = consultations.latest_draft(session, consultation.id)
    articles = consultations.articles(session, consultation.id, draft)
    return Facts(
        organization=organization,
        consultation=consultation,
        documents=registered,
        articles=articles,
        draft_postings=[p for p in postings if p.what == "draft"],
        publications=[p for p in postings if p.what == "decision"],
        comment_window=_comment_window(session, consultation.id),
        figures=figures if figures is not None else report_figures(session, consultation),
        synthesis_on=_synthesis_day(session, consultation.id),
        people=people(session, organization),
        draft_number=draft.number if draft else 1,
        draft_revised_on=local_date(draft.created_at) if draft else None,
    )


def report_figures(session: Session, consultation: Consultation) -> dict[str, Any]:
    """The synthesis report's figures as the Chairman approved them, which is what citizens
    read; until the report is approved, computed from the data as it is now (a draft the
    reviewer generated may be stale)."""
    assert consultation.id is not None
    report = synthesis.current(session, consultation.id)
    stored = report.figures if report is not None and report.status != "draft" else None
    return dict(stored) if stored else synthesis.compute(session, consultation)


def article_heading(number: str, titles: dict[str, str]) -> str:
    """ "Điều 3. Những nội dung công khai"; an opinion on no article: "Toàn văn dự thảo"."""
    if not number:
        return WHOLE_DRAFT
    title = titles.get(number, "")
    return f"Điều {number}. {title}" if title else f"Điều {number}"


def group_numbers(issues: list[dict[str, Any]]) -> dict[str, int]:
    """A short number for each group of duplicates, in the order the report lists them: the
    stored key ("G-3f16600629") means nothing to a reader."""
    numbers: dict[str, int] = {}
    for issue in issues:
        key = issue.get("group") or ""
        if key and key not in numbers:
            numbers[key] = len(numbers) + 1
    return numbers


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


def _day_before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)
