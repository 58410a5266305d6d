"""The checks a definition must pass beyond its schema: the graph of stages (reachable, a
final stage, no dead end), known roles, guards and effects, tracks, the review's roles, windows
against their legal minimums. Each error names file and line (``file:line: message``)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from consult.permissions import STEP_ROLES, SYSTEM
from consult.workflow import registry
from consult.workflow.definition import Action, BallotSpec, Definition, Track, WindowSpec

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class DefinitionError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class DefinitionInvalid(Exception):
    def __init__(self, errors: list[DefinitionError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


class Reporter:
    def __init__(self, file: str, lines: dict[Path_, int]) -> None:
        self.file = file
        self.lines = lines
        self.errors: list[DefinitionError] = []

    def line_of(self, path: Path_) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def add(self, path: Path_, message: str) -> None:
        self.errors.append(DefinitionError(self.file, self.line_of(path), message))


def check(definition: Definition, report: Reporter) -> None:
    """Graph and meaning checks that a schema cannot express."""
    for stage in definition.stages.values():
        base: Path_ = ("stages", stage.name)
        if stage.final and stage.actions:
            report.add((*base, "final"), f"final stage {stage.name!r} cannot have actions")
        if not stage.final and not stage.actions:
            report.add(base, f"stage {stage.name!r} has no actions and is not final: a dead end")
        for action in stage.actions.values():
            where: Path_ = (*base, "actions", action.name)
            if action.target not in definition.stages:
                report.add(
                    (*where, "to"),
                    f"action {action.name!r} leads to unknown stage {action.target!r}",
                )
            _check_action(action, where, report)
    for track in definition.tracks.values():
        _check_track(definition, track, report)
    _check_review(definition, report)
    for action in definition.all_actions():
        _check_requires(definition, action, report)
    _check_reachable(definition, report)
    if not definition.final_stages:
        report.add(("stages",), "no final stage: mark the last stage with final: true")
    for window in definition.windows.values():
        _check_window(definition, window, report)
    for ballot in definition.ballots.values():
        _check_ballot(definition, ballot, report)


def _where(action: Action) -> Path_:
    if action.track is not None:
        return ("tracks", action.track, "actions", action.name)
    return ("stages", action.source, "actions", action.name)


def _check_requires(definition: Definition, action: Action, report: Reporter) -> None:
    for track_name, states in action.requires:
        where: Path_ = (*_where(action), "requires", track_name)
        track = definition.tracks.get(track_name)
        if track is None:
            report.add(where, f"unknown track {track_name!r}")
            continue
        for state in states:
            if state not in track.states:
                report.add(where, f"unknown state {state!r} of track {track_name!r}")


def _check_review(definition: Definition, report: Reporter) -> None:
    """The review's roles are roles a staff member may hold."""
    if definition.review is None:
        return
    for key in ("propose", "dispose", "explain"):
        for index, role in enumerate(getattr(definition.review, key)):
            if role not in STEP_ROLES or role == SYSTEM:
                report.add(
                    ("review", key, index),
                    f"unknown role {role!r}; known roles: "
                    + ", ".join(sorted(STEP_ROLES - {SYSTEM})),
                )


def _check_track(definition: Definition, track: Track, report: Reporter) -> None:
    base: Path_ = ("tracks", track.name)
    if track.initial not in track.states:
        report.add((*base, "initial"), f"unknown state {track.initial!r} of track {track.name!r}")
    for index, stage in enumerate(track.during):
        if stage not in definition.stages:
            report.add((*base, "during", index), f"unknown stage {stage!r}")
    stage_actions = {a.name for s in definition.stages.values() for a in s.actions.values()}
    checked: set[str] = set()
    for action in track.actions:
        where: Path_ = (*base, "actions", action.name)
        if action.source not in track.states:
            report.add((*where, "from"), f"unknown state {action.source!r} of track {track.name!r}")
        if action.name in checked:
            continue  # the same step from another state: its roles, guards… are checked once
        checked.add(action.name)
        if action.name in stage_actions:
            report.add(where, f"action {action.name!r} is also a stage's action: rename one")
        if action.target not in track.states:
            report.add((*where, "to"), f"unknown state {action.target!r} of track {track.name!r}")
        _check_action(action, where, report)


def _check_action(action: Action, where: Path_, report: Reporter) -> None:
    """What every step must satisfy, at a stage or on a track."""
    known_roles = STEP_ROLES
    for index, role in enumerate(action.roles):
        if role not in known_roles:
            report.add(
                (*where, "roles", index),
                f"unknown role {role!r}; known roles: " + ", ".join(sorted(known_roles)),
            )
    if SYSTEM in action.roles and len(action.roles) > 1:
        report.add((*where, "roles"), "a system action is taken by the scheduler alone")
    for index, guard in enumerate(action.guards):
        if guard not in registry.GUARDS:
            report.add(
                (*where, "guards", index),
                f"unknown guard {guard!r}; known: " + ", ".join(sorted(registry.GUARDS)),
            )
    for index, effect in enumerate(action.effects):
        if effect not in registry.EFFECTS:
            report.add(
                (*where, "effects", index),
                f"unknown effect {effect!r}; known: " + ", ".join(sorted(registry.EFFECTS)),
            )
    for item in action.payload:
        for needed in item.past_requires:
            if item.type != "date" or action.payload_field(needed) is None:
                report.add(
                    (*where, "payload", item.name, "past_requires"),
                    f"past_requires of a date field names its action's other fields ({needed!r})",
                )
    for item in action.payload:
        if (item.min_items is not None or item.max_items is not None) and item.type != "list":
            report.add(
                (*where, "payload", item.name), "min_items and max_items are for a list field"
            )
    for index, record in enumerate(action.records):
        for ref in (record.number_from, record.issued_on_from, record.only_with):
            if ref and action.payload_field(ref) is None:
                report.add(
                    (*where, "records", index),
                    f"record refers to unknown payload field {ref!r}",
                )


