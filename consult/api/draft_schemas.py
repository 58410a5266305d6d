"""The draft as the API reads and writes it: ``POST /drafts/parse``'s answer, the body of
``PATCH /consultations/{id}``, and the articles of a request as the services take them."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from consult.api.schemas import ARTICLES_MAX, ArticleIn, In, length
from consult.services import draft_text
from consult.services.draft_text import Clause, ParsedDraft, Point
from consult.workflow.engine import ArticleInput


class DraftTextIn(In):
    text = fields.String(required=True, validate=length(1, 2_000_000))


class ConsultationPatchIn(In):
    title = fields.String(validate=length(1, 300))
    summary = fields.String(validate=length(0, 10000))
    preamble = fields.String(validate=length(0, 20000))
    articles = fields.List(
        fields.Nested(ArticleIn), metadata={"minItems": 1, "maxItems": ARTICLES_MAX}
    )


class PointOut(Schema):
    letter = fields.String()
    text = fields.String()


class ClauseOut(Schema):
    number = fields.String()
    text = fields.String()
    points = fields.List(fields.Nested(PointOut))


class ParsedArticleOut(Schema):
    number = fields.String()
    title = fields.String()
    chapter = fields.String(metadata={"description": "The chapter's number, e.g. I"})
    section = fields.String()
    text = fields.String()
    clauses = fields.List(fields.Nested(ClauseOut))


class HeadingOut(Schema):
    number = fields.String()
    title = fields.String()


class WarningOut(Schema):
    code = fields.String(
        metadata={
            "description": "numbering_gap, numbering_repeat, clause_gap, empty_article, "
            "long_article or preamble"
        }
    )
    message = fields.String()
    article = fields.String(allow_none=True)


class ParsedDraftOut(Schema):
    preamble = fields.String()
    chapters = fields.List(fields.Nested(HeadingOut))
    articles = fields.List(fields.Nested(ParsedArticleOut))
    warnings = fields.List(fields.Nested(WarningOut))


def parsed_out(parsed: ParsedDraft) -> dict[str, Any]:
    return {
        "preamble": parsed.preamble,
        "chapters": parsed.chapters,
        "articles": parsed.articles,
        "warnings": parsed.warnings,
    }


def _clause(data: dict[str, Any]) -> Clause:
    return Clause(
        data["number"], data["text"], [Point(p["letter"], p["text"]) for p in data["points"]]
    )


def article_inputs(items: list[dict[str, Any]]) -> list[ArticleInput]:
    """The articles of a request body; ``clauses`` are written out after the ``text``."""
    return [
        ArticleInput(
            number=a["number"],
            title=a["title"].strip(),
            text=draft_text.compose(
                a["text"],
                [_clause(c) for c in a["clauses"]],
            ),
            chapter=a["chapter"].strip(),
        )
        for a in items
    ]
