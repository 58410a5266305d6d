"""Staff pages (login required): the dashboard, a consultation's file, the action forms
generated from the workflow definition, the review of opinions and the entry of offline ones.

Views parse, call the engine or a service, and render. Role rules live in the engine and in
:mod:`consult.services.comments`; the pages only ask them, so the UI and the API agree.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from consult import permissions, scope
from consult.actor import Actor
from consult.errors import ConsultError, Forbidden, Invalid, NotAllowedNow, NotFound
from consult.i18n import _
from consult.ledger import audit
from consult.models import Comment, Consultation, Organization
from consult.models.comment import CHANNELS, DISPOSITIONS
from consult.permissions import Can
from consult.services import comments, compliance, consultations, notifications, organizations
from consult.web import common
from consult.web.auth import safe_next
from consult.web.forms import (
    OFFLINE_CHANNELS,
    OTHER_LOCALITY,
    DispositionForm,
    NewConsultationForm,
    OfflineOpinionForm,
    action_form,
    action_payload,
    parse_articles,
)
from consult.web.public import chapters
from consult.workflow.definition import Action, Definition
from consult.workflow.engine import ActionOption

bp = Blueprint("staff", __name__, url_prefix="/staff")

COMMENTS_PER_PAGE = 50


bp.before_request(common.require_staff)
_writing = common.start_writing


def _consultation(
    actor: Actor, consultation_id: int, capability: Can = Can.READ_STAFF_FILE
) -> Consultation:
    return consultations.for_staff(scope.db(), consultation_id, actor, capability)


def _stages(definition: Definition, state: str) -> list[dict[str, Any]]:
    """Every stage of the definition in order, marked done, current or next."""
    names = list(definition.stages)
    here = names.index(state) if state in names else -1
    return [
        {
            "stage": definition.stages[name],
            "status": "done" if i < here else "current" if i == here else "next",
        }
        for i, name in enumerate(names)
    ]


# --- dashboard ------------------------------------------------------------------------------


@bp.route("/")
def dashboard() -> str:
    session, now, actor = scope.db(), scope.now(), scope.current_actor()
    engine = scope.runtime().engine
    groups: dict[str, dict[str, Any]] = {}
    for organization_id in actor.roles_by_org:
        for item in consultations.listing(session, organization_id=organization_id):
            definition = engine.definition_of(session, item)
            group = groups.setdefault(
                item.state,
                {
                    "title": definition.stage(item.state).title,
                    "order": list(definition.stages).index(item.state),
                    "final": definition.stage(item.state).final,
                    "rows": [],
                },
            )
            assert item.id is not None
            group["rows"].append(
                {
                    "consultation": item,
                    "workflow": definition.title,
                    "options": engine.options(session, item, actor, now),
                    "window": comments.comment_window(session, item.id),
                    "publication": _publication_due(session, item.id, now),
                }
            )
    ordered = sorted(groups.values(), key=lambda g: (g["final"], g["order"]))
    counts = consultations.comment_counts(
        session, [r["consultation"].id for g in ordered for r in g["rows"]]
    )
    can_draft = bool(permissions.organizations_where(actor, Can.START_CONSULTATION))
    notices = notifications.unread(session, actor.user_id) if actor.user_id else []
    return render_template(
        "staff/dashboard.html",
        notices=notices,
        groups=ordered,
        counts=counts,
        can_draft=can_draft,
        actor=actor,
    )


def _publication_due(session: Any, consultation_id: int, now: Any) -> dict[str, Any] | None:
    """An issued decision not yet published: its deadline (5 working days, Art. 12(3))."""
    calendar = scope.runtime().calendar
    for document in consultations.documents(session, consultation_id, published_only=False):
        if document.type in notifications.PUBLISHED_TYPES and document.published_on is None:
            return {
                "document": document,
                "deadline": notifications.publication_deadline(calendar, document),
                "overdue": notifications.is_publication_overdue(calendar, document, now),
            }
    return None


@bp.route("/notices/read", methods=["POST"])
def mark_notices_read() -> Any:
    """Mark some of the user's own notices read (the form sends their ids)."""
    session = _writing()
    actor = scope.current_actor()
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    if actor.user_id is not None:
        notifications.mark_read(session, actor.user_id, ids, scope.now())
        common.commit()
    return redirect(safe_next(request.form.get("next"), url_for("staff.dashboard")))


