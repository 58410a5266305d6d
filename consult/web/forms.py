"""The web forms (Flask-WTF, CSRF on every POST) and the parsing of what people type.

Forms only check what the browser sends; the rules (windows, roles, lengths, minimum
periods) live in the services and the engine, whose errors are shown next to the fields.
"""

from __future__ import annotations

import re
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
from wtforms.validators import DataRequired, Length

from consult.errors import Invalid
from consult.i18n import _, lazy
from consult.models.comment import CHANNELS, DISPOSITIONS
from consult.workflow.definition import Action, PayloadField
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
    articles = TextAreaField(
        lazy("Articles"),
        validators=[DataRequired(message=lazy("Enter at least one article."))],
        render_kw={"rows": 16},
    )


class DispositionForm(FlaskForm):
    disposition = SelectField(lazy("Disposition"), choices=[], validate_choice=False)
    reason = TextAreaField(lazy("Explanation (giải trình)"), render_kw={"rows": 3})
    response = TextAreaField(lazy("Response to the citizen (published)"), render_kw={"rows": 3})
    group = StringField(lazy("Group"), render_kw={"maxlength": "64"})
    next = HiddenField()

    def fill_choices(self) -> None:
        from consult.web.filters import disposition_label

        self.disposition.choices = [("", _("Choose…"))] + [
            (code, disposition_label(code)) for code in DISPOSITIONS
        ]


# --- article text -------------------------------------------------------------------------

_ARTICLE = re.compile(
    r"^\s*(?:Điều|Dieu|Article)\s+(\d+[a-zA-Z]?)\s*[.:\-–]?\s*(.*)$", re.IGNORECASE
)
_CHAPTER = re.compile(r"^\s*(?:Chương|Chuong|Chapter)\s+\S+", re.IGNORECASE)


def parse_articles(text: str) -> list[ArticleInput]:
    """Articles typed as one block each: a line ``Điều 3. Title``, then the text.

    A line ``Chương II. …`` sets the chapter of the articles after it. Text before the first
    article is refused, so nothing typed is silently dropped.
    """
    articles: list[dict[str, Any]] = []
    chapter = ""
    stray: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if _CHAPTER.match(line):
            chapter = line.strip()[:200]
            continue
        found = _ARTICLE.match(line)
        if found:
            articles.append(
                {
                    "number": found.group(1),
                    "title": found.group(2).strip()[:300],
                    "chapter": chapter,
                    "lines": [],
                }
            )
        elif articles:
            articles[-1]["lines"].append(line.rstrip())
        elif line.strip():
            stray.append(line.strip())
    if stray:
        message = _(
            "Start each article with a line such as “Điều 1. Phạm vi điều chỉnh”; "
            "this text comes before the first article: %(text)s",
            text=stray[0][:80],
        )
        raise Invalid(message, fields={"articles": message})
    if not articles:
        message = _(
            "Enter at least one article, starting with a line such as “Điều 1. Phạm vi điều chỉnh”."
        )
        raise Invalid(message, fields={"articles": message})
    numbers = [a["number"] for a in articles]
    repeated = sorted({n for n in numbers if numbers.count(n) > 1})
    if repeated:
        message = _(
            "Article numbers must differ; repeated: %(numbers)s.", numbers=", ".join(repeated)
        )
        raise Invalid(message, fields={"articles": message})
    return [
        ArticleInput(
            number=a["number"],
            title=a["title"],
            chapter=a["chapter"],
            text="\n".join(a["lines"]).strip(),
        )
        for a in articles
    ]


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
