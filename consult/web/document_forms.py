"""Forms of the documents and register pages (Flask-WTF: CSRF on every POST).

They check what the browser sends; the register's rules (numbers from 1, no duplicate number
and symbol in a year, PDF only) live in :mod:`consult.documents` and come back as field errors.
"""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from consult.documents.records import TYPE_CODES
from consult.errors import Invalid
from consult.i18n import _, lazy


def parse_day(text: str | None, field: str = "issued_on") -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        message = _("Not a valid date: write YYYY-MM-DD, e.g. 2024-03-04.")
        raise Invalid(message, fields={field: message}) from None


def parse_number(text: str | None, field: str = "number") -> int | None:
    """Empty: the register gives the next number."""
    value = (text or "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        message = _("Must be a whole number, 1 or more.")
        raise Invalid(message, fields={field: message})
    return int(value)


NUMBER_ATTRS = {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}


class NumberKindForm(FlaskForm):
    """Give one procedure document of a consultation its number."""

    number = StringField(
        lazy("Number (if already signed on paper)"),
        description=lazy("Leave empty: the register gives the next number."),
        render_kw=NUMBER_ATTRS,
    )
    issued_on = StringField(lazy("Date signed"), render_kw={"type": "date"})


class HandEntryForm(FlaskForm):
    """Enter a document in the register by hand, e.g. one signed on paper outside consult."""

    type = SelectField(lazy("Type"), choices=[])
    number = StringField(
        lazy("Number"),
        description=lazy("Leave empty: the register gives the next number."),
        render_kw=NUMBER_ATTRS,
    )
    issued_on = StringField(lazy("Date signed"), render_kw={"type": "date"})
    subject = StringField(lazy("Subject (trích yếu)"), validators=[DataRequired(), Length(max=500)])
    signer_name = StringField(lazy("Signed by"), validators=[Length(max=120)])
    signer_title = StringField(lazy("Position"), validators=[Length(max=120)])

    def fill_choices(self) -> None:
        self.type.choices = [(code, code or _("Letter (no type code)")) for code in TYPE_CODES]


class SignedCopyForm(FlaskForm):
    file = FileField(lazy("Signed and stamped scan (PDF)"), render_kw={"accept": "application/pdf"})
    publish = BooleanField(lazy("Publish it now"), default=True)
