"""The forms of the workflow's steps, generated from the definition (routes of the staff
blueprint). Starting and editing a draft: :mod:`consult.web.working_draft`.

What a step needs and whether it may be taken now is the engine's answer
(:meth:`~consult.workflow.engine.Engine.option`), so the page and the API refuse alike.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from consult import scope
from consult.i18n import _
from consult.services import consultations
from consult.web.common import Refused, perform
from consult.web.forms import action_form, action_payload
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
