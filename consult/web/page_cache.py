"""A small in-process cache of rendered public pages, keyed by what they show.

A citizen's view of a public page (no login, no session: no name, no CSRF token, no flashed
message in it) is the same for everyone reading it in the same language, so it is rendered
once per *version* of what it shows and kept here. The key carries that version, read from
the database on every request (:func:`consult.services.consultations.public_version`: one
cheap query), so a new opinion or a staff action in any process shows on the next view in
every process — nothing to invalidate, no stale page; an old version simply ages out of the
bounded LRU. The same key is the page's ``ETag``, so a browser or nginx revalidating with
``If-None-Match`` gets ``304 Not Modified`` without a render. A kept page is answered by
:mod:`consult.front` before Flask's request handling (:func:`kept`, :func:`answer_headers`).

A dictionary with an LRU bound rather than Flask-Caching: the key already does the
invalidation, the entries are per process (gunicorn's sync workers), and the lookup is the
hot path of a page under a surge.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request, session
from flask_login import current_user

MAX_PAGES = 256
_MISSING = object()
T = TypeVar("T")
CACHE_CONTROL = "public, no-cache"
"""Shared caches may keep the page but must revalidate it (``ETag``) before each use."""


class Pages:
    """The pages of one app (``app.extensions["consult_pages"]``), and what they are built
    from (:func:`memo`)."""

    def __init__(self) -> None:
        self.entries: OrderedDict[Hashable, tuple[str, bytes]] = OrderedDict()
        self.parts: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()


def _pages() -> Pages:
    return pages_of(current_app)


def pages_of(app: Flask) -> Pages:
    """The app's :class:`Pages`, made on first use."""
    pages = app.extensions.get("consult_pages")
    if pages is None:
        pages = app.extensions.setdefault("consult_pages", Pages())
    assert isinstance(pages, Pages)
    return pages


def memo(key: Hashable, build: Callable[[], T]) -> T:
    """What ``build`` returns for ``key``, built once per key and kept (bounded LRU, per
    process): the parts of a public page that change only with staff actions, read once per
    version of them instead of on every view. Callers pass a key that includes that version;
    what is kept is only read, never changed."""
    pages = _pages()
    with pages.lock:
        found = pages.parts.get(key, _MISSING)
        if found is not _MISSING:
            pages.parts.move_to_end(key)
            return found
    built = build()
    with pages.lock:
        pages.parts[key] = built
        while len(pages.parts) > MAX_PAGES:
            pages.parts.popitem(last=False)
    return built


def anonymous(cookies: Mapping[str, str] | None = None) -> bool:
    """The request carries no cookie but the language: nothing personal in the page."""
    return all(name == "lang" for name in (request.cookies if cookies is None else cookies))


PLAIN_QUERY = re.compile(rb"(page=[0-9]{1,7})?")


def plain_reader() -> bool:
    """Not logged in, no message waiting to be shown, and no argument but ``page``: the
    header and footer of a public page are the same for every such reader (a citizen with
    the form's session cookie too), so they may be rendered once and kept (:func:`memo`).
    Other arguments make other pages, each rendered as it comes instead of filling the memo."""
    return (
        PLAIN_QUERY.fullmatch(request.query_string) is not None
        and not current_user.is_authenticated
        and not session.get("_flashes")
    )


def kept(pages: Pages, key: Hashable) -> tuple[str, bytes] | None:
    """The page kept for ``key`` (its ``ETag`` and body), if any."""
    with pages.lock:
        found = pages.entries.get(key)
        if found is not None:
            pages.entries.move_to_end(key)
    return found


def answer_headers(etag: str) -> list[tuple[str, str]]:
    """A kept page's own headers (the app adds the security headers to every answer)."""
    return [("ETag", f'"{etag}"'), ("Cache-Control", CACHE_CONTROL), ("Vary", "Cookie")]


def page(key: Hashable, render: Callable[[], str]) -> Response:
    """The page for ``key``: from the cache, ``304`` when the client holds it, or rendered
    (and kept). Callers pass a key that includes every input of the page."""
    pages = _pages()
    found = kept(pages, key)
    if found is None:
        body = render().encode()
        etag = hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest()
        found = (etag, body)
        with pages.lock:
            pages.entries[key] = found
            while len(pages.entries) > MAX_PAGES:
                pages.entries.popitem(last=False)
    etag, body = found
    if etag in request.if_none_match:
        response = current_app.response_class(status=304)
    else:
        response = current_app.response_class(body, mimetype="text/html")
    response.headers.extend(answer_headers(etag))
    return response
