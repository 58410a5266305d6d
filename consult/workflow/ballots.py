"""Household votes (biểu quyết của hộ gia đình) as a definition declares them (``ballots:``):
the step that opens one fixes the village and its number of households (the base of the
threshold), the answers come in on paper, at a meeting or online, and a counting step counts
one answer per household and records the result. Law 10/2022/QH15 Arts. 20–21, Decree
59/2023/NĐ-CP, Decree 61/2023/NĐ-CP Art. 10: passed with more than 50 % of *all* households."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from consult.calendar import dmy, format_moment
from consult.errors import Conflict, Invalid
from consult.i18n import _, current_language
from consult.models import Ballot, BallotAnswer, Household, Locality
from consult.workflow.context import ActionContext
from consult.workflow.definition import BallotSpec
from consult.workflow.registry import guard


@dataclass(frozen=True)
class Tally:
    """The count of one ballot, one answer per household."""

    eligible: int
    """All the village's households (the register's, when the ballot opened)."""
    answered: int
    """Households whose answer is counted."""
    received: int
    """Answers received, a household's repeated ones included."""
    options: dict[str, int]
    by_channel: dict[str, int]
    """Counted households by the channel of the answer that stands."""
    other_opinions: list[str]
    passes_with: str
    more_than_percent: int
    base: str
    quorum_percent: int | None = None
    passed: bool = False
    quorum_met: bool = True
    percents: dict[str, float] = field(default_factory=dict)
    """Each option's share of all households, in percent (two decimals)."""

    @property
    def absent(self) -> int:
        return self.eligible - self.answered

    @property
    def repeated(self) -> int:
        return self.received - self.answered

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "absent": self.absent, "repeated": self.repeated}


def _rank(spec: BallotSpec, answer: BallotAnswer) -> tuple[int, float, int]:
    """Lower ranks stand: the first channel of ``precedence``, then the latest answer."""
    order = spec.precedence.index(answer.channel) if answer.channel in spec.precedence else 99
    return (order, -answer.answered_at.timestamp(), -(answer.id or 0))


def standing_answers(session: Session, spec: BallotSpec, ballot: Ballot) -> list[BallotAnswer]:
    """The one answer that counts for each household that answered."""
    answers = session.exec(select(BallotAnswer).where(BallotAnswer.ballot_id == ballot.id)).all()
    best: dict[int, BallotAnswer] = {}
    for answer in answers:
        held = best.get(answer.household_id)
        if held is None or _rank(spec, answer) < _rank(spec, held):
            best[answer.household_id] = answer
    return sorted(best.values(), key=lambda a: a.household_id)


def tally(session: Session, spec: BallotSpec, ballot: Ballot) -> Tally:
    standing = standing_answers(session, spec, ballot)
    received = session.exec(
        select(func.count()).select_from(BallotAnswer).where(BallotAnswer.ballot_id == ballot.id)
    ).one()
    options = {code: 0 for code, _label in spec.options}
    by_channel = {channel: 0 for channel in spec.channels}
    for answer in standing:
        options[answer.option] = options.get(answer.option, 0) + 1
        by_channel[answer.channel] = by_channel.get(answer.channel, 0) + 1
    answered = len(standing)
    base = ballot.eligible if spec.base == "all" else answered
    # Integers only: 51 of 100 passes (5100 > 5000), 50 of 100 does not.
    passed = base > 0 and options[spec.passes_with] * 100 > spec.more_than_percent * base
    quorum_met = spec.quorum_percent is None or answered * 100 >= spec.quorum_percent * (
        ballot.eligible
    )
    return Tally(
        eligible=ballot.eligible,
        answered=answered,
        received=received,
        options=options,
        by_channel=by_channel,
        other_opinions=[a.note for a in standing if a.note],
        passes_with=spec.passes_with,
        more_than_percent=spec.more_than_percent,
        base=spec.base,
        quorum_percent=spec.quorum_percent,
        passed=passed and quorum_met,
        quorum_met=quorum_met,
        percents={
            code: round(count * 100 / ballot.eligible, 2) if ballot.eligible else 0.0
            for code, count in options.items()
        },
    )


def open_ballot_of(session: Session, consultation_id: int, name: str) -> Ballot | None:
    """The round of ballot ``name`` now open (not yet counted), if any."""
    return session.exec(
        select(Ballot)
        .where(
            Ballot.consultation_id == consultation_id,
            Ballot.name == name,
            col(Ballot.counted_at).is_(None),
        )
        .order_by(col(Ballot.round).desc())
    ).first()


def village_named(session: Session, organization_id: int, name: str) -> Locality | None:
    wanted = " ".join(name.split()).casefold()
    for locality in session.exec(
        select(Locality).where(Locality.organization_id == organization_id)
    ):
        if " ".join(locality.name.split()).casefold() == wanted:
            return locality
    return None


