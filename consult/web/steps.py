"""The forms of the workflow's steps, generated from the definition, and the form that starts
a consultation (routes of the staff blueprint).

What a step needs and whether it may be taken now is the engine's answer
(:meth:`~consult.workflow.engine.Engine.option`), so the page and the API refuse alike.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlmodel import Session

from consult import permissions, scope
from consult.errors import Forbidden
from consult.i18n import _
from consult.models import Organization
from consult.permissions import Can
from consult.services import administration, consultations
from consult.web.common import Refused, perform
from consult.web.forms import NewConsultationForm, action_form, action_payload, parse_articles
from consult.web.staff import bp
from consult.workflow.definition import Action


def _number_alias(action: Action) -> dict[str, str]:
    """A refused number (the register's field ``number``) goes next to the step's own field."""
    fields = [r.number_from for r in action.records if r.number_from]
    return {"number": fields[0]} if fields else {}


@bp.route("/consultations/<int:consultation_id>/actions/<action_name>", methods=["GET", "POST"])
def action(consultation_id: int, action_name: str) -> Any:
    session, now, actor = scope.db(), scope.now(), scope.current_actor()
    engine = scope.runtime().engine
    item = consultations.for_staff(session, consultation_id, actor)
    option = engine.option(session, item, actor, action_name, now)
    chosen = option.action
    form = action_form(chosen, engine.payload_defaults(session, item, chosen, actor, now))
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            payload = action_payload(chosen, form)
            done = perform(
                lambda s: engine.take(s, consultation_id, chosen.name, actor, payload, now),
                form=form,
                aliases=_number_alias(chosen),
            )
            if not isinstance(done, Refused):
                message = _("Done: %(action)s.", action=chosen.title)
                symbols = [d.symbol for d in done.documents]
                if symbols:
                    message += " " + _("Recorded: %(symbols)s.", symbols=", ".join(symbols))
                flash(message, "success")
                return redirect(url_for("staff.consultation", consultation_id=consultation_id))
            status = done.status
    definition = engine.definition_of(session, item)
    return render_template(
        "staff/action.html",
        consultation=item,
        action=chosen,
        option=option,
        form=form,
        number_fields={r.number_from for r in chosen.records if r.number_from},
        stage=definition.stage(item.state),
    ), status


@bp.route("/consultations/new", methods=["GET", "POST"])
def new_consultation() -> Any:
    actor, runtime = scope.current_actor(), scope.runtime()
    drafting = permissions.organizations_where(actor, Can.START_CONSULTATION)
    if not drafting:
        raise Forbidden(str(permissions.REFUSALS[Can.START_CONSULTATION]))
    form = NewConsultationForm()
    form.workflow.choices = [(d.id, d.title) for d in runtime.catalog.all()]
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400 if form.csrf_token.errors else 422
        else:

            def start(session: Session) -> tuple[int, int]:
                organization = session.get(Organization, drafting[0])
                assert organization is not None
                articles = parse_articles(form.articles.data or "")
                created = runtime.engine.start(
                    session,
                    organization=organization,
                    actor=actor,
                    workflow_id=form.workflow.data or "",
                    title=(form.title.data or "").strip(),
                    summary=(form.summary.data or "").strip(),
                    articles=articles,
                    now=scope.now(),
                )
                assert created.id is not None
                return created.id, len(articles)

            done = perform(start, form=form)
            if not isinstance(done, Refused):
                created_id, count = done
                flash(
                    _(
                        "The draft is saved with %(n)s article(s). Next: issue the plan and "
                        "post the draft.",
                        n=count,
                    ),
                    "success",
                )
                return redirect(url_for("staff.consultation", consultation_id=created_id))
            status = done.status
    drafting_org = scope.db().get(Organization, drafting[0])
    assert drafting_org is not None
    places = [p.name for p in administration.posting_places(scope.db(), drafting_org)]
    return render_template("staff/new.html", form=form, places=places), status
