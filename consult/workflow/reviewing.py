"""Whether opinions may be answered now, and by whom: the one rule the review pages, the API
and the services ask (through :meth:`consult.workflow.engine.Engine.review_refusal`).

Who does what is the definition's ``review`` (Law 10/2022 Art. 28 for the commune: the
committee disposes and explains, the Front proposes); a definition without one leaves it to the
permissions table (``Can.REVIEW_OPINIONS``). When is the stages' and tracks': a stage marked
``review: true``, and no track in a state that ``closes_review`` (the report approved).
"""

from __future__ import annotations

from typing import Literal

from consult import permissions
from consult.actor import Actor
from consult.errors import ConsultError, Forbidden, NotAllowedNow
from consult.i18n import _
from consult.models import Consultation
from consult.permissions import Can
from consult.workflow.definition import Definition

Act = Literal["dispose", "propose", "explain", "group"]
"""Giving a disposition, proposing one, writing the explanation, grouping copies."""


def roles_for(definition: Definition, act: Act) -> frozenset[str]:
    review = definition.review
    if review is None:
        return permissions.TABLE[Can.REVIEW_OPINIONS] if act != "propose" else frozenset()
    if act == "group":
        return frozenset(review.dispose) | frozenset(review.propose)
    return frozenset(getattr(review, act))


def _who(roles: frozenset[str]) -> str:
    return ", ".join(permissions.role_label(r) for r in sorted(roles))


def review_refusal(
    definition: Definition, consultation: Consultation, actor: Actor, act: Act = "dispose"
) -> ConsultError | None:
    """Why ``actor`` may not do ``act`` to the opinions now, or None."""
    roles = roles_for(definition, act)
    if not permissions.holds_any(actor, consultation.organization_id, roles):
        if definition.review is None and act != "propose":
            return Forbidden(str(permissions.REFUSALS[Can.REVIEW_OPINIONS]))
        messages = {
            "dispose": _("Dispositions are given by: %(roles)s.", roles=_who(roles) or "—"),
            "propose": _("Dispositions are proposed by: %(roles)s.", roles=_who(roles) or "—"),
            "explain": _(
                "The explanation (giải trình) is written by: %(roles)s.", roles=_who(roles)
            ),
            "group": _("Opinions are grouped by: %(roles)s.", roles=_who(roles)),
        }
        return Forbidden(messages[act])
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
