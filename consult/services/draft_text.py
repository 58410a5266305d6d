"""Reading a draft regulation as communes write it: pasted text or a Word file (.docx).

The layouts of Decree 30/2020 and the ones communes really use: a chapter heading
(``Chương I``, ``CHƯƠNG II. …``) with its title on the same line or the next one, sections
(``Mục 1``), articles (``Điều 3. Title``), clauses (``1.``, ``2.``) and points (``a)``,
``b)``). Text before the first article is kept as the preamble. Nothing is stored here: the
officer sees the structure and its warnings (numbering gaps or repeats, empty or very long
articles) and confirms or fixes the text before saving.

A clause is identified by its article and its number (``Điều 3``, ``khoản 2``), which stay
the same across versions of the draft, so an opinion can point at a clause.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field

from consult.errors import Invalid
from consult.i18n import _
from consult.workflow.engine import ArticleInput

LONG_ARTICLE = 10_000
"""An article longer than this (in characters) is flagged: likely two articles run together."""
MAX_ARTICLE = 50_000
"""An article longer than this is refused."""

_SEP = r"\s*(?:[.:\-–—]\s*|$)"
_CHAPTER = re.compile(r"^\s*(?:Chương|Chuong|Chapter)\s+([IVXLCDM]+|\d+)\b" + _SEP + r"(.*)$", re.I)
_SECTION = re.compile(r"^\s*(?:Mục|Muc|Section)\s+([IVXLCDM]+|\d+)\b" + _SEP + r"(.*)$", re.I)
_ARTICLE = re.compile(r"^\s*(?:Điều|Dieu|Article)\s+(\d+[a-z]?)\b" + _SEP + r"(.*)$", re.I)
_CLAUSE = re.compile(r"^\s*(\d{1,3})\s*[.)]\s*(\S.*)$")
_POINT = re.compile(r"^\s*([a-zđ])\s*\)\s*(\S.*)$")


@dataclass
class Point:
    letter: str
    text: str


@dataclass
class Clause:
    number: str
    text: str
    points: list[Point] = field(default_factory=list)


@dataclass
class Heading:
    number: str
    title: str

    @property
    def label(self) -> str:
        """As the draft prints it on one line: ``Chương I. Những quy định chung``."""
        head = f"Chương {self.number}"
        return f"{head}. {self.title}" if self.title else head


@dataclass
class ParsedArticle:
    number: str
    title: str
    text: str
    chapter: str = ""
    """The chapter's number (``I``), empty outside chapters."""
    chapter_label: str = ""
    """The chapter as stored with the article: ``Chương I. Những quy định chung``."""
    section: str = ""
    clauses: list[Clause] = field(default_factory=list)


@dataclass(frozen=True)
class Warning:
    code: str
    """``numbering_gap``, ``numbering_repeat``, ``clause_gap``, ``empty_article``,
    ``long_article`` or ``preamble``."""
    message: str
    article: str | None = None


@dataclass
class ParsedDraft:
    preamble: str
    chapters: list[Heading]
    articles: list[ParsedArticle]
    warnings: list[Warning]

    def as_text(self) -> str:
        """The draft in the one-line-per-heading form the officer edits and this parser reads."""
        lines: list[str] = [self.preamble] if self.preamble else []
        chapter = ""
        for article in self.articles:
            if article.chapter_label and article.chapter_label != chapter:
                chapter = article.chapter_label
                lines.append(chapter)
            lines.append(f"Điều {article.number}. {article.title}".rstrip())
            if article.text:
                lines.append(article.text)
        return "\n".join(lines)


def inputs(parsed: ParsedDraft) -> list[ArticleInput]:
    """The articles as the drafting step stores them (chapter on one line)."""
    return [
        ArticleInput(number=a.number, title=a.title, text=a.text, chapter=a.chapter_label)
        for a in parsed.articles
    ]


def compose(text: str, clauses: list[Clause]) -> str:
    """An article's text from its lead-in and its clauses, as the draft prints them."""
    lines = [text.strip()] if text.strip() else []
    for clause in clauses:
        lines.append(f"{clause.number}. {clause.text.strip()}")
        lines.extend(f"{p.letter}) {p.text.strip()}" for p in clause.points)
    return "\n".join(lines)


def clauses_of(text: str) -> list[Clause]:
    """The clauses (``1.``) and their points (``a)``) of an article's text; text before the
    first clause is the article's own lead-in and belongs to no clause."""
    clauses: list[Clause] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        clause, point = _CLAUSE.match(line), _POINT.match(line)
        if clause:
            clauses.append(Clause(clause.group(1), clause.group(2).strip()))
        elif point and clauses:
            clauses[-1].points.append(Point(point.group(1), point.group(2).strip()))
        elif clauses and clauses[-1].points:
            clauses[-1].points[-1].text += "\n" + line
        elif clauses:
            clauses[-1].text += "\n" + line
    return clauses


def lead_of(text: str) -> str:
    """An article's text before its first clause (its lead-in), or all of it without clauses."""
    lines: list[str] = []
    for raw in text.splitlines():
        if _CLAUSE.match(raw.strip()):
            break
        lines.append(raw)
    return "\n".join(lines).strip()


def clause_text(text: str, number: str) -> str | None:
    """The full text of clause ``number`` of an article (with its points), or None."""
    for clause in clauses_of(text):
        if clause.number == number:
            points = [f"{p.letter}) {p.text}" for p in clause.points]
            return "\n".join([f"{clause.number}. {clause.text}", *points])
    return None


def parse_text(text: str, *, field_name: str = "text") -> ParsedDraft:
    """The structure of a draft typed or pasted; :class:`Invalid` on ``field_name`` when it
    has no article at all or an article too long to be one."""
    return _parse(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), field_name)


