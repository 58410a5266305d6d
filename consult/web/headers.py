"""The security headers every answer carries, pages, API and downloads alike.

- ``Content-Security-Policy``: only this site's own scripts, styles, images and forms, no
  inline script or style, never inside a frame (``frame-ancestors 'none'``, and
  ``X-Frame-Options: DENY`` for older browsers);
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin`` (an address with a
  receipt code never leaves the site), a ``Permissions-Policy`` that turns off what consult
  never uses;
- ``Cache-Control: no-store`` on staff pages, the API's answers to staff and the login page,
  so no shared computer or proxy keeps personal data;
- with ``CONSULT_PRODUCTION=1``, ``Strict-Transport-Security`` (HTTPS only from then on).
"""

from __future__ import annotations

from flask import Flask, g, request
from werkzeug.wrappers import Response

from consult import scope

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
_HEADERS = tuple((name.lower(), name, value) for name, value in HEADERS.items())
PRIVATE_PREFIXES = ("/staff", "/login", "/account")


def _private() -> bool:
    """Whether the answer may hold personal data or a staff member's view."""
    if request.path.startswith(PRIVATE_PREFIXES) or "HTTP_AUTHORIZATION" in request.environ:
        return True
    user = g.get("_login_user")  # only if the request loaded it: no database read here
    return bool(getattr(user, "is_authenticated", False))


def secure(response: Response) -> Response:
    headers = response.headers
    # Each header the answer does not set itself, added in one go: every answer pays this.
    present = {name.lower() for name, _value in headers.items()}
    headers.extend([(name, value) for key, name, value in _HEADERS if key not in present])
    if _private():
        headers["Cache-Control"] = "no-store"
    if scope.runtime().settings.production:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def public(production: bool) -> list[tuple[str, str]]:
    """The headers :func:`secure` gives a public answer that sets none of them, for a path
    answered before Flask's request (:mod:`consult.front`)."""
    added = [(name, value) for _key, name, value in _HEADERS]
    return [*added, ("Strict-Transport-Security", HSTS)] if production else added


def init_app(app: Flask) -> None:
    app.after_request(secure)
