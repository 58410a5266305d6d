"""One vocabulary: the codes consult stores and what each is called.

For every code (a channel, a disposition, a document type, an audit action) one row gives its
**message id** for the interface (English, translated by Babel; Vietnamese first) and its
**official Vietnamese wording**, which documents and exports print whatever language the
reader chose: they are official papers, always in Vietnamese. The Vietnamese catalog
translates each message id to exactly that wording (``tests/test_vocabulary.py`` checks it),
so a page, an export and a document never name a code differently.

The code tuples the rest of consult validates against (``CHANNELS``, ``DISPOSITIONS``, the
type codes of Decree 30/2020) are derived from these tables. Role labels are not here: they
live with the roles in :mod:`consult.permissions`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from consult.i18n import _


def N_(msgid: str) -> str:
    """Mark a message id for extraction (one of Babel's default keywords); it is translated
    where it is shown, in the reader's language."""
    return msgid


@dataclass(frozen=True)
class Term:
    code: str
    msgid: str
    """The message id for the interface (English)."""
    vi: str
    """The official Vietnamese wording, as documents and exports print it."""

    def label(self) -> str:
        """In the interface's language (the message id outside a request)."""
        return _(self.msgid)


class Vocabulary:
    """The terms of one kind, in the order lists and tables show them."""

    def __init__(self, *terms: Term, missing: Term | None = None) -> None:
        self.terms = terms
        self.missing = missing
        """What an absent code (``None``, ``""`` or its own code) is called, if anything."""
        self._by_code = {t.code: t for t in terms}
        if missing is not None:
            self._by_code[missing.code] = missing

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def term(self, code: str | None) -> Term | None:
        if not code and self.missing is not None:
            return self.missing
        return self._by_code.get(code or "")

    def label(self, code: str | None) -> str:
        """The interface's label; an unknown code is shown as it is."""
        found = self.term(code)
        return found.label() if found else (code or "")

    def vi(self, code: str | None) -> str:
        """The official Vietnamese wording; an unknown code is printed as it is."""
        found = self.term(code)
        return found.vi if found else (code or "")

    def rank(self, code: str | None) -> tuple[int, str]:
        """Sort key: the table's order, unknown codes last."""
        codes = self.codes
        key = code or ""
        return (codes.index(key) if key in codes else len(codes), key)


# Law 10/2022/QH15 Art. 26: the forms of consulting citizens; staff type in what did not come
# online into the same list.
CHANNEL = Vocabulary(
    Term("online", N_("Online"), "Trực tuyến"),
    Term("paper", N_("On paper"), "Bằng văn bản"),
    Term("box", N_("Suggestion box"), "Hòm thư góp ý"),
    Term("meeting", N_("Meeting"), "Hội nghị, cuộc họp"),
    Term("questionnaire", N_("Household questionnaire"), "Phiếu lấy ý kiến hộ gia đình"),
    Term(
        "front",
        N_("Through the Front's village committee"),
        "Qua Ban công tác Mặt trận ở thôn, tổ dân phố",
    ),
    Term("email", N_("E-mail"), "Thư điện tử"),
    Term("phone", N_("Telephone"), "Điện thoại"),
)
CHANNELS = CHANNEL.codes

# Art. 28(3): every opinion is taken up or explained (tiếp thu, giải trình).
NOT_REVIEWED = "none"
"""The code filters and figures use for an opinion without a disposition."""
DISPOSITION = Vocabulary(
    Term("accepted", N_("Accepted"), "Tiếp thu"),
    Term("partly_accepted", N_("Partly accepted"), "Tiếp thu một phần"),
    Term("not_accepted", N_("Not accepted (explained)"), "Không tiếp thu, có giải trình"),
    Term("out_of_scope", N_("Out of scope"), "Không thuộc phạm vi điều chỉnh"),
    Term("duplicate", N_("Duplicate"), "Trùng lặp"),
    missing=Term(NOT_REVIEWED, N_("Not yet reviewed"), "Chưa xử lý"),
)
DISPOSITIONS = DISPOSITION.codes
TAKEN_UP = ("accepted", "partly_accepted")
"""Dispositions that take an opinion up, and may name the articles it changes."""

# Decree 30/2020/NĐ-CP Appendix III: the type codes of administrative documents. A letter
# (công văn) has none: "05/UBND-VP"; there is no code "CV".
DOC_TYPE = Vocabulary(
    Term("KH", N_("Plan"), "Kế hoạch"),
    Term("QĐ", N_("Decision"), "Quyết định"),
    Term("BC", N_("Report"), "Báo cáo"),
    Term("BB", N_("Minutes"), "Biên bản"),
    Term("TB", N_("Notice"), "Thông báo"),
    Term("TTr", N_("Submission"), "Tờ trình"),
    Term("QC", N_("Regulation (quy chế)"), "Quy chế"),
    Term("QyĐ", N_("Rules (quy định)"), "Quy định"),
    Term("HD", N_("Guidance"), "Hướng dẫn"),
    Term("CTr", N_("Programme"), "Chương trình"),
    Term("PA", N_("Plan of options (phương án)"), "Phương án"),
    Term("ĐA", N_("Project (đề án)"), "Đề án"),
    Term("GM", N_("Invitation"), "Giấy mời"),
    Term("", N_("Letter"), "Công văn"),
)
DOC_TYPES = DOC_TYPE.codes

# What the audit trail records outside the workflow's own actions (those carry their titles
# in the definition).
AUDIT_ACTION = Vocabulary(
    Term("start", N_("Consultation created"), "Tạo đợt lấy ý kiến"),
    Term("enter_opinion", N_("Offline opinion entered"), "Nhập ý kiến nhận trực tiếp"),
    Term("review_comment", N_("Disposition given"), "Xử lý ý kiến"),
    Term("group_opinions", N_("Opinions grouped"), "Gộp nhóm ý kiến"),
    Term("attach_scan", N_("Scan attached to an opinion"), "Đính kèm bản quét ý kiến"),
    Term("revise_draft", N_("Draft revised"), "Chỉnh lý dự thảo"),
    Term("edit_draft", N_("Draft edited before posting"), "Sửa dự thảo trước khi niêm yết"),
    Term("delete_draft", N_("Draft deleted before posting"), "Xóa dự thảo chưa niêm yết"),
    Term("enter_meeting", N_("Meeting and its opinions entered"), "Nhập hội nghị và ý kiến"),
    Term("generate_synthesis", N_("Synthesis report generated"), "Lập báo cáo tổng hợp"),
    Term("approve_synthesis", N_("Synthesis report approved"), "Phê duyệt báo cáo tổng hợp"),
    Term("publish_synthesis", N_("Synthesis report published"), "Công khai báo cáo tổng hợp"),
    Term("register_document", N_("Document entered in the register"), "Vào sổ văn bản"),
    Term("upload_signed_copy", N_("Signed copy uploaded"), "Tải lên bản đã ký"),
    Term("user_add", N_("Account created"), "Tạo tài khoản"),
    Term("user_deactivate", N_("Account deactivated"), "Khóa tài khoản"),
    Term("password_change", N_("Password changed"), "Đổi mật khẩu"),
    Term("user_change", N_("Account changed"), "Thay đổi tài khoản"),
    Term("village_add", N_("Village added"), "Thêm thôn, tổ dân phố"),
    Term("posting_place_add", N_("Posting place added"), "Thêm địa điểm niêm yết"),
    Term("setup", N_("Organization set up"), "Thiết lập cơ quan"),
    Term("announce_holidays", N_("Holidays entered"), "Nhập lịch nghỉ lễ"),
    Term("import_households", N_("Households imported"), "Nhập danh sách hộ gia đình"),
    Term("ballot_answer", N_("Household answer entered"), "Ghi nhận biểu quyết của hộ gia đình"),
)


# What of an opinion is public once the responses are published (the receipt, the public page,
# the publication export, the synthesis report) and what stays with the staff: Law 10/2022
# Art. 9(2) forbids disclosing who gave an opinion; Art. 28(3) publishes its uptake and the
# explanation of what was not taken up.
OPINION_FIELDS: dict[str, bool] = {
    "receipt": True,
    "received_at": True,
    "channel": True,
    "represents": True,
    "article": True,
    "clause": True,
    "body": True,
    "disposition": True,
    "reason": True,
    "response": True,
    "group": True,
    "changed": True,
    "author_name": False,
    "contact": False,
    "locality": False,
    "proposal_note": False,
    "unchanged_reason": False,
    "scans": False,
}


def is_public(field: str) -> bool:
    """Whether this field of an opinion is shown to citizens (unknown fields are not)."""
    return OPINION_FIELDS.get(field, False)


def channel_label(code: str | None) -> str:
    return CHANNEL.label(code)


def disposition_label(code: str | None) -> str:
    return DISPOSITION.label(code)


def doc_type_label(code: str | None) -> str:
    return DOC_TYPE.label(code)


def audit_label(code: str | None) -> str:
    return AUDIT_ACTION.label(code)
