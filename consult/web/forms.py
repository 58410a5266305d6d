"""The web forms (Flask-WTF, CSRF on every POST) and the parsing of what people type.

Forms only check what the browser sends; the rules (windows, roles, lengths, minimum
periods) live in the services and the engine, whose errors are shown next to the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from consult.i18n import _, lazy
from consult.models.comment import CHANNELS
from consult.services import draft_text
from consult.workflow.definition import Action, PayloadField
from consult.workflow.drafting import check_articles
from consult.workflow.engine import ArticleInput
from consult.workflow.payload import TYPES

OTHER_LOCALITY = "__other__"
OFFLINE_CHANNELS = tuple(c for c in CHANNELS if c != "online")


class LoginForm(FlaskForm):
    username = StringField(
        lazy("Username"),
        validators=[
            DataRequired(message=lazy("Enter your username.")),
            Length(max=80, message=lazy_gettext("At most %(max)s characters.", max=80)),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        lazy("Password"),
        validators=[DataRequired(message=lazy("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class LogoutForm(FlaskForm):
    """Only the CSRF token: logging out is a POST."""


class CommentForm(FlaskForm):
    """A citizen's opinion. Only the opinion is required; without a name it is anonymous.

    Lengths are checked by :func:`consult.services.comments.submit`, which says how much
    is too much.
    """

    article = SelectField(
        lazy("Which article is your opinion about?"), choices=[], validate_choice=False
    )
    body = TextAreaField(
        lazy("Your opinion"),
        validators=[DataRequired(message=lazy("Write your opinion."))],
        render_kw={"rows": 8},
    )
    author_name = StringField(
        lazy("Your name (optional)"), render_kw={"maxlength": "120", "autocomplete": "name"}
    )
    locality = SelectField(
        lazy("Village or residential group (optional)"), choices=[], validate_choice=False
    )
    locality_other = StringField(lazy("Other place"), render_kw={"maxlength": "100"})
    contact = StringField(
        lazy("Phone or e-mail (optional)"), render_kw={"maxlength": "200", "autocomplete": "tel"}
    )
    # Honeypot: hidden from people by CSS, filled in by bots.
    website = StringField(lazy("Leave this field empty"))

    def validate_locality_other(self, field: Field) -> None:
        """Choosing "Other" asks for the place's name: an empty one would be lost unseen."""
        if self.locality.data == OTHER_LOCALITY and not (field.data or "").strip():
            raise ValidationError(
                _(
                    "%(field)s: write the name of the village or residential group, or choose "
                    "one from the list above.",
                    field=field.label.text,
                )
            )

    def locality_value(self) -> str:
        if self.locality.data == OTHER_LOCALITY:
            return (self.locality_other.data or "").strip()
        return (self.locality.data or "").strip()


class OfflineOpinionForm(CommentForm):
    """An opinion received on paper, at a meeting, in the box or through the Front."""

    channel = SelectField(lazy("Received through"), choices=[], validate_choice=False)
    received_on = StringField(lazy("Received on"), render_kw={"type": "date"})
    body = TextAreaField(
        lazy("Opinion (as written or said)"),
        validators=[DataRequired(message=lazy("Write the opinion."))],
        render_kw={"rows": 8},
    )
    author_name = StringField(lazy("Name of the person or group"), render_kw={"maxlength": "120"})
    locality = SelectField(lazy("Village or residential group"), choices=[], validate_choice=False)
    contact = StringField(lazy("Phone or e-mail"), render_kw={"maxlength": "200"})
    represents = StringField(
        lazy("Speaks for how many people or households"),
        render_kw={"type": "number", "min": "1", "inputmode": "numeric"},
    )
    scan = FileField(
        lazy("Scan or photo of the paper opinion (PDF, JPEG or PNG; optional)"),
        render_kw={"accept": "application/pdf,image/jpeg,image/png"},
    )


