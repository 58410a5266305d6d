"""The Fatherland Front's review workbench (staff, under ``/staff/review``): the review table
with counts, filters, search, sorting and dispositions for one opinion or many at once, and
the duplicates and campaigns. One opinion's page is in :mod:`consult.web.opinions`, the draft
versions in :mod:`consult.web.drafts`, the synthesis report and exports in
:mod:`consult.web.report`.

Who may review and when is the engine's answer (:meth:`Engine.review_refusal`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from consult import permissions, scope
from consult.i18n import _
from consult.models import Consultation
from consult.models.comment import CHANNELS, DISPOSITIONS
from consult.permissions import Can
from consult.services import answers, campaigns, consultations, opinions, organizations, synthesis
from consult.services import review as reviewing
from consult.web import common
from consult.web.common import Refused, perform
from consult.workflow.reviewing import Act

bp = Blueprint("review", __name__, url_prefix="/staff")
bp.before_request(common.require_staff)

PER_PAGE = 50
FILTER_ARGS = ("article", "locality", "channel", "disposition", "anonymous", "group", "q", "sort")


class CsrfForm(FlaskForm):
    """Only the CSRF token: for the buttons that post a step."""


def consultation(consultation_id: int, capability: Can = Can.READ_STAFF_FILE) -> Consultation:
    return consultations.for_staff(scope.db(), consultation_id, scope.current_actor(), capability)


def may(item: Consultation, act: Act = "dispose") -> bool:
    """Whether the member may ``act`` to this consultation's opinions now (the engine says)."""
    engine = scope.runtime().engine
    return engine.review_refusal(scope.db(), item, scope.current_actor(), act) is None


def _filter(source: Any) -> opinions.CommentFilter:
    def arg(name: str) -> str | None:
        value = (source.get(name) or "").strip()
        return value or None

    anonymous = arg("anonymous")
    return opinions.CommentFilter(
        disposition=arg("disposition"),
        article=arg("article"),
        locality=arg("locality"),
        channel=arg("channel"),
        q=arg("q"),
        anonymous=True if anonymous == "yes" else False if anonymous == "no" else None,
        group=arg("group"),
    )


def _back(consultation_id: int, source: Any) -> str:
    query = {k: source.get(k) for k in (*FILTER_ARGS, "page") if source.get(k)}
    base = url_for("review.table", consultation_id=consultation_id)
    return f"{base}?{urlencode(query)}" if query else base


@bp.route("/review/<int:consultation_id>")
def table(consultation_id: int) -> str:
    session, actor = scope.db(), scope.current_actor()
    item = consultation(consultation_id)
    stage = scope.runtime().engine.definition_of(session, item).stage(item.state)
    flt = _filter(request.args)
    sort = request.args.get("sort") or "received"
    page = max(request.args.get("page", 1, type=scope.page_number) or 1, 1)
    found = reviewing.table_page(
        session, consultation_id, flt, page=page, per_page=PER_PAGE, sort=sort
    )
    rows, total, page = found.rows, found.total, found.page
    articles = consultations.articles(session, consultation_id)
    return render_template(
        "review/table.html",
        consultation=item,
        stage=stage,
        rows=rows,
        total=total,
        total_exact=found.exact,
        filter=flt,
        sort=sort,
        sorts=list(opinions.SORTS),
        anonymous=request.args.get("anonymous", ""),
        page=page,
        pages=found.pages,
        beyond=found.beyond,
        pageable=found.pageable,
        articles=articles,
        article_numbers={a.id: a.number for a in articles},
        localities=organizations.locality_names(session, item.organization_id),
        channels=CHANNELS,
        dispositions=DISPOSITIONS,
        glance=found.glance,
        changed=reviewing.changed_articles(session, [r.id for r in rows if r.id is not None]),
        can_review=may(item),
        can_propose=may(item, "propose"),
        can_group=may(item, "group"),
        can_enter=permissions.allows_on(actor, Can.ENTER_OPINIONS, item),
        can_revise=permissions.allows_on(actor, Can.REVISE_DRAFT, item),
        bulk=CsrfForm(),
        report=synthesis.current(session, consultation_id),
    )


@bp.route("/review/<int:consultation_id>/bulk", methods=["POST"])
def bulk(consultation_id: int) -> Response:
    now, actor, engine = scope.now(), scope.current_actor(), scope.runtime().engine
    consultation(consultation_id)
    shown = {k: request.form.get(f"f_{k}", "") for k in (*FILTER_ARGS, "page")}
    back = _back(consultation_id, shown)
    form = request.form
    picked = [int(i) for i in form.getlist("ids") if i.isdigit()]

    def apply(session: Any) -> str:
        ids = (
            reviewing.matching_ids(session, consultation_id, _filter(shown))
            if form.get("scope") == "all"
            else picked
        )
        do = form.get("do")
        if do == "group":
            count = campaigns.mark(
                session, engine, consultation_id, ids, form.get("group", ""), actor, now
            )
            return _("%(n)s opinion(s) put in the group.", n=count)
        if do == "propose":
            count = answers.propose(
                session,
                engine,
                consultation_id,
                ids,
                actor,
                now,
                disposition=form.get("disposition", ""),
                note=form.get("note", ""),
            )
            return _("Disposition proposed for %(n)s opinion(s).", n=count)
        if do == "take":
            count = answers.take_proposals(session, engine, consultation_id, ids, actor, now)
            return _("The proposed disposition was given to %(n)s opinion(s).", n=count)
        count = answers.dispose(
            session,
            engine,
            consultation_id,
            ids,
            actor,
            now,
            disposition=form.get("disposition", ""),
            reason=form.get("reason", ""),
            response=form.get("response", ""),
            group=form.get("group", "").strip() or None,
            articles=form.get("articles", "").replace(";", ",").split(","),
            unchanged_reason=form.get("unchanged_reason", ""),
        )
        return _("Disposition saved for %(n)s opinion(s).", n=count)

    done = perform(apply)
    if not isinstance(done, Refused):
        flash(done, "success")
    return redirect(back)


@bp.route("/review/<int:consultation_id>/duplicates", methods=["GET", "POST"])
def duplicates(consultation_id: int) -> Any:
    now, actor, engine = scope.now(), scope.current_actor(), scope.runtime().engine
    item = consultation(consultation_id)
    form = CsrfForm()
    if request.method == "POST":
        ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
        variants = [int(i) for i in request.form.getlist("variant") if i.isdigit()]
        key = request.form.get("key", "")
        done = perform(
            lambda session: campaigns.mark(
                session, engine, consultation_id, ids, key, actor, now, variants=variants
            )
        )
        if isinstance(done, Refused):
            return redirect(url_for("review.duplicates", consultation_id=consultation_id))
        flash(_("%(n)s opinion(s) put in the group %(key)s.", n=done, key=key), "success")
        return redirect(url_for("review.table", consultation_id=consultation_id, group=key))
    # Finding the clusters computes and keeps the opinions' fingerprints on the way.
    found = perform(
        lambda session: campaigns.clusters(session, consultation_id, limit=campaigns.LISTED),
        lock_now=False,
    )
    return render_template(
        "review/duplicates.html",
        consultation=item,
        clusters=[] if isinstance(found, Refused) else found,
        form=form,
    )
