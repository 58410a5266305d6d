"""The guards and effects that definitions name. Add a rule here, then name it in YAML."""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, func, update
from sqlmodel import col, select

from consult.calendar import CalendarNotCovered, format_deadline
from consult.i18n import _, current_language
from consult.models import Article, Comment, Document, PostingRecord, SignedCopy, Window
from consult.workflow import windows
from consult.workflow.context import ActionContext
from consult.workflow.registry import effect, guard


def closing_phrase(window: Window) -> str:
    return format_deadline(window.closes_at, lang=current_language())


def last_day(ctx: ActionContext, window: Window) -> date:
    return windows.last_day(ctx.calendar, window)


def posting_window(ctx: ActionContext) -> Window | None:
    spec = ctx.definition.posting_window()
    if spec is None:
        return None
    return next((w for w in ctx.windows() if w.name == spec.name), None)


# --- guards ---------------------------------------------------------------------------------


@guard("has_articles")
def has_articles(ctx: ActionContext) -> str | None:
    count = ctx.session.exec(
        select(func.count())
        .select_from(Article)
        .where(Article.consultation_id == ctx.consultation.id)
    ).one()
    return None if count else _("The draft has no articles yet: add at least one article.")


@guard("comment_window_ended")
def comment_window_ended(ctx: ActionContext) -> str | None:
    """No decision before the comment window has ended (Law 10/2022 Art. 28)."""
    for window in ctx.windows():
        if window.accepts_comments and ctx.now < window.closes_at:
            return _(
                "The comment window is still open until %(moment)s (Vietnam time); "
                "this can be done only after it ends.",
                moment=closing_phrase(window),
            )
    return None


@guard("window_due")
def window_due(ctx: ActionContext) -> str | None:
    """A closing action runs only once its window's end has come: no one closes early."""
    for window in ctx.windows():
        if window.on_close == ctx.action.name and window.closed_at is None:
            if ctx.now < window.closes_at:
                return _(
                    "The window closes by itself at %(moment)s (Vietnam time); "
                    "no one can close it early.",
                    moment=closing_phrase(window),
                )
            return None
    return _("There is no open window for this action to close.")


@guard("all_comments_answered")
def all_comments_answered(ctx: ActionContext) -> str | None:
    """Every opinion must be taken up or explained before the synthesis (Art. 28(3))."""
    open_count = ctx.session.exec(
        select(func.count())
        .select_from(Comment)
        .where(Comment.consultation_id == ctx.consultation.id, col(Comment.disposition).is_(None))
    ).one()
    if open_count:
        return _(
            "%(count)s opinion(s) have no disposition yet: give each one a disposition first.",
            count=open_count,
        )
    return None


@guard("plan_issued")
def plan_issued(ctx: ActionContext) -> str | None:
    """The draft is posted under a plan the Chairman signed: signed here (its KH is in the
    register), or on paper (the step gives the paper plan's number, ``plan_number``)."""
    if ctx.payload.get("plan_number"):
        return None
    signed = ctx.session.exec(
        select(Document.id).where(
            Document.consultation_id == ctx.consultation_id, Document.type == "KH"
        )
    ).first()
    if signed is not None:
        return None
    return _(
        "The Chairman has not signed the consultation plan yet: the plan is signed first "
        "(«Ký kế hoạch lấy ý kiến»), or give the number of the plan signed on paper."
    )


@guard("decision_signed")
def decision_signed(ctx: ActionContext) -> str | None:
    """A decision is published with its signed copy, or with the record that it was signed
    digitally (``signed_digitally``): citizens never download an unsigned, editable text."""
    if ctx.payload.get("signed_digitally"):
        return None
    unsigned = ctx.session.exec(
        select(Document.symbol)
        .where(
            Document.consultation_id == ctx.consultation_id,
            Document.type == "QĐ",
            col(Document.published_on).is_(None),
            ~select(SignedCopy.id).where(SignedCopy.document_id == Document.id).exists(),
        )
        .order_by(col(Document.id))
    ).all()
    if not unsigned:
        return None
    return _(
        "Upload the scan of the signed decision %(symbols)s first (its documents page), or "
        "record that it was signed digitally.",
        symbols=", ".join(unsigned),
    )


# --- effects -------------------------------------------------------------------------------

_postings = PostingRecord.__table__  # type: ignore[attr-defined]
_END_DRAFT_POSTINGS = (  # built once: it runs for every scheduled close
    update(_postings)
    .where(
        _postings.c.consultation_id == bindparam("consultation_id_"),
        _postings.c.what == "draft",
        _postings.c.ends_on.is_(None),
    )
    .values(ends_on=bindparam("ends_on_"))
)


