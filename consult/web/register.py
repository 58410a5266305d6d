"""Staff pages of the register (``/staff/register``): every number of a year, entering a
document signed on paper with a warning before a duplicate, the periodic report and the
quarterly disclosure list."""

from __future__ import annotations

import io
from datetime import date

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue

from consult import permissions, scope
from consult.documents import disclosures, kinds, records, render, signed
from consult.documents import report as periodic
from consult.i18n import _
from consult.ledger import register
from consult.models import Document, Organization
from consult.permissions import Can
from consult.services import organizations
from consult.web import common
from consult.web.common import Refused, perform
from consult.web.document_forms import HandEntryForm, parse_day, parse_number

bp = Blueprint("register", __name__, url_prefix="/staff")
bp.before_request(common.require_staff)


def _organization() -> Organization:
    """The staff member's organization (``?org=CODE`` chooses among several)."""
    return organizations.for_staff(scope.db(), scope.current_actor(), request.args.get("org"))


# --- the register ----------------------------------------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
def register_page() -> ResponseReturnValue:
    session, actor, today = scope.db(), scope.current_actor(), scope.today()
    organization = _organization()
    assert organization.id is not None
    year = request.args.get("year", type=scope.calendar_year) or today.year
    form = HandEntryForm(data={"issued_on": today.isoformat()})
    form.fill_choices()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 422
        else:
            done = perform(
                lambda s: records.record_by_hand(
                    s,
                    organization,
                    actor,
                    scope.now(),
                    doc_type=form.type.data or "",
                    issued_on=parse_day(form.issued_on.data),
                    subject=form.subject.data or "",
                    number=parse_number(form.number.data),
                    signer_name=form.signer_name.data or "",
                    signer_title=form.signer_title.data or "",
                ),
                form=form,
            )
            if not isinstance(done, Refused):
                flash(_("Recorded: %(symbols)s.", symbols=done.symbol), "success")
                return redirect(url_for("register.register_page", year=done.year))
            status = done.status
    entries = register.entries(session, organization.id, year)
    return render_template(
        "documents/register.html",
        organization=organization,
        year=year,
        years=sorted({*register.years(session, organization.id), scope.today().year}, reverse=True),
        entries=entries,
        copies=signed.current_for(session, [d.id for d in entries if d.id]),
        kind_labels={d.id: _kind_label(d) for d in entries},
        form=form,
        clerk=permissions.allows(actor, Can.KEEP_REGISTER, organization.id),
        next_number=register.next_number(session, organization, "KH", scope.today().year),
    ), status


def _kind_label(document: Document) -> str:
    kind = kinds.kind_of(document)
    return kind.label if kind else ""


@bp.route("/register/check")
def register_check() -> ResponseReturnValue:
    """Whether a number is free, for the warning shown as the clerk types (JSON)."""
    organization = _organization()
    doc_type = request.args.get("type", "")
    number = request.args.get("number", type=scope.whole_number)
    day = request.args.get("issued_on") or ""
    try:
        issued_on = date.fromisoformat(day) if day else scope.today()
    except ValueError:
        issued_on = scope.today()
    year = issued_on.year
    if number is None or number < 1:
        return jsonify({"available": None, "message": ""})
    taken = register.taken_by(scope.db(), organization, doc_type, number, year)
    later = register.later_dated(scope.db(), organization, doc_type, number, issued_on)
    return jsonify(
        {
            "available": taken is None,
            "symbol": register.format_symbol(number, doc_type, organization.code),
            "year": year,
            "message": register.duplicate_message(taken) if taken else "",
            "warning": register.out_of_order_message(later, issued_on) if later else "",
        }
    )


# --- the periodic report and the disclosure list --------------------------------------------


def _half_year(today: date) -> tuple[date, date]:
    if today.month <= 6:
        return date(today.year, 1, 1), date(today.year, 6, 30)
    return date(today.year, 7, 1), date(today.year, 12, 31)


@bp.route("/documents/report")
def report_page() -> ResponseReturnValue:
    session, organization = scope.db(), _organization()
    default_start, default_end = _half_year(scope.today())
    start = parse_day(request.args.get("from") or default_start.isoformat(), "from")
    end = parse_day(request.args.get("to") or default_end.isoformat(), "to")
    if end < start:
        start, end = end, start
    period = periodic.Period(start, end)
    text = periodic.markdown(
        periodic.context(session, organization, period, scope.runtime().catalog)
    )
    fmt = request.args.get("format")
    stem = f"bao-cao-{organization.code}-{start}-{end}"
    if fmt == "md":
        return send_file(
            io.BytesIO(text.encode()),
            mimetype="text/markdown; charset=utf-8",
            as_attachment=True,
            download_name=f"{stem}.md",
        )
    if fmt == "docx":
        return send_file(
            io.BytesIO(periodic.docx(session, organization, period, text)),
            mimetype=render.DOCX_MIME,
            as_attachment=True,
            download_name=f"{stem}.docx",
        )
    return render_template(
        "documents/report.html",
        organization=organization,
        start=start,
        end=end,
        blocks=periodic.blocks(text),
    )


@bp.route("/register/disclosures")
def disclosures_page() -> ResponseReturnValue:
    session, organization = scope.db(), _organization()
    today = scope.today()
    year = request.args.get("year", type=scope.calendar_year) or today.year
    number = request.args.get("quarter", type=scope.whole_number) or disclosures.quarter_of(today)
    if number not in (1, 2, 3, 4):
        abort(404)
    start, end = disclosures.quarter(year, number)
    items = disclosures.listing(session, organization, start, end)
    if request.args.get("format") == "csv":
        return send_file(
            io.BytesIO(disclosures.to_csv(items)),
            mimetype="text/csv; charset=utf-8",
            as_attachment=True,
            download_name=f"cong-khai-{organization.code}-{year}-q{number}.csv",
        )
    return render_template(
        "documents/disclosures.html",
        organization=organization,
        year=year,
        quarter=number,
        start=start,
        end=end,
        items=items,
    )
