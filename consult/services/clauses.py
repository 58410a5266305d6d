"""Whether the clause an opinion names is one of its article's (in the article's newest
text): a check of the intake, run on the intake's driver connection."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import bindparam
from sqlmodel import col

from consult.db import Driver, Prepared
from consult.errors import Invalid
from consult.i18n import _
from consult.models import ArticleText
from consult.services.draft_text import clauses_of

_ARTICLE_TEXT = Prepared(
    sa.select(col(ArticleText.text))
    .where(col(ArticleText.article_id) == bindparam("article_id"))
    .order_by(col(ArticleText.draft_version_id).desc())
    .limit(1)
)


def check(connection: Driver, article_id: int | None, article: str | None, clause: str) -> None:
    """The clause named is one of the article's (in its newest text)."""
    if article_id is None:
        message = _("Choose the article first, then its clause.")
        raise Invalid(message, fields={"clause": message})
    found = _ARTICLE_TEXT.first(connection, {"article_id": article_id})
    numbers = [c.number for c in clauses_of(found.text if found else "")]
    if clause not in numbers:
        message = (
            _(
                "Article %(article)s has no clause %(clause)s; its clauses are %(numbers)s.",
                article=article,
                clause=clause,
                numbers=", ".join(numbers),
            )
            if numbers
            else _("Article %(article)s has no numbered clauses.", article=article)
        )
        raise Invalid(message, fields={"clause": message})