@effect("record_postings")
def record_postings(ctx: ActionContext) -> None:
    """Record where the plan and the draft are posted (niêm yết) and from which day."""
    starts_on = ctx.payload.get("posted_on") or ctx.today
    # The plan is posted with the draft: the one this step records (signed on paper), or the
    # one the Chairman signed here before.
    plans = ctx.documents or list(
        ctx.session.exec(
            select(Document).where(
                Document.consultation_id == ctx.consultation_id,
                Document.type == "KH",
                col(Document.published_on).is_(None),
            )
        )
    )
    document = plans[0] if plans else None
    period = posting_window(ctx)
    ends_on = last_day(ctx, period) if period else None
    for plan in plans:
        plan.published_on = starts_on
        ctx.session.add(plan)
    for place in ctx.payload.get("places") or []:
        ctx.session.add(
            PostingRecord(
                consultation_id=ctx.consultation_id,
                document_id=document.id if document else None,
                what="draft",
                place=place,
                starts_on=starts_on,
                ends_on=ends_on,
                recorded_by_id=ctx.actor.user_id,
                created_at=ctx.now,
            )
        )


@effect("end_postings")
def end_postings(ctx: ActionContext) -> None:
    """Where no posting period was planned, the posting ends with the window this action closes."""
    end = ctx.calendar.local_date(ctx.now)
    for window in ctx.windows():
        if window.on_close == ctx.action.name:
            end = last_day(ctx, window)
    ctx.session.connection().execute(
        _END_DRAFT_POSTINGS, {"consultation_id_": ctx.consultation_id, "ends_on_": end}
    )


@guard("comment_window_open")
def comment_window_open(ctx: ActionContext) -> str | None:
    for window in ctx.windows():
        if window.accepts_comments and ctx.now < window.closes_at:
            return None
    return _("The comment window has already ended; it can no longer be extended.")


@effect("extend_comment_window")
def extend_comment_window(ctx: ActionContext) -> None:
    """Extend (never shorten) the open comment window by whole days, and the posting with it.

    The new period counts from the old last day, by the Civil Code like the first one.
    """
    days = int(ctx.payload["days"])
    period = posting_window(ctx)
    for window in ctx.windows():
        if not window.accepts_comments or window.closed_at is not None:
            continue
        before = window.closes_at
        try:
            counted = ctx.calendar.deadline(last_day(ctx, window), days)
        except CalendarNotCovered as exc:
            raise exc.for_field("days") from None
        window.closes_at = counted.end
        if counted.provisional:
            ctx.notes.update(provisional_note=counted.note())
        ctx.session.add(window)
        ctx.notes.update(
            window=window.name,
            closes_at_before=before.isoformat(),
            closes_at=window.closes_at.isoformat(),
            closes_at_text=format_deadline(window.closes_at),
        )
        if period is not None and period.closes_at < window.closes_at:
            period.closes_at = window.closes_at
            ctx.session.add(period)
        if period is not None:
            ctx.session.execute(
                update(PostingRecord)
                .where(
                    col(PostingRecord.consultation_id) == ctx.consultation_id,
                    col(PostingRecord.what) == "draft",
                )
                .values(ends_on=last_day(ctx, period))
                .execution_options(synchronize_session=False)
            )


@effect("save_synthesis")
def save_synthesis(ctx: ActionContext) -> None:
    ctx.consultation.synthesis_summary = ctx.payload.get("summary") or ""
    ctx.session.add(ctx.consultation)


@effect("publish_decision")
def publish_decision(ctx: ActionContext) -> None:
    """Publish the issued decision: mark it published and record where (Art. 12(3), 13)."""
    published_on = ctx.payload.get("published_on") or ctx.today
    decisions = ctx.session.exec(
        select(Document).where(
            Document.consultation_id == ctx.consultation.id,
            Document.type == "QĐ",
            col(Document.published_on).is_(None),
        )
    ).all()
    for decision in decisions:
        decision.published_on = published_on
        ctx.session.add(decision)
        for place in ctx.payload.get("places") or []:
            ctx.session.add(
                PostingRecord(
                    consultation_id=ctx.consultation_id,
                    document_id=decision.id,
                    what="decision",
                    place=place,
                    starts_on=published_on,
                    recorded_by_id=ctx.actor.user_id,
                    created_at=ctx.now,
                )
            )


@effect("publish_records")
def publish_records(ctx: ActionContext) -> None:
    """Documents this action recorded are public from the day they are issued."""
    for document in ctx.documents:
        document.published_on = document.issued_on
        ctx.session.add(document)