def parse_docx(data: bytes, *, field_name: str = "file") -> ParsedDraft:
    """The structure of a Word draft: its paragraphs, in order (line breaks inside a
    paragraph count as new lines)."""
    return _parse(docx_lines(data, field_name=field_name), field_name)


def docx_lines(data: bytes, *, field_name: str = "file") -> list[str]:
    from docx import Document as open_docx

    if not zipfile.is_zipfile(io.BytesIO(data)):
        message = _("This is not a Word file (.docx); save the draft as .docx and upload it again.")
        raise Invalid(message, fields={field_name: message})
    try:
        document = open_docx(io.BytesIO(data))
    except Exception:  # python-docx raises several kinds on a broken package
        message = _("The Word file could not be read; open it in Word, save it as .docx again.")
        raise Invalid(message, fields={field_name: message}) from None
    lines: list[str] = []
    for paragraph in document.paragraphs:
        lines.extend(paragraph.text.replace("\v", "\n").split("\n"))
    return lines


class _Reader:
    """The state of one pass over the lines."""

    def __init__(self) -> None:
        self.preamble: list[str] = []
        self.chapters: list[Heading] = []
        self.articles: list[ParsedArticle] = []
        self.lines: list[list[str]] = []
        self.chapter: Heading | None = None
        self.section: Heading | None = None
        self.awaiting: Heading | None = None
        """A chapter or section heading whose title is on the next line."""

    def heading(self, found: re.Match[str], *, chapter: bool) -> None:
        heading = Heading(found.group(1).upper(), found.group(2).strip())
        if chapter:
            self.chapters.append(heading)
            self.chapter, self.section = heading, None
        else:
            self.section = heading
        self.awaiting = None if heading.title else heading

    def article(self, found: re.Match[str]) -> None:
        self.awaiting = None
        chapter = self.chapter
        self.articles.append(
            ParsedArticle(
                number=found.group(1),
                title=found.group(2).strip(),
                text="",
                chapter=chapter.number if chapter else "",
                section=self.section.number if self.section else "",
            )
        )
        self.lines.append([])

    def other(self, line: str) -> None:
        if self.awaiting is not None and line.strip():
            self.awaiting.title = line.strip()
            self.awaiting = None
        elif self.articles:
            self.lines[-1].append(line.rstrip())
        elif line.strip():
            self.preamble.append(line.strip())


def _parse(lines: list[str], field_name: str) -> ParsedDraft:
    reader = _Reader()
    for line in lines:
        if found := _CHAPTER.match(line):
            reader.heading(found, chapter=True)
        elif found := _SECTION.match(line):
            reader.heading(found, chapter=False)
        elif found := _ARTICLE.match(line):
            reader.article(found)
        else:
            reader.other(line)
    if not reader.articles:
        message = _(
            "No article found: start each article with a line such as “Điều 1. Phạm vi điều chỉnh”."
        )
        raise Invalid(message, fields={field_name: message})
    labels = {c.number: c.label for c in reader.chapters}
    for article, text in zip(reader.articles, reader.lines, strict=True):
        article.text = "\n".join(text).strip()
        article.chapter_label = labels.get(article.chapter, "")[:200]
        article.title = article.title[:300]
        article.clauses = clauses_of(article.text)
        if len(article.text) > MAX_ARTICLE:
            message = _(
                "Article %(number)s has %(n)s characters, more than %(max)s: check that the "
                "next article's heading starts its own line (“Điều N. …”).",
                number=article.number,
                n=len(article.text),
                max=MAX_ARTICLE,
            )
            raise Invalid(message, fields={field_name: message})
    preamble = "\n".join(reader.preamble)
    return ParsedDraft(
        preamble=preamble,
        chapters=reader.chapters,
        articles=reader.articles,
        warnings=warnings_of(reader.articles, preamble),
    )


def warnings_of(articles: list[ParsedArticle], preamble: str = "") -> list[Warning]:
    found: list[Warning] = []
    if preamble:
        found.append(
            Warning("preamble", _("The text before the first article is kept as the preamble."))
        )
    seen: set[str] = set()
    previous: int | None = None
    for article in articles:
        number = article.number
        if number in seen:
            found.append(
                Warning(
                    "numbering_repeat",
                    _("Article %(number)s appears more than once.", number=number),
                    number,
                )
            )
        seen.add(number)
        if number.isdigit():
            if previous is not None and int(number) > previous + 1:
                missing = (
                    str(previous + 1)
                    if int(number) == previous + 2
                    else f"{previous + 1}–{int(number) - 1}"
                )
                found.append(
                    Warning(
                        "numbering_gap",
                        _(
                            "Article %(number)s follows article %(previous)s: article "
                            "%(missing)s is missing.",
                            number=number,
                            previous=previous,
                            missing=missing,
                        ),
                        number,
                    )
                )
            previous = int(number)
        if not article.text:
            message = _("Article %(number)s has no text.", number=number)
            found.append(Warning("empty_article", message, number))
        elif len(article.text) > LONG_ARTICLE:
            found.append(
                Warning(
                    "long_article",
                    _(
                        "Article %(number)s is very long (%(n)s characters): check that no "
                        "article heading was missed.",
                        number=number,
                        n=len(article.text),
                    ),
                    number,
                )
            )
        numbers = [int(c.number) for c in article.clauses]
        if any(b != a + 1 for a, b in itertools.pairwise(numbers)) or (numbers and numbers[0] != 1):
            found.append(
                Warning(
                    "clause_gap",
                    _(
                        "The clauses of article %(number)s are numbered %(clauses)s, not 1, 2, 3…",
                        number=number,
                        clauses=", ".join(str(n) for n in numbers),
                    ),
                    number,
                )
            )
    return found