class NewConsultationForm(FlaskForm):
    workflow = SelectField(lazy("Procedure"), choices=[], validate_choice=False)
    title = StringField(
        lazy("Title of the draft regulation"),
        validators=[
            DataRequired(message=lazy("Give the draft a title.")),
            Length(max=300, message=lazy_gettext("At most %(max)s characters.", max=300)),
        ],
    )
    summary = TextAreaField(lazy("Summary"), render_kw={"rows": 3})
    draft_file = FileField(
        lazy("Word file of the draft (.docx)"),
        render_kw={
            "accept": ".docx,application/vnd.openxmlformats-officedocument."
            "wordprocessingml.document"
        },
    )
    articles = TextAreaField(lazy("Text of the draft"), render_kw={"rows": 20})
    confirm = BooleanField(lazy("I have read the warnings and the structure is right"))


# --- article text -------------------------------------------------------------------------


def parse_articles(text: str) -> list[ArticleInput]:
    """Articles as typed or pasted (the layouts of :mod:`consult.services.draft_text`), each
    number once; an error names the articles field."""
    parsed = draft_text.parse_text(text, field_name="articles")
    items = draft_text.inputs(parsed)
    check_articles(items)
    return items


# --- action forms, generated from the definition's payload fields --------------------------


@dataclass(frozen=True)
class _Input:
    """How a form shows one kind of payload input (:data:`consult.workflow.payload.TYPES`
    says which kind each type takes) and turns what was typed back into a payload value."""

    field: Callable[[PayloadField], Field]
    shown: Callable[[Any], Any] = lambda value: "" if value is None else str(value)
    read: Callable[[Any], Any] = lambda raw: (raw or "").strip() or None


def _number_field(item: PayloadField) -> Field:
    render: dict[str, Any] = {"type": "number", "inputmode": "numeric"}
    if item.minimum is not None:
        render["min"] = str(item.minimum)
    return StringField(item.title or item.name, description=item.help, render_kw=render)


def _lines(value: Any) -> str:
    if value is None:
        return ""
    return "\n".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)


INPUTS: dict[str, _Input] = {
    "line": _Input(
        lambda item: StringField(
            item.title or item.name,
            description=item.help,
            render_kw={"maxlength": str(item.max_length)} if item.max_length else {},
        )
    ),
    "paragraph": _Input(
        lambda item: TextAreaField(
            item.title or item.name, description=item.help, render_kw={"rows": 6}
        ),
        read=lambda raw: raw if (raw or "").strip() else None,
    ),
    "lines": _Input(
        lambda item: TextAreaField(
            item.title or item.name,
            description=item.help or _("One per line."),
            render_kw={"rows": 4},
        ),
        shown=_lines,
        read=lambda raw: (
            [line.strip() for line in (raw or "").splitlines() if line.strip()] or None
        ),
    ),
    "date": _Input(
        lambda item: StringField(
            item.title or item.name, description=item.help, render_kw={"type": "date"}
        ),
        shown=lambda value: value.isoformat() if isinstance(value, date) else (value or ""),
    ),
    "number": _Input(_number_field),
    "checkbox": _Input(
        lambda item: BooleanField(item.title or item.name, description=item.help),
        shown=bool,
        read=bool,
    ),
}


def _input(item: PayloadField) -> _Input:
    return INPUTS[TYPES[item.type].input]


def action_form(action: Action, defaults: dict[str, Any]) -> FlaskForm:
    """A form with one input per payload field of ``action``, prefilled with its defaults
    (on a POST, Flask-WTF fills it from the request instead)."""

    class ActionForm(FlaskForm):
        pass

    for item in action.payload:
        setattr(ActionForm, item.name, _input(item).field(item))
    return ActionForm(
        data={item.name: _input(item).shown(defaults.get(item.name)) for item in action.payload}
    )


def action_payload(action: Action, form: FlaskForm) -> dict[str, Any]:
    """What the form holds, as the engine's payload. Empty inputs are left out, so the
    definition's defaults apply; the engine validates the rest."""
    payload: dict[str, Any] = {}
    for item in action.payload:
        value = _input(item).read(form[item.name].data)
        if value is not None:
            payload[item.name] = value
    return payload
