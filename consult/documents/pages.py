"""Page numbers as Decree 30/2020/NĐ-CP (Appendix I) asks: Arabic numerals, 13–14 pt, upright,
centred in the top margin, from page 2 on (the first page shows none).

Applied to every generated DOCX after its template is filled, so an official's edited template
can never lose them: the first section gets a different first page with an empty header and a
default header holding a PAGE field; later sections (none in the bundled templates) number
every page.
"""

from __future__ import annotations

import io

from docx import Document as open_docx
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import _Header
from docx.shared import Pt

FONT = "Times New Roman"
SIZE = Pt(14)
PAGE_FIELD = "PAGE"


def _clear(header: _Header) -> None:
    for paragraph in list(header.paragraphs):
        paragraph._element.getparent().remove(paragraph._element)
    for table in list(header.tables):
        table._element.getparent().remove(table._element)


def _field_run(paragraph_element: BaseOxmlElement, kind: str, text: str = "") -> None:
    """A run of a complex field (w:fldChar begin / w:instrText / separate / result / end)."""
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), FONT)
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), str(int(SIZE.pt * 2)))
    properties.append(fonts)
    properties.append(size)
    run.append(properties)
    if kind == "instr":
        instruction = OxmlElement("w:instrText")
        instruction.set(qn("xml:space"), "preserve")
        instruction.text = f" {PAGE_FIELD} "
        run.append(instruction)
    elif kind == "text":
        value = OxmlElement("w:t")
        value.text = text
        run.append(value)
    else:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run.append(char)
    paragraph_element.append(run)


def _page_number(header: _Header) -> None:
    _clear(header)
    paragraph = header.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    element = paragraph._p
    for kind, text in (("begin", ""), ("instr", ""), ("separate", ""), ("text", "2"), ("end", "")):
        _field_run(element, kind, text)


def number(document: DocumentType) -> None:
    """Number the pages of ``document`` in place, from page 2."""
    for index, section in enumerate(document.sections):
        section.header.is_linked_to_previous = False
        _page_number(section.header)
        if index == 0:
            section.different_first_page_header_footer = True
            section.first_page_header.is_linked_to_previous = False
            _clear(section.first_page_header)
            section.first_page_header.add_paragraph()


def numbered(data: bytes) -> bytes:
    """The DOCX ``data`` with its pages numbered from page 2."""
    document = open_docx(io.BytesIO(data))
    number(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def has_page_field(header: _Header) -> bool:
    """Whether a header holds a PAGE field (simple or complex): what a reader checks."""
    element = header._element
    instructions = [t.text or "" for t in element.iter(qn("w:instrText"))]
    simple = [f.get(qn("w:instr"), "") for f in element.iter(qn("w:fldSimple"))]
    return any(PAGE_FIELD in part.split() for part in [*instructions, *simple])