@bp.route("/notifications", methods=["GET", "POST"])
def notification_settings() -> Any:
    """Each user chooses which notices they receive, by e-mail and on the dashboard."""
    actor = scope.current_actor()
    assert actor.user_id is not None
    if request.method == "POST":
        session = _writing()
        for kind in notifications.KINDS:
            notifications.set_preference(
                session,
                actor.user_id,
                kind,
                email=request.form.get(f"{kind}-email") == "on",
                in_app=request.form.get(f"{kind}-in_app") == "on",
            )
        common.commit()
        flash(_("Your notification choices are saved."), "success")
        return redirect(url_for("staff.notification_settings"))
    return render_template(
        "staff/notification_settings.html",
        preferences=notifications.preferences(scope.db(), actor.user_id),
        titles=notifications.KIND_TITLES,
    )


# --- a consultation's file -----------------------------------------------------------------


@bp.route("/consultations/<int:consultation_id>")
def consultation(consultation_id: int) -> str:
    session, now, actor = scope.db(), scope.now(), scope.current_actor()
    engine = scope.runtime().engine
    item = _consultation(actor, consultation_id)
    definition = engine.definition_of(session, item)
    stage = definition.stage(item.state)
    articles = consultations.articles(session, consultation_id)
    recent, total = comments.search(
        session, consultation_id, comments.CommentFilter(), page=1, per_page=10
    )
    return render_template(
        "staff/consultation.html",
        consultation=item,
        definition=definition,
        stage=stage,
        stages=_stages(definition, item.state),
        options=engine.options(session, item, actor, now),
        window=comments.comment_window(session, consultation_id),
        open_window=comments.check_open_or_none(session, item, now),
        windows=consultations.windows(session, consultation_id),
        window_titles={w.name: w.title for w in definition.windows.values()},
        chapters=chapters(articles),
        article_numbers={a.id: a.number for a in articles},
        counts=consultations.counts_by_article(session, consultation_id),
        comments=recent,
        comment_total=total,
        documents=consultations.documents(session, consultation_id, published_only=False),
        postings=consultations.postings(session, consultation_id),
        trail=audit.trail(session, consultation_id),
        can_enter=permissions.allows_on(actor, Can.ENTER_OPINIONS, item),
        warnings=compliance.warnings(session, definition, item),
        action_titles={
            a.name: a.title for s in definition.stages.values() for a in s.actions.values()
        },
    )


# --- actions ---------------------------------------------------------------------------------


def _option(
    definition: Definition, consultation: Consultation, actor: Actor, action_name: str
) -> ActionOption:
    """The actor's option for ``action_name`` now, or the error saying why there is none."""
    session, now = scope.db(), scope.now()
    engine = scope.runtime().engine
    for option in engine.options(session, consultation, actor, now):
        if option.action.name == action_name:
            return option
    stage = definition.stage(consultation.state)
    action = stage.actions.get(action_name)
    if action is not None:
        raise Forbidden(permissions.step_refusal(action.title, action.roles))
    elsewhere = definition.actions_named(action_name)
    if not elsewhere:
        raise NotFound(
            _(
                "Unknown action %(action)s in workflow %(workflow)s.",
                action=action_name,
                workflow=definition.id,
            )
        )
    raise NotAllowedNow(
        _(
            "«%(action)s» cannot be taken at the stage «%(stage)s».",
            action=elsewhere[0].title,
            stage=stage.title,
        )
    )


def _apply_errors(form: FlaskForm, exc: ConsultError, action: Action | None = None) -> None:
    """Put each field's message next to its input; the rest above the form."""
    number_fields = [r.number_from for r in action.records if r.number_from] if action else []
    for name, message in exc.fields.items():
        target = name
        if name not in form and name == "number" and number_fields:
            target = number_fields[0]
        if target in form:
            form[target].errors = [*form[target].errors, str(message)]
        else:
            form.form_errors.append(str(message))
    if not exc.fields:
        form.form_errors.append(exc.message)


@bp.route("/consultations/<int:consultation_id>/actions/<action_name>", methods=["GET", "POST"])
def action(consultation_id: int, action_name: str) -> Any:
    session = _writing() if request.method == "POST" else scope.db()
    now, actor, engine = scope.now(), scope.current_actor(), scope.runtime().engine
    item = _consultation(actor, consultation_id)
    definition = engine.definition_of(session, item)
    option = _option(definition, item, actor, action_name)
    chosen = option.action
    form = action_form(chosen, engine.payload_defaults(session, item, chosen, actor, now))
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                ctx = engine.take(
                    session, consultation_id, chosen.name, actor, action_payload(chosen, form), now
                )
                symbols = [d.symbol for d in ctx.documents]
                common.commit()
            except ConsultError as exc:
                common.abandon(exc)
                _apply_errors(form, exc, chosen)
                status = exc.status
            else:
                message = _("Done: %(action)s.", action=chosen.title)
                if symbols:
                    message += " " + _("Recorded: %(symbols)s.", symbols=", ".join(symbols))
                flash(message, "success")
                return redirect(url_for("staff.consultation", consultation_id=consultation_id))
        else:
            status = 400
    return render_template(
        "staff/action.html",
        consultation=item,
        action=chosen,
        option=option,
        form=form,
        number_fields={r.number_from for r in chosen.records if r.number_from},
        stage=definition.stage(item.state),
    ), status


