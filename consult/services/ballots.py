"""The households' answers to a household vote (biểu quyết của hộ gia đình) and its results.

Answers come on paper or at a meeting (typed in by the legal officer or the Front) and online
(the household's head or member, recorded by full name and address, Decree 59/2023). Every
answer is kept; the count takes one per household (:func:`consult.workflow.ballots.tally`:
the channel the definition ranks first stands, the latest there). Results are public once
counted, without who answered what (Law 10/2022/QH15 Art. 9(2))."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from consult import permissions
from consult.actor import Actor
from consult.calendar.dates import local_date
from consult.errors import Invalid, NotAllowedNow, NotFound
from consult.i18n import _
from consult.ledger import audit
from consult.models import (
    Ballot,
    BallotAnswer,
    Consultation,
    Document,
    Household,
    Locality,
    Window,
)
from consult.permissions import Can
from consult.workflow import ballots as ballot_rules
from consult.workflow.definition import BallotSpec, Definition
from consult.workflow.engine import Engine

ONLINE = "online"


@dataclass(frozen=True)
class Answer:
    household: str
    """The household's code in the register."""
    option: str
    channel: str
    voter_name: str = ""
    note: str = ""


def _spec(definition: Definition, ballot: Ballot) -> BallotSpec:
    return definition.ballots[ballot.name]


def current(
    session: Session, engine: Engine, consultation: Consultation
) -> tuple[BallotSpec, Ballot]:
    """The vote now open on this consultation, else :class:`NotAllowedNow`."""
    definition = engine.definition_of(session, consultation)
    assert consultation.id is not None
    for spec in definition.ballots.values():
        ballot = ballot_rules.open_ballot_of(session, consultation.id, spec.name)
        if ballot is not None:
            return spec, ballot
    raise NotAllowedNow(_("No vote of this consultation is open."))


def answer(
    session: Session,
    engine: Engine,
    consultation_id: int,
    given: Answer,
    actor: Actor | None,
    now: datetime,
) -> BallotAnswer:
    """Record one answer; online answers need no account, the others are typed in by staff."""
    consultation = engine.get(session, consultation_id)
    if given.channel != ONLINE:
        if actor is None:
            raise Invalid(_("Only staff enter answers received on paper or at a meeting."))
        permissions.require(actor, Can.RECORD_BALLOTS, consultation.organization_id)
    spec, ballot = current(session, engine, consultation)
    if now < ballot.opens_at:
        raise NotAllowedNow(_("The vote has not started yet."))
    problems: dict[str, str] = {}
    if given.channel not in spec.channels:
        problems["channel"] = _("Not a channel of this vote.")
    if given.option not in dict(spec.options):
        problems["option"] = _(
            "Choose one of: %(options)s.", options=", ".join(label for _c, label in spec.options)
        )
    if given.channel == ONLINE and not given.voter_name.strip():
        problems["voter_name"] = _("An online answer gives the full name of who answers.")
    household = session.exec(
        select(Household).where(
            Household.organization_id == consultation.organization_id,
            Household.code == given.household.strip(),
            Household.locality_id == ballot.locality_id,
        )
    ).first()
    if household is None:
        problems["household"] = _(
            "No household with this code in the village's register: check the code."
        )
    if problems:
        raise Invalid(
            _("Some fields are not valid: %(names)s.", names=", ".join(problems)), fields=problems
        )
    assert household is not None and household.id is not None and ballot.id is not None
    row = BallotAnswer(
        ballot_id=ballot.id,
        household_id=household.id,
        option=given.option,
        channel=given.channel,
        voter_name=given.voter_name.strip()[:120] or household.head_name,
        note=given.note.strip()[:2000],
        answered_at=now,
        recorded_by_id=actor.user_id if actor is not None else None,
    )
    session.add(row)
    session.flush()
    if actor is not None:
        audit.record(
            session,
            now=now,
            actor=actor,
            action="ballot_answer",
            organization_id=consultation.organization_id,
            consultation_id=consultation_id,
            detail={"ballot": ballot.name, "round": ballot.round, "channel": given.channel},
        )
    return row


