"""Administration under ``/staff/admin`` (the ``admin`` role, ``Can.ADMINISTER``): staff
accounts and their roles, villages and posting places, the holidays of a year.

Each view parses the form, calls one service inside :func:`~consult.web.common.perform` and
renders; the rules (who may, the last administrator, names taken) are the services'.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlmodel import Session

from consult import scope
from consult.errors import ConsultError
from consult.i18n import _
from consult.models import Organization
from consult.services import administration, calendar_updates
from consult.web import common
from consult.web.admin_forms import (
    HolidayForm,
    PostingPlaceForm,
    UserChangeForm,
    UserForm,
    VillageForm,
    holiday_payload,
    role_choices,
)
from consult.web.common import Refused, perform

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")


@bp.before_request
def require_administrator() -> Any:
    refused = common.require_staff()
    if refused is not None:
        return refused
    g.admin_org = administration.organization_for(
        scope.db(), scope.current_actor(), request.args.get("org")
    )
    return None


def administered() -> Organization:
    organization: Organization = g.admin_org
    return organization


@bp.route("/")
def index() -> str:
    return render_template("admin/index.html", organization=administered())


@bp.route("/users", methods=["GET", "POST"])
def users() -> Any:
    actor, organization = scope.current_actor(), administered()
    form = UserForm()
    form.roles.choices = role_choices()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 422
        else:
            done = perform(
                lambda s: (
                    administration.add_user(
                        s,
                        actor,
                        organization,
                        username=(form.username.data or "").strip(),
                        password=form.password.data or "",
                        roles=form.roles.data or [],
                        full_name=form.full_name.data or "",
                        now=scope.now(),
                    ).username
                ),
                form=form,
                aliases={"role": "roles"},
            )
            if not isinstance(done, Refused):
                flash(_("Account %(name)s created.", name=done), "success")
                return redirect(url_for("admin.users"))
            status = done.status
    members = administration.staff(scope.db(), actor, organization)
    return render_template(
        "admin/users.html", form=form, members=members, organization=organization
    ), status


@bp.route("/users/<username>", methods=["GET", "POST"])
def user(username: str) -> Any:
    actor, organization = scope.current_actor(), administered()
    found = administration.member(scope.db(), actor, organization, username)
    form = UserChangeForm(data={"roles": list(found.roles), "active": found.active})
    form.roles.choices = role_choices()
    status = 200
    if request.method == "POST":  # the CSRF token is checked before any view
        done = perform(
            lambda s: administration.change_user(
                s,
                actor,
                organization,
                username,
                roles=form.roles.data or [],
                active=bool(form.active.data),
                now=scope.now(),
            ),
            form=form,
        )
        if not isinstance(done, Refused):
            flash(_("Account %(name)s saved.", name=username), "success")
            return redirect(url_for("admin.users"))
        status = done.status
    return render_template("admin/user.html", form=form, member=found), status


def _places_page(village_form: VillageForm, place_form: PostingPlaceForm, status: int) -> Any:
    session, organization = scope.db(), administered()
    villages = administration.villages(session, organization)
    place_form.village.choices = [("", _("— none —")), *[(v.name, v.name) for v in villages]]
    places = [
        (p, administration.village_name(session, p))
        for p in administration.posting_places(session, organization)
    ]
    return render_template(
        "admin/places.html",
        village_form=village_form,
        place_form=place_form,
        villages=villages,
        places=places,
    ), status


@bp.route("/villages", methods=["GET", "POST"])
def villages() -> Any:
    form = VillageForm(prefix="village")
    if request.method == "POST":
        if not form.validate_on_submit():
            return _places_page(form, PostingPlaceForm(prefix="place", formdata=None), 422)
        actor, organization, name = scope.current_actor(), administered(), form.name.data or ""
        done = perform(
            lambda s: administration.add_village(s, actor, organization, name, scope.now()).name,
            form=form,
        )
        if isinstance(done, Refused):
            return _places_page(form, PostingPlaceForm(prefix="place", formdata=None), done.status)
        flash(_("Village %(name)s added.", name=done), "success")
        return redirect(url_for("admin.villages"))
    return _places_page(form, PostingPlaceForm(prefix="place"), 200)


@bp.route("/posting-places", methods=["POST"])
def posting_places() -> Any:
    form = PostingPlaceForm(prefix="place")
    if not form.validate_on_submit():
        return _places_page(VillageForm(prefix="village", formdata=None), form, 422)
    actor, organization = scope.current_actor(), administered()
    name, village = form.place.data or "", form.village.data or None
    done = perform(
        lambda s: (
            administration.add_posting_place(
                s, actor, organization, name, scope.now(), village=village
            ).name
        ),
        form=form,
        aliases={"name": "place"},
    )
    if isinstance(done, Refused):
        return _places_page(VillageForm(prefix="village", formdata=None), form, done.status)
    flash(_("Posting place %(name)s added.", name=done), "success")
    return redirect(url_for("admin.villages"))


@bp.route("/holidays", methods=["GET", "POST"])
def holidays() -> Any:
    runtime, today = scope.runtime(), scope.today()
    calendar = runtime.calendar
    years = [today.year, today.year + 1]
    shown = request.args.get("year", type=scope.calendar_year) or today.year + 1
    form = HolidayForm(data={"year": str(today.year + 1)})
    form.year.choices = [(str(y), str(y)) for y in years]
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 422
        else:
            actor, year = scope.current_actor(), int(form.year.data or 0)

            def enter(session: Session) -> calendar_updates.Announced:
                return calendar_updates.announce_year(
                    session,
                    calendar,
                    year=year,
                    data=holiday_payload(form),
                    actor=actor,
                    now=scope.now(),
                )

            done = perform(enter, form=form)
            if not isinstance(done, Refused):
                runtime.use_calendar(done.calendar)
                flash(
                    _(
                        "The holidays of %(year)s are entered; %(n)s running window(s) moved.",
                        year=year,
                        n=len(done.moved),
                    ),
                    "success",
                )
                return redirect(url_for("admin.holidays", year=year))
            status = done.status
            shown = year
    try:
        described = calendar_updates.describe_year(calendar, shown)
    except ConsultError:
        described = None
    held = sorted(calendar.origins.items())
    return render_template(
        "admin/holidays.html", form=form, held=held, shown=shown, described=described
    ), status
