"""Who may do what: the one permissions table that the web pages, the API, the workflow engine
and the command line all ask (in the spirit of Decidim's ``permissions.rb``).

Roles are held per organization (:class:`~consult.actor.Actor`). Two kinds of rule live here:

- **capabilities** outside the workflow steps (:class:`Can`): who reads a consultation's staff
  file, who types in paper opinions, who numbers documents, who administers…;
- the steps themselves name their roles in the workflow definitions (``roles: [signer]``);
  the engine asks :func:`holds_any` for them, so this module is the only code that knows a
  role's name.

No other module compares a role name: it asks :func:`allows` or :func:`require`.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from consult.errors import Forbidden
from consult.i18n import _, lazy

if TYPE_CHECKING:
    from consult.actor import Actor

DRAFTER = "drafter"
"""The legal officer (công chức Tư pháp - Hộ tịch)."""
REVIEWER = "reviewer"
"""The Fatherland Front committee (Ủy ban MTTQ)."""
COUNCIL = "council"
"""The People's Council (HĐND)."""
SIGNER = "signer"
"""The Chairman (Chủ tịch UBND), who signs for the committee."""
CLERK = "clerk"
"""The records office (văn thư)."""
ADMIN = "admin"
SYSTEM = "system"
"""The scheduler: the only holder of the actions a window's end takes."""

ROLES = (DRAFTER, REVIEWER, COUNCIL, SIGNER, CLERK, ADMIN)
"""The roles a staff account may hold (CONTRACT.md)."""
STEP_ROLES = frozenset({*ROLES, SYSTEM})
"""The roles a workflow definition may give a step."""


class Can(StrEnum):
    """What a role may do beyond the steps of a workflow."""

    READ_STAFF_FILE = "read_staff_file"
    """A consultation's staff pages: its drafts, documents, opinions and trail."""
    READ_PERSONAL_DATA = "read_personal_data"
    """Commenters' names, contacts and scans, in pages and exports."""
    START_CONSULTATION = "start_consultation"
    REVISE_DRAFT = "revise_draft"
    EDIT_DRAFT = "edit_draft"
    """Edit or delete a draft before it is posted."""
    ENTER_OPINIONS = "enter_opinions"
    """Type in opinions received on paper, in the box, at meetings, through the Front."""
    ATTACH_SCANS = "attach_scans"
    REVIEW_OPINIONS = "review_opinions"
    """Give opinions their disposition, reason and response; group duplicates."""
    KEEP_REGISTER = "keep_register"
    """Number documents, enter paper ones, upload signed copies (văn thư)."""
    ADMINISTER = "administer"
    """An organization's accounts, villages, posting places, holidays, definitions."""
    OVERSEE_COMMUNES = "oversee_communes"
    """Held in a province: the communes under it, read-only, and creating new ones."""
    KEEP_HOUSEHOLDS = "keep_households"
    """Import and correct the register of households (household head, village, address)."""
    RECORD_BALLOTS = "record_ballots"
    """Type in the households' answers received on paper or at a meeting."""


TABLE: dict[Can, frozenset[str]] = {
    Can.READ_STAFF_FILE: frozenset(ROLES),
    Can.READ_PERSONAL_DATA: frozenset(ROLES),
    Can.START_CONSULTATION: frozenset({DRAFTER}),
    Can.REVISE_DRAFT: frozenset({DRAFTER}),
    Can.EDIT_DRAFT: frozenset({DRAFTER}),
    Can.ENTER_OPINIONS: frozenset({DRAFTER, REVIEWER}),
    Can.ATTACH_SCANS: frozenset({DRAFTER, REVIEWER}),
    Can.REVIEW_OPINIONS: frozenset({REVIEWER}),
    Can.KEEP_REGISTER: frozenset({CLERK}),
    Can.ADMINISTER: frozenset({ADMIN}),
    Can.OVERSEE_COMMUNES: frozenset({ADMIN}),
    Can.KEEP_HOUSEHOLDS: frozenset({ADMIN, DRAFTER}),
    Can.RECORD_BALLOTS: frozenset({DRAFTER, REVIEWER}),
}

