"""The in-memory form of a workflow definition, built by the loader after validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from consult.workflow.duration import Duration


@dataclass(frozen=True)
class PayloadField:
    name: str
    type: str
    title: str = ""
    required: bool = False
    default: Any = None
    default_from: str | None = None
    max_length: int | None = None
    minimum: int | None = None
    help: str = ""
    past_requires: tuple[str, ...] = ()
    """For a date: a day before today is accepted only with these fields given (the record
    of what already happened on paper)."""
    min_items: int | None = None
    max_items: int | None = None
    """For a list: how many items it must hold (a counting team of 3 to 5)."""


@dataclass(frozen=True)
class RecordSpec:
    """A document an action records, numbered by the register."""

    type: str
    subject: str
    number_from: str | None = None
    """Payload field holding a number given on paper; empty means the register's next number."""
    issued_on_from: str | None = None
    """Payload field holding the issue date; empty means today."""
    only_with: str | None = None
    """Record it only when this payload field is given (a document signed on paper)."""
    kind: str = ""
    """Which document it is (:mod:`consult.documents.kinds`), when type and action do not say."""


@dataclass(frozen=True)
class Action:
    """A step. On a stage, ``source`` and ``target`` are stages; on a track, its states
    (``track`` names it) and the consultation's stage stays where it is."""

    name: str
    title: str
    roles: tuple[str, ...]
    source: str
    target: str
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    payload: tuple[PayloadField, ...] = ()
    records: tuple[RecordSpec, ...] = ()
    description: str = ""
    track: str | None = None
    requires: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Tracks that must be in one of these states first: ``((track, (state, …)), …)``."""

    @property
    def is_system(self) -> bool:
        return self.roles == ("system",)

    def payload_field(self, name: str) -> PayloadField | None:
        return next((f for f in self.payload if f.name == name), None)


@dataclass(frozen=True)
class Stage:
    name: str
    title: str
    description: str = ""
    final: bool = False
    review: bool = False
    """Reviewers may give opinions their disposition at this stage."""
    actions: dict[str, Action] = field(default_factory=dict)


@dataclass(frozen=True)
class TrackState:
    name: str
    title: str
    description: str = ""
    closes_review: bool = False
    """From this state on, dispositions are final (the report that counts them is approved)."""


@dataclass(frozen=True)
class Track:
    """A record with a lifecycle of its own beside the stages (the synthesis report: draft →
    approved → published), its steps taken through the same engine while the consultation is
    at one of the ``during`` stages."""

    name: str
    title: str
    initial: str
    states: dict[str, TrackState]
    during: tuple[str, ...]
    actions: tuple[Action, ...]
    """One per (step, state it may be taken from)."""

    def actions_from(self, state: str) -> dict[str, Action]:
        return {a.name: a for a in self.actions if a.source == state}


@dataclass(frozen=True)
class WindowSpec:
    """A timed window opened by an action and closed, when it ends, by a system action."""

    name: str
    title: str
    opens_with: str
    duration: Duration
    minimum: Duration | None
    basis: str
    start_from: str | None = None
    """Payload date field the period counts from (the day of posting); default: the moment taken."""
    set_by: str | None = None
    """Payload integer field by which a plan may set a longer duration, in the duration's unit."""
    on_close: str | None = None
    accepts_comments: bool = False
    posting: bool = False
    """The period the draft stays posted (niêm yết); recorded postings are checked against it."""
    deadline_for: str | None = None
    """A deadline (thời hạn phải làm): the action that must be taken before it ends; taking it
    closes the window, late or not (the audit entry and the compliance panel say which)."""
    maximum: Duration | None = None
    """A deadline's legal maximum: the definition may not give more time than the law."""
    done_from: str | None = None
    """Payload date field of ``deadline_for`` saying the day it was done (a file received on
    paper); default: the moment the step is taken."""


