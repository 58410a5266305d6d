"""The workflow definitions as the administrator sees them (routes of the ``admin``
blueprint): the list, each one read-only with a diagram of its stages drawn on the server
(:mod:`consult.web.diagram`), and the check of an uploaded definition before anything is
enabled (:mod:`consult.services.definitions`)."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from consult import scope
from consult.errors import ConsultError
from consult.i18n import lazy
from consult.services import definitions
from consult.web.admin import administered, bp
from consult.web.diagram import svg


class UploadForm(FlaskForm):
    file = FileField(lazy("Definition file (YAML)"))


@bp.route("/workflows", methods=["GET", "POST"])
def workflows() -> Any:
    form, status = UploadForm(), 200
    errors: list[str] = []
    checked = None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read() if upload else b""
        try:
            organization_id = administered().id
            assert organization_id is not None
            checked = definitions.check_upload(
                scope.current_actor(),
                organization_id,
                upload.filename if upload else "",
                data,
            )
        except definitions.DefinitionRefused as exc:
            form.form_errors.append(exc.message)
            errors, status = exc.errors, 422
        except ConsultError as exc:
            form.file.errors = [exc.message]
            status = exc.status
    return render_template(
        "admin/workflows.html",
        definitions=scope.runtime().catalog.all(),
        form=form,
        errors=errors,
        checked=checked,
        diagram=svg(checked) if checked else None,
    ), status


@bp.route("/workflows/<workflow_id>")
def workflow(workflow_id: str) -> Any:
    found = next((d for d in scope.runtime().catalog.all() if d.id == workflow_id), None)
    if found is None:
        abort(404)
    return render_template("admin/workflow.html", definition=found, diagram=svg(found))
