"""Public pages for citizens: no login. The drafts, the comment form, the receipts.

Personal data (names, villages, contacts) never appears on these pages: only the opinion's
text and, once the synthesis is submitted, the response it was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlmodel import col, select
from werkzeug.wrappers import Response

from consult import scope
from consult.calendar import local_date
from consult.errors import ConsultError, Invalid, NotAllowedNow, NotFound
from consult.extensions import csrf, limiter
from consult.i18n import _, current_language
from consult.models import AuditEvent, Comment, Consultation, Document, Window
from consult.services import comments, consultations, organizations
from consult.services.consultations import ArticleView
from consult.services.notifications import receipt_notices
from consult.web import common
from consult.web.auth import safe_next
from consult.web.forms import OTHER_LOCALITY, CommentForm
from consult.web.portal_forms import STEP_EDIT, STEP_PREVIEW, STEP_SEND, PortalCommentForm
from consult.web.qr import qr_svg

bp = Blueprint("public", __name__)

RESPONSES_PER_PAGE = 50
DECISION_TYPE = "QĐ"
DOWNLOAD_ENDPOINTS: tuple[str, ...] = ("public_documents.public_download",)
"""Endpoints (taking ``document_id``) that serve a published document's file, tried in order."""


def public_consultation(consultation_id: int) -> Consultation:
    consultation = scope.db().get(Consultation, consultation_id)
    if consultation is None or not consultations.is_public(consultation):
        abort(404)
    return consultation


def chapters(articles: list[ArticleView]) -> list[tuple[str, list[ArticleView]]]:
    """Consecutive articles grouped under their chapter, in the draft's order."""
    grouped: list[tuple[str, list[ArticleView]]] = []
    for article in articles:
        if not grouped or grouped[-1][0] != article.chapter:
            grouped.append((article.chapter, []))
        grouped[-1][1].append(article)
    return grouped


def stage_title(consultation: Consultation) -> str:
    definition = scope.runtime().engine.definition_of(scope.db(), consultation)
    return definition.stage(consultation.state).title


def responses_published(consultation: Consultation) -> bool:
    """Responses become public once the synthesis is submitted (stages after the review)."""
    definition = scope.runtime().engine.definition_of(scope.db(), consultation)
    stage = definition.stage(consultation.state)
    return consultations.is_public(consultation) and not stage.review


def window_extensions(consultation: Consultation) -> list[dict[str, Any]]:
    """Each extension of the comment window: its new end and reason are public (the workflow
    says so); who extended it is not."""
    definition = scope.runtime().engine.definition_of(scope.db(), consultation)
    names = [
        a.name
        for stage in definition.stages.values()
        for a in stage.actions.values()
        if "extend_comment_window" in a.effects
    ]
    if not names:
        return []
    query = select(AuditEvent).where(
        AuditEvent.consultation_id == consultation.id, col(AuditEvent.action).in_(names)
    )
    return [
        {
            "closes_at": datetime.fromisoformat(e.detail["closes_at"]),
            "reason": (e.detail.get("payload") or {}).get("reason", ""),
        }
        for e in scope.db().exec(query.order_by(col(AuditEvent.id)))
        if e.detail.get("closes_at")
    ]


@bp.route("/")
def index() -> str:
    session, now = scope.db(), scope.now()
    open_now: list[tuple[Consultation, Window]] = []
    others: list[tuple[Consultation, Window | None]] = []
    for consultation in consultations.listing(session, public_only=True):
        window = comments.check_open_or_none(session, consultation, now)
        if window is not None:
            open_now.append((consultation, window))
        else:
            assert consultation.id is not None
            others.append((consultation, comments.comment_window(session, consultation.id)))
    counts = consultations.comment_counts(
        session, [c.id for c, _w in open_now + others if c.id is not None]
    )
    return render_template(
        "public/index.html",
        open_now=open_now,
        others=others,
        counts=counts,
        stage_title=stage_title,
    )


