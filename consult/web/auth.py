"""Staff login and logout (sessions, CSRF, hashed passwords).

Passwords are checked by :func:`consult.services.users.authenticate`; this module only keeps
the logged-in user in the session. Citizens never log in.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from consult import scope
from consult.errors import ConsultError
from consult.extensions import limiter, login_manager
from consult.i18n import _, lazy
from consult.models import User
from consult.services import users
from consult.web.forms import LoginForm, LogoutForm

bp = Blueprint("auth", __name__)


class LoginUser(UserMixin):
    """The session's view of a staff account; ``user`` is the database row."""

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        return users.session_id(self.user)

    @property
    def is_active(self) -> bool:
        return bool(self.user.is_active)


def load_user(session_id: str) -> LoginUser | None:
    """The session's user, unless the session was ended (logout, password change,
    deactivation: :func:`consult.services.users.user_for_session`)."""
    user = users.user_for_session(scope.db(), session_id)
    return LoginUser(user) if user is not None else None


def safe_next(target: str | None, default: str) -> str:
    """``target`` when it is a path on this site, else ``default`` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_WRITE_LIMIT"], methods=["POST"])
@limiter.shared_limit(
    lambda: current_app.config["LOGIN_ACCOUNT_LIMIT"],
    key_func=scope.login_account,
    scope="login_account",
    methods=["POST"],
    deduct_when=scope.failed_login,
)
def login() -> Any:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data, url_for("staff.dashboard")))
    status = 200
    if form.validate_on_submit():
        try:
            user = users.authenticate(
                scope.db(), form.username.data or "", form.password.data or ""
            )
        except ConsultError as exc:
            form.password.errors = [exc.message]
            status = 401
        else:
            session.permanent = True  # idle timeout: PERMANENT_SESSION_LIFETIME
            login_user(LoginUser(user))
            flash(_("Welcome, %(name)s.", name=user.full_name or user.username), "success")
            return redirect(safe_next(form.next.data, url_for("staff.dashboard")))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    form = LogoutForm()
    if form.validate_on_submit():
        with scope.writing() as db:
            user = db.get(User, current_user.user.id)
            if user is not None:
                users.end_sessions(db, user)  # a copied cookie is refused from now on
        logout_user()
        flash(_("You are logged out."), "success")
    return redirect(url_for("public.index"))


def logout_form() -> LogoutForm:
    return LogoutForm()


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy("Please log in to see this page.")
    login_manager.login_message_category = "info"
    app.jinja_env.globals["logout_form"] = logout_form
    _pages_only(app, login_manager._update_remember_cookie)


def _pages_only(app: Flask, hook: Any) -> None:
    """Run Flask-Login's after-request hook (its remember cookie) for pages only: the API
    never reads the login session (:mod:`consult.api.auth`), and the hook's look at the
    session costs every API answer a session save and a ``Vary: Cookie``."""
    hooks = app.after_request_funcs.setdefault(None, [])

    def for_pages(response: Response) -> Response:
        if request.path.startswith(scope.API_PATHS):
            return response
        return hook(response)

    hooks[:] = [for_pages if f == hook else f for f in hooks]
