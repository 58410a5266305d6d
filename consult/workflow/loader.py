"""Load workflow definitions from YAML and validate them.

Errors are reported as ``file:line: message``.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from marshmallow import ValidationError

from consult.permissions import STEP_ROLES, SYSTEM
from consult.workflow import registry, rules  # noqa: F401  (rules register the guards and effects)
from consult.workflow.definition import (
    Action,
    Definition,
    PayloadField,
    RecordSpec,
    ReviewRoles,
    Stage,
    Track,
    TrackState,
    WindowSpec,
)
from consult.workflow.schema import DefinitionSchema

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


def _line_map(text: str) -> dict[Path_, int]:
    """Map each path in the document (keys and list items) to its 1-based line."""
    lines: dict[Path_, int] = {}
    root = yaml.compose(text, Loader=yaml.SafeLoader)

    def walk(node: yaml.Node, path: Path_) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key_path = (*path, str(key_node.value))
                lines[key_path] = key_node.start_mark.line + 1
                walk(value_node, key_path)
                lines[key_path] = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))

    if root is not None:
        walk(root, ())
    return lines


def _flatten(errors: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Turn marshmallow's nested error dict into (path, message) pairs."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            if key == "value":  # marshmallow's Dict field nests value errors under "value"
                yield from _flatten(value, path)
            elif key == "key":
                yield from ((path, f"invalid name: {m}") for _, m in _flatten(value))
            elif key == "_schema":
                yield from _flatten(value, path)
            else:
                yield from _flatten(value, (*path, key))
    elif isinstance(errors, list):
        for item in errors:
            yield from _flatten(item, path)
    else:
        message = str(errors)
        if message == "Unknown field.":
            message = f"unknown key {path[-1]!r}" if path else "unknown key"
        elif message == "Missing data for required field.":
            message = f"missing required key {path[-1]!r}" if path else message
        else:
            message = f"{_dotted(path)}: {message}" if path else message
        yield path, message


def _dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path)


class _Reporter:
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


def load_definition(path: Path) -> Definition:
    """Load and validate one file; raise :class:`DefinitionInvalid` listing every error."""
    return load_definition_text(path.read_bytes().decode("utf-8"), str(path))


def load_definition_text(text: str, file: str) -> Definition:
    raw = text.encode("utf-8")
    try:
        data = yaml.safe_load(text)
        lines = _line_map(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise DefinitionInvalid([DefinitionError(file, line, f"not valid YAML: {exc}")]) from exc
    report = _Reporter(file, lines)
    if not isinstance(data, dict):
        report.add((), "a definition is a mapping with id, version, title, initial and stages")
        raise DefinitionInvalid(report.errors)
    try:
        loaded = DefinitionSchema().load(data)
    except ValidationError as exc:
        for error_path, message in _flatten(exc.messages):
            report.add(error_path, message)
        raise DefinitionInvalid(sorted(report.errors, key=lambda e: e.line)) from exc
    definition = _build(loaded, file, hashlib.sha256(raw).hexdigest(), text)
    _check(definition, report)
    if report.errors:
        raise DefinitionInvalid(sorted(report.errors, key=lambda e: e.line))
    return definition


def _action(name: str, spec: dict[str, Any], source: str, track: str | None = None) -> Action:
    return Action(
        name=name,
        title=spec["title"],
        description=spec["description"],
        roles=tuple(spec["roles"]),
        source=source,
        target=spec["to"],
        guards=tuple(spec["guards"]),
        effects=tuple(spec["effects"]),
        payload=tuple(
            PayloadField(name=n, **{**f, "past_requires": tuple(f["past_requires"])})
            for n, f in spec["payload"].items()
        ),
        records=tuple(RecordSpec(**r) for r in spec["records"]),
        track=track,
        requires=tuple((name, tuple(states)) for name, states in spec["requires"].items()),
    )


def _track(name: str, spec: dict[str, Any]) -> Track:
    return Track(
        name=name,
        title=spec["title"],
        initial=spec["initial"],
        states={n: TrackState(name=n, **state) for n, state in spec["states"].items()},
        during=tuple(spec["during"]),
        actions=tuple(
            _action(action_name, action, source, track=name)
            for action_name, action in spec["actions"].items()
            for source in action["source"]
        ),
    )


def _build(data: dict[str, Any], file: str, digest: str, text: str) -> Definition:
    stages: dict[str, Stage] = {}
    for stage_name, stage in data["stages"].items():
        actions = {name: _action(name, spec, stage_name) for name, spec in stage["actions"].items()}
        stages[stage_name] = Stage(
            name=stage_name,
            title=stage["title"],
            description=stage["description"],
            final=stage["final"],
            review=stage["review"],
            actions=actions,
        )
    windows = {name: WindowSpec(name=name, **spec) for name, spec in data["windows"].items()}
    return Definition(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        description=data["description"],
        initial=data["initial"],
        stages=stages,
        windows=windows,
        drill=data["drill"],
        source_path=file,
        source_hash=digest,
        source_text=text,
        tracks={name: _track(name, spec) for name, spec in data["tracks"].items()},
        review=ReviewRoles(
            propose=tuple(data["review"]["propose"]),
            dispose=tuple(data["review"]["dispose"]),
            explain=tuple(data["review"]["explain"] or data["review"]["dispose"]),
        )
        if data["review"]
        else None,
        valid_from=data["valid_from"],
        valid_from_basis=data["valid_from_basis"],
    )


def _check(definition: Definition, report: _Reporter) -> None:
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


def _where(action: Action) -> Path_:
    if action.track is not None:
        return ("tracks", action.track, "actions", action.name)
    return ("stages", action.source, "actions", action.name)


def _check_requires(definition: Definition, action: Action, report: _Reporter) -> None:
    for track_name, states in action.requires:
        where: Path_ = (*_where(action), "requires", track_name)
        track = definition.tracks.get(track_name)
        if track is None:
            report.add(where, f"unknown track {track_name!r}")
            continue
        for state in states:
            if state not in track.states:
                report.add(where, f"unknown state {state!r} of track {track_name!r}")


def _check_review(definition: Definition, report: _Reporter) -> None:
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


def _check_track(definition: Definition, track: Track, report: _Reporter) -> None:
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


def _check_action(action: Action, where: Path_, report: _Reporter) -> None:
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
    for index, record in enumerate(action.records):
        for ref in (record.number_from, record.issued_on_from, record.only_with):
            if ref and action.payload_field(ref) is None:
                report.add(
                    (*where, "records", index),
                    f"record refers to unknown payload field {ref!r}",
                )


def _check_reachable(definition: Definition, report: _Reporter) -> None:
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


def _check_window(definition: Definition, window: WindowSpec, report: _Reporter) -> None:
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


def definition_files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def load_all(paths: Iterable[Path]) -> tuple[list[Definition], list[DefinitionError]]:
    """Load many files, collecting every error; duplicate ids are an error too."""
    definitions: list[Definition] = []
    errors: list[DefinitionError] = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            definition = load_definition(path)
        except DefinitionInvalid as exc:
            errors.extend(exc.errors)
            continue
        if definition.id in seen:
            errors.append(
                DefinitionError(
                    str(path), 1, f"id {definition.id!r} is also defined in {seen[definition.id]}"
                )
            )
            continue
        seen[definition.id] = str(path)
        definitions.append(definition)
    return definitions, errors
