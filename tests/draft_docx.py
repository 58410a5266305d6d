"""A Word draft as communes write it, made with python-docx: the title block, two chapters
with their titles on their own lines, eight articles with clauses and points, and one gap in
the numbering (Điều 5 is missing: the articles run 1–4, 6–9)."""

from __future__ import annotations

import io

from docx import Document

NUMBERS = ["1", "2", "3", "4", "6", "7", "8", "9"]
"""The articles as the file numbers them: article 5 is missing."""
CLAUSE_3_2 = "Dự toán, quyết toán ngân sách xã được công khai tại trụ sở và nhà văn hóa thôn."


def article_body(number: str) -> list[str]:
    if number == "3":
        return [
            "1. Chính sách, pháp luật liên quan đến xã.",
            f"2. {CLAUSE_3_2}",
            "a) Dự toán ngân sách hằng năm;",
            "b) Quyết toán ngân sách hằng năm.",
            "3. Kết quả thanh tra, kiểm tra.",
        ]
    return [
        f"1. Nội dung thứ nhất của điều {number}.",
        f"2. Nội dung thứ hai của điều {number}:",
        "a) điểm thứ nhất;",
        "b) điểm thứ hai.",
    ]


def draft_docx() -> bytes:
    document = Document()
    document.add_paragraph("QUY CHẾ")
    document.add_paragraph("Thực hiện dân chủ ở xã Đông Sơn")
    titles = {
        "1": "Phạm vi điều chỉnh",
        "2": "Đối tượng áp dụng",
        "3": "Những nội dung công khai",
        "4": "Hình thức công khai",
        "6": "Những nội dung Nhân dân bàn và quyết định",
        "7": "Những nội dung Nhân dân tham gia ý kiến",
        "8": "Những nội dung Nhân dân kiểm tra, giám sát",
        "9": "Tổ chức thực hiện",
    }
    for number in NUMBERS:
        if number == "1":
            document.add_paragraph("CHƯƠNG I")
            document.add_paragraph("NHỮNG QUY ĐỊNH CHUNG")
        if number == "6":
            document.add_paragraph("CHƯƠNG II")
            document.add_paragraph("NỘI DUNG THỰC HIỆN DÂN CHỦ")
        document.add_paragraph(f"Điều {number}. {titles[number]}")
        for line in article_body(number):
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
