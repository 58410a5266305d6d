"""Who sent a request, as a keyed hash only: the raw address is never stored.

The key mixes the secret key, the day, the client address and its user agent, so the hash
cannot be reversed into an address without the secret, and it changes every day.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from flask_limiter.util import get_remote_address

from consult.web import common


def client_key() -> str:
    day = common.now().date().isoformat()
    material = "\x1f".join((day, get_remote_address() or "", request.headers.get("User-Agent", "")))
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(secret, material.encode("utf-8"), hashlib.sha256).hexdigest()