# --- starting a consultation -----------------------------------------------------------------


@bp.route("/consultations/new", methods=["GET", "POST"])
def new_consultation() -> Any:
    session = _writing() if request.method == "POST" else scope.db()
    now, actor, runtime = scope.now(), scope.current_actor(), scope.runtime()
    drafting = permissions.organizations_where(actor, Can.START_CONSULTATION)
    if not drafting:
        raise Forbidden(str(permissions.REFUSALS[Can.START_CONSULTATION]))
    form = NewConsultationForm()
    form.workflow.choices = [(d.id, d.title) for d in runtime.catalog.all()]
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            organization = session.get(Organization, drafting[0])
            assert organization is not None
            try:
                articles = parse_articles(form.articles.data or "")
                created = runtime.engine.start(
                    session,
                    organization=organization,
                    actor=actor,
                    workflow_id=form.workflow.data or "",
                    title=(form.title.data or "").strip(),
                    summary=(form.summary.data or "").strip(),
                    articles=articles,
                    now=now,
                )
                created_id = created.id
                common.commit()
            except ConsultError as exc:
                common.abandon(exc)
                _apply_errors(form, exc)
                status = exc.status
            else:
                flash(
                    _(
                        "The draft is saved with %(n)s article(s). Next: issue the plan and "
                        "post the draft.",
                        n=len(articles),
                    ),
                    "success",
                )
                return redirect(url_for("staff.consultation", consultation_id=created_id))
        else:
            status = 400 if form.csrf_token.errors else 422
    return render_template("staff/new.html", form=form), status


# --- opinions: review ------------------------------------------------------------------------


def _filter_from_args() -> comments.CommentFilter:
    def arg(name: str) -> str | None:
        value = (request.args.get(name) or "").strip()
        return value or None

    return comments.CommentFilter(
        disposition=arg("disposition"),
        article=arg("article"),
        locality=arg("locality"),
        channel=arg("channel"),
        q=arg("q"),
    )


