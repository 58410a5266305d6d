"""Reading a generated DOCX back: its text (for checks) and its blocks (for the HTML view).

The HTML view of a document is drawn from the very DOCX an official downloads, so an edit to a
``.docx`` template shows on screen too.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from docx import Document as open_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

ALIGN = {
    WD_ALIGN_PARAGRAPH.CENTER: "center",
    WD_ALIGN_PARAGRAPH.RIGHT: "right",
    WD_ALIGN_PARAGRAPH.JUSTIFY: "justify",
}


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


@dataclass
class Block:
    kind: str
    """``p`` (a paragraph), ``table`` or ``page`` (a page break)."""
    align: str = "left"
    runs: list[Run] = field(default_factory=list)
    rows: list[list[list[Block]]] = field(default_factory=list)
    indent: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def _paragraph(paragraph: Paragraph) -> list[Block]:
    blocks: list[Block] = []
    style_font = paragraph.style.font if paragraph.style is not None else None
    runs: list[Run] = []
    breaks_page = False
    for run in paragraph.runs:
        for br in run._r.findall(qn("w:br")):
            if br.get(qn("w:type")) == "page":
                breaks_page = True
        if run.text:
            runs.append(
                Run(
                    run.text,
                    bold=bool(run.bold or (run.bold is None and style_font and style_font.bold)),
                    italic=bool(
                        run.italic or (run.italic is None and style_font and style_font.italic)
                    ),
                    underline=bool(run.underline),
                )
            )
    fmt = paragraph.paragraph_format
    if runs or not breaks_page:
        blocks.append(
            Block(
                "p",
                align=ALIGN.get(paragraph.alignment, "left") if paragraph.alignment else "left",
                runs=runs,
                indent=bool(fmt.first_line_indent),
            )
        )
    if breaks_page:
        blocks.append(Block("page"))
    return blocks


def _table(table: Table) -> Block:
    rows: list[list[list[Block]]] = []
    for row in table.rows:
        cells: list[list[Block]] = []
        for cell in row.cells:
            content: list[Block] = []
            for paragraph in cell.paragraphs:
                content.extend(_paragraph(paragraph))
            cells.append(content)
        rows.append(cells)
    return Block("table", rows=rows)


def blocks(data: bytes) -> list[Block]:
    document = open_docx(io.BytesIO(data))
    found: list[Block] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            found.extend(_paragraph(Paragraph(child, document)))
        elif child.tag == qn("w:tbl"):
            found.append(_table(Table(child, document)))
    return found


def lines(data: bytes) -> list[str]:
    """Every paragraph's text, tables included, in reading order."""
    result: list[str] = []

    def walk(items: list[Block]) -> None:
        for block in items:
            if block.kind == "p":
                result.append(block.text)
            elif block.kind == "table":
                for row in block.rows:
                    for cell in row:
                        walk(cell)

    walk(blocks(data))
    return result


def text(data: bytes) -> str:
    return "\n".join(lines(data))


def as_dict(block: Block) -> dict[str, Any]:
    return {
        "kind": block.kind,
        "align": block.align,
        "text": block.text,
        "rows": [[[as_dict(b) for b in cell] for cell in row] for row in block.rows],
    }
