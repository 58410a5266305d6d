"""Whether opinions may be given or change their disposition now: the one rule the review
pages, the API and the services ask (through :meth:`consult.workflow.engine.Engine.review_refusal`).
"""

from __future__ import annotations

from consult import permissions
from consult.actor import Actor
from consult.errors import ConsultError, Forbidden, NotAllowedNow
from consult.i18n import _
from consult.models import Consultation
from consult.permissions import Can
from consult.workflow.definition import Definition


def review_refusal(
    definition: Definition, consultation: Consultation, actor: Actor
) -> ConsultError | None:
    """Why ``actor`` may not change dispositions or groups now, or None: the role, a stage the
    definition marks ``review: true``, and no track (the synthesis report) in a state that
    made the dispositions final."""
    if not permissions.allows_on(actor, Can.REVIEW_OPINIONS, consultation):
        return Forbidden(str(permissions.REFUSALS[Can.REVIEW_OPINIONS]))
    stage = definition.stage(consultation.state)
    if not stage.review:
        return NotAllowedNow(
            _(
                "Dispositions can no longer change: the synthesis was submitted "
                "(stage «%(stage)s»).",
                stage=stage.title,
            )
        )
    closed = definition.review_closed_by(consultation.tracks)
    if closed is not None:
        track, state = closed
        return NotAllowedNow(
            _(
                "%(record)s: %(state)s; its dispositions can no longer change.",
                record=track.title,
                state=state.title,
            )
        )
    return None
