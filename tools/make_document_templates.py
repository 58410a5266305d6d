"""Build the Word templates of consult's documents into ``templates/documents/``.

Run once (``.venv/bin/python tools/make_document_templates.py``); the ``.docx`` files it writes
are committed and are what consult fills in (docxtpl). From then on they belong to the
officials: open one in Word or LibreOffice, change the wording, the recipients or the fonts,
keep the ``{{ … }}`` fields and the ``{%p … %}`` lines, save. Running this script again
overwrites such edits, so do that only to start afresh.

The layout follows Decree 30/2020/NĐ-CP, Appendix I: A4, margins 20/20/30/15 mm, Times New
Roman; top left the issuing body under its superior and "Số: …"; top right the national name,
the motto and the place and date line; then the type and subject, the body, and at the bottom
"Nơi nhận" on the left and the signing block on the right.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "templates" / "documents"
FONT = "Times New Roman"
Container = DocumentType | _Cell

CENTER, JUSTIFY, LEFT = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.LEFT,
)


def new_document() -> DocumentType:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    doc.core_properties.author = "consult"
    doc.core_properties.comments = (
        "Mẫu văn bản của consult (Nghị định 30/2020/NĐ-CP). Khi sửa, giữ nguyên các trường "
        "trong ngoặc nhọn kép và các dòng lệnh bắt đầu bằng dấu ngoặc nhọn và phần trăm."
    )
    return doc


def para(
    where: Container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    after: float = 0,
    before: float = 0,
) -> None:
    paragraph = where.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        run.underline = underline or None
        if size:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if indent:
        fmt.first_line_indent = Cm(1)
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)


def tag(where: Container, statement: str) -> None:
    """A docxtpl paragraph tag: the whole paragraph becomes the Jinja statement."""
    para(where, "{%p " + statement + " %}")


def body(where: Container, text: str, **kwargs: object) -> None:
    """A body paragraph: justified, first line indented 1 cm, 6 pt after."""
    para(where, text, align=JUSTIFY, indent=True, after=6, **kwargs)  # type: ignore[arg-type]


def section_title(where: Container, text: str) -> None:
    para(where, text, bold=True, align=JUSTIFY, indent=True, after=6, before=6)


def items(where: Container, listing: str, line: str = "- {{ item }};") -> None:
    """One paragraph per item of ``listing``."""
    tag(where, f"for item in {listing}")
    body(where, line)
    tag(where, "endfor")


def first_cell_cleared(cell: _Cell) -> _Cell:
    """A new cell holds one empty paragraph: remove it so content starts at the top."""
    for paragraph in list(cell.paragraphs):
        paragraph._element.getparent().remove(paragraph._element)
    return cell


def two_columns(doc: DocumentType, left_cm: float, right_cm: float) -> tuple[_Cell, _Cell]:
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    properties = table._tbl.tblPr
    width = properties.makeelement(
        qn("w:tblW"), {qn("w:w"): str(int((left_cm + right_cm) * 567)), qn("w:type"): "dxa"}
    )
    for old in properties.findall(qn("w:tblW")):
        properties.remove(old)
    properties.append(width)
    properties.append(properties.makeelement(qn("w:tblLayout"), {qn("w:type"): "fixed"}))
    properties.append(
        properties.makeelement(qn("w:tblInd"), {qn("w:w"): "-108", qn("w:type"): "dxa"})
    )
    # Word and LibreOffice lay a table out by its grid; python-docx's own grid is even.
    table.columns[0].width, table.columns[1].width = Cm(left_cm), Cm(right_cm)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(left_cm), Cm(right_cm)
    return first_cell_cleared(left), first_cell_cleared(right)


def header(doc: DocumentType, *, numbered: bool = True) -> None:
    """Issuer under its superior, "Số: …" | national name, motto, place and date."""
    left, right = two_columns(doc, 7.2, 9.6)
    tag(left, "if issuer_superior")  # none once the superior has ceased (districts: 07/2025)
    para(left, "{{ issuer_superior }}", size=12, align=CENTER)
    tag(left, "endif")
    para(left, "{{ issuer_line_1 }}", bold=True, size=13, align=CENTER)
    para(left, "{{ issuer_line_2 }}", bold=True, size=13, align=CENTER)
    para(left, "————", size=10, align=CENTER)
    if numbered:
        para(left, "{{ number_line }}", size=13, align=CENTER, before=2)
    para(right, "{{ national_name }}", bold=True, size=12, align=CENTER)
    para(right, "{{ motto }}", bold=True, underline=True, size=14, align=CENTER)
    if numbered:
        para(right, "", size=10)
        para(right, "{{ date_line }}", italic=True, size=14, align=CENTER, before=2)


def title(
    doc: DocumentType, heading: str = "{{ heading }}", subject: str = "{{ subject }}"
) -> None:
    para(doc, heading, bold=True, size=14, align=CENTER, before=18)
    para(doc, subject, bold=True, size=14, align=CENTER)
    para(doc, "————", size=10, align=CENTER, after=12)


def footer(doc: DocumentType) -> None:
    """Nơi nhận (left) and the signing block (right)."""
    para(doc, "", after=6)
    left, right = two_columns(doc, 8, 8.6)
    para(left, "Nơi nhận:", bold=True, italic=True, size=12)
    tag(left, "for line in recipients")
    para(left, "{{ line }}", size=11)
    tag(left, "endfor")
    para(right, "{{ signing_mark }}", bold=True, size=14, align=CENTER)
    para(right, "{{ signing_position }}", bold=True, size=14, align=CENTER)
    for _ in range(4):
        para(right, "", size=14)
    para(right, "{{ signer_name }}", bold=True, size=14, align=CENTER)


def parties(doc: DocumentType) -> None:
    """Minutes are signed by those present: the Front's representative and the committee's."""
    para(doc, "", after=6)
    left, right = two_columns(doc, 8, 8.5)
    para(left, "{{ witness_title }}", bold=True, size=13, align=CENTER)
    para(left, "(Ký, ghi rõ họ tên)", italic=True, size=12, align=CENTER)
    para(right, "{{ signing_mark }}", bold=True, size=13, align=CENTER)
    para(right, "{{ signing_position }}", bold=True, size=13, align=CENTER)
    for cell in (left, right):
        for _ in range(4):
            para(cell, "", size=13)
    para(left, "{{ reviewer_name }}", bold=True, size=14, align=CENTER)
    para(right, "{{ signer_name }}", bold=True, size=14, align=CENTER)
    para(doc, "", after=6)
    left, _right = two_columns(doc, 8, 8.5)
    para(left, "Nơi nhận:", bold=True, italic=True, size=12)
    tag(left, "for line in recipients")
    para(left, "{{ line }}", size=11)
    tag(left, "endfor")


def grounds(doc: DocumentType) -> None:
    """Căn cứ: the laws in force on the document's date, from config/grounds.yaml."""
    tag(doc, "for ground in grounds")
    body(doc, "Căn cứ {{ ground }};", italic=True)
    tag(doc, "endfor")


