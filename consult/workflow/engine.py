"""The workflow engine: start a consultation, list what an actor may do, take an action,
and reconcile the windows that are due.

Taking an action is one transaction: role check, payload validation, guards, then a
compare-and-set on the consultation's state and version (``UPDATE … WHERE state=? AND
version=?``; no row means someone else won, a clean 409), the documents it records, its
effects, the windows it opens or closes, and one audit entry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import bindparam, update
from sqlalchemy.engine import Engine as DbEngine
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from consult import permissions
from consult.actor import SYSTEM, Actor
from consult.calendar import LegalCalendar, format_deadline
from consult.errors import Conflict, Forbidden, Invalid, NotAllowedNow, NotFound
from consult.i18n import _, current_language
from consult.ledger import audit
from consult.models import (
    Article,
    ArticleText,
    Consultation,
    DraftVersion,
    Organization,
    Window,
)
from consult.permissions import Can
from consult.workflow.catalog import Catalog
from consult.workflow.context import ActionContext
from consult.workflow.definition import Action, Definition, PayloadField, WindowSpec
from consult.workflow.duration import Duration
from consult.workflow.registry import EFFECTS, GUARDS

log = logging.getLogger(__name__)
RECONCILE_BATCH = 200

# The two writes every transition makes, built once (statement building costs more than
# running them on the hot path of the scheduler's batches).
_consultation = Consultation.__table__  # type: ignore[attr-defined]
_CAS = (
    update(_consultation)
    .where(
        _consultation.c.id == bindparam("id_"),
        _consultation.c.state == bindparam("source"),
        _consultation.c.version == bindparam("version_"),
    )
    .values(
        state=bindparam("target"), version=bindparam("next_version"), updated_at=bindparam("now")
    )
)
_window = Window.__table__  # type: ignore[attr-defined]
_CLOSE_WINDOW = (
    update(_window)
    .where(
        _window.c.consultation_id == bindparam("consultation_id_"),
        _window.c.name == bindparam("name_"),
        _window.c.closed_at.is_(None),
    )
    .values(closed_at=bindparam("now"))
)


@dataclass(frozen=True)
class ArticleInput:
    number: str
    title: str
    text: str
    chapter: str = ""


@dataclass(frozen=True)
class ActionOption:
    """An action of the current stage that the actor holds a role for."""

    action: Action
    blocked_by: str | None
    """Why it cannot be taken right now, or None when it can."""

    @property
    def allowed(self) -> bool:
        return self.blocked_by is None


@dataclass(frozen=True)
class Transition:
    consultation_id: int
    action: str
    source: str
    target: str


class Engine:
    def __init__(self, catalog: Catalog, calendar: LegalCalendar) -> None:
        self.catalog = catalog
        self.calendar = calendar
        self._schemas: dict[tuple[str, str, str, str], Schema] = {}

    # --- reading ------------------------------------------------------------------------

    def definition_of(self, session: Session, consultation: Consultation) -> Definition:
        return self.catalog.pinned(session, consultation.workflow_hash)

    def get(self, session: Session, consultation_id: int) -> Consultation:
        consultation = session.get(Consultation, consultation_id)
        if consultation is None:
            raise NotFound(_("Consultation %(id)s does not exist.", id=consultation_id))
        return consultation

    def options(
        self, session: Session, consultation: Consultation, actor: Actor, now: datetime
    ) -> list[ActionOption]:
        """The current stage's actions the actor holds a role for, each allowed or not (why)."""
        definition = self.definition_of(session, consultation)
        stage = definition.stage(consultation.state)
        organization = self._organization(session, consultation)
        result = []
        for action in stage.actions.values():
            if action.is_system or not self._may(actor, organization, action):
                continue
            ctx = self._context(
                session, definition, action, consultation, organization, actor, {}, now
            )
            result.append(ActionOption(action, self._first_refusal(ctx)))
        return result

    def payload_defaults(
        self,
        session: Session,
        consultation: Consultation,
        action: Action,
        actor: Actor,
        now: datetime,
    ) -> dict[str, Any]:
        """Each payload field's default for this actor now (to prefill forms)."""
        organization = self._organization(session, consultation)
        return {f.name: self._default(f, organization, actor, now) for f in action.payload}

    def allowed_actions(
        self, session: Session, consultation: Consultation, actor: Actor, now: datetime
    ) -> list[Action]:
        return [o.action for o in self.options(session, consultation, actor, now) if o.allowed]

    # --- starting -----------------------------------------------------------------------

    def start(
        self,
        session: Session,
        *,
        organization: Organization,
        actor: Actor,
        workflow_id: str,
        title: str,
        summary: str,
        articles: list[ArticleInput],
        now: datetime,
    ) -> Consultation:
        assert organization.id is not None
        permissions.require(actor, Can.START_CONSULTATION, organization.id)
        definition = self.catalog.get(workflow_id)
        self.catalog.snapshot(session, definition, now)
        consultation = Consultation(
            organization_id=organization.id,
            workflow_id=definition.id,
            workflow_version=definition.version,
            workflow_hash=definition.source_hash,
            title=title,
            summary=summary,
            state=definition.initial,
            created_at=now,
            updated_at=now,
            created_by_id=actor.user_id,
        )
        session.add(consultation)
        session.flush()
        assert consultation.id is not None
        draft = DraftVersion(
            consultation_id=consultation.id,
            number=1,
            created_at=now,
            created_by_id=actor.user_id,
            note=_("Draft put to consultation"),
        )
        session.add(draft)
        session.flush()
        assert draft.id is not None
        for position, item in enumerate(articles):
            article = Article(
                consultation_id=consultation.id, number=item.number, position=position
            )
            session.add(article)
            session.flush()
            assert article.id is not None
            session.add(
                ArticleText(
                    article_id=article.id,
                    draft_version_id=draft.id,
                    chapter=item.chapter,
                    title=item.title,
                    text=item.text,
                )
            )
        audit.record(
            session,
            now=now,
            actor=actor,
            action="start",
            organization_id=organization.id,
            consultation_id=consultation.id,
            detail={
                "workflow": definition.id,
                "version": definition.version,
                "hash": definition.source_hash,
                "title": title,
                "articles": len(articles),
            },
        )
        return consultation

    # --- taking an action ---------------------------------------------------------------

    def take(
        self,
        session: Session,
        consultation_id: int,
        action_name: str,
        actor: Actor,
        payload: dict[str, Any],
        now: datetime,
        *,
        windows: list[Window] | None = None,
    ) -> ActionContext:
        """Take ``action_name`` on the consultation as ``actor`` (see the module docstring).

        ``windows``: the consultation's windows when the caller has loaded them already (the
        scheduler's batches); otherwise they are read when a rule first needs them.
        """
        consultation = self.get(session, consultation_id)
        definition = self.definition_of(session, consultation)
        organization = self._organization(session, consultation)
        action = self._action_here(session, definition, consultation, action_name)
        if not self._may(actor, organization, action):
            raise Forbidden(permissions.step_refusal(action.title, action.roles))
        clean = self._validate_payload(definition, action, organization, actor, payload, now)
        ctx = self._context(
            session, definition, action, consultation, organization, actor, clean, now
        )
        if windows is not None:
            ctx._windows = list(windows)
        refusal = self._first_refusal(ctx)
        if refusal:
            raise NotAllowedNow(refusal)
        self._compare_and_set(session, consultation, action, now)
        self._record_documents(ctx)
        self._close_windows(ctx)
        for spec in definition.windows_opened_by(action.name):
            self._open_window(ctx, spec)
        for name in action.effects:
            EFFECTS[name](ctx)
        audit.record(
            session,
            now=now,
            actor=actor,
            action=action.name,
            organization_id=organization.id,
            consultation_id=consultation.id,
            detail={
                "from": action.source,
                "to": action.target,
                "payload": clean,
                "documents": [d.symbol for d in ctx.documents],
                **ctx.notes,
            },
        )
        session.flush()
        return ctx

    def _organization(self, session: Session, consultation: Consultation) -> Organization:
        organization = session.get(Organization, consultation.organization_id)
        assert organization is not None
        return organization

    def _may(self, actor: Actor, organization: Organization, action: Action) -> bool:
        assert organization.id is not None
        return permissions.holds_any(actor, organization.id, action.roles)

    def _action_here(
        self, session: Session, definition: Definition, consultation: Consultation, name: str
    ) -> Action:
        stage = definition.stage(consultation.state)
        if name in stage.actions:
            return stage.actions[name]
        elsewhere = definition.actions_named(name)
        if not elsewhere:
            raise NotFound(
                _(
                    "Unknown action %(action)s in workflow %(workflow)s.",
                    action=name,
                    workflow=definition.id,
                )
            )
        message = _(
            "«%(action)s» cannot be taken at the stage «%(stage)s».",
            action=elsewhere[0].title,
            stage=stage.title,
        )
        now_open = [
            w
            for w in session.exec(
                select(Window).where(
                    Window.consultation_id == consultation.id, col(Window.closed_at).is_(None)
                )
            )
        ]
        if now_open:
            window = min(now_open, key=lambda w: w.closes_at)
            message += " " + _(
                "The current window ends at %(moment)s (Vietnam time).",
                moment=format_deadline(window.closes_at, lang=current_language()),
            )
        raise NotAllowedNow(message)

    def _context(
        self,
        session: Session,
        definition: Definition,
        action: Action,
        consultation: Consultation,
        organization: Organization,
        actor: Actor,
        payload: dict[str, Any],
        now: datetime,
    ) -> ActionContext:
        return ActionContext(
            session=session,
            definition=definition,
            action=action,
            consultation=consultation,
            organization=organization,
            actor=actor,
            payload=payload,
            now=now,
            calendar=self.calendar,
        )

    def _first_refusal(self, ctx: ActionContext) -> str | None:
        for name in ctx.action.guards:
            refusal = GUARDS[name](ctx)
            if refusal:
                return refusal
        return None

    def _compare_and_set(
        self, session: Session, consultation: Consultation, action: Action, now: datetime
    ) -> None:
        result = session.connection().execute(
            _CAS,
            {
                "id_": consultation.id,
                "source": action.source,
                "version_": consultation.version,
                "target": action.target,
                "next_version": consultation.version + 1,
                "now": now,
            },
        )
        if result.rowcount != 1:
            raise Conflict(
                _("Someone else changed this consultation a moment ago; reload it and try again.")
            )
        set_committed_value(consultation, "state", action.target)
        set_committed_value(consultation, "version", consultation.version + 1)
        set_committed_value(consultation, "updated_at", now)

    # --- payload ------------------------------------------------------------------------

    def _validate_payload(
        self,
        definition: Definition,
        action: Action,
        organization: Organization,
        actor: Actor,
        payload: dict[str, Any],
        now: datetime,
    ) -> dict[str, Any]:
        if not isinstance(payload, dict):
            raise Invalid(_("The payload must be a JSON object."))
        data = dict(payload)
        for item in action.payload:
            if data.get(item.name) in (None, "") and not item.required:
                default = self._default(item, organization, actor, now)
                if default is None:
                    data.pop(item.name, None)
                else:
                    data[item.name] = default
        schema = self._payload_schema(definition, action)
        try:
            clean: dict[str, Any] = schema.load(data)
        except ValidationError as exc:
            fields_ = {
                k: " ".join(v) if isinstance(v, list) else str(v)
                for k, v in exc.normalized_messages().items()
            }
            fields_ = {
                k: _("Unknown field: remove it.") if v == "Unknown field." else v
                for k, v in fields_.items()
            }
            raise Invalid(
                _("Some fields are not valid: %(names)s.", names=", ".join(fields_)), fields=fields_
            ) from exc
        for spec in definition.windows_opened_by(action.name):
            self._check_window_length(spec, clean)
        return clean

    def _payload_schema(self, definition: Definition, action: Action) -> Schema:
        """Built once per definition, action and language (messages are translated)."""
        key = (definition.source_hash, action.source, action.name, current_language())
        schema = self._schemas.get(key)
        if schema is None:
            fields_ = {f.name: _payload_field(f) for f in action.payload}
            schema = self._schemas[key] = Schema.from_dict(fields_)()
        return schema

    def _default(
        self, item: PayloadField, organization: Organization, actor: Actor, now: datetime
    ) -> Any:
        provider = item.default_from
        if provider == "today":
            return self.calendar.local_date(now).isoformat()
        if provider == "posting_places":
            from consult.services.organizations import posting_place_names

            return posting_place_names(organization)
        if provider == "acting_user":
            return actor.display_name
        if provider == "acting_user_title":
            return actor.title
        return item.default

    def _check_window_length(self, spec: WindowSpec, clean: dict[str, Any]) -> None:
        if not spec.set_by or clean.get(spec.set_by) is None:
            return
        asked = Duration(int(clean[spec.set_by]), spec.duration.unit)
        if spec.minimum and asked.approximate < spec.minimum.approximate:
            message = _(
                "%(window)s must be at least %(minimum)s (%(basis)s).",
                window=spec.title,
                minimum=spec.minimum.describe(),
                basis=spec.basis,
            )
            raise Invalid(message, fields={spec.set_by: message})
        if asked.amount < 1:
            raise Invalid(_("A window lasts at least 1."), fields={spec.set_by: _("At least 1.")})

    # --- documents and windows ----------------------------------------------------------

    def _record_documents(self, ctx: ActionContext) -> None:
        from consult.ledger import register

        for spec in ctx.action.records:
            issued_on = ctx.payload.get(spec.issued_on_from or "") or ctx.today
            ctx.documents.append(
                register.record(
                    ctx.session,
                    ctx.organization,
                    doc_type=spec.type,
                    issued_on=issued_on,
                    subject=spec.subject.format(title=ctx.consultation.title),
                    now=ctx.now,
                    number=ctx.payload.get(spec.number_from or ""),
                    consultation_id=ctx.consultation.id,
                    signer_name=ctx.payload.get("signer_name") or "",
                    signer_title=ctx.payload.get("signer_title") or "",
                    action=ctx.action.name,
                )
            )

    def _open_window(self, ctx: ActionContext, spec: WindowSpec) -> Window:
        duration = spec.duration
        if spec.set_by and ctx.payload.get(spec.set_by):
            duration = Duration(int(ctx.payload[spec.set_by]), duration.unit)
        start_day = ctx.payload.get(spec.start_from or "")
        tz = self.calendar.tz
        if start_day is not None:
            opens_at = datetime.combine(start_day, time(0), tzinfo=tz).astimezone(UTC)
        else:
            opens_at, start_day = ctx.now, ctx.today
        if duration.unit == "d":
            closes_at = self.calendar.period_end(start_day, duration.amount)
        elif duration.unit == "wd":
            closes_at = self.calendar.working_days_end(start_day, duration.amount)
        else:
            closes_at = max(opens_at, ctx.now) + duration.approximate
        window = Window(
            consultation_id=ctx.consultation_id,
            name=spec.name,
            opens_at=opens_at,
            closes_at=closes_at,
            duration=str(duration),
            on_close=spec.on_close,
            accepts_comments=spec.accepts_comments,
            basis=spec.basis,
        )
        ctx.session.add(window)
        ctx.session.flush()
        ctx.windows().append(window)
        return window

    def _close_windows(self, ctx: ActionContext) -> None:
        for spec in ctx.definition.windows.values():
            if spec.on_close != ctx.action.name:
                continue
            result = ctx.session.connection().execute(
                _CLOSE_WINDOW,
                {"consultation_id_": ctx.consultation_id, "name_": spec.name, "now": ctx.now},
            )
            if result.rowcount != 1:
                raise Conflict(_("This window was already closed."))
            for window in ctx.windows():
                if window.name == spec.name:
                    set_committed_value(window, "closed_at", ctx.now)

    # --- the scheduler's pass -----------------------------------------------------------

    def due_windows(self, session: Session, now: datetime) -> list[tuple[int, str]]:
        query = (
            select(Window.consultation_id, Window.on_close)
            .where(
                col(Window.closed_at).is_(None),
                col(Window.on_close).is_not(None),
                Window.closes_at <= now,
            )
            .order_by(col(Window.closes_at), col(Window.id))
        )
        return [(cid, str(action)) for cid, action in session.exec(query)]

    def reconcile(self, db: DbEngine, now: datetime) -> list[Transition]:
        """Apply every transition that is due at ``now``, each once, oldest first.

        Idempotent and safe to run from many processes at once: each transition is its own
        compare-and-set, and a pass that loses the race simply skips it. Transitions are
        committed in batches, each inside its own savepoint, so one refusal rolls back only
        itself and a large backlog (after downtime) costs few commits.
        """
        from consult.db import write_session

        with Session(db) as session:
            due = self.due_windows(session, now)
        applied: list[Transition] = []
        for start in range(0, len(due), RECONCILE_BATCH):
            batch = due[start : start + RECONCILE_BATCH]
            try:
                with write_session(db) as session:
                    applied.extend(self._apply_batch(session, batch, now, strict=True))
            except (Conflict, NotAllowedNow):
                # Someone else took one of them first: redo this batch one by one, skipping
                # what is no longer due. Rare (several schedulers), so the fast path is optimistic.
                for item in batch:
                    with write_session(db) as session:
                        applied.extend(self._apply_batch(session, [item], now, strict=False))
        return applied

    def _apply_batch(
        self, session: Session, batch: list[tuple[int, str]], now: datetime, *, strict: bool
    ) -> list[Transition]:
        """Take each due system action in one transaction; the batch's rows are read at once."""
        ids = [consultation_id for consultation_id, _action in batch]
        loaded = list(session.exec(select(Consultation).where(col(Consultation.id).in_(ids))))
        windows: dict[int, list[Window]] = {cid: [] for cid in ids}
        for window in session.exec(select(Window).where(col(Window.consultation_id).in_(ids))):
            windows[window.consultation_id].append(window)
        applied = []
        for consultation_id, action_name in batch:
            try:
                ctx = self.take(
                    session,
                    consultation_id,
                    action_name,
                    SYSTEM,
                    {},
                    now,
                    windows=windows[consultation_id],
                )
            except (Conflict, NotAllowedNow) as exc:
                if strict:
                    raise
                log.info("skipped %s on %s: %s", action_name, consultation_id, exc)
                continue
            applied.append(
                Transition(consultation_id, action_name, ctx.action.source, ctx.action.target)
            )
        del loaded  # held until here: the session's identity map keeps objects only weakly
        return applied


def _payload_field(item: PayloadField) -> fields.Field:
    required = {"required": _("Required: %(what)s.", what=item.title or item.name)}
    if item.type in ("string", "text"):
        limit = item.max_length or (500 if item.type == "string" else 20000)
        return fields.String(
            required=item.required,
            validate=validate.Length(max=limit),
            error_messages={**required, "invalid": _("Must be text.")},
        )
    if item.type == "date":
        return fields.Date(
            required=item.required,
            error_messages={
                **required,
                "invalid": _("Not a valid date: write YYYY-MM-DD, e.g. 2024-03-04."),
            },
        )
    if item.type == "integer":
        rule = validate.Range(min=item.minimum) if item.minimum is not None else None
        return fields.Integer(
            required=item.required,
            strict=False,
            validate=rule,
            error_messages={**required, "invalid": _("Must be a whole number.")},
        )
    if item.type == "boolean":
        return fields.Boolean(required=item.required, error_messages={**required})
    return fields.List(
        fields.String(validate=validate.Length(min=1, max=200)),
        required=item.required,
        error_messages={**required, "invalid": _("Must be a list of texts.")},
    )
