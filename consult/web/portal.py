"""The citizens' comment form (send, preview, edit) and their receipts (routes of the public
blueprint). Personal data never appears on these pages beyond the sender's own preview."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for

from consult import scope
from consult.errors import ConsultError, NotAllowedNow, NotFound
from consult.extensions import csrf, limiter
from consult.i18n import _, current_language
from consult.models import Consultation, Window
from consult.services import consultations, draft_text, intake, organizations, portal
from consult.services.consultations import ArticleView
from consult.services.notifications import receipt_notices
from consult.web.common import Refused, perform, show_errors
from consult.web.forms import OTHER_LOCALITY, CommentForm
from consult.web.portal_forms import STEP_PREVIEW, STEP_SEND, PortalCommentForm
from consult.web.public import bp, public_consultation
from consult.web.qr import qr_svg


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


def _fill_clauses(form: PortalCommentForm, articles: list[ArticleView]) -> ArticleView | None:
    """The clauses of the article chosen; on arrival the clause asked for (``?clause=2``).
    The article chosen, whose text (or the clause's) the form shows."""
    article = next((a for a in articles if a.number == form.article.data), None)
    clauses = draft_text.clauses_of(article.text) if article else []
    form.clause.choices = [("", _("The whole article"))] + [
        (c.number, _("Clause %(number)s", number=c.number)) for c in clauses
    ]
    if request.method == "GET":
        wanted = request.args.get("clause", "")
        form.clause.data = wanted if wanted in {c.number for c in clauses} else ""
    return article


def _quoted(form: PortalCommentForm, article: ArticleView | None) -> str:
    """The text commented on, shown beside the opinion: the clause's, else the article's."""
    if article is None:
        return ""
    return draft_text.clause_text(article.text, form.clause.data or "") or article.text


def _clause_map(articles: list[ArticleView]) -> dict[str, Any]:
    """For the page's script: each article's text and its clauses' texts."""
    return {
        a.number: {
            "text": a.text,
            "clauses": {
                c.number: draft_text.clause_text(a.text, c.number)
                for c in draft_text.clauses_of(a.text)
            },
        }
        for a in articles
    }


def _closed_page(consultation: Consultation, form: CommentForm, message: str) -> tuple[str, int]:
    """The opinion was not taken (the window is not open): say why, and give the text back."""
    assert consultation.id is not None
    window = intake.comment_window(scope.db(), consultation.id)
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
    _fill_clauses(form, articles)
    return form


def _writes() -> bool:
    """Only sending writes; the preview and going back to edit store nothing."""
    return request.method == "POST" and request.form.get("step", STEP_SEND) == STEP_SEND


def _input(form: PortalCommentForm) -> intake.CommentInput:
    return intake.CommentInput(
        body=form.body.data or "",
        author_name=form.author_name.data or "",
        locality=form.locality_value(),
        contact=form.contact.data or "",
        article=form.article.data or None,
        clause=(form.clause.data or "") if form.article.data else "",
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
    session, now = scope.db(), scope.now()
    item = public_consultation(consultation_id)
    articles = consultations.articles(session, consultation_id)
    form = _portal_form(item, articles)
    window = intake.comment_window(session, consultation_id)
    step = request.form.get("step", STEP_SEND)
    status = 200
    if request.method == "GET":
        try:
            intake.check_open(session, item, now)
        except NotAllowedNow as exc:
            return _closed_page(item, form, exc.message)
    elif form.website.data:
        # A bot filled the hidden field: keep nothing, say nothing useful.
        form.form_errors.append(_("The opinion could not be sent. Please try again."))
        status = 400
    elif not form.validate_on_submit():
        status = 400 if form.csrf_token.errors else 422
    elif step == STEP_PREVIEW:
        data = _input(form)
        try:
            portal.check(session, item, data, now, notify=bool(form.notify.data))
        except NotAllowedNow as exc:
            return _closed_page(item, form, exc.message)
        except ConsultError as exc:
            show_errors(form, exc, {})
            status = exc.status
        else:
            return _preview(item, form, data, articles, window)
    elif step == STEP_SEND:
        data = _input(form)
        language = current_language() if form.notify.data else None
        # Reads first, unlocked: the intake takes the write lock for the opinion (and the
        # e-mail wish) only, so citizens sending at once queue for a few statements.
        done = perform(
            lambda s: portal.send(s, item, data, now, notify_language=language),
            form=form,
            lock_now=False,
        )
        if isinstance(done, Refused) and done.status == NotAllowedNow.status:
            form.form_errors.clear()
            return _closed_page(item, form, done.message)
        if not isinstance(done, Refused):
            flash(_("Your opinion was received. Keep the receipt code."), "success")
            return redirect(url_for("public.receipt", code=done.receipt))
        status = done.status
    return render_template(
        "public/comment.html",
        consultation=item,
        form=form,
        window=window,
        other=OTHER_LOCALITY,
        body_max=intake.BODY_MAX,
        quoted=_quoted(form, next((a for a in articles if a.number == form.article.data), None)),
        clause_map=_clause_map(articles),
        clause_label=_("Clause %(number)s", number="{n}"),
        whole_article=_("The whole article"),
    ), status


def _preview(
    consultation: Consultation,
    form: PortalCommentForm,
    data: intake.CommentInput,
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


@bp.route("/receipts")
def receipt_lookup() -> Any:
    code = (request.args.get("code") or "").strip()
    error = ""
    status = 200
    if code:
        try:
            found = intake.by_receipt(scope.db(), code)
        except NotFound as exc:
            error, status = exc.message, 404
        else:
            return redirect(url_for("public.receipt", code=found.receipt))
    return render_template("public/receipt_lookup.html", code=code, error=error), status


@bp.route("/receipts/<code>")
def receipt(code: str) -> Any:
    session = scope.db()
    try:
        found = intake.by_receipt(session, code)
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
        status=intake.status_of(found),
        address=address,
        qr=qr_svg(address, _("QR code: the address of this receipt page")),
        email_status=receipt_notices.is_subscribed(session, found.id),
    )