@bp.route("/lang/<lang>")
def set_language(lang: str) -> Response:
    target = safe_next(request.args.get("next"), url_for("public.index"))
    response = redirect(target)
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.route("/consultations/<int:consultation_id>")
def consultation(consultation_id: int) -> str:
    session, now = scope.db(), scope.now()
    item = public_consultation(consultation_id)
    articles = consultations.articles(session, consultation_id)
    published = responses_published(item)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    answered: list[Comment] = []
    total = 0
    if published:
        answered, total = comments.search(
            session,
            consultation_id,
            comments.CommentFilter(),
            page=page,
            per_page=RESPONSES_PER_PAGE,
        )
    numbers = {a.id: a.number for a in articles}
    return render_template(
        "public/consultation.html",
        consultation=item,
        chapters=chapters(articles),
        counts=consultations.counts_by_article(session, consultation_id),
        documents=consultations.documents(session, consultation_id, published_only=True),
        window=comments.comment_window(session, consultation_id),
        open_window=comments.check_open_or_none(session, item, now),
        stage_title=stage_title(item),
        published=published,
        answered=answered,
        total=total,
        page=page,
        pages=max((total + RESPONSES_PER_PAGE - 1) // RESPONSES_PER_PAGE, 1),
        article_numbers=numbers,
        extensions=window_extensions(item),
        decisions=decisions(consultations.documents(session, consultation_id, published_only=True)),
        download_url=download_url,
    )


def _fill_choices(
    form: CommentForm, consultation: Consultation, articles: list[ArticleView]
) -> None:
    form.article.choices = [("", _("The draft as a whole"))] + [
        (a.number, _("Article %(number)s. %(title)s", number=a.number, title=a.title))
        for a in articles
    ]
    localities = organizations.locality_names(scope.db(), consultation.organization_id)
    form.locality.choices = (
        [("", _("Not stated"))]
        + [(n, n) for n in localities]
        + [(OTHER_LOCALITY, _("Other (write below)"))]
    )
    if request.method == "GET":
        wanted = request.args.get("article", "")
        form.article.data = wanted if wanted in {a.number for a in articles} else ""


def _closed_page(consultation: Consultation, form: CommentForm, message: str) -> tuple[str, int]:
    """The opinion was not taken (the window is not open): say why, and give the text back."""
    assert consultation.id is not None
    window = comments.comment_window(scope.db(), consultation.id)
    not_yet = window is not None and scope.now() < window.opens_at
    return render_template(
        "public/closed.html",
        consultation=consultation,
        form=form,
        message=message,
        not_yet=not_yet,
    ), 409


def _portal_form(consultation: Consultation, articles: list[ArticleView]) -> PortalCommentForm:
    form = PortalCommentForm()
    _fill_choices(form, consultation, articles)
    return form


def _writes() -> bool:
    """Only sending writes; the preview and going back to edit store nothing."""
    return request.method == "POST" and request.form.get("step", STEP_SEND) == STEP_SEND


def _input(form: PortalCommentForm) -> comments.CommentInput:
    return comments.CommentInput(
        body=form.body.data or "",
        author_name=form.author_name.data or "",
        locality=form.locality_value(),
        contact=form.contact.data or "",
        article=form.article.data or None,
        channel="online",
        client=scope.client_key(),
    )


# The form checks its own CSRF token, so that an expired token re-renders the form with the
# citizen's text instead of an error page that loses it.
@csrf.exempt
@bp.route("/consultations/<int:consultation_id>/comment", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["PUBLIC_WRITE_LIMIT"],
    methods=["POST"],
    exempt_when=lambda: not _writes(),
)
def comment(consultation_id: int) -> Any:
    # Reads first, unlocked: comments.submit takes the write lock for the opinion (and the
    # e-mail subscription) only, so citizens sending at once queue for a few statements.
    session = scope.db()
    now = scope.now()
    item = public_consultation(consultation_id)
    articles = consultations.articles(session, consultation_id)
    form = _portal_form(item, articles)
    window = comments.comment_window(session, consultation_id)
    step = request.form.get("step", STEP_SEND)
    status = 200
    if request.method == "GET":
        try:
            comments.check_open(session, item, now)
        except NotAllowedNow as exc:
            return _closed_page(item, form, exc.message)
    elif form.website.data:
        # A bot filled the hidden field: keep nothing, say nothing useful.
        form.form_errors.append(_("The opinion could not be sent. Please try again."))
        status = 400
    elif not form.validate_on_submit():
        status = 400 if form.csrf_token.errors else 422
    elif step != STEP_EDIT:
        data = _input(form)
        try:
            comments.check_open(session, item, now)
            comments.validate(data)
            if form.notify.data:
                receipt_notices.email_address(data.contact)
            if step == STEP_PREVIEW:
                return _preview(item, form, data, articles, window)
            stored = comments.submit(session, consultation_id, data, now)
            if form.notify.data:
                receipt_notices.subscribe(
                    session, stored, data.contact, now, language=current_language()
                )
            receipt = stored.receipt
            common.commit()
        except NotAllowedNow as exc:
            session.rollback()
            return _closed_page(item, form, exc.message)
        except Invalid as exc:
            session.rollback()
            _field_errors(form, exc)
            status = 422
        else:
            flash(_("Your opinion was received. Keep the receipt code."), "success")
            return redirect(url_for("public.receipt", code=receipt))
    return render_template(
        "public/comment.html",
        consultation=item,
        form=form,
        window=window,
        other=OTHER_LOCALITY,
        body_max=comments.BODY_MAX,
    ), status


def _preview(
    consultation: Consultation,
    form: PortalCommentForm,
    data: comments.CommentInput,
    articles: list[ArticleView],
    window: Window | None,
) -> str:
    """What will be sent, exactly as the commune will read it; nothing is stored yet."""
    article = next((a for a in articles if a.number == data.article), None)
    return render_template(
        "public/preview.html",
        consultation=consultation,
        form=form,
        data=data,
        article=article,
        window=window,
    )


def _field_errors(form: CommentForm, exc: ConsultError) -> None:
    for name, message in exc.fields.items():
        target = "locality" if name == "locality" else name
        if target in form:
            form[target].errors = [*form[target].errors, str(message)]
        else:
            form.form_errors.append(str(message))
    if not exc.fields:
        form.form_errors.append(exc.message)


@bp.route("/receipts")
def receipt_lookup() -> Any:
    code = (request.args.get("code") or "").strip()
    error = ""
    status = 200
    if code:
        try:
            found = comments.by_receipt(scope.db(), code)
        except NotFound as exc:
            error, status = exc.message, 404
        else:
            return redirect(url_for("public.receipt", code=found.receipt))
    return render_template("public/receipt_lookup.html", code=code, error=error), status


@bp.route("/receipts/<code>")
def receipt(code: str) -> Any:
    session = scope.db()
    try:
        found = comments.by_receipt(session, code)
    except NotFound as exc:
        return render_template("public/receipt_lookup.html", code=code, error=exc.message), 404
    if found.receipt != code:
        return redirect(url_for("public.receipt", code=found.receipt))
    item = session.get(Consultation, found.consultation_id)
    assert item is not None
    article = None
    if found.article_id is not None:
        article = next(
            (
                a
                for a in consultations.articles(session, found.consultation_id)
                if a.id == found.article_id
            ),
            None,
        )
    assert found.id is not None
    address = url_for("public.receipt", code=found.receipt, _external=True)
    return render_template(
        "public/receipt.html",
        comment=found,
        consultation=item,
        article=article,
        status=comments.status_of(found),
        address=address,
        qr=qr_svg(address, _("QR code: the address of this receipt page")),
        email_status=receipt_notices.is_subscribed(session, found.id),
    )


# --- closed consultations: the decision and the archive ----------------------------------------


def decisions(documents: list[Document]) -> list[Document]:
    """The published decisions (QĐ) issuing the regulation, latest last."""
    return [d for d in documents if d.type == DECISION_TYPE]


def download_url(document: Document) -> str | None:
    """Where the public downloads a document's file, if a download route exists."""
    for endpoint in DOWNLOAD_ENDPOINTS:
        if endpoint in current_app.view_functions:
            return url_for(endpoint, document_id=document.id)
    return None


@dataclass(frozen=True)
class ArchiveEntry:
    consultation: Consultation
    window: Window | None
    decision: Document | None
    year: int
    stage: str


@bp.route("/archive")
def archive() -> str:
    """Every consultation no longer receiving opinions, newest year first."""
    session, now = scope.db(), scope.now()
    entries: list[ArchiveEntry] = []
    for item in consultations.listing(session, public_only=True):
        assert item.id is not None
        window = comments.comment_window(session, item.id)
        if window is not None and now < window.closes_at:
            continue  # open or about to open: on the home page
        found = decisions(consultations.documents(session, item.id, published_only=True))
        moment = window.closes_at if window is not None else item.created_at
        entries.append(
            ArchiveEntry(
                consultation=item,
                window=window,
                decision=found[-1] if found else None,
                year=local_date(moment).year,
                stage=stage_title(item),
            )
        )
    years = sorted({e.year for e in entries}, reverse=True)
    counts = consultations.comment_counts(
        session, [e.consultation.id for e in entries if e.consultation.id is not None]
    )
    return render_template(
        "public/archive.html",
        years=[(y, [e for e in entries if e.year == y]) for y in years],
        counts=counts,
    )