def places(doc: DocumentType, listing: str = "posting_places") -> None:
    items(doc, listing, "- {{ item }};")


# --- the documents ----------------------------------------------------------------------------


def plan() -> DocumentType:
    doc = new_document()
    header(doc)
    title(doc)
    grounds(doc)
    body(
        doc,
        "{{ org_name }} xây dựng Kế hoạch tổ chức lấy ý kiến {{ audience }} đối với dự thảo "
        "{{ title }} như sau:",
    )
    section_title(doc, "I. MỤC ĐÍCH, YÊU CẦU")
    body(
        doc,
        "1. Bảo đảm quyền được biết, được bàn, được tham gia ý kiến của {{ audience }} đối với "
        "dự thảo {{ title }}.",
    )
    body(
        doc,
        "2. Việc lấy ý kiến được tổ chức công khai, dân chủ, đúng quy định; mọi ý kiến đều được "
        "tổng hợp, tiếp thu hoặc giải trình đầy đủ.",
    )
    section_title(doc, "II. NỘI DUNG, HÌNH THỨC, THỜI GIAN LẤY Ý KIẾN")
    body(doc, "1. Nội dung: toàn văn dự thảo {{ title }}, gồm {{ article_count }} điều.")
    body(doc, "2. Hình thức: niêm yết công khai dự thảo và Kế hoạch này tại:")
    places(doc)
    body(
        doc,
        "đồng thời tiếp nhận ý kiến trực tiếp, bằng văn bản, qua hòm thư góp ý, qua Ban công tác "
        "Mặt trận các thôn và trên cổng thông tin điện tử.",
    )
    body(
        doc,
        "3. Thời gian: niêm yết liên tục từ ngày {{ posted_from }} đến hết ngày "
        "{{ posted_until }}; tiếp nhận ý kiến đến {{ comment_deadline }}.",
    )
    section_title(doc, "III. TỔ CHỨC THỰC HIỆN")
    body(
        doc,
        "1. Công chức Tư pháp - Hộ tịch tham mưu niêm yết, lập biên bản niêm yết và kết thúc "
        "niêm yết; tiếp nhận, tổng hợp ý kiến và dự thảo báo cáo tiếp thu, giải trình.",
    )
    body(
        doc,
        "2. Đề nghị Thường trực Hội đồng nhân dân và Ủy ban MTTQ Việt Nam {{ org_short }} phối "
        "hợp tổ chức lấy ý kiến và giám sát việc thực hiện Kế hoạch này.",
    )
    body(doc, "Trên đây là Kế hoạch tổ chức lấy ý kiến của {{ org_name }}./.")
    footer(doc)
    return doc


