"""A meeting and its sheet of opinions, entered at once (routes of the staff blueprint)."""

from __future__ import annotations

from typing import Any

from flask import flash, render_template, request
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField

from consult import scope
from consult.i18n import _, lazy
from consult.models.meeting import MEETING_KINDS
from consult.permissions import Can
from consult.services import consultations, meetings, organizations
from consult.web.common import Refused, perform
from consult.web.staff import bp

ROWS, MORE_ROWS, MAX_ROWS = 15, 10, 200
KIND_LABELS = {
    "village_meeting": lazy("Village meeting"),
    "dialogue": lazy("Dialogue conference"),
    "front_gathering": lazy("The Front's gathering"),
}
ROW_FIELDS = {
    "article": lazy("Article"),
    "clause": lazy("Clause"),
    "body": lazy("Opinion"),
    "author_name": lazy("Who spoke"),
    "represents": lazy("People or households"),
}


class RowForm(Form):
    article = SelectField(lazy("Article"), choices=[], validate_choice=False)
    clause = StringField(lazy("Clause"), render_kw={"size": "3", "inputmode": "numeric"})
    body = TextAreaField(lazy("Opinion"), render_kw={"rows": 2})
    author_name = StringField(lazy("Who spoke"), render_kw={"maxlength": "120"})
    represents = StringField(
        lazy("People or households"), render_kw={"size": "3", "inputmode": "numeric"}
    )


class MeetingSheetForm(FlaskForm):
    sheet_key = HiddenField()
    kind = SelectField(lazy("Kind of meeting"), choices=[], validate_choice=False)
    village = SelectField(lazy("Village or residential group"), choices=[], validate_choice=False)
    held_on = StringField(
        lazy("Date of the meeting"),
        description=lazy("Day/month/year, e.g. 04/03/2024."),
        render_kw={"placeholder": "dd/mm/yyyy", "pattern": r"\d{1,2}/\d{1,2}/\d{4}", "size": "10"},
    )
    place = StringField(lazy("Place"), render_kw={"maxlength": "200"})
    chair = StringField(lazy("Chaired by"), render_kw={"maxlength": "120"})
    people = StringField(lazy("People attending"), render_kw={"inputmode": "numeric"})
    households = StringField(lazy("Households represented"), render_kw={"inputmode": "numeric"})
    minutes = TextAreaField(lazy("Minutes (summary)"), render_kw={"rows": 3})
    rows = FieldList(FormField(RowForm), min_entries=ROWS, max_entries=MAX_ROWS)


def _form(consultation_id: int, organization_id: int) -> MeetingSheetForm:
    session = scope.db()
    form = MeetingSheetForm()
    wanted = (
        request.args.get("rows", ROWS, type=scope.whole_number) if request.method == "GET" else 0
    )
    while len(form.rows) < min(max(wanted, ROWS), MAX_ROWS):
        form.rows.append_entry()
    if request.method == "POST" and request.form.get("step") == "more":
        for _i in range(min(MORE_ROWS, MAX_ROWS - len(form.rows))):
            form.rows.append_entry()
    articles = [("", _("Whole draft"))] + [
        (a.number, _("Article %(number)s", number=a.number))
        for a in consultations.articles(session, consultation_id)
    ]
    for row in form.rows:
        row.form.article.choices = articles
    form.kind.choices = [(k, str(KIND_LABELS[k])) for k in MEETING_KINDS]
    form.village.choices = [("", _("Not stated"))] + [
        (n, n) for n in organizations.locality_names(session, organization_id)
    ]
    return form


@bp.route("/consultations/<int:consultation_id>/meetings/new", methods=["GET", "POST"])
def meeting_sheet(consultation_id: int) -> Any:
    runtime, now, actor = scope.runtime(), scope.now(), scope.current_actor()
    item = consultations.for_staff(scope.db(), consultation_id, actor, Can.ENTER_OPINIONS)
    form = _form(consultation_id, item.organization_id)
    status, result = 200, None
    if request.method == "GET":
        form.sheet_key.data = meetings.new_sheet_key()
        form.held_on.data = runtime.calendar.local_date(now).strftime("%d/%m/%Y")
    elif request.form.get("step") == "more":
        pass  # more empty rows; nothing stored
    elif not form.validate_on_submit():
        status = 422
    else:
        data = meetings.MeetingInput(
            sheet_key=form.sheet_key.data or "",
            held_on=form.held_on.data or "",
            kind=form.kind.data or "",
            village=form.village.data or "",
            place=form.place.data or "",
            chair=form.chair.data or "",
            people=form.people.data or "",
            households=form.households.data or "",
            minutes=form.minutes.data or "",
        )
        rows = [
            meetings.RowInput(
                body=r.body.data or "",
                article=r.article.data or "",
                clause=r.clause.data or "",
                author_name=r.author_name.data or "",
                represents=r.represents.data or "",
            )
            for r in form.rows
        ]
        done = perform(
            lambda s: meetings.enter_sheet(
                s, item, data, rows, calendar=runtime.calendar, actor=actor, now=now
            ),
            form=form,
        )
        if isinstance(done, Refused):
            status = done.status
        else:
            result = {r.index: r for r in done.rows}
            if done.refused:
                status = 422
                form.form_errors.append(
                    _(
                        "%(kept)s opinion(s) are kept; %(refused)s row(s) need fixing (marked "
                        "below). Fix them and send the sheet again: the rows kept are not "
                        "stored twice.",
                        kept=done.kept,
                        refused=done.refused,
                    )
                )
            else:
                flash(
                    _(
                        "The meeting's %(kept)s opinion(s) are kept (%(new)s new).",
                        kept=done.kept,
                        new=done.stored,
                    ),
                    "success",
                )
    return render_template(
        "staff/meeting_sheet.html",
        consultation=item,
        form=form,
        result=result,
        row_fields=ROW_FIELDS,
    ), status
