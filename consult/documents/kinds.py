"""The documents of a consultation, in the order the procedure produces them.

Each kind names its type code (Decree 30/2020 Appendix III), the heading printed on it, its
template file under ``templates/documents/`` and, for the ones the workflow records, the
action that records it. Kinds the workflow does not record (the posting minutes, the notice,
the synthesis report, the submission) are numbered by the records office from the
consultation's documents page, or printed as an unnumbered draft before that.
"""

from __future__ import annotations

from dataclasses import dataclass

from consult.documents.layout import vn_upper
from consult.models import Document
from consult.vocabulary import DOC_TYPE


@dataclass(frozen=True)
class Kind:
    key: str
    type: str
    """Its type code (:data:`consult.vocabulary.DOC_TYPE`)."""
    label: str
    """Its name in the register and on screens."""
    template: str
    subject: str
    """The subject line (trích yếu); ``{title}`` is the draft's title."""
    action: str = ""
    """The workflow action that records it, if the workflow does."""
    signed_by: str = "committee"
    """``committee`` (TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH), ``legal_officer`` (the legal officer signs
    his own submission) or ``parties`` (minutes: the committee's and the Front's
    representatives)."""

    @property
    def heading(self) -> str:
        """What the document is, printed in capitals above its subject: "KẾ HOẠCH"."""
        return vn_upper(DOC_TYPE.vi(self.type))


KINDS: tuple[Kind, ...] = (
    Kind(
        "plan",
        "KH",
        "Kế hoạch lấy ý kiến",
        "01-ke-hoach-lay-y-kien.docx",
        "Tổ chức lấy ý kiến đối với dự thảo {title}",
        action="start_posting",
    ),
    Kind(
        "notice",
        "TB",
        "Thông báo lấy ý kiến",
        "02-thong-bao.docx",
        "Về việc lấy ý kiến đối với dự thảo {title}",
    ),
    Kind(
        "posting_start",
        "BB",
        "Biên bản niêm yết",
        "03-bien-ban-niem-yet.docx",
        "Niêm yết công khai dự thảo {title}",
        signed_by="parties",
    ),
    Kind(
        "posting_end",
        "BB",
        "Biên bản kết thúc niêm yết",
        "04-bien-ban-ket-thuc-niem-yet.docx",
        "Kết thúc niêm yết dự thảo {title}",
        signed_by="parties",
    ),
    Kind(
        "synthesis_report",
        "BC",
        "Báo cáo tổng hợp, tiếp thu, giải trình",
        "05-bao-cao-tong-hop.docx",
        "Tổng hợp, tiếp thu, giải trình ý kiến đối với dự thảo {title}",
        action="approve_synthesis",
    ),
    Kind(
        "submission",
        "TTr",
        "Tờ trình ban hành",
        "06-to-trinh.docx",
        "Về việc ban hành {title}",
        signed_by="legal_officer",
    ),
    Kind(
        "decision",
        "QĐ",
        "Quyết định ban hành",
        "07-quyet-dinh.docx",
        "Về việc ban hành {title}",
        action="issue_decision",
    ),
    Kind(
        "implementation_plan",
        "KH",
        "Kế hoạch thực hiện",
        "08-ke-hoach-thuc-hien.docx",
        "Thực hiện {title}",
        action="issue_implementation_plan",
    ),
)
BY_KEY = {kind.key: kind for kind in KINDS}


def get(key: str) -> Kind | None:
    return BY_KEY.get(key)


RECORDED_ELSEWHERE = {("sign_plan", "KH"): "plan"}
"""Documents a second step may record: the plan is numbered when the Chairman signs it here,
or when the legal officer posts the draft under a plan signed on paper."""


def kind_of(document: Document) -> Kind | None:
    """Which kind a registered document is: its own mark, else the action that recorded it."""
    if document.kind:
        return BY_KEY.get(document.kind)
    for kind in KINDS:
        if kind.action and kind.action == document.action and kind.type == document.type:
            return kind
    key = RECORDED_ELSEWHERE.get((document.action, document.type))
    return BY_KEY.get(key) if key else None


def subject_for(kind: Kind, title: str) -> str:
    return kind.subject.format(title=title)
