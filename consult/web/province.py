"""The province's dashboard across its communes, read-only (a route of the staff blueprint)."""

from __future__ import annotations

from flask import render_template

from consult import scope
from consult.services import province
from consult.web.staff import bp


@bp.route("/province")
def province_dashboard() -> str:
    session, actor = scope.db(), scope.current_actor()
    rows = province.dashboard(session, scope.runtime().engine, actor, scope.now())
    return render_template(
        "staff/province.html", province=province.province_of(session, actor), rows=rows
    )
