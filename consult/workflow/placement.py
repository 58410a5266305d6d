"""Where a step may be taken: at the consultation's stage, or from its track's state while the
track is open at that stage; and, when it is not here, what to tell the user."""

from __future__ import annotations

from sqlmodel import Session, col, select

from consult.calendar import format_deadline
from consult.errors import NotAllowedNow, NotFound
from consult.i18n import _, current_language
from consult.models import Consultation, Window
from consult.workflow.definition import Action, Definition


def action_here(
    session: Session, definition: Definition, consultation: Consultation, name: str
) -> Action:
    """The step ``name`` as it may be taken now, else :class:`NotFound` (no such step) or
    :class:`NotAllowedNow` saying where it belongs and when the current window ends."""
    available = definition.available(consultation.state, consultation.tracks)
    if name in available:
        return available[name]
    elsewhere = definition.actions_named(name)
    if not elsewhere:
        raise NotFound(
            _(
                "Unknown action %(action)s in workflow %(workflow)s.",
                action=name,
                workflow=definition.id,
            )
        )
    stage = definition.stage(consultation.state)
    track = definition.tracks.get(elsewhere[0].track or "")
    if track is not None and consultation.state in track.during:
        message = _(
            "«%(action)s» cannot be taken now: %(record)s is «%(state)s».",
            action=elsewhere[0].title,
            record=track.title,
            state=definition.track_state(track, consultation.tracks).title,
        )
    else:
        message = _(
            "«%(action)s» cannot be taken at the stage «%(stage)s».",
            action=elsewhere[0].title,
            stage=stage.title,
        )
    now_open = list(
        session.exec(
            select(Window).where(
                Window.consultation_id == consultation.id, col(Window.closed_at).is_(None)
            )
        )
    )
    if now_open:
        window = min(now_open, key=lambda w: w.closes_at)
        message += " " + _(
            "The current window ends at %(moment)s (Vietnam time).",
            moment=format_deadline(window.closes_at, lang=current_language()),
        )
    raise NotAllowedNow(message)