def results(
    session: Session, engine: Engine, consultation_id: int, *, include_open: bool = False
) -> list[dict[str, Any]]:
    """Each round's result (counted ones; open ones too for staff), without personal data."""
    consultation = engine.get(session, consultation_id)
    definition = engine.definition_of(session, consultation)
    rows = session.exec(
        select(Ballot, Locality.name)
        .join(Locality, col(Locality.id) == col(Ballot.locality_id))
        .where(Ballot.consultation_id == consultation_id)
        .order_by(col(Ballot.name), col(Ballot.round))
    ).all()
    found = []
    for ballot, village in rows:
        if ballot.counted_at is None and not include_open:
            continue
        spec = _spec(definition, ballot)
        counted = (
            ballot.tally
            if ballot.counted_at is not None
            else ballot_rules.tally(session, spec, ballot).as_dict()
        )
        found.append(
            {
                "ballot": ballot.name,
                "title": spec.title,
                "round": ballot.round,
                "village": village,
                "opens_at": ballot.opens_at.isoformat(),
                "counted_at": ballot.counted_at.isoformat() if ballot.counted_at else None,
                "passed": ballot.passed,
                "options": [
                    {
                        "code": code,
                        "label": label,
                        "households": counted["options"].get(code, 0),  # type: ignore[union-attr]
                        "percent_of_all": counted["percents"].get(code, 0.0),  # type: ignore[union-attr]
                    }
                    for code, label in spec.options
                ],
                "eligible": counted["eligible"],
                "answered": counted["answered"],
                "absent": counted["absent"],
                "received": counted["received"],
                "by_channel": counted["by_channel"],
                "threshold": {
                    "option": spec.passes_with,
                    "more_than_percent": spec.more_than_percent,
                    "base": spec.base,
                    "basis": spec.basis,
                },
            }
        )
    return found


def counted_ballot(session: Session, consultation_id: int, round_: int | None = None) -> Ballot:
    """The latest counted round (or round ``round_``), else :class:`NotFound`."""
    query = select(Ballot).where(
        Ballot.consultation_id == consultation_id, col(Ballot.counted_at).is_not(None)
    )
    if round_ is not None:
        query = query.where(Ballot.round == round_)
    ballot = session.exec(query.order_by(col(Ballot.round).desc())).first()
    if ballot is None:
        raise NotFound(_("This consultation has no counted vote yet."))
    return ballot


def households_of(session: Session, ballot: Ballot) -> list[tuple[Household, int]]:
    """The village's households in the register, each with how many answers it gave (staff)."""
    answered: dict[int, int] = {}
    for row in session.exec(select(BallotAnswer).where(BallotAnswer.ballot_id == ballot.id)):
        answered[row.household_id] = answered.get(row.household_id, 0) + 1
    rows = session.exec(
        select(Household)
        .where(Household.locality_id == ballot.locality_id)
        .order_by(col(Household.code))
    ).all()
    return [(h, answered.get(h.id or 0, 0)) for h in rows]


def open_ballot(session: Session, engine: Engine, consultation: Consultation) -> Ballot | None:
    """The vote now open on this consultation, if any."""
    try:
        return current(session, engine, consultation)[1]
    except NotAllowedNow:
        return None


RECOGNITION = "recognition_decision"


def recognition(
    session: Session, engine: Engine, consultation_id: int
) -> tuple[Definition, Consultation, Ballot, Document, date | None]:
    """What the recognition decision prints: the counted vote, the registered decision and
    the day the commune received the file (the day its deadline counts from)."""
    consultation = engine.get(session, consultation_id)
    definition = engine.definition_of(session, consultation)
    document = session.exec(
        select(Document).where(
            Document.consultation_id == consultation_id, Document.kind == RECOGNITION
        )
    ).first()
    if document is None:
        raise NotFound(_("The recognition decision is not signed yet."))
    actions = {
        a.name for a in definition.all_actions() if any(r.kind == RECOGNITION for r in a.records)
    }
    received_on = None
    for window in session.exec(select(Window).where(Window.consultation_id == consultation_id)):
        spec = definition.windows.get(window.name)
        if spec is not None and spec.deadline_for in actions:
            received_on = local_date(window.opens_at)
    return definition, consultation, counted_ballot(session, consultation_id), document, received_on


def has_recognition(session: Session, consultation_id: int) -> bool:
    query = select(Document.id).where(
        Document.consultation_id == consultation_id, Document.kind == RECOGNITION
    )
    return session.exec(query).first() is not None
