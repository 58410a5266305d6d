"""The synthesis report as a DOCX in the layout of Decree 30/2020/NĐ-CP (Appendix I): national
name and motto, issuer, number, place and date, "BÁO CÁO" with its subject, the body, the
recipients and the signing block. Always in Vietnamese: it is an official document.

The figures come from :func:`consult.services.synthesis.compute`; nothing is counted here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from docx import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from consult.documents.layout import MOTTO, NATIONAL_NAME, date_line, number_line, vn_upper
from consult.services.exports import CHANNELS_VI

FONT = "Times New Roman"
RECIPIENTS = (
    "- Thường trực HĐND xã;",
    "- Ban Thường trực UBMTTQ Việt Nam xã;",
    "- Niêm yết công khai;",
    "- Lưu: VT, TP.",
)
DISPOSITIONS_VI = {
    "accepted": "Tiếp thu",
    "partly_accepted": "Tiếp thu một phần",
    "not_accepted": "Không tiếp thu, có giải trình",
    "out_of_scope": "Không thuộc phạm vi điều chỉnh",
    "duplicate": "Trùng lặp",
    "none": "Chưa xử lý",
}


@dataclass(frozen=True)
class Heading:
    organization_name: str
    superior_name: str
    issuer_code: str
    place_name: str
    number: int | None
    issued_on: date | None
    year: int
    signer_title: str
    signer_name: str
    approved: bool


def article_label(number: str, titles: dict[str, str]) -> str:
    if not number:
        return "Dự thảo nói chung"
    title = titles.get(number, "")
    return f"Điều {number}. {title}" if title else f"Điều {number}"


def _run(
    paragraph: Any, text: str, *, bold: bool = False, italic: bool = False, size: int = 13
) -> Any:
    run = paragraph.add_run(text)
    run.bold = bold
    run.italic = italic
    run.font.name = FONT
    run.font.size = Pt(size)
    return run


def _para(container: Any, text: str = "", *, align: Any = None, **style: Any) -> Any:
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(3)
    if text:
        _run(paragraph, text, **style)
    return paragraph


def _cell_lines(cell: Any, lines: list[tuple[str, dict[str, Any]]]) -> None:
    cell.paragraphs[0].text = ""
    first = True
    for text, style in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        _run(paragraph, text, **style)


def _table(document: Any, header: list[str], rows: list[list[str]], widths: list[int]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell_lines(cell, [(text, {"bold": True, "size": 12})])
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.paragraphs[0].text = ""
            _run(cell.paragraphs[0], text, size=12)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)


def render(figures: dict[str, Any], heading: Heading) -> bytes:
    """The report as DOCX bytes."""
    document = DocxDocument()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)

    top = document.add_table(rows=1, cols=2)
    left, right = top.rows[0].cells
    left_lines: list[tuple[str, dict[str, Any]]] = []
    if heading.superior_name:
        left_lines.append((vn_upper(heading.superior_name), {"size": 13}))
    left_lines.append((vn_upper(heading.organization_name), {"bold": True, "size": 13}))
    left_lines.append((number_line(heading.number, "BC", heading.issuer_code), {"size": 13}))
    _cell_lines(left, left_lines)
    _cell_lines(
        right,
        [
            (NATIONAL_NAME, {"bold": True, "size": 12}),
            (MOTTO, {"bold": True, "size": 13}),
            (
                date_line(heading.place_name, heading.issued_on, heading.year),
                {"italic": True, "size": 14},
            ),
        ],
    )
    left.width, right.width = Mm(65), Mm(100)

    _para(document)
    _para(document, "BÁO CÁO", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=14)
    _para(
        document,
        f"Tổng hợp, tiếp thu, giải trình ý kiến đối với dự thảo {figures['title']}",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        bold=True,
        size=14,
    )
    totals = figures["totals"]
    _para(document, "I. KẾT QUẢ LẤY Ý KIẾN", bold=True, size=14)
    _para(
        document,
        f"Tổng số ý kiến nhận được: {totals['opinions']} ý kiến, đại diện cho "
        f"{totals['people']} người/hộ; trong đó {totals['offline']} ý kiến nhận trực tiếp "
        f"(văn bản, hộp thư, hội nghị, phiếu hộ gia đình, Ban công tác Mặt trận), "
        f"{totals['anonymous']} ý kiến không ghi tên. Các ý kiến trùng lặp hoặc gần giống nhau "
        f"được tổng hợp thành {totals['groups']} nhóm gồm {totals['grouped_opinions']} ý kiến; "
        f"tổng cộng {totals['issues']} nội dung được tiếp thu, giải trình.",
        size=14,
    )
    _para(document, "1. Theo hình thức góp ý", bold=True, size=14)
    _table(
        document,
        ["TT", "Hình thức", "Số ý kiến", "Số người/hộ"],
        [
            [str(i), CHANNELS_VI.get(r["key"], r["key"]), str(r["opinions"]), str(r["people"])]
            for i, r in enumerate(figures["by_channel"], start=1)
        ],
        [12, 90, 30, 30],
    )
    _para(document, "2. Theo thôn, tổ dân phố", bold=True, size=14)
    _table(
        document,
        ["TT", "Thôn, tổ dân phố", "Số ý kiến", "Số người/hộ"],
        [
            [str(i), r["key"] or "Không ghi", str(r["opinions"]), str(r["people"])]
            for i, r in enumerate(figures["by_locality"], start=1)
        ],
        [12, 90, 30, 30],
    )
    _para(document, "3. Theo điều của dự thảo", bold=True, size=14)
    _table(
        document,
        ["TT", "Điều", "Số ý kiến", "Số người/hộ"],
        [
            [
                str(i),
                article_label(r["key"], figures["articles"]),
                str(r["opinions"]),
                str(r["people"]),
            ]
            for i, r in enumerate(figures["by_article"], start=1)
        ],
        [12, 90, 30, 30],
    )
    _para(document, "II. TIẾP THU, GIẢI TRÌNH", bold=True, size=14)
    _table(
        document,
        [
            "TT",
            "Điều",
            "Nội dung ý kiến",
            "Số ý kiến (người/hộ)",
            "Kết quả",
            "Tiếp thu, giải trình",
        ],
        [
            [
                str(i),
                f"Điều {r['article']}" if r["article"] else "Chung",
                r["sample"],
                f"{r['opinions']} ({r['people']})",
                DISPOSITIONS_VI.get(r["disposition"], r["disposition"])
                + (f"; sửa Điều {', '.join(r['changed'])}" if r["changed"] else ""),
                "\n".join(x for x in (r["reason"], r["response"]) if x),
            ]
            for i, r in enumerate(figures["issues"], start=1)
        ],
        [10, 18, 55, 20, 25, 42],
    )
    _para(document)
    bottom = document.add_table(rows=1, cols=2)
    left, right = bottom.rows[0].cells
    left.paragraphs[0].text = ""
    _run(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    for line in RECIPIENTS:
        _para(left, line, size=11)
    _cell_lines(
        right,
        [
            ("TM. ỦY BAN NHÂN DÂN", {"bold": True, "size": 14}),
            (vn_upper(heading.signer_title or "Chủ tịch"), {"bold": True, "size": 14}),
            ("", {}),
            ("(Đã phê duyệt)" if heading.approved else "(Dự thảo)", {"italic": True}),
            ("", {}),
            (heading.signer_name, {"bold": True, "size": 14}),
        ],
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