def notice() -> DocumentType:
    doc = new_document()
    header(doc)
    title(doc)
    body(
        doc,
        "Thực hiện {{ plan_ref }}, {{ org_name }} thông báo: dự thảo {{ title }} được niêm yết "
        "công khai liên tục từ ngày {{ posted_from }} đến hết ngày {{ posted_until }} tại:",
    )
    places(doc)
    body(
        doc,
        "Đề nghị {{ audience }} tham gia ý kiến đến {{ comment_deadline }}: trực tiếp tại trụ sở "
        "{{ org_name }}, bằng văn bản, qua hòm thư góp ý, qua Ban công tác Mặt trận các thôn "
        "hoặc trên cổng thông tin điện tử. Ý kiến không bắt buộc ghi họ tên; thông tin về người "
        "góp ý được giữ bí mật (Điều 9 Luật Thực hiện dân chủ ở cơ sở).",
    )
    body(doc, "{{ org_name }} thông báo để {{ audience }} biết, tham gia ý kiến./.")
    footer(doc)
    return doc


def minutes_people(doc: DocumentType) -> None:
    body(doc, "1. Đại diện {{ org_name }}: {{ drafter_name }} - {{ drafter_position }};")
    body(
        doc,
        "2. Đại diện Ủy ban MTTQ Việt Nam {{ org_short }}: {{ reviewer_name }} - "
        "{{ reviewer_position }};",
    )
    body(doc, "3. Đại diện các thôn: trưởng thôn nơi niêm yết.")


def posting_start() -> DocumentType:
    doc = new_document()
    header(doc)
    title(doc)
    body(doc, "Hôm nay, {{ event_day_words }}, tại {{ first_place }}, chúng tôi gồm:")
    minutes_people(doc)
    body(doc, "Tiến hành niêm yết công khai các tài liệu sau:")
    body(doc, "- {{ plan_ref }};")
    body(doc, "- Dự thảo {{ title }} ({{ article_count }} điều).")
    body(doc, "Địa điểm niêm yết:")
    places(doc)
    body(
        doc,
        "Thời gian niêm yết: {{ posting_days }} ngày liên tục, từ ngày {{ posted_from }} đến hết "
        "ngày {{ posted_until }}; tiếp nhận ý kiến đến {{ comment_deadline }}.",
    )
    body(
        doc,
        "Biên bản được lập thành 02 bản, đã đọc lại cho những người có mặt cùng nghe và thống "
        "nhất ký tên./.",
    )
    parties(doc)
    return doc


def posting_end() -> DocumentType:
    doc = new_document()
    header(doc)
    title(doc)
    body(doc, "Hôm nay, {{ event_day_words }}, tại {{ first_place }}, chúng tôi gồm:")
    minutes_people(doc)
    body(
        doc,
        "Cùng xác nhận: dự thảo {{ title }} và {{ plan_ref }} đã được niêm yết liên tục "
        "{{ posting_days }} ngày, từ ngày {{ posted_from }} đến hết ngày {{ posted_until }}, tại:",
    )
    places(doc)
    body(
        doc,
        "Trong thời gian niêm yết đã tiếp nhận {{ opinion_count }} ý kiến góp ý. Việc niêm yết "
        "kết thúc kể từ ngày lập biên bản này.",
    )
    body(
        doc,
        "Biên bản được lập thành 02 bản, đã đọc lại cho những người có mặt cùng nghe và thống "
        "nhất ký tên./.",
    )
    parties(doc)
    return doc


