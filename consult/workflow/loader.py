"""Load workflow definitions from YAML and validate them.

Errors are reported as ``file:line: message``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml
from marshmallow import ValidationError

from consult.workflow import (  # noqa: F401  (rules and ballots register guards and effects)
    ballots,
    registry,
    rules,
)
from consult.workflow.checks import DefinitionError, DefinitionInvalid, Path_, Reporter, check
from consult.workflow.definition import (
    Action,
    BallotSpec,
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
    report = Reporter(file, lines)
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
    check(definition, report)
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
    ballot_specs = {
        name: BallotSpec(
            name=name,
            **{
                **spec,
                "counted_by": tuple(spec["counted_by"]),
                "options": tuple(spec["options"].items()),
                "channels": tuple(spec["channels"]),
                "precedence": tuple(spec["precedence"]),
            },
        )
        for name, spec in data["ballots"].items()
    }
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
        ballots=ballot_specs,
    )


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
