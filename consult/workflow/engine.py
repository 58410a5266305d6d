"""The workflow engine: start a consultation, say what an actor may do now, take an action.

Taking an action is one transaction: the action found in the consultation's stage or in one of
its tracks (:class:`~consult.workflow.definition.Track`), the role check (asked of
:mod:`consult.permissions`), payload validation, guards, then a compare-and-set on the
consultation's state, tracks and version (``UPDATE … WHERE state=? AND version=?``; no row
means someone else won, a clean 409), the documents it records, its effects, the windows it
opens or closes, and one audit entry. :meth:`Engine.option` says exactly what :meth:`take`
would refuse, so pages and the API never re-derive it. The scheduler's pass is in
:mod:`consult.workflow.reconcile`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Engine as DbEngine
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from consult import permissions
from consult.actor import Actor
from consult.calendar import LegalCalendar
from consult.errors import Conflict, ConsultError, Forbidden, NotAllowedNow, NotFound
from consult.i18n import _
from consult.ledger import audit, register
from consult.models import Consultation, Organization, Window
from consult.workflow import ballots, drafting
from consult.workflow import reconcile as reconciling
from consult.workflow.catalog import Catalog
from consult.workflow.context import ActionContext
from consult.workflow.definition import Action, Definition
from consult.workflow.drafting import ArticleInput
from consult.workflow.payload import Payloads
from consult.workflow.placement import action_here
from consult.workflow.registry import EFFECTS, GUARDS
from consult.workflow.reviewing import Act, review_refusal
from consult.workflow.windows import close_windows, open_window

_consultation = Consultation.__table__  # type: ignore[attr-defined]
_WHERE = (
    _consultation.c.id == bindparam("id_"),
    _consultation.c.state == bindparam("source"),
    _consultation.c.version == bindparam("version_"),
)
_CAS = (  # built once: statement building costs more than running it in the scheduler's batches
    update(_consultation)
    .where(*_WHERE)
    .values(
        state=bindparam("target"), version=bindparam("next_version"), updated_at=bindparam("now")
    )
)
_CAS_TRACK = (
    update(_consultation)
    .where(*_WHERE)
    .values(
        tracks=bindparam("tracks_", type_=_consultation.c.tracks.type),
        version=bindparam("next_version"),
        updated_at=bindparam("now"),
    )
)


@dataclass(frozen=True)
class ActionOption:
    """An action the actor may take at this point of the consultation, or why not yet."""

    action: Action
    missing: tuple[str, ...] = ()
    """Every precondition still missing (a track not yet where it must be, each guard's
    refusal), in the definition's order; empty when it can be taken now."""

    @property
    def blocked_by(self) -> str | None:
        """The first reason it cannot be taken now (what :meth:`Engine.take` answers)."""
        return self.missing[0] if self.missing else None

    @property
    def allowed(self) -> bool:
        return not self.missing


