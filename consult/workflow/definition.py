"""The in-memory form of a workflow definition, built by the loader after validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from consult.workflow.duration import Duration

PAYLOAD_TYPES = ("string", "text", "date", "integer", "boolean", "list")
DEFAULT_PROVIDERS = ("today", "posting_places", "acting_user", "acting_user_title")


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


@dataclass(frozen=True)
class RecordSpec:
    """A document an action records, numbered by the register."""

    type: str
    subject: str
    number_from: str | None = None
    """Payload field holding a number given on paper; empty means the register's next number."""
    issued_on_from: str | None = None
    """Payload field holding the issue date; empty means today."""


@dataclass(frozen=True)
class Action:
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

    def stage(self, name: str) -> Stage:
        return self.stages[name]

    def actions_named(self, name: str) -> list[Action]:
        return [s.actions[name] for s in self.stages.values() if name in s.actions]

    def comment_windows(self) -> list[WindowSpec]:
        return [w for w in self.windows.values() if w.accepts_comments]

    def posting_window(self) -> WindowSpec | None:
        return next((w for w in self.windows.values() if w.posting), None)

    def windows_opened_by(self, action: str) -> list[WindowSpec]:
        return [w for w in self.windows.values() if w.opens_with == action]

    @property
    def final_stages(self) -> list[str]:
        return [s.name for s in self.stages.values() if s.final]