REFUSALS: dict[Can, Any] = {
    Can.READ_STAFF_FILE: lazy("Your role does not give access to this consultation."),
    Can.READ_PERSONAL_DATA: lazy("Your role does not give access to this consultation."),
    Can.START_CONSULTATION: lazy("Only the legal officer (drafter) can start a consultation."),
    Can.REVISE_DRAFT: lazy("Only the legal officer (drafter) can revise the draft."),
    Can.EDIT_DRAFT: lazy("Only the legal officer (drafter) can edit or delete a draft."),
    Can.ENTER_OPINIONS: lazy(
        "Only the legal officer or the Fatherland Front can enter opinions received offline."
    ),
    Can.ATTACH_SCANS: lazy(
        "Only the legal officer or the Fatherland Front can attach scans of opinions."
    ),
    Can.REVIEW_OPINIONS: lazy("Only the Fatherland Front reviewer can give dispositions."),
    Can.KEEP_REGISTER: lazy(
        "Only the records office (văn thư) can number documents and keep the register."
    ),
    Can.ADMINISTER: lazy("Only an administrator can do this."),
    Can.OVERSEE_COMMUNES: lazy("Only a province administrator can do this."),
    Can.KEEP_HOUSEHOLDS: lazy(
        "Only an administrator or the legal officer can keep the register of households."
    ),
    Can.RECORD_BALLOTS: lazy(
        "Only the legal officer or the Fatherland Front can enter households' answers."
    ),
}
"""What a refused user is told, once per capability."""

NOTICE_RECIPIENTS: dict[str, frozenset[str]] = {
    "reminder_3d": frozenset({REVIEWER, DRAFTER}),
    "reminder_1d": frozenset({REVIEWER, DRAFTER}),
    "window_closed": frozenset({REVIEWER, DRAFTER}),
    "publish_due": frozenset({CLERK}),
    "publish_overdue": frozenset({CLERK}),
    "report_to_council": frozenset({COUNCIL, SIGNER}),
}
"""Who is told of each kind of notice (the staff of the consultation's organization)."""

SIGNATORIES = {"committee": SIGNER, "legal_officer": DRAFTER, "front": REVIEWER}
"""Whose name a document prints for each signing party: the Chairman signs for the
committee (TM. ỦY BAN NHÂN DÂN), the legal officer drafts, the Front's chair co-signs minutes."""

ROLE_LABELS: dict[str, Any] = {
    DRAFTER: lazy("Legal officer"),
    REVIEWER: lazy("Fatherland Front committee"),
    COUNCIL: lazy("People's Council"),
    SIGNER: lazy("Chairman"),
    CLERK: lazy("Records office"),
    ADMIN: lazy("Administrator"),
    SYSTEM: lazy("Automatic schedule"),
}


class _OwnedByOrganization(Protocol):
    organization_id: int


def holds_any(actor: Actor, organization_id: int, roles: Iterable[str]) -> bool:
    """Whether the actor holds one of ``roles`` in the organization (a step's ``roles``)."""
    return bool(actor.roles_in(organization_id) & set(roles))


def grants(roles: Iterable[str], capability: Can) -> bool:
    """Whether holding ``roles`` gives the capability."""
    return bool(TABLE[capability] & set(roles))


def roles_for(capability: Can) -> list[str]:
    """The roles that give the capability (the administrator's, for ``consult setup``)."""
    return sorted(TABLE[capability])


def allows(actor: Actor, capability: Can, organization_id: int) -> bool:
    return holds_any(actor, organization_id, TABLE[capability])


def allows_on(actor: Actor, capability: Can, subject: _OwnedByOrganization) -> bool:
    """The same question about a consultation, a document, an opinion's consultation…"""
    return allows(actor, capability, subject.organization_id)


def require(actor: Actor, capability: Can, organization_id: int) -> None:
    """Go on, or :class:`~consult.errors.Forbidden` with the capability's message."""
    if not allows(actor, capability, organization_id):
        raise Forbidden(str(REFUSALS[capability]))


def require_staff_of(actor: Actor, organization_id: int) -> None:
    """Go on for the scheduler and the organization's own staff; anyone else is refused before
    any state of the organization's work is told (another commune's staff, a citizen)."""
    if not actor.is_system:
        require(actor, Can.READ_STAFF_FILE, organization_id)


def require_on(actor: Actor, capability: Can, subject: _OwnedByOrganization) -> None:
    require(actor, capability, subject.organization_id)


def organizations_where(actor: Actor, capability: Can) -> list[int]:
    """The organizations (ids, in order) where the actor has the capability."""
    return sorted(org for org in actor.roles_by_org if allows(actor, capability, org))


def is_staff(actor: Actor) -> bool:
    """Holds any staff role anywhere (every staff page asks this first)."""
    return bool(actor.all_roles & set(ROLES))


def step_refusal(title: str, roles: Iterable[str]) -> str:
    """What a user is told when a step needs roles they do not hold."""
    return _(
        "Your role may not take the action «%(action)s»; it needs: %(roles)s.",
        action=title,
        roles=", ".join(f"{ROLE_LABELS[r]} ({r})" if r in ROLE_LABELS else r for r in roles),
    )


def recipients_of(kind: str) -> frozenset[str]:
    return NOTICE_RECIPIENTS[kind]


def signatory_role(party: str) -> str:
    return SIGNATORIES[party]


def role_label(code: str | None) -> str:
    return str(ROLE_LABELS.get(code or "", code or ""))