def _check_reachable(definition: Definition, report: Reporter) -> None:
    seen = {definition.initial}
    queue = deque([definition.initial])
    while queue:
        stage = definition.stages.get(queue.popleft())
        for action in stage.actions.values() if stage else ():
            if action.target in definition.stages and action.target not in seen:
                seen.add(action.target)
                queue.append(action.target)
    for name in definition.stages:
        if name not in seen:
            report.add(
                ("stages", name), f"stage {name!r} is unreachable from {definition.initial!r}"
            )


def _check_window(definition: Definition, window: WindowSpec, report: Reporter) -> None:
    where: Path_ = ("windows", window.name)
    opener = definition.actions_named(window.opens_with)
    if not opener:
        report.add((*where, "opens_with"), f"unknown action {window.opens_with!r}")
    if window.on_close:
        closers = definition.actions_named(window.on_close)
        if not closers:
            report.add((*where, "on_close"), f"unknown action {window.on_close!r}")
        elif not all(a.is_system for a in closers):
            report.add(
                (*where, "on_close"),
                f"{window.on_close!r} must have roles: [system]: no one closes a window early",
            )
    for ref, kind, key in (
        (window.start_from, "date", "from"),
        (window.set_by, "integer", "set_by"),
    ):
        if (
            ref
            and opener
            and not all((f := a.payload_field(ref)) is not None and f.type == kind for a in opener)
        ):
            report.add(
                (*where, key), f"{ref!r} must be a {kind} payload field of {window.opens_with!r}"
            )
    if window.deadline_for:
        _check_deadline(definition, window, report)
        return
    if window.minimum is None:
        if not definition.drill:
            report.add(
                (*where, "duration"),
                f"window {window.name!r} needs a legal minimum and "
                "basis (minimum:, basis:), or mark the definition drill: true",
            )
        return
    if not window.basis:
        report.add((*where, "minimum"), "a minimum needs its legal basis (basis:)")
    if window.duration.approximate < window.minimum.approximate or (
        window.minimum.is_calendar and not window.duration.is_calendar
    ):
        report.add(
            (*where, "duration"),
            f"duration {window.duration} is below the legal minimum "
            f"{window.minimum} ({window.basis or 'no basis given'})",
        )
    if window.minimum.unit != window.duration.unit and window.duration.is_calendar:
        report.add((*where, "minimum"), "state the duration and its minimum in the same unit")


def _field_is(definition: Definition, action: str, field: str | None, kind: str) -> bool:
    """Every step named ``action`` has a payload field ``field`` of type ``kind``."""
    steps = definition.actions_named(action)
    return bool(steps) and all(
        (f := a.payload_field(field or "")) is not None and f.type == kind for a in steps
    )


def _check_deadline(definition: Definition, window: WindowSpec, report: Reporter) -> None:
    """A deadline gives at most the law's time (``maximum``), for a step a person takes."""
    where: Path_ = ("windows", window.name)
    assert window.deadline_for is not None
    steps = definition.actions_named(window.deadline_for)
    if not steps:
        report.add((*where, "deadline_for"), f"unknown action {window.deadline_for!r}")
    elif any(a.is_system for a in steps):
        report.add((*where, "deadline_for"), "a deadline is for a step a person takes")
    if window.on_close or window.accepts_comments or window.posting or window.minimum:
        report.add(where, "a deadline has no on_close, accepts_comments, posting or minimum")
    if window.done_from and not _field_is(
        definition, window.deadline_for, window.done_from, "date"
    ):
        report.add(
            (*where, "done_from"),
            f"{window.done_from!r} must be a date payload field of {window.deadline_for!r}",
        )
    if window.maximum is None or not window.basis:
        if not definition.drill:
            report.add(
                (*where, "duration"),
                f"deadline {window.name!r} needs its legal maximum and basis "
                "(maximum:, basis:), or mark the definition drill: true",
            )
        return
    if window.maximum.unit != window.duration.unit:
        report.add((*where, "maximum"), "state the duration and its maximum in the same unit")
    elif window.duration.amount > window.maximum.amount:
        report.add(
            (*where, "duration"),
            f"duration {window.duration} is above the legal maximum {window.maximum} "
            f"({window.basis})",
        )


def _check_ballot(definition: Definition, ballot: BallotSpec, report: Reporter) -> None:
    where: Path_ = ("ballots", ballot.name)
    if not definition.actions_named(ballot.opens_with):
        report.add((*where, "opens_with"), f"unknown action {ballot.opens_with!r}")
    else:
        if not _field_is(definition, ballot.opens_with, ballot.village_from, "string"):
            report.add(
                (*where, "village_from"),
                f"{ballot.village_from!r} must be a string payload field of {ballot.opens_with!r}",
            )
        if ballot.start_from and not _field_is(
            definition, ballot.opens_with, ballot.start_from, "date"
        ):
            report.add(
                (*where, "from"),
                f"{ballot.start_from!r} must be a date payload field of {ballot.opens_with!r}",
            )
    if ballot.notice is not None and (ballot.notice.unit != "d" or not ballot.start_from):
        report.add((*where, "notice"), "a notice is in days (e.g. 2d) before the day in from:")
    for index, name in enumerate(ballot.counted_by):
        steps = definition.actions_named(name)
        if not steps:
            report.add((*where, "counted_by", index), f"unknown action {name!r}")
        elif any(a.is_system for a in steps):
            report.add((*where, "counted_by", index), "the counting team counts: not a system step")
