"""The workflow definitions as the administrator sees them (routes of the ``admin``
blueprint): the list, each one read-only with a diagram of its stages drawn on the server, and
the check of an uploaded definition before anything is enabled."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template

from consult import scope
from consult.web.admin import bp


@bp.route("/workflows")
def workflows() -> str:
    return render_template("admin/workflows.html", definitions=scope.runtime().catalog.all())


@bp.route("/workflows/<workflow_id>")
def workflow(workflow_id: str) -> Any:
    found = next((d for d in scope.runtime().catalog.all() if d.id == workflow_id), None)
    if found is None:
        abort(404)
    return render_template("admin/workflow.html", definition=found)
