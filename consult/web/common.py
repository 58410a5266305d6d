"""What the staff pages share beyond :mod:`consult.scope`: the staff guard and the one helper
by which a view writes (:func:`perform`).

A view parses the request, calls one service inside :func:`perform`, and renders: the helper
opens the writer, commits, rolls back on a domain error and puts its messages where the user
sees them (next to each field of the form, or as a flash message), so no view repeats it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from flask import abort, flash
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlmodel import Session

from consult import permissions, scope
from consult.errors import ConsultError, Forbidden
from consult.extensions import login_manager

T = TypeVar("T")


def require_staff() -> ResponseReturnValue | None:
    """``before_request`` of every staff blueprint: a login, and at least one staff role."""
    if not current_user.is_authenticated:
        response: ResponseReturnValue = login_manager.unauthorized()
        return response
    if not permissions.is_staff(scope.current_actor()):
        abort(403)
    return None


@dataclass(frozen=True)
class Refused:
    """A write that a rule refused; its messages are already on the form or flashed."""

    status: int
    message: str


def perform(
    work: Callable[[Session], T],
    *,
    form: FlaskForm | None = None,
    aliases: Mapping[str, str] | None = None,
    lock_now: bool = True,
) -> T | Refused:
    """Run ``work`` in the request's unit of work and commit, returning what it returned.

    On a domain error everything is rolled back and its messages shown: with a ``form``, each
    field's message next to its input (``aliases`` maps an error's field to the form's name
    for it) and the rest above the form; without one, as a flash message. A refusal of access
    goes on to the error page.
    """
    try:
        with scope.writing(lock_now=lock_now) as session:
            return work(session)
    except Forbidden:
        raise
    except ConsultError as exc:
        if form is None:
            details = " ".join(str(m) for m in exc.fields.values() if str(m) not in exc.message)
            flash(f"{exc.message} {details}".strip(), "error")
        else:
            show_errors(form, exc, aliases or {})
        return Refused(exc.status, exc.message)


def show_errors(form: FlaskForm, exc: ConsultError, aliases: Mapping[str, str]) -> None:
    """Put each field's message next to its input; the rest above the form."""
    for name, message in exc.fields.items():
        target = name if name in form else aliases.get(name, name)
        if target in form:
            form[target].errors = [*form[target].errors, str(message)]
        else:
            form.form_errors.append(str(message))
    if not exc.fields:
        form.form_errors.append(exc.message)