@dataclass(frozen=True)
class BallotSpec:
    """A household vote (biểu quyết của hộ gia đình): opened by an action for one village,
    answered by each household once, counted by one of the ``counted_by`` actions, passed when
    the ``passes_with`` option gets more than ``more_than_percent`` of the base (``all``: every
    household of the village, voting or not; ``answered``: those who answered)."""

    name: str
    title: str
    opens_with: str
    counted_by: tuple[str, ...]
    village_from: str
    options: tuple[tuple[str, str], ...]
    """(code, label) in the order the form and the minutes list them."""
    passes_with: str
    more_than_percent: int
    basis: str
    base: str = "all"
    unit: str = "household"
    quorum_percent: int | None = None
    """At least this share of all households must answer for the count to be valid."""
    channels: tuple[str, ...] = ("paper", "online")
    precedence: tuple[str, ...] = ()
    """When a household answered more than once: the answer on the first channel listed that it
    used stands (the latest there); channels not listed rank after, the latest answer first."""
    start_from: str | None = None
    """Payload date field of ``opens_with``: answers are accepted from 00:00 that day."""
    notice: Duration | None = None
    """The least time between the opening step (the notice) and the first day of answers."""
    notice_basis: str = ""

    def option_label(self, code: str) -> str:
        return dict(self.options).get(code, code)


@dataclass(frozen=True)
class ReviewRoles:
    """Who answers opinions (tiếp thu, giải trình), as the definition divides it: who may
    propose a disposition, who gives it, and who writes the explanation of one not taken up."""

    propose: tuple[str, ...] = ()
    dispose: tuple[str, ...] = ()
    explain: tuple[str, ...] = ()


@dataclass(frozen=True)
class Definition:
    id: str
    version: int
    title: str
    description: str
    initial: str
    stages: dict[str, Stage]
    windows: dict[str, WindowSpec]
    drill: bool
    source_path: str
    source_hash: str
    source_text: str
    tracks: dict[str, Track] = field(default_factory=dict)
    review: ReviewRoles | None = None
    """None: the review is the permissions table's (``Can.REVIEW_OPINIONS``)."""
    valid_from: date | None = None
    """No date of a step may be earlier (the law the procedure follows came into force)."""
    valid_from_basis: str = ""
    ballots: dict[str, BallotSpec] = field(default_factory=dict)

    def ballots_opened_by(self, action: str) -> list[BallotSpec]:
        return [b for b in self.ballots.values() if b.opens_with == action]

    def ballots_counted_by(self, action: str) -> list[BallotSpec]:
        return [b for b in self.ballots.values() if action in b.counted_by]

    def stage(self, name: str) -> Stage:
        return self.stages[name]

    def actions_named(self, name: str) -> list[Action]:
        """Every action of that name: at each stage, and from each state of a track."""
        found = [s.actions[name] for s in self.stages.values() if name in s.actions]
        return found + [a for t in self.tracks.values() for a in t.actions if a.name == name]

    def all_actions(self) -> list[Action]:
        """Each action once (the first of its name), stages first, then tracks."""
        seen: dict[str, Action] = {}
        for stage in self.stages.values():
            for action in stage.actions.values():
                seen.setdefault(action.name, action)
        for track in self.tracks.values():
            for action in track.actions:
                seen.setdefault(action.name, action)
        return list(seen.values())

    def track_state(self, track: Track, states: dict[str, str]) -> TrackState:
        return track.states[states.get(track.name, track.initial)]

    def available(self, stage: str, states: dict[str, str]) -> dict[str, Action]:
        """The actions that may be taken now: the stage's, and each active track's."""
        found = dict(self.stages[stage].actions)
        for track in self.tracks.values():
            if stage in track.during:
                found.update(track.actions_from(states.get(track.name, track.initial)))
        return found

    def review_closed_by(self, states: dict[str, str]) -> tuple[Track, TrackState] | None:
        """The track whose state has made dispositions final, if any."""
        for track in self.tracks.values():
            state = self.track_state(track, states)
            if state.closes_review:
                return track, state
        return None

    def comment_windows(self) -> list[WindowSpec]:
        return [w for w in self.windows.values() if w.accepts_comments]

    def posting_window(self) -> WindowSpec | None:
        return next((w for w in self.windows.values() if w.posting), None)

    def windows_opened_by(self, action: str) -> list[WindowSpec]:
        return [w for w in self.windows.values() if w.opens_with == action]

    @property
    def final_stages(self) -> list[str]:
        return [s.name for s in self.stages.values() if s.final]
