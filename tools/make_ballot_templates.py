"""Build the Word templates of the household votes' documents into ``templates/documents/``:
the count minutes (biên bản kiểm phiếu, Decree 59/2023 Mẫu 02 and 04), the community's
decision record (Decree 59/2023 Mẫu 03; Decree 61/2023 Mẫu 02 for a hương ước adopted by
ballot) and the Chairman's recognition decision (Decree 61/2023 Mẫu 03).

Run once (``.venv/bin/python tools/make_ballot_templates.py``); as with
``make_document_templates.py``, the files then belong to the officials, and running it again
overwrites their edits. The fields they may use are the keys of
``consult.documents.ballots.context()``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_document_templates import (
    CENTER,
    OUT,
    DocumentType,
    body,
    footer,
    header,
    items,
    new_document,
    para,
    section_title,
    tag,
    title,
    two_columns,
)


def village_header(doc: DocumentType) -> None:
    """A village's record: the commune above the village | the national name and motto."""
    left, right = two_columns(doc, 7.2, 9.6)
    para(left, "{{ issuer_superior }}", size=12, align=CENTER)
    para(left, "{{ village_upper }}", bold=True, size=13, align=CENTER)
    para(left, "————", size=10, align=CENTER)
    para(right, "{{ national_name }}", bold=True, size=12, align=CENTER)
    para(right, "{{ motto }}", bold=True, underline=True, size=14, align=CENTER)
    para(right, "", size=10)
    para(right, "{{ date_line }}", italic=True, size=14, align=CENTER, before=2)


def counts(doc: DocumentType) -> None:
    body(doc, "Tổng số hộ gia đình của {{ village }}: {{ eligible }} hộ.")
    body(
        doc,
        "Số hộ gia đình tham gia biểu quyết: {{ answered }} hộ ({{ answered_percent }} % tổng số "
        "hộ); số hộ không tham gia: {{ absent }} hộ.",
    )
    body(doc, "Theo hình thức biểu quyết:")
    items(doc, "channel_lines")
    body(
        doc,
        "Số phiếu, ý kiến nhận được: {{ received }}; trong đó {{ repeated }} trả lời lặp lại của "
        "hộ đã biểu quyết (mỗi hộ chỉ được tính một lần: {{ precedence_rule }}).",
    )
    body(doc, "Kết quả:")
    items(doc, "option_lines")
    tag(doc, "if other_opinions")
    body(doc, "Ý kiến khác:")
    items(doc, "other_opinions")
    tag(doc, "endif")


def signatures(doc: DocumentType, left_title: str, right_title: str) -> None:
    para(doc, "", after=6)
    left, right = two_columns(doc, 8, 8.5)
    para(left, left_title, bold=True, size=13, align=CENTER)
    para(right, right_title, bold=True, size=13, align=CENTER)
    for cell in (left, right):
        para(cell, "(Ký, ghi rõ họ tên)", italic=True, size=12, align=CENTER)
        for _ in range(3):
            para(cell, "", size=13)
    para(left, "{{ left_signer }}", bold=True, size=14, align=CENTER)
    para(right, "{{ right_signer }}", bold=True, size=14, align=CENTER)
    para(doc, "", after=6)
    para(doc, "ĐẠI DIỆN CÁC HỘ GIA ĐÌNH CHỨNG KIẾN", bold=True, size=13, align=CENTER)
    left, right = two_columns(doc, 8, 8.5)
    for cell, key in ((left, "witness_1"), (right, "witness_2")):
        para(cell, "(Ký, ghi rõ họ tên)", italic=True, size=12, align=CENTER)
        for _ in range(3):
            para(cell, "", size=13)
        para(cell, "{{ " + key + " }}", bold=True, size=14, align=CENTER)


def count_minutes() -> DocumentType:
    doc = new_document()
    village_header(doc)
    title(doc, "BIÊN BẢN KIỂM PHIẾU", "{{ subject }}")
    body(doc, "Hôm nay, {{ counted_words }}, tại {{ place }}, Tổ kiểm phiếu gồm:")
    items(doc, "team_lines", "{{ item }};")
    body(
        doc,
        "đã tiến hành kiểm phiếu biểu quyết của các hộ gia đình về nội dung: {{ content }}. "
        "Hình thức biểu quyết: {{ form }}. Thời gian biểu quyết: từ {{ opens_at }} đến "
        "{{ counted_at }}.",
    )
    counts(doc)
    body(doc, "{{ result_sentence }}")
    body(
        doc,
        "Biên bản được lập thành 02 bản, đã đọc lại cho những người có mặt cùng nghe và thống "
        "nhất ký tên./.",
    )
    signatures(doc, "TỔ TRƯỞNG TỔ KIỂM PHIẾU", "THÀNH VIÊN TỔ KIỂM PHIẾU")
    return doc


def community_decision() -> DocumentType:
    doc = new_document()
    village_header(doc)
    title(doc, "{{ decision_heading }}", "{{ subject }}")
    body(doc, "Thời gian: {{ opens_at }} đến {{ counted_at }}. Địa điểm: {{ place }}.")
    body(doc, "Nội dung biểu quyết: {{ content }}.")
    body(doc, "Hình thức biểu quyết: {{ form }}.")
    counts(doc)
    section_title(doc, "QUYẾT ĐỊNH")
    body(doc, "{{ decision_sentence }}")
    body(
        doc,
        "Văn bản này được gửi Ủy ban nhân dân {{ org_short }} trong thời hạn 05 ngày làm việc "
        "kể từ ngày {{ counted_day }} (hạn chót: {{ submission_deadline }})./.",
    )
    signatures(doc, "TRƯỞNG THÔN", "TRƯỞNG BAN CÔNG TÁC MẶT TRẬN")
    return doc


def recognition_decision() -> DocumentType:
    doc = new_document()
    header(doc)
    title(doc)
    para(doc, "{{ committee_upper }}", bold=True, align=CENTER, after=6)
    tag(doc, "for line in grounds")
    para(doc, "{{ line }}", italic=True, after=3)
    tag(doc, "endfor")
    para(
        doc,
        "Xét đề nghị của Trưởng {{ village }} (hồ sơ nhận ngày {{ received_on }}) và kết quả "
        "biểu quyết của các hộ gia đình.",
        italic=True,
        after=6,
    )
    para(doc, "QUYẾT ĐỊNH:", bold=True, align=CENTER, after=6)
    body(
        doc,
        "Điều 1. Công nhận {{ title }}, được cộng đồng dân cư {{ village }} thông qua ngày "
        "{{ counted_day }} với {{ agree }}/{{ eligible }} hộ gia đình đồng ý ({{ agree_percent }} "
        "% tổng số hộ gia đình).",
    )
    body(
        doc,
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký. {{ title }} được công khai tại nhà "
        "văn hóa thôn và trên cổng thông tin điện tử {{ org_short }}.",
    )
    body(
        doc,
        "Điều 3. Công chức Văn hóa - Xã hội, công chức Tư pháp - Hộ tịch, Trưởng {{ village }} "
        "và các hộ gia đình {{ village }} chịu trách nhiệm thi hành Quyết định này./.",
    )
    footer(doc)
    return doc


TEMPLATES = {
    "11-bien-ban-kiem-phieu.docx": count_minutes,
    "12-van-ban-quyet-dinh-cong-dong.docx": community_decision,
    "13-quyet-dinh-cong-nhan.docx": recognition_decision,
}


def main() -> None:
    for name, build in TEMPLATES.items():
        build().save(str(OUT / name))
        print(OUT / name)


if __name__ == "__main__":
    main()
