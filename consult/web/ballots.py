"""A household vote on the staff desk and on the public page: the register of households
(import from CSV/XLSX), the answers received on paper or at a meeting, the running tally,
the online answer of a household, the published result and the count's documents.

Staff routes join the staff blueprint, the citizens' ones the public blueprint.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField, TextAreaField

from consult import permissions, scope
from consult.calendar.dates import parse_dmy, zone
from consult.documents import ballots as ballot_documents
from consult.documents.render import DOCX_MIME
from consult.errors import Invalid
from consult.extensions import limiter
from consult.i18n import _, lazy
from consult.models import Consultation, Organization
from consult.permissions import Can
from consult.services import ballots, consultations, households
from consult.vocabulary import channel_label
from consult.web.common import Refused, perform
from consult.web.public import bp as public_bp
from consult.web.public import public_consultation
from consult.web.staff import bp

DOCUMENTS = ("count_minutes", "community_decision")


class HouseholdImportForm(FlaskForm):
    register = FileField(lazy("Household register (CSV or XLSX)"))


class PaperAnswerForm(FlaskForm):
    household = StringField(lazy("Household code"), render_kw={"maxlength": "40"})
    option = SelectField(lazy("Answer"), choices=[], validate_choice=False)
    channel = SelectField(lazy("Received as"), choices=[], validate_choice=False)
    answered_on = StringField(
        lazy("Date of the answer"),
        description=lazy("Day/month/year, e.g. 04/03/2024."),
        render_kw={"placeholder": "dd/mm/yyyy", "size": "10"},
    )
    voter_name = StringField(lazy("Who answered for the household"), render_kw={"maxlength": "120"})
    note = TextAreaField(lazy("Other opinion (text)"), render_kw={"rows": 2})


class OnlineAnswerForm(FlaskForm):
    household = StringField(lazy("Household code"), render_kw={"maxlength": "40"})
    voter_name = StringField(
        lazy("Full name of the household head"), render_kw={"maxlength": "120"}
    )
    option = SelectField(lazy("Answer"), choices=[], validate_choice=False)
    note = TextAreaField(lazy("Other opinion (text)"), render_kw={"rows": 2})


def _choices(item: Consultation, form: PaperAnswerForm | OnlineAnswerForm) -> bool:
    """Fill the options of the open vote; False when none is open."""
    session, engine = scope.db(), scope.runtime().engine
    ballot = ballots.open_ballot(session, engine, item)
    if ballot is None:
        return False
    spec = engine.definition_of(session, item).ballots[ballot.name]
    form.option.choices = list(spec.options)
    if isinstance(form, PaperAnswerForm):
        form.channel.choices = [(c, channel_label(c)) for c in spec.channels if c != ballots.ONLINE]
    return True


def _staff_page(item: Consultation, form: PaperAnswerForm, status: int = 200) -> Any:
    session, engine = scope.db(), scope.runtime().engine
    assert item.id is not None
    ballot = ballots.open_ballot(session, engine, item)
    return render_template(
        "staff/ballot.html",
        consultation=item,
        form=form,
        import_form=HouseholdImportForm(formdata=None),
        ballot=ballot,
        results=ballots.results(session, engine, item.id, include_open=True),
        households=ballots.households_of(session, ballot) if ballot else [],
        by_village=households.counts_by_village(session, item.organization_id),
        recognized=ballots.has_recognition(session, item.id),
        may_record=permissions.allows_on(scope.current_actor(), Can.RECORD_BALLOTS, item),
        may_import=permissions.allows_on(scope.current_actor(), Can.KEEP_HOUSEHOLDS, item),
    ), status


@bp.route("/consultations/<int:consultation_id>/ballot", methods=["GET", "POST"])
def ballot(consultation_id: int) -> Any:
    """The household vote: the register, the answers on paper or at a meeting, the tally. Every
    staff member reads it (the Chairman signs from its documents); who records ballots also
    imports the register and enters answers."""
    runtime, now, actor = scope.runtime(), scope.now(), scope.current_actor()
    need = Can.RECORD_BALLOTS if request.method == "POST" else Can.READ_STAFF_FILE
    item = consultations.for_staff(scope.db(), consultation_id, actor, need)
    form = PaperAnswerForm()
    is_open = _choices(item, form)
    if request.method == "GET":
        form.answered_on.data = runtime.calendar.local_date(now).strftime("%d/%m/%Y")
        return _staff_page(item, form)
    if not is_open:
        return _staff_page(item, form, 409)  # the page says no vote is open
    try:
        day = parse_dmy(form.answered_on.data or "")
    except ValueError:
        form.answered_on.errors = [_("Not a valid date: write day/month/year, e.g. 04/03/2024.")]
        return _staff_page(item, form, 422)
    local = now.astimezone(zone())
    answered_at = now if day == local.date() else datetime.combine(day, local.timetz())
    given = ballots.Answer(
        household=form.household.data or "",
        option=form.option.data or "",
        channel=form.channel.data or "",
        voter_name=form.voter_name.data or "",
        note=form.note.data or "",
    )
    done = perform(
        lambda s: ballots.answer(s, runtime.engine, consultation_id, given, actor, answered_at),
        form=form,
    )
    if isinstance(done, Refused):
        return _staff_page(item, form, done.status)
    flash(_("The answer of household %(code)s is recorded.", code=given.household), "success")
    return redirect(url_for("staff.ballot", consultation_id=consultation_id))


@bp.route("/consultations/<int:consultation_id>/households", methods=["POST"])
def import_households(consultation_id: int) -> Any:
    """Import the register of households of the consultation's commune (CSV or XLSX)."""
    now, actor = scope.now(), scope.current_actor()
    item = consultations.for_staff(scope.db(), consultation_id, actor, Can.KEEP_HOUSEHOLDS)
    upload = request.files.get("register")
    if upload is None or not upload.filename:
        flash(_("Household register: choose a CSV or XLSX file."), "error")
        return _staff_page(item, PaperAnswerForm(formdata=None), 422)
    data, name = upload.read(5_000_001), upload.filename

    def work(session: Any) -> households.Imported:
        if len(data) > 5_000_000:
            raise Invalid(_("Household register: the file is over 5 MB."))
        organization = session.get(Organization, item.organization_id)
        assert organization is not None
        return households.import_rows(
            session, organization, households.read_rows(data, name), actor, now
        )

    done = perform(work)
    if not isinstance(done, Refused):
        flash(
            _(
                "Household register imported: %(added)s added, %(updated)s updated.",
                added=done.added,
                updated=done.updated,
            ),
            "success",
        )
    return redirect(url_for("staff.ballot", consultation_id=consultation_id))