class Engine:
    def __init__(self, catalog: Catalog, calendar: LegalCalendar) -> None:
        self.catalog = catalog
        self.calendar = calendar
        self.payloads = Payloads(calendar)

    # --- reading ------------------------------------------------------------------------

    def definition_of(self, session: Session, consultation: Consultation) -> Definition:
        return self.catalog.pinned(session, consultation.workflow_hash)

    def get(self, session: Session, consultation_id: int) -> Consultation:
        consultation = session.get(Consultation, consultation_id)
        if consultation is None or consultation.deleted_at is not None:
            raise NotFound(_("Consultation %(id)s does not exist.", id=consultation_id))
        return consultation

    def options(
        self, session: Session, consultation: Consultation, actor: Actor, now: datetime
    ) -> list[ActionOption]:
        """The actions available now (the stage's and each active track's) that the actor
        holds a role for, each allowed or blocked (why)."""
        definition = self.definition_of(session, consultation)
        organization = self._organization(session, consultation)
        result = []
        available = definition.available(consultation.state, consultation.tracks)
        for action in available.values():
            if action.is_system or not self._may(actor, organization, action):
                continue
            ctx = self._context(session, definition, action, consultation, organization, actor)
            result.append(ActionOption(action, self._refusals(ctx, now)))
        return result

    def option(
        self,
        session: Session,
        consultation: Consultation,
        actor: Actor,
        action_name: str,
        now: datetime,
    ) -> ActionOption:
        """The actor's option for ``action_name`` now; raises exactly what :meth:`take` would
        before reading a payload (404 unknown, 409 not at this point, 403 wrong role)."""
        definition = self.definition_of(session, consultation)
        organization = self._organization(session, consultation)
        action = self._allowed_action(
            session, definition, consultation, organization, actor, action_name
        )
        ctx = self._context(session, definition, action, consultation, organization, actor)
        return ActionOption(action, self._refusals(ctx, now))

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
        return self.payloads.defaults(session, action, organization, actor, now)

    def review_refusal(
        self, session: Session, consultation: Consultation, actor: Actor, act: Act = "dispose"
    ) -> ConsultError | None:
        """Why the actor may not do ``act`` to the opinions now, or None (:mod:`.reviewing`)."""
        return review_refusal(self.definition_of(session, consultation), consultation, actor, act)

    def check_review(
        self, session: Session, consultation: Consultation, actor: Actor, act: Act = "dispose"
    ) -> None:
        refusal = self.review_refusal(session, consultation, actor, act)
        if refusal is not None:
            raise refusal

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
        preamble: str = "",
    ) -> Consultation:
        """A new consultation on a draft (see :mod:`consult.workflow.drafting`)."""
        return drafting.start(
            self.catalog,
            session,
            organization=organization,
            actor=actor,
            workflow_id=workflow_id,
            title=title,
            summary=summary,
            articles=articles,
            now=now,
            preamble=preamble,
        )

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
        action = self._allowed_action(
            session, definition, consultation, organization, actor, action_name
        )
        clean = self.payloads.validate(
            session, definition, action, organization, actor, payload, now
        )
        ctx = self._context(session, definition, action, consultation, organization, actor)
        ctx.payload, ctx.now = clean, now
        if windows is not None:
            ctx._windows = list(windows)
        refusal = self._first_refusal(ctx, now)
        if refusal:
            raise NotAllowedNow(refusal)
        source = consultation.state
        self._compare_and_set(session, consultation, action, now)
        self._record_documents(ctx)
        close_windows(ctx)
        for spec in definition.windows_opened_by(action.name):
            open_window(ctx, spec)
        for ballot in definition.ballots_counted_by(action.name):
            ballots.count_ballot(ctx, ballot)
        for ballot in definition.ballots_opened_by(action.name):
            ballots.open_ballot(ctx, ballot)
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
                "from": source if action.track is None else f"{action.track}:{action.source}",
                "to": consultation.state
                if action.track is None
                else f"{action.track}:{action.target}",
                "payload": clean,
                "documents": [d.symbol for d in ctx.documents],
                **ctx.notes,
            },
        )
        session.flush()
        return ctx

    def reconcile(self, db: DbEngine, now: datetime) -> list[reconciling.Transition]:
        """Apply every transition that is due at ``now`` (see :mod:`consult.workflow.reconcile`)."""
        return reconciling.reconcile(self, db, now)

    def _organization(self, session: Session, consultation: Consultation) -> Organization:
        organization = session.get(Organization, consultation.organization_id)
        assert organization is not None
        return organization

    def _may(self, actor: Actor, organization: Organization, action: Action) -> bool:
        assert organization.id is not None
        return permissions.holds_any(actor, organization.id, action.roles)

    def _allowed_action(
        self,
        session: Session,
        definition: Definition,
        consultation: Consultation,
        organization: Organization,
        actor: Actor,
        name: str,
    ) -> Action:
        # Another organization's staff learn nothing of this one's state: refused first.
        permissions.require_staff_of(actor, consultation.organization_id)
        action = action_here(session, definition, consultation, name)
        if not self._may(actor, organization, action):
            raise Forbidden(permissions.step_refusal(action.title, action.roles))
        return action

    def _context(
        self,
        session: Session,
        definition: Definition,
        action: Action,
        consultation: Consultation,
        organization: Organization,
        actor: Actor,
    ) -> ActionContext:
        return ActionContext(
            session=session,
            definition=definition,
            action=action,
            consultation=consultation,
            organization=organization,
            actor=actor,
            payload={},
            now=consultation.updated_at,
            calendar=self.calendar,
        )

    def _first_refusal(self, ctx: ActionContext, now: datetime) -> str | None:
        return next(self._each_refusal(ctx, now), None)

    def _refusals(self, ctx: ActionContext, now: datetime) -> tuple[str, ...]:
        return tuple(self._each_refusal(ctx, now))

    def _each_refusal(self, ctx: ActionContext, now: datetime) -> Iterator[str]:
        """The step's guards, then the tracks it requires, each refusal in turn."""
        ctx.now = now
        for name in ctx.action.guards:
            refusal = GUARDS[name](ctx)
            if refusal:
                yield refusal
        states = ctx.consultation.tracks
        for name, wanted in ctx.action.requires:
            track = ctx.definition.tracks[name]
            state = ctx.definition.track_state(track, states)
            if state.name not in wanted:
                yield _(
                    "%(record)s must first be «%(wanted)s» (now «%(state)s»).",
                    record=track.title,
                    wanted=" / ".join(track.states[w].title for w in wanted),
                    state=state.title,
                )

    def _compare_and_set(
        self, session: Session, consultation: Consultation, action: Action, now: datetime
    ) -> None:
        params: dict[str, Any] = {
            "id_": consultation.id,
            "source": consultation.state,
            "version_": consultation.version,
            "next_version": consultation.version + 1,
            "now": now,
        }
        if action.track is None:
            statement, params["target"] = _CAS, action.target
        else:
            tracks = {**consultation.tracks, action.track: action.target}
            statement, params["tracks_"] = _CAS_TRACK, tracks
        if session.connection().execute(statement, params).rowcount != 1:
            raise Conflict(
                _("Someone else changed this consultation a moment ago; reload it and try again.")
            )
        if action.track is None:
            set_committed_value(consultation, "state", action.target)
        else:
            set_committed_value(consultation, "tracks", tracks)
        set_committed_value(consultation, "version", consultation.version + 1)
        set_committed_value(consultation, "updated_at", now)

    def _record_documents(self, ctx: ActionContext) -> None:
        for spec in ctx.action.records:
            if spec.only_with and ctx.payload.get(spec.only_with) in (None, ""):
                continue
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
                    kind=spec.kind,
                )
            )
