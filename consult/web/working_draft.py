"""The working draft before posting (routes of the staff blueprint): a new consultation from a
Word file or pasted text, previewed with its structure and warnings before it is saved; one
article edited (a new version); a draft never posted deleted."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlmodel import Session
from wtforms import StringField, TextAreaField

from consult import permissions, scope
from consult.errors import Forbidden, Invalid, NotFound
from consult.i18n import _, lazy
from consult.models import Organization
from consult.permissions import Can
from consult.services import administration, consultations, draft_text, drafts
from consult.services.draft_text import ParsedDraft
from consult.web.common import Refused, perform, show_errors
from consult.web.forms import NewConsultationForm
from consult.web.staff import bp

STEP_PREVIEW, STEP_SAVE = "preview", "save"


class ArticleEditForm(FlaskForm):
    title = StringField(lazy("Title of the article"), render_kw={"maxlength": "300"})
    text = TextAreaField(lazy("Text of the article"), render_kw={"rows": 16})


def _read(form: NewConsultationForm) -> ParsedDraft:
    """The uploaded Word file (its text replaces the text box, to be checked and fixed
    there) or else the text typed."""
    upload = form.draft_file.data
    if _uploaded(form):
        parsed = draft_text.parse_docx(upload.read(), field_name="draft_file")
        form.articles.data = parsed.as_text()
        return parsed
    if not (form.articles.data or "").strip():
        message = _("Upload the Word file of the draft or paste its text.")
        raise Invalid(message, fields={"articles": message})
    return draft_text.parse_text(form.articles.data or "", field_name="articles")


def _uploaded(form: NewConsultationForm) -> bool:
    return bool(getattr(form.draft_file.data, "filename", None))


def _needs_confirmation(parsed: ParsedDraft) -> bool:
    return any(w.code != "preamble" for w in parsed.warnings)


@bp.route("/consultations/new", methods=["GET", "POST"])
def new_consultation() -> Any:
    actor, runtime = scope.current_actor(), scope.runtime()
    drafting = permissions.organizations_where(actor, Can.START_CONSULTATION)
    if not drafting:
        raise Forbidden(str(permissions.REFUSALS[Can.START_CONSULTATION]))
    form = NewConsultationForm()
    form.workflow.choices = [(d.id, d.title) for d in runtime.catalog.all()]
    status, parsed = 200, None
    if request.method == "POST":
        step = request.form.get("step", STEP_SAVE)
        uploaded = _uploaded(form)
        if not form.validate_on_submit():
            status = 422
        else:
            try:
                parsed = _read(form)
            except Invalid as exc:
                show_errors(form, exc, {})
                status = exc.status
        if parsed is not None and step == STEP_SAVE and not uploaded:
            if _needs_confirmation(parsed) and not form.confirm.data:
                form.confirm.errors = [
                    _("Fix the warnings in the text, or tick this box to save the draft as it is.")
                ]
                status = 422
            else:
                found = parsed

                def start(session: Session) -> int:
                    organization = session.get(Organization, drafting[0])
                    assert organization is not None
                    created = runtime.engine.start(
                        session,
                        organization=organization,
                        actor=actor,
                        workflow_id=form.workflow.data or "",
                        title=(form.title.data or "").strip(),
                        summary=(form.summary.data or "").strip(),
                        articles=draft_text.inputs(found),
                        preamble=found.preamble,
                        now=scope.now(),
                    )
                    assert created.id is not None
                    return created.id

                done = perform(start, form=form)
                if not isinstance(done, Refused):
                    flash(
                        _(
                            "The draft is saved with %(n)s article(s). Next: issue the plan and "
                            "post the draft.",
                            n=len(found.articles),
                        ),
                        "success",
                    )
                    return redirect(url_for("staff.consultation", consultation_id=done))
                status = done.status
    drafting_org = scope.db().get(Organization, drafting[0])
    assert drafting_org is not None
    places = [p.name for p in administration.posting_places(scope.db(), drafting_org)]
    return render_template(
        "staff/new.html",
        form=form,
        parsed=parsed,
        confirm=parsed and _needs_confirmation(parsed),
        places=places,
    ), status


@bp.route("/consultations/<int:consultation_id>/articles/<number>/edit", methods=["GET", "POST"])
def edit_article(consultation_id: int, number: str) -> Any:
    session, actor = scope.db(), scope.current_actor()
    item = consultations.for_staff(session, consultation_id, actor, Can.EDIT_DRAFT)
    article = next(
        (a for a in consultations.articles(session, consultation_id) if a.number == number), None
    )
    if article is None:
        raise NotFound(_("The draft has no article %(number)s.", number=number))
    form = ArticleEditForm()
    status = 200
    if request.method == "GET":
        form.title.data, form.text.data = article.title, article.text
    else:
        done = perform(
            lambda s: (
                drafts.edit_article(
                    s,
                    item,
                    number,
                    title=form.title.data or "",
                    text=form.text.data or "",
                    actor=actor,
                    now=scope.now(),
                ).number
            ),
            form=form,
        )
        if not isinstance(done, Refused):
            flash(_("Draft version %(n)s saved.", n=done), "success")
            return redirect(
                url_for("staff.consultation", consultation_id=consultation_id) + f"#dieu-{number}"
            )
        status = done.status
    return render_template(
        "staff/edit_article.html",
        consultation=item,
        article=article,
        form=form,
        blocked=drafts.posted_refusal(session, item),
    ), status


@bp.route("/consultations/<int:consultation_id>/delete", methods=["POST"])
def delete_draft(consultation_id: int) -> Any:
    session, actor = scope.db(), scope.current_actor()
    item = consultations.for_staff(session, consultation_id, actor, Can.EDIT_DRAFT)
    title = item.title
    done = perform(lambda s: drafts.delete(s, item, actor, scope.now()))
    if isinstance(done, Refused):
        return redirect(url_for("staff.consultation", consultation_id=consultation_id))
    flash(_("The draft “%(title)s” is deleted.", title=title), "success")
    return redirect(url_for("staff.dashboard"))
