"""The administration's forms (Flask-WTF, CSRF on every POST) and the parsing of a year's days
as an administrator types them from the government's notice."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired

from consult.errors import Invalid
from consult.i18n import _, lazy
from consult.permissions import ROLES, role_label


class RolesField(SelectMultipleField):
    """Roles as checkboxes, each labelled with what the role is in the commune."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def role_choices() -> list[tuple[str, str]]:
    return [(r, f"{role_label(r)} ({r})") for r in ROLES]


class UserForm(FlaskForm):
    username = StringField(
        lazy("Username"),
        validators=[DataRequired(message=lazy("Enter a username."))],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    full_name = StringField(lazy("Full name"), render_kw={"autocomplete": "off"})
    password = PasswordField(
        lazy("Password"),
        validators=[DataRequired(message=lazy("Enter a password of at least 8 characters."))],
        render_kw={"autocomplete": "new-password"},
    )
    roles = RolesField(lazy("Roles"), choices=[], validate_choice=False)


class UserChangeForm(FlaskForm):
    roles = RolesField(lazy("Roles"), choices=[], validate_choice=False)
    active = BooleanField(lazy("Account active (untick to deactivate: signs out at once)"))


class VillageForm(FlaskForm):
    name = StringField(
        lazy("Name of the village or residential group"),
        validators=[DataRequired(message=lazy("Enter a name."))],
    )


class PostingPlaceForm(FlaskForm):
    place = StringField(
        lazy("Name of the posting place"),
        validators=[DataRequired(message=lazy("Enter a name."))],
    )
    village = SelectField(lazy("Village (optional)"), choices=[], validate_choice=False)


class HolidayForm(FlaskForm):
    year = SelectField(lazy("Year"), choices=[], validate_choice=False)
    source = TextAreaField(
        lazy("Source (the notice and its number)"),
        validators=[DataRequired(message=lazy("Name the notice the days come from."))],
        render_kw={"rows": 2},
    )
    days_off = TextAreaField(
        lazy("Days off, one a line: dd/mm/yyyy name"),
        validators=[DataRequired(message=lazy("List the year's days off."))],
        render_kw={"rows": 12},
    )
    working_days = TextAreaField(
        lazy("Make-up working days, one a line: dd/mm/yyyy name (optional)"),
        render_kw={"rows": 3},
    )


_LINE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*[-–:]?\s*(.*?)\s*$")


def parse_days(text: str, field: str, label: str) -> list[dict[str, Any]]:
    """``[{"date": "YYYY-MM-DD", "name"}]`` from lines ``dd/mm/yyyy name``; the first bad line
    is an :class:`~consult.errors.Invalid` naming the field and the line."""
    days: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = _LINE.match(line)
        try:
            if found is None:
                raise ValueError
            day = date(int(found[3]), int(found[2]), int(found[1]))
        except ValueError:
            message = _(
                "%(label)s, line %(line)s: write a date as dd/mm/yyyy, then its name "
                "(e.g. 01/01/2027 Tết Dương lịch).",
                label=label,
                line=number,
            )
            raise Invalid(message, fields={field: message}) from None
        days.append({"date": day.isoformat(), "name": found[4] or label})
    return days


def holiday_payload(form: HolidayForm) -> dict[str, Any]:
    return {
        "source": (form.source.data or "").strip(),
        "days_off": parse_days(form.days_off.data or "", "days_off", str(form.days_off.label.text)),
        "working_days": parse_days(
            form.working_days.data or "", "working_days", str(form.working_days.label.text)
        ),
    }