@bp.route("/consultations/<int:consultation_id>/ballot/<which>.docx")
def ballot_document(consultation_id: int, which: str) -> Response:
    """The count minutes or the community's decision of the latest counted round."""
    session, engine = scope.db(), scope.runtime().engine
    item = consultations.for_staff(session, consultation_id, scope.current_actor())
    if which == ballots.RECOGNITION:
        definition, _c, counted, document, received_on = ballots.recognition(
            session, engine, consultation_id
        )
        rendered = ballot_documents.recognition_decision(
            session, definition, item, counted, document, received_on, scope.now()
        )
    elif which in DOCUMENTS:
        counted = ballots.counted_ballot(session, consultation_id)
        rendered = ballot_documents.ballot_document(
            session, engine.definition_of(session, item), item, counted, which
        )
    else:
        return Response(status=404)
    return send_file(
        io.BytesIO(rendered.content),
        mimetype=DOCX_MIME,
        as_attachment=True,
        download_name=rendered.filename,
    )


# --- the citizens' side -----------------------------------------------------------------------


def _public_page(item: Consultation, form: OnlineAnswerForm, is_open: bool, status: int) -> Any:
    assert item.id is not None
    found = ballots.results(scope.db(), scope.runtime().engine, item.id)
    return render_template(
        "public/ballot.html", consultation=item, form=form, is_open=is_open, results=found
    ), status


def _answering() -> bool:
    return request.method == "POST"


@public_bp.route("/consultations/<int:consultation_id>/ballot", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["PUBLIC_WRITE_LIMIT"],
    methods=["POST"],
    exempt_when=lambda: not _answering(),
)
def public_ballot(consultation_id: int) -> Any:
    """A household answers online (code, the head's full name, the option); the results."""
    runtime, now = scope.runtime(), scope.now()
    item = public_consultation(consultation_id)
    form = OnlineAnswerForm()
    is_open = _choices(item, form)
    if request.method == "GET" or not is_open:
        return _public_page(item, form, is_open, 200 if request.method == "GET" else 409)
    given = ballots.Answer(
        household=form.household.data or "",
        option=form.option.data or "",
        channel=ballots.ONLINE,
        voter_name=form.voter_name.data or "",
        note=form.note.data or "",
    )
    done = perform(
        lambda s: ballots.answer(s, runtime.engine, consultation_id, given, None, now),
        form=form,
    )
    if isinstance(done, Refused):
        return _public_page(item, form, is_open, done.status)
    return render_template(
        "public/ballot_receipt.html",
        consultation=item,
        household=given.household.strip(),
        option=dict(form.option.choices).get(given.option, given.option),
        answered_at=done.answered_at,
        number=done.id,
    )
