"""What each notice says.

Staff notices are Vietnamese: they are written outside any request, for Vietnamese officials.
The citizen's e-mail is in the language of the page the opinion was sent from. Every date
and moment goes through :mod:`consult.calendar`.
"""

from __future__ import annotations

from datetime import date, datetime

from consult.calendar import LegalCalendar, dmy, format_deadline
from consult.models import Document

Text = tuple[str, str]
"""A notice's subject and body."""


def consultation_link(consultation_id: int | None) -> str:
    """The notice's place in the staff desk, e.g. ``/staff/consultations/7``."""
    return f"/staff/consultations/{consultation_id}" if consultation_id else "/staff/"


def _decision_phrase(symbol: str, issued_on: date, subject: str) -> str:
    """``Quyết định số 02/QĐ-UBND ngày 25/03/2024 về việc ban hành …``."""
    about = f" {subject[:1].lower()}{subject[1:]}" if subject else ""
    return f"Quyết định số {symbol} ngày {dmy(issued_on)}{about}"


def reminder_text(title: str, closes_at: datetime, left: int, cal: LegalCalendar) -> Text:
    moment = format_deadline(closes_at, cal.tz)
    if left <= 1:
        subject = f"Nhắc việc: hôm nay là ngày cuối lấy ý kiến về dự thảo {title}"
        when = f"kết thúc lúc {moment} (giờ Việt Nam), hôm nay là ngày cuối"
    else:
        subject = f"Nhắc việc: còn {left} ngày lấy ý kiến về dự thảo {title}"
        when = f"kết thúc lúc {moment} (giờ Việt Nam), còn {left} ngày"
    body = (
        f"Thời hạn lấy ý kiến về dự thảo {title} {when}.\n"
        "Đề nghị đồng chí đôn đốc việc lấy ý kiến và nhập kịp thời các ý kiến nhận được trên "
        "giấy, qua hộp thư góp ý, tại hội nghị và qua Ban công tác Mặt trận các thôn. "
        "Khi hết thời hạn, hệ thống tự động chuyển sang bước tổng hợp ý kiến."
    )
    return subject, body


def window_closed_text(title: str, closes_at: datetime, cal: LegalCalendar) -> Text:
    subject = f"Đã hết thời hạn lấy ý kiến về dự thảo {title}: tổng hợp, tiếp thu, giải trình"
    body = (
        f"Thời hạn lấy ý kiến về dự thảo {title} đã kết thúc lúc "
        f"{format_deadline(closes_at, cal.tz)} (giờ Việt Nam).\n"
        "Đề nghị tổng hợp đầy đủ các ý kiến; với từng ý kiến, ghi rõ nội dung tiếp thu hoặc "
        "giải trình lý do không tiếp thu, rồi gửi báo cáo tổng hợp, tiếp thu, giải trình "
        "(Luật 10/2022/QH15, Điều 28(3))."
    )
    return subject, body


def publication_text(
    document: Document, deadline: datetime, *, overdue: bool, cal: LegalCalendar
) -> Text:
    decision = _decision_phrase(document.symbol, document.issued_on, document.subject)
    moment = format_deadline(deadline, cal.tz)
    basis = "05 ngày làm việc kể từ ngày ban hành (Luật 10/2022/QH15, Điều 12(3))"
    if overdue:
        subject = f"Quá hạn công khai Quyết định số {document.symbol}"
        body = (
            f"{decision} chưa được công khai; hạn công khai là {moment} (giờ Việt Nam), "
            f"{basis}.\nĐề nghị công khai ngay và ghi nhận ngày, nơi công khai trên hệ thống."
        )
    else:
        subject = f"Hạn công khai Quyết định số {document.symbol}: {moment}"
        body = (
            f"{decision} đã được ban hành, chưa được công khai.\n"
            f"Hạn công khai: {moment} (giờ Việt Nam), trong {basis}.\n"
            "Sau khi công khai, đề nghị ghi nhận ngày và nơi công khai trên hệ thống."
        )
    return subject, body


def council_report_text(
    title: str, council_of: str, decision: tuple[str, date, str] | None
) -> Text:
    subject = f"Báo cáo Hội đồng nhân dân về việc lấy ý kiến dự thảo {title}"
    issued = f"; Quy chế được ban hành theo {_decision_phrase(*decision)}" if decision else ""
    body = (
        f"Việc lấy ý kiến về dự thảo {title} đã hoàn thành{issued}.\n"
        "Đề nghị báo cáo việc lấy ý kiến và kết quả tại kỳ họp thường lệ gần nhất của Hội đồng "
        f"nhân dân {council_of} (Luật 10/2022/QH15, Điều 28(5))."
    )
    return subject, body


def staff_email_body(body: str, url: str) -> str:
    """A staff notice as an e-mail: the notice, where to see it, and why it came."""
    return (
        f"{body}\n\nXem chi tiết: {url}\n\n-- \n"
        "Thư gửi tự động từ hệ thống lấy ý kiến (consult); xin đừng trả lời thư này.\n"
        "Đồng chí có thể chọn loại thông báo nhận qua thư điện tử trong mục Thông báo."
    )


def receipt_answered_text(receipt: str, title: str, link: str, language: str) -> Text:
    """The one e-mail a citizen asked for: the response to their opinion is public."""
    if language == "en":
        return (
            f"Your opinion {receipt} has been answered",
            f"The commune has published its response to your opinion (receipt {receipt}) on "
            f"the draft {title}.\nRead it here: {link}\n\n-- \nSent once, because you asked "
            "for it; your address has now been erased. Please do not reply.",
        )
    return (
        f"Ý kiến mã {receipt} đã được trả lời",
        f"Ủy ban nhân dân xã đã công khai nội dung tiếp thu, giải trình đối với ý kiến của bạn "
        f"(mã {receipt}) về dự thảo {title}.\nXem tại: {link}\n\n-- \nThư gửi một lần theo yêu "
        "cầu của bạn; địa chỉ thư điện tử của bạn đã được xóa. Xin đừng trả lời thư này.",
    )