def grid(
    doc: DocumentType,
    headers: list[str],
    widths_cm: list[float],
    loop: str,
    cells: list[list[str]],
    centered: tuple[int, ...],
) -> None:
    """A bordered table: a bold header row, then one row per item of ``loop`` (a docxtpl
    ``{%tr for … %}``); each cell holds the given paragraphs (``{%p … %}`` lines allowed),
    the columns in ``centered`` centred (numbers), the others left."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    properties = table._tbl.tblPr
    properties.append(properties.makeelement(qn("w:tblLayout"), {qn("w:type"): "fixed"}))
    for index, width in enumerate(widths_cm):
        table.columns[index].width = Cm(width)
        for row in table.rows:
            row.cells[index].width = Cm(width)
    header_row, opening, data, closing = table.rows
    for cell, text in zip(header_row.cells, headers, strict=True):
        para(first_cell_cleared(cell), text, bold=True, size=12, align=CENTER)
    para(first_cell_cleared(opening.cells[0]), "{%tr for " + loop + " %}")
    para(first_cell_cleared(closing.cells[0]), "{%tr endfor %}")
    for row in (opening, closing):
        for cell in row.cells[1:]:
            first_cell_cleared(cell)
            para(cell)
    for index, (cell, lines) in enumerate(zip(data.cells, cells, strict=True)):
        first_cell_cleared(cell)
        for line in lines:
            if line.startswith("{%p"):
                para(cell, line)
            else:
                para(cell, line, size=12, align=CENTER if index in centered else LEFT)


def counts(doc: DocumentType, caption: str, listing: str) -> None:
    """TT | what | opinions | people or households."""
    grid(
        doc,
        ["TT", caption, "Số ý kiến", "Số người, hộ"],
        [1.2, 9.3, 3, 3],
        f"c in {listing}",
        [["{{ loop.index }}"], ["{{ c.label }}"], ["{{ c.opinions }}"], ["{{ c.people }}"]],
        centered=(0, 2, 3),
    )


def synthesis_report() -> DocumentType:
    """Law 10/2022/QH15 Art. 28(3): every opinion taken up or explained, and published."""
    doc = new_document()
    header(doc)
    title(doc)
    body(
        doc,
        "Thực hiện {{ plan_ref }}, {{ org_name }} báo cáo kết quả tổng hợp, tiếp thu, giải "
        "trình ý kiến {{ audience }} đối với dự thảo {{ title }} như sau:",
    )
    section_title(doc, "I. TÌNH HÌNH TỔ CHỨC LẤY Ý KIẾN")
    body(
        doc,
        "Dự thảo được niêm yết liên tục {{ posting_days }} ngày, từ ngày {{ posted_from }} đến "
        "hết ngày {{ posted_until }}, tại:",
    )
    places(doc)
    body(doc, "Thời hạn tiếp nhận ý kiến đến {{ comment_deadline }}.")
    section_title(doc, "II. KẾT QUẢ TIẾP NHẬN Ý KIẾN")
    tag(doc, "if opinion_count")
    body(
        doc,
        "Tổng số ý kiến nhận được: {{ opinion_count }} ý kiến, đại diện cho {{ people_count }} "
        "người, hộ gia đình; trong đó {{ totals.offline }} ý kiến nhận trực tiếp (bằng văn "
        "bản, hòm thư góp ý, hội nghị, phiếu lấy ý kiến, qua Ban công tác Mặt trận) và "
        "{{ totals.anonymous }} ý kiến không ghi họ tên.",
    )
    body(doc, "1. Theo hình thức góp ý:")
    counts(doc, "Hình thức", "channel_counts")
    body(doc, "2. Theo điều của dự thảo:", before=6)
    counts(doc, "Điều", "article_counts")
    tag(doc, "if locality_counts")
    body(doc, "3. Theo thôn, tổ dân phố:", before=6)
    counts(doc, "Thôn, tổ dân phố", "locality_counts")
    tag(doc, "endif")
    tag(doc, "else")
    body(doc, "Trong thời hạn lấy ý kiến, không nhận được ý kiến góp ý nào.")
    tag(doc, "endif")
    section_title(doc, "III. TIẾP THU, GIẢI TRÌNH")
    tag(doc, "if opinion_count")
    body(doc, "1. Kết quả xử lý ý kiến:")
    counts(doc, "Kết quả xử lý", "disposition_counts")
    body(
        doc,
        "2. Nội dung tiếp thu, giải trình: {{ issues|length }} nội dung; các ý kiến được trả "
        "lời như nhau ghi chung một dòng{% if totals.groups %}, các ý kiến trùng lặp hoặc gần "
        "giống nhau được tổng hợp thành {{ totals.groups }} nhóm gồm "
        "{{ totals.grouped_opinions }} ý kiến{% endif %}:",
        before=6,
    )
    grid(
        doc,
        [
            "TT",
            "Điều",
            "Nội dung ý kiến",
            "Số ý kiến (người, hộ)",
            "Kết quả",
            "Tiếp thu, giải trình",
        ],
        [1.0, 2.0, 5.0, 2.0, 2.5, 4.0],
        "i in issues",
        [
            ["{{ i.number }}"],
            ["{{ i.article }}"],
            ["{%p if i.group %}", "{{ i.group }}:", "{%p endif %}", "{{ i.body }}"],
            ["{{ i.opinions }} ({{ i.people }})"],
            [
                "{{ i.disposition }}",
                "{%p if i.changed %}",
                "Đã sửa {{ i.changed }}",
                "{%p endif %}",
            ],
            [
                "{%p if i.reason %}",
                "Giải trình: {{ i.reason }}",
                "{%p endif %}",
                "{%p if i.response %}",
                "{{ i.response }}",
                "{%p endif %}",
            ],
        ],
        centered=(0, 3),
    )
    tag(doc, "if totals.open")
    body(doc, "Còn {{ totals.open }} ý kiến chưa được xử lý.", before=6)
    tag(doc, "endif")
    tag(doc, "else")
    body(doc, "Không có ý kiến phải tiếp thu, giải trình.")
    tag(doc, "endif")
    tag(doc, "if synthesis_summary")
    body(doc, "{{ synthesis_summary }}", before=6)
    tag(doc, "endif")
    body(
        doc,
        "Trên đây là báo cáo kết quả tổng hợp, tiếp thu, giải trình ý kiến của {{ org_name }}; "
        "báo cáo được niêm yết công khai 30 ngày liên tục tại các điểm niêm yết (khoản 2 Điều "
        "13 Luật Thực hiện dân chủ ở cơ sở)./.",
        before=6,
    )
    footer(doc)
    return doc


def submission() -> DocumentType:
    doc = new_document()
    header(doc)
    title(doc)
    para(doc, "Kính gửi: Chủ tịch {{ org_name }}.", align=CENTER, after=12)
    body(
        doc,
        "Thực hiện {{ plan_ref }}, dự thảo {{ title }} đã được niêm yết và lấy ý kiến "
        "{{ audience }} từ ngày {{ posted_from }} đến {{ comment_deadline }}; đã tiếp nhận "
        "{{ opinion_count }} ý kiến. Kết quả tổng hợp, tiếp thu, giải trình được nêu tại "
        "{{ report_ref }}.",
    )
    body(
        doc,
        "Dự thảo trình ký là {{ draft_version_words }}. Kính trình Chủ tịch Ủy ban nhân dân "
        "xem xét, ký Quyết định ban hành {{ title }}.",
    )
    body(
        doc,
        "(Gửi kèm: dự thảo Quyết định, dự thảo Quy chế đã hoàn thiện và báo cáo tổng hợp ý kiến.)",
        italic=True,
    )
    footer(doc)
    return doc


def decision() -> DocumentType:
    doc = new_document()
    header(doc)
    title(doc)
    para(doc, "{{ issuer_name }}", bold=True, align=CENTER, after=12)
    grounds(doc)
    for line in (
        "Căn cứ {{ plan_ref }} và kết quả tổng hợp ý kiến {{ audience }};",
        "Theo đề nghị của công chức Tư pháp - Hộ tịch.",
    ):
        body(doc, line, italic=True)
    para(doc, "QUYẾT ĐỊNH:", bold=True, align=CENTER, before=6, after=6)
    body(doc, "Điều 1. Ban hành kèm theo Quyết định này {{ title }}.")
    body(doc, "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký.")
    body(
        doc,
        "Điều 3. Công chức Văn phòng - Thống kê, Tư pháp - Hộ tịch, các ban, ngành, đoàn thể, "
        "các thôn và cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.",
    )
    footer(doc)
    doc.add_page_break()
    # The regulation it issues, with the note that ties it to the decision.
    header(doc, numbered=False)
    title(doc, heading="QUY CHẾ", subject="{{ regulation_subject }}")
    para(doc, "{{ attached_note }}", italic=True, align=CENTER)
    # Which text the Chairman signed: the revised draft version (issue 12, item 2).
    para(doc, "(Nội dung theo {{ draft_version_words }})", italic=True, align=CENTER, after=12)
    tag(doc, "for chapter in chapters")
    tag(doc, "if chapter.title")
    para(doc, "{{ chapter.title }}", bold=True, align=CENTER, before=6, after=6)
    tag(doc, "endif")
    tag(doc, "for a in chapter.articles")
    body(doc, "{{ a.heading }}", bold=True)
    body(doc, "{{ a.text }}")
    tag(doc, "endfor")
    tag(doc, "endfor")
    return doc


def implementation_plan() -> DocumentType:
    doc = new_document()
    header(doc)
    title(doc)
    body(doc, "Thực hiện {{ decision_ref }}, {{ org_name }} ban hành Kế hoạch thực hiện như sau:")
    section_title(doc, "I. MỤC ĐÍCH, YÊU CẦU")
    body(
        doc,
        "Đưa {{ title }} vào thực hiện nghiêm túc, thống nhất; bảo đảm {{ audience }} được biết, "
        "được bàn, được tham gia ý kiến, được kiểm tra, giám sát theo Quy chế.",
    )
    section_title(doc, "II. NỘI DUNG")
    body(doc, "1. Công khai Quy chế: đã công khai từ ngày {{ published_on }} tại:")
    items(doc, "publication_places")
    body(
        doc,
        "và niêm yết thường xuyên tại trụ sở {{ org_name }}, cập nhật khi có thay đổi (khoản 2 "
        "Điều 13 Luật Thực hiện dân chủ ở cơ sở).",
    )
    body(doc, "2. Quán triệt, phổ biến Quy chế tới {{ audience }}.")
    body(
        doc,
        "3. Định kỳ 6 tháng, hằng năm sơ kết, tổng kết việc thực hiện Quy chế và báo cáo kết quả.",
    )
    section_title(doc, "III. TỔ CHỨC THỰC HIỆN")
    body(
        doc,
        "Công chức Tư pháp - Hộ tịch chủ trì, phối hợp với các ban, ngành, đoàn thể, các thôn "
        "tổ chức thực hiện Kế hoạch này; đề nghị Ủy ban MTTQ Việt Nam {{ org_short }} giám sát "
        "việc thực hiện./.",
    )
    footer(doc)
    return doc


def periodic_report() -> DocumentType:
    """The half-year report's section on consultations; its text is ``report.md`` rendered."""
    doc = new_document()
    header(doc)
    title(doc)
    tag(doc, "for b in blocks")
    tag(doc, "if b.kind == 'heading'")
    para(doc, "{{ b.text }}", bold=True, align=JUSTIFY, indent=True, before=6, after=6)
    tag(doc, "elif b.kind == 'item'")
    body(doc, "- {{ b.text }}")
    tag(doc, "else")
    body(doc, "{{ b.text }}")
    tag(doc, "endif")
    tag(doc, "endfor")
    footer(doc)
    return doc


BUILDERS = {
    "01-ke-hoach-lay-y-kien.docx": plan,
    "02-thong-bao.docx": notice,
    "03-bien-ban-niem-yet.docx": posting_start,
    "04-bien-ban-ket-thuc-niem-yet.docx": posting_end,
    "05-bao-cao-tong-hop.docx": synthesis_report,
    "06-to-trinh.docx": submission,
    "07-quyet-dinh.docx": decision,
    "08-ke-hoach-thuc-hien.docx": implementation_plan,
    "bao-cao-dinh-ky.docx": periodic_report,
}


def main(argv: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = argv or list(BUILDERS)
    for name in wanted:
        path = OUT / name
        BUILDERS[name]().save(str(path))
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
