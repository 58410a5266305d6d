"""An action's payload: the types a definition may give its fields, their defaults, and the
validation every way in (staff form, API, scheduler) goes through.

:data:`TYPES` is the one table of payload types: how each one is validated (marshmallow), how it
is described to API callers (JSON schema) and which input a form shows for it. The engine, the
staff forms and the API schemas all read it, so a new type is one row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate
from sqlmodel import Session, col, select

from consult.actor import Actor
from consult.calendar import LegalCalendar, dmy
from consult.errors import Invalid
from consult.i18n import _, current_language
from consult.models import Organization, PostingPlace
from consult.workflow.definition import Action, Definition, PayloadField, WindowSpec
from consult.workflow.duration import Duration


def _required(item: PayloadField) -> dict[str, str]:
    return {"required": _("Required: %(what)s.", what=item.title or item.name)}


def _text(item: PayloadField, default_limit: int) -> fields.Field:
    return fields.String(
        required=item.required,
        validate=validate.Length(max=item.max_length or default_limit),
        error_messages={**_required(item), "invalid": _("Must be text.")},
    )


def _date(item: PayloadField) -> fields.Field:
    return fields.Date(
        required=item.required,
        error_messages={
            **_required(item),
            "invalid": _("Not a valid date: write YYYY-MM-DD, e.g. 2024-03-04."),
        },
    )


def _integer(item: PayloadField) -> fields.Field:
    return fields.Integer(
        required=item.required,
        strict=False,
        validate=validate.Range(min=item.minimum) if item.minimum is not None else None,
        error_messages={**_required(item), "invalid": _("Must be a whole number.")},
    )


def _boolean(item: PayloadField) -> fields.Field:
    return fields.Boolean(required=item.required, error_messages={**_required(item)})


def _list(item: PayloadField) -> fields.Field:
    sizes = None
    if item.min_items is not None or item.max_items is not None:
        low, high = item.min_items or 0, item.max_items
        sizes = validate.Length(
            min=low,
            max=high,
            error=_("Give from %(low)s to %(high)s items.", low=low, high=high)
            if high is not None
            else _("Give at least %(low)s items.", low=low),
        )
    return fields.List(
        fields.String(validate=validate.Length(min=1, max=200)),
        required=item.required,
        validate=sizes,
        error_messages={**_required(item), "invalid": _("Must be a list of texts.")},
    )


@dataclass(frozen=True)
class PayloadType:
    name: str
    field: Callable[[PayloadField], fields.Field]
    """The marshmallow field that validates a value of this type."""
    json_type: dict[str, Any]
    """How the API describes it (JSON schema)."""
    input: str
    """The form input: ``line``, ``lines`` (one item per line), ``paragraph``, ``date``,
    ``number`` or ``checkbox``."""


TYPES: dict[str, PayloadType] = {
    "string": PayloadType("string", lambda f: _text(f, 500), {"type": "string"}, "line"),
    "text": PayloadType("text", lambda f: _text(f, 20000), {"type": "string"}, "paragraph"),
    "date": PayloadType("date", _date, {"type": "string", "format": "date"}, "date"),
    "integer": PayloadType("integer", _integer, {"type": "integer"}, "number"),
    "boolean": PayloadType("boolean", _boolean, {"type": "boolean"}, "checkbox"),
    "list": PayloadType("list", _list, {"type": "array", "items": {"type": "string"}}, "lines"),
}


# --- defaults -------------------------------------------------------------------------------


def posting_place_names(session: Session, organization_id: int) -> list[str]:
    """The organization's posting places (niêm yết), in their order: the default of a step's
    ``places``."""
    query = (
        select(PostingPlace.name)
        .where(PostingPlace.organization_id == organization_id)
        .order_by(col(PostingPlace.position), col(PostingPlace.id))
    )
    return list(session.exec(query))


DefaultProvider = Callable[[Session, Organization, Actor, datetime, LegalCalendar], Any]
PROVIDERS: dict[str, DefaultProvider] = {
    "today": lambda _s, _o, _a, now, calendar: calendar.local_date(now).isoformat(),
    "posting_places": lambda session, org, _a, _n, _c: posting_place_names(session, org.id or 0),
    "acting_user": lambda _s, _o, actor, _n, _c: actor.display_name,
    "acting_user_title": lambda _s, _o, actor, _n, _c: actor.title,
}
"""What ``default_from`` may name (checked on load by the definition schema)."""


class Payloads:
    """Validates payloads; builds each action's schema once per definition and language
    (messages are translated, so a schema per language)."""

    def __init__(self, calendar: LegalCalendar) -> None:
        self.calendar = calendar
        self._schemas: dict[tuple[str, str, str, str], Schema] = {}

    def default(
        self,
        session: Session,
        item: PayloadField,
        organization: Organization,
        actor: Actor,
        now: datetime,
    ) -> Any:
        provider = PROVIDERS.get(item.default_from or "")
        if provider is None:
            return item.default
        return provider(session, organization, actor, now, self.calendar)

    def defaults(
        self,
        session: Session,
        action: Action,
        organization: Organization,
        actor: Actor,
        now: datetime,
    ) -> dict[str, Any]:
        return {f.name: self.default(session, f, organization, actor, now) for f in action.payload}

    def validate(
        self,
        session: Session,
        definition: Definition,
        action: Action,
        organization: Organization,
        actor: Actor,
        payload: Any,
        now: datetime,
    ) -> dict[str, Any]:
        """The payload with its defaults filled in, or :class:`Invalid` naming each field."""
        if not isinstance(payload, dict):
            raise Invalid(_("The payload must be a JSON object."))
        data = dict(payload)
        for item in action.payload:
            if data.get(item.name) in (None, "") and not item.required:
                default = self.default(session, item, organization, actor, now)
                if default is None:
                    data.pop(item.name, None)
                else:
                    data[item.name] = default
        try:
            clean: dict[str, Any] = self._schema(definition, action).load(data)
        except ValidationError as exc:
            problems = {
                k: " ".join(v) if isinstance(v, list) else str(v)
                for k, v in exc.normalized_messages().items()
            }
            problems = {
                k: _("Unknown field: remove it.") if v == "Unknown field." else v
                for k, v in problems.items()
            }
            raise Invalid(
                _("Some fields are not valid: %(names)s.", names=", ".join(problems)),
                fields=problems,
            ) from exc
        today = self.calendar.local_date(now)
        for item in action.payload:
            value = clean.get(item.name)
            if item.type == "date" and isinstance(value, date):
                check_date(definition, action, item, value, today, clean)
        for spec in definition.windows_opened_by(action.name):
            check_window_length(spec, clean)
        return clean

    def _schema(self, definition: Definition, action: Action) -> Schema:
        key = (definition.source_hash, action.source, action.name, current_language())
        schema = self._schemas.get(key)
        if schema is None:
            declared = {f.name: TYPES[f.type].field(f) for f in action.payload}
            schema = self._schemas[key] = Schema.from_dict(declared)()
        return schema


FARTHEST_AHEAD = timedelta(days=366)
"""A step's date may lie ahead (a plan signed for next week), but not absurdly far."""


