"""Named guards and effects. Definitions refer to them by name; no code lives in YAML.

A guard returns ``None`` when the action may go ahead, or the reason it may not, in the
user's language. An effect does the action's work beyond the state change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from consult.workflow.context import ActionContext

Guard = Callable[["ActionContext"], "str | None"]
Effect = Callable[["ActionContext"], None]
F = TypeVar("F", bound=Callable[..., object])

GUARDS: dict[str, Guard] = {}
EFFECTS: dict[str, Effect] = {}


def guard(name: str) -> Callable[[Guard], Guard]:
    def register(fn: Guard) -> Guard:
        GUARDS[name] = fn
        return fn

    return register


def effect(name: str) -> Callable[[Effect], Effect]:
    def register(fn: Effect) -> Effect:
        EFFECTS[name] = fn
        return fn

    return register