@bp.route("/consultations/<int:consultation_id>/comments")
def comment_list(consultation_id: int) -> str:
    session, actor, engine = scope.db(), scope.current_actor(), scope.runtime().engine
    item = _consultation(actor, consultation_id)
    stage = engine.definition_of(session, item).stage(item.state)
    flt = _filter_from_args()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = comments.search(
        session, consultation_id, flt, page=page, per_page=COMMENTS_PER_PAGE
    )
    articles = consultations.articles(session, consultation_id)
    can_review = permissions.allows_on(actor, Can.REVIEW_OPINIONS, item) and stage.review
    forms: dict[int, DispositionForm] = {}
    if can_review:
        for row in rows:
            form = DispositionForm(
                formdata=None,
                data={
                    "disposition": row.disposition or "",
                    "reason": row.reason,
                    "response": row.response,
                    "group": row.group_key,
                    "next": request.full_path,
                },
            )
            form.fill_choices()
            assert row.id is not None
            forms[row.id] = form
    return render_template(
        "staff/comments.html",
        consultation=item,
        stage=stage,
        rows=rows,
        total=total,
        filter=flt,
        page=page,
        pages=max((total + COMMENTS_PER_PAGE - 1) // COMMENTS_PER_PAGE, 1),
        articles=articles,
        article_numbers={a.id: a.number for a in articles},
        localities=organizations.locality_names(session, item.organization_id),
        channels=CHANNELS,
        dispositions=DISPOSITIONS,
        forms=forms,
        can_review=can_review,
        can_enter=permissions.allows_on(actor, Can.ENTER_OPINIONS, item),
    )


@bp.route("/comments/<int:comment_id>/review", methods=["GET", "POST"])
def review(comment_id: int) -> Any:
    session = _writing() if request.method == "POST" else scope.db()
    now, actor, engine = scope.now(), scope.current_actor(), scope.runtime().engine
    row = session.get(Comment, comment_id)
    if row is None:
        abort(404)
    item = _consultation(
        actor,
        row.consultation_id,
        Can.REVIEW_OPINIONS,
    )
    stage = engine.definition_of(session, item).stage(item.state)
    form = DispositionForm(
        data={
            "disposition": row.disposition or "",
            "reason": row.reason,
            "response": row.response,
            "group": row.group_key,
        }
    )
    form.fill_choices()
    back = url_for("staff.comment_list", consultation_id=item.id)
    status = 200
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"), back)
    elif form.validate_on_submit():
        try:
            comments.review(
                session,
                engine,
                comment_id,
                actor,
                now,
                disposition=form.disposition.data or "",
                reason=form.reason.data or "",
                response=form.response.data or "",
                group=form.group.data or "",
            )
            receipt = row.receipt
            common.commit()
        except ConsultError as exc:
            common.abandon(exc)
            _apply_errors(form, exc)
            status = exc.status
        else:
            flash(_("Disposition saved for opinion %(receipt)s.", receipt=receipt), "success")
            return redirect(safe_next(form.next.data, back) + f"#y-kien-{comment_id}")
    else:
        status = 400
    article = next(
        (a for a in consultations.articles(session, item.id or 0) if a.id == row.article_id), None
    )
    return render_template(
        "staff/review.html", consultation=item, comment=row, form=form, stage=stage, article=article
    ), status


# --- opinions received offline ---------------------------------------------------------------


def _received_at(text: str) -> datetime:
    """The instant an offline opinion counts from: now if received today, else the end of
    that day (Vietnam time), so the window check uses the day it was actually received."""
    runtime, now = scope.runtime(), scope.now()
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        message = _("Not a valid date: write YYYY-MM-DD, e.g. 2024-03-04.")
        raise Invalid(message, fields={"received_on": message}) from None
    today = runtime.calendar.local_date(now)
    if day > today:
        message = _("The date received cannot be in the future.")
        raise Invalid(message, fields={"received_on": message})
    if day == today:
        return now
    return runtime.calendar.end_of_day(day) - timedelta(seconds=1)


@bp.route("/consultations/<int:consultation_id>/opinions/new", methods=["GET", "POST"])
def enter_opinion(consultation_id: int) -> Any:
    session = _writing() if request.method == "POST" else scope.db()
    now, actor, runtime = scope.now(), scope.current_actor(), scope.runtime()
    item = _consultation(actor, consultation_id, Can.ENTER_OPINIONS)
    articles = consultations.articles(session, consultation_id)
    form = OfflineOpinionForm()
    form.article.choices = [("", _("The draft as a whole"))] + [
        (a.number, _("Article %(number)s. %(title)s", number=a.number, title=a.title))
        for a in articles
    ]
    form.locality.choices = (
        [("", _("Not stated"))]
        + [(n, n) for n in organizations.locality_names(session, item.organization_id)]
        + [(OTHER_LOCALITY, _("Other (write below)"))]
    )
    from consult.web.filters import channel_label

    form.channel.choices = [(c, channel_label(c)) for c in OFFLINE_CHANNELS]
    if request.method == "GET":
        form.received_on.data = runtime.calendar.local_date(now).isoformat()
        form.represents.data = "1"
        form.channel.data = "paper"
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                represents_text = (form.represents.data or "1").strip()
                if not represents_text.isdigit():
                    message = _("Must be a whole number.")
                    raise Invalid(message, fields={"represents": message})
                stored = comments.submit(
                    session,
                    consultation_id,
                    comments.CommentInput(
                        body=form.body.data or "",
                        author_name=form.author_name.data or "",
                        locality=form.locality_value(),
                        contact=form.contact.data or "",
                        article=form.article.data or None,
                        channel=form.channel.data or "",
                        represents=int(represents_text),
                        received_at=_received_at(form.received_on.data or ""),
                    ),
                    now,
                    entered_by=actor,
                )
                upload = request.files.get("scan")
                if upload is not None and upload.filename:
                    from consult.services import scans

                    with upload.stream:
                        data = upload.read(scans.MAX_BYTES + 1)
                    scans.attach(
                        session,
                        runtime.settings.instance_dir / "uploads",
                        stored,
                        data,
                        upload.filename,
                        actor,
                        now,
                    )
                receipt = stored.receipt
                common.commit()
            except ConsultError as exc:
                common.abandon(exc)
                _apply_errors(form, exc)
                status = exc.status
            else:
                flash(
                    _(
                        "Opinion entered with receipt %(receipt)s. You can enter the next one.",
                        receipt=receipt,
                    ),
                    "success",
                )
                return redirect(url_for("staff.enter_opinion", consultation_id=consultation_id))
        else:
            status = 400 if form.csrf_token.errors else 422
    return render_template(
        "staff/opinion.html",
        consultation=item,
        form=form,
        other=OTHER_LOCALITY,
        window=comments.comment_window(session, consultation_id),
    ), status
