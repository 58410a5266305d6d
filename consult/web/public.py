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
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup
from sqlmodel import col, select
from werkzeug.wrappers import Response

from consult import scope
from consult.calendar import local_date
from consult.db import driver
from consult.i18n import current_language
from consult.models import AuditEvent, Comment, Consultation, Document, Organization, Window
from consult.services import consultations, counts, intake, opinions, organizations
from consult.web import filters, page_cache
from consult.web.auth import safe_next
from consult.web.documents import signed_copies_of
from consult.web.report import published_synthesis

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
def index() -> Any:
    session, now = scope.db(), scope.now()
    if not organizations.any_exists(session):
        return render_template("public/not_set_up.html"), 503
    open_now: list[tuple[Consultation, Window]] = []
    others: list[tuple[Consultation, Window | None]] = []
    for consultation in consultations.listing(session, public_only=True):
        window = intake.check_open_or_none(session, consultation, now)
        if window is not None:
            open_now.append((consultation, window))
        else:
            assert consultation.id is not None
            others.append((consultation, intake.comment_window(session, consultation.id)))
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
def consultation(consultation_id: int) -> str | Response:
    """Two statements however many opinions: the version of what the page shows, then (when
    the page is not in the cache) the counts per article. The rest changes only with staff
    actions and is read once per version of it (:func:`public_file`). A citizen's view of a
    page already kept is answered before Flask's request (:mod:`consult.front`)."""
    page = page_of(request.args.get("page"))
    with driver(scope.runtime().db) as connection:
        version = consultations.public_version(connection, consultation_id, scope.now())
        if version is None or not consultations.is_public_state(version.state):
            abort(404)

        def render() -> str:
            found = counts.by_article(connection, consultation_id, version.counted_to)
            return consultation_page(consultation_id, page, version, found)

        if not page_cache.anonymous():
            return render()
        key = page_key(consultation_id, page, current_language(), version)
        return page_cache.page(key, render)


def page_of(argument: str | None) -> int:
    """The page a ``?page=`` argument asks for: 1 when it is missing or not a page number."""
    try:
        return max(scope.page_number(argument), 1) if argument is not None else 1
    except ValueError:
        return 1


def page_key(
    consultation_id: int, page: int, language: str, version: consultations.PublicVersion
) -> tuple[Any, ...]:
    """What a citizen's view of the page depends on: the page cache's key."""
    return ("consultation", consultation_id, page, language, version)


@dataclass(frozen=True)
class PublicFile:
    """What the public page of a consultation shows but its counts: read once per version of
    it (:attr:`consultations.PublicVersion.file`), then only read."""

    consultation: Consultation
    chapters: list[tuple[str, list[consultations.ArticleView]]]
    documents: list[Document]
    window: Window | None
    open_window: Window | None
    stage_title: str
    published: bool
    answered: list[Comment]
    total: int
    pages: int
    article_numbers: dict[int, str]
    extensions: list[dict[str, Any]]
    decisions: list[Document]
    has_vote: bool
    synthesis: dict[str, Any] | None
    signed: list[dict[str, Any]]
    organization: Organization | None
    """The header's organization for citizens."""


def public_file(consultation_id: int, page: int) -> PublicFile:
    session, now = scope.db(), scope.now()
    item = public_consultation(consultation_id)
    articles = consultations.articles(session, consultation_id)
    published = responses_published(item)
    answered: list[Comment] = []
    total = 0
    if published:
        answered, total = opinions.search(
            session,
            consultation_id,
            opinions.CommentFilter(),
            page=page,
            per_page=RESPONSES_PER_PAGE,
        )
    documents = consultations.documents(session, consultation_id, published_only=True)
    window = intake.comment_window(session, consultation_id)
    return PublicFile(
        consultation=item,
        chapters=consultations.chapters(articles),
        documents=documents,
        window=window,
        open_window=intake.check_open_or_none(session, item, now),
        stage_title=stage_title(item),
        published=published,
        answered=answered,
        total=total,
        pages=max((total + RESPONSES_PER_PAGE - 1) // RESPONSES_PER_PAGE, 1),
        article_numbers={a.id: a.number for a in articles},
        extensions=window_extensions(item),
        decisions=decisions(documents),
        has_vote=bool(scope.runtime().engine.definition_of(session, item).ballots),
        synthesis=published_synthesis(consultation_id),
        signed=signed_copies_of(documents),
        organization=filters.only_organization(session),
    )


def consultation_page(
    consultation_id: int,
    page: int,
    version: consultations.PublicVersion,
    found: dict[int | None, int],
) -> str:
    """The page with the counts of now: its body (all but the header and footer) is rendered
    once per version of what it shows, language and day (:func:`body_pieces`); a view puts
    the counts in and renders the header."""
    key: tuple[Any, ...] = ("public-file", consultation_id, page, version.file)
    built: list[PublicFile] = []

    def build() -> PublicFile:
        built.append(public_file(consultation_id, page))
        return built[-1]

    part = page_cache.memo(key, build)
    if part.published:  # the responses shown change with the opinions entered too
        key = (*key, version.last_opinion)
        part = page_cache.memo(key, lambda: built[-1] if built else build())
    filters.show_organization(part.organization)
    key = (*key, version.day, current_language())
    pieces = page_cache.memo(("public-body", *key), lambda: body_pieces(part, page))
    body = with_counts(pieces, found)
    if not page_cache.plain_reader():
        return render_template(
            "public/consultation.html", consultation=part.consultation, body=body
        )
    # Not logged in, nothing flashed: the header and footer are everyone's; rendered once.
    around = page_cache.memo(
        ("public-around", *key, request.query_string),
        lambda: render_template(
            "public/consultation.html", consultation=part.consultation, body=Markup(COUNT_MARK)
        ).split(COUNT_MARK),
    )
    return Markup(around[0]) + body + Markup(around[1])


COUNT_MARK = "\x00"
"""Where an article's count goes in the rendered HTML (never in escaped text)."""


def body_pieces(part: PublicFile, page: int) -> list[str]:
    """The page's body rendered (``public/_consultation_body.html``, the draft's articles
    from ``public/_draft.html``), split at each count's mark: text, article id, text,
    article id… The most of the page's work, done once per version of it."""
    draft = render_template(
        "public/_draft.html",
        consultation=part.consultation,
        chapters=part.chapters,
        open_window=part.open_window,
        count_mark=lambda article_id: Markup(f"{COUNT_MARK}{article_id}{COUNT_MARK}"),
    )
    fields = {name: getattr(part, name) for name in PublicFile.__dataclass_fields__}
    html = render_template(
        "public/_consultation_body.html",
        **fields,
        draft=Markup(draft.strip()),
        page=page,
        download_url=download_url,
    )
    return html.split(COUNT_MARK)


def with_counts(pieces: list[str], found: dict[int | None, int]) -> Markup:
    """The body with each article's count of opinions now."""
    label = get_template_attribute("public/_draft.html", "count_label")
    labels: dict[int, str] = {}
    out = []
    for n, piece in enumerate(pieces):
        if n % 2 == 0:
            out.append(piece)
        else:
            count = found.get(int(piece), 0)
            if count not in labels:
                labels[count] = str(label(count))
            out.append(labels[count])
    return Markup("".join(out))


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
        window = intake.comment_window(session, item.id)
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