def open_ballot(ctx: ActionContext, spec: BallotSpec) -> Ballot:
    """Open a round for the village the step names, over all its households."""
    session, field_name = ctx.session, spec.village_from
    title = (ctx.action.payload_field(field_name) or ctx.action).title or field_name
    village = village_named(session, ctx.organization.id or 0, ctx.payload.get(field_name) or "")
    if village is None:
        names = session.exec(
            select(Locality.name)
            .where(Locality.organization_id == ctx.organization.id)
            .order_by(col(Locality.position))
        ).all()
        message = _(
            "%(what)s: write the name of one of the villages (%(names)s).",
            what=title,
            names=", ".join(names),
        )
        raise Invalid(message, fields={field_name: message})
    eligible = session.exec(
        select(func.count()).select_from(Household).where(Household.locality_id == village.id)
    ).one()
    if not eligible:
        message = _(
            "The household register has no household of %(village)s: import the village's "
            "households first.",
            village=village.name,
        )
        raise Invalid(message, fields={field_name: message})
    start_day: date = ctx.payload.get(spec.start_from or "") or ctx.today
    if spec.notice is not None and start_day < ctx.today + timedelta(days=spec.notice.amount):
        message = _(
            "The households are told at least %(notice)s ahead (%(basis)s): the vote can "
            "start on %(day)s at the earliest.",
            notice=spec.notice.describe(),
            basis=spec.notice_basis,
            day=dmy(ctx.today + timedelta(days=spec.notice.amount)),
        )
        raise Invalid(message, fields={spec.start_from or "": message})
    if open_ballot_of(session, ctx.consultation_id, spec.name) is not None:
        raise Conflict(_("A vote of this consultation is already open: count it first."))
    last_round = session.exec(
        select(func.max(Ballot.round)).where(
            Ballot.consultation_id == ctx.consultation_id, Ballot.name == spec.name
        )
    ).one()
    ballot = Ballot(
        consultation_id=ctx.consultation_id,
        name=spec.name,
        round=(last_round or 0) + 1,
        locality_id=village.id or 0,
        eligible=eligible,
        opens_at=ctx.calendar.start_of_day(start_day),
        opened_at=ctx.now,
    )
    session.add(ballot)
    session.flush()
    ctx.notes.update(ballot=spec.name, round=ballot.round, village=village.name, eligible=eligible)
    return ballot


def _json(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def count_ballot(ctx: ActionContext, spec: BallotSpec) -> Ballot:
    """Count the open round: one answer per household; the step's payload is the minutes'."""
    ballot = open_ballot_of(ctx.session, ctx.consultation_id, spec.name)
    if ballot is None:
        raise Conflict(_("No vote of this consultation is open."))
    counted = tally(ctx.session, spec, ballot)
    ballot.counted_at = ctx.now
    ballot.passed = counted.passed
    ballot.tally = counted.as_dict()
    ballot.minutes = {k: _json(v) for k, v in ctx.payload.items()}
    ctx.session.add(ballot)
    ctx.notes.update(
        ballot=spec.name,
        round=ballot.round,
        passed=counted.passed,
        eligible=counted.eligible,
        answered=counted.answered,
        options=counted.options,
    )
    return ballot


# --- guards ---------------------------------------------------------------------------------


def _counted_here(ctx: ActionContext) -> tuple[BallotSpec, Ballot] | str:
    for spec in ctx.definition.ballots_counted_by(ctx.action.name):
        ballot = open_ballot_of(ctx.session, ctx.consultation_id, spec.name)
        if ballot is None:
            continue
        if ctx.now < ballot.opens_at:
            return _(
                "The households answer from %(moment)s (Vietnam time): count after that.",
                moment=format_moment(ballot.opens_at, lang=current_language()),
            )
        return spec, ballot
    return _("No vote of this consultation is open.")


def describe(spec: BallotSpec, counted: Tally) -> str:
    return _(
        "%(agree)s of %(eligible)s households (%(percent)s %%) chose «%(option)s»; more than "
        "%(threshold)s %% of all households is needed (%(basis)s).",
        agree=counted.options[spec.passes_with],
        eligible=counted.eligible,
        percent=counted.percents[spec.passes_with],
        option=spec.option_label(spec.passes_with),
        threshold=spec.more_than_percent,
        basis=spec.basis,
    )


@guard("ballot_passed")
def ballot_passed(ctx: ActionContext) -> str | None:
    """The vote this step counts has passed (its threshold over its base)."""
    found = _counted_here(ctx)
    if isinstance(found, str):
        return found
    spec, ballot = found
    counted = tally(ctx.session, spec, ballot)
    if counted.passed:
        return None
    if not counted.quorum_met:
        return _(
            "Only %(answered)s of %(eligible)s households answered; at least %(quorum)s %% "
            "must answer.",
            answered=counted.answered,
            eligible=counted.eligible,
            quorum=spec.quorum_percent,
        )
    return _("The vote has not passed: %(why)s", why=describe(spec, counted))


@guard("ballot_not_passed")
def ballot_not_passed(ctx: ActionContext) -> str | None:
    """The vote this step counts has not passed (so it is recorded as rejected)."""
    found = _counted_here(ctx)
    if isinstance(found, str):
        return found
    spec, ballot = found
    counted = tally(ctx.session, spec, ballot)
    if not counted.passed:
        return None
    return _("The vote has passed: %(why)s", why=describe(spec, counted))