def check_date(
    definition: Definition,
    action: Action,
    item: PayloadField,
    value: date,
    today: date,
    clean: dict[str, Any],
) -> None:
    """A date a step records cannot be before the procedure's law came into force, nor more
    than a year ahead: either is a typing mistake, or a date moved to dodge a minimum. A day
    in the past may need the record of what happened on paper (``past_requires``)."""
    what = item.title or item.name
    if definition.valid_from is not None and value < definition.valid_from:
        message = _(
            "%(what)s cannot be before %(day)s (%(basis)s): check the year.",
            what=what,
            day=dmy(definition.valid_from),
            basis=definition.valid_from_basis,
        )
        raise Invalid(message, fields={item.name: message})
    if value > today + FARTHEST_AHEAD:
        message = _(
            "%(what)s cannot be more than a year ahead (after %(day)s): check the year.",
            what=what,
            day=dmy(today + FARTHEST_AHEAD),
        )
        raise Invalid(message, fields={item.name: message})
    missing = [f for f in item.past_requires if clean.get(f) in (None, "", [])]
    if value < today and missing:
        titles = ", ".join((action.payload_field(f) or item).title or f for f in missing)
        message = _(
            "%(what)s %(day)s is in the past: a past date is accepted only as the record of "
            "what already happened on paper; give %(fields)s, or use today's date.",
            what=what,
            day=dmy(value),
            fields=titles,
        )
        raise Invalid(message, fields={item.name: message})


def check_window_length(spec: WindowSpec, clean: dict[str, Any]) -> None:
    """A plan may lengthen a window (``set_by``), never set it below its legal minimum."""
    if not spec.set_by or clean.get(spec.set_by) is None:
        return
    asked = Duration(int(clean[spec.set_by]), spec.duration.unit)
    if spec.minimum and asked.approximate < spec.minimum.approximate:
        message = _(
            "%(window)s must be at least %(minimum)s (%(basis)s).",
            window=spec.title,
            minimum=spec.minimum.describe(),
            basis=spec.basis,
        )
        raise Invalid(message, fields={spec.set_by: message})
    if asked.amount < 1:
        raise Invalid(_("A window lasts at least 1."), fields={spec.set_by: _("At least 1.")})
