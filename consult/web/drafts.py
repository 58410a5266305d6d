"""Draft versions in the review workbench: the legal officer's revision after the window, and
the comparison of versions article by article (routes of the review blueprint)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from consult import scope
from consult.errors import ConsultError, NotFound
from consult.i18n import _, lazy
from consult.permissions import Can
from consult.services import consultations, revisions
from consult.web.common import Refused, perform
from consult.web.forms import parse_articles
from consult.web.review import bp, consultation


class ReviseForm(FlaskForm):
    articles = TextAreaField(lazy("Revised text of the draft"), render_kw={"rows": 24})
    note = StringField(lazy("What changed (note)"), render_kw={"maxlength": "500"})


def draft_text(articles: list[consultations.ArticleView]) -> str:
    """The draft as the officer edits it: chapter lines, ``Điều N. Title`` and the text."""
    lines: list[str] = []
    chapter = ""
    for a in articles:
        if a.chapter and a.chapter != chapter:
            chapter = a.chapter
            lines.append(chapter)
        lines.append(f"Điều {a.number}. {a.title}")
        lines.append(a.text)
    return "\n".join(lines)


@bp.route("/review/<int:consultation_id>/revise", methods=["GET", "POST"])
def revise(consultation_id: int) -> Any:
    now, actor = scope.now(), scope.current_actor()
    item = consultation(consultation_id, Can.REVISE_DRAFT)
    form = ReviseForm()
    status = 200
    if request.method == "GET":
        form.articles.data = draft_text(consultations.articles(scope.db(), consultation_id))
    else:
        done = perform(
            lambda session: (
                revisions.revise(
                    session,
                    item,
                    parse_articles(form.articles.data or ""),
                    actor,
                    now,
                    note=form.note.data or "",
                ).number
            ),
            form=form,
        )
        if not isinstance(done, Refused):
            flash(_("Draft version %(n)s saved.", n=done), "success")
            return redirect(url_for("review.compare", consultation_id=consultation_id, to=done))
        status = done.status
    blocked = None
    try:
        revisions.check_can_revise(scope.db(), item, now)
    except ConsultError as exc:
        blocked = exc.message
    return render_template(
        "review/revise.html", consultation=item, form=form, blocked=blocked
    ), status


@bp.route("/review/<int:consultation_id>/compare")
def compare(consultation_id: int) -> str:
    session = scope.db()
    item = consultation(consultation_id)
    all_versions = revisions.versions(session, consultation_id)
    if not all_versions:
        raise NotFound(_("The draft has no version yet."))
    newest = all_versions[-1].number
    new = revisions.version(
        session, consultation_id, request.args.get("to", newest, type=scope.whole_number)
    )
    posted = revisions.posted_version(session, consultation_id)
    start = posted.number if posted else 1
    old = revisions.version(
        session, consultation_id, request.args.get("from", start, type=scope.whole_number)
    )
    return render_template(
        "review/compare.html",
        consultation=item,
        versions=all_versions,
        old=old,
        new=new,
        diffs=revisions.compare(session, consultation_id, old, new),
    )
