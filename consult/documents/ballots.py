"""The documents of a household vote, printed from the counted ballot: the count minutes
(biên bản kiểm phiếu, Decree 59/2023 Mẫu 02 and 04), the community's decision record (Decree
59/2023 Mẫu 03; for a hương ước, the minutes of adoption, Decree 61/2023 Mẫu 02) and the
Chairman's recognition decision (Decree 61/2023 Mẫu 03). Templates:
``templates/documents/11-…``, ``12-…``, ``13-…`` (built by ``tools/make_ballot_templates.py``,
then the officials' to edit). Every figure comes from the tally stored when the ballot was
counted, so the minutes, the decision and the published result state the same numbers."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from docxtpl import DocxTemplate
from sqlmodel import Session, col, select

from consult.calendar import dmy, format_deadline, format_moment
from consult.documents import layout, pages
from consult.documents.render import TEMPLATES_DIR, addressees, fold_symbol, organization_body
from consult.errors import NotFound
from consult.i18n import _
from consult.models import Ballot, Consultation, Document, Locality, Organization, Window
from consult.vocabulary import CHANNEL
from consult.workflow.definition import BallotSpec, Definition

TEMPLATES = {
    "count_minutes": "11-bien-ban-kiem-phieu.docx",
    "community_decision": "12-van-ban-quyet-dinh-cong-dong.docx",
    "recognition_decision": "13-quyet-dinh-cong-nhan.docx",
}
GROUNDS = (
    "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025;",
    "Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15 ngày 10 tháng 11 năm 2022;",
    "Căn cứ Nghị định số 61/2023/NĐ-CP ngày 16 tháng 8 năm 2023 của Chính phủ về xây dựng và "
    "thực hiện hương ước, quy ước của cộng đồng dân cư;",
)
"""The grounds (Căn cứ) of the recognition decision: data here, never in the template."""


@dataclass(frozen=True)
class Rendered:
    filename: str
    content: bytes


def _percent(value: float) -> str:
    """Vietnamese decimals: 51,00."""
    return f"{value:.2f}".replace(".", ",")


def _precedence_rule(spec: BallotSpec) -> str:
    if not spec.precedence:
        return "trả lời sau cùng được tính"
    order = " > ".join(CHANNEL.vi(c) for c in spec.precedence)
    return f"ưu tiên {order}; cùng hình thức thì trả lời sau cùng được tính"


def _ballot_facts(
    session: Session, definition: Definition, consultation: Consultation, ballot: Ballot
) -> dict[str, Any]:
    spec = definition.ballots[ballot.name]
    organization = session.get(Organization, consultation.organization_id)
    village = session.get(Locality, ballot.locality_id)
    assert organization is not None and village is not None and ballot.counted_at is not None
    tally: dict[str, Any] = ballot.tally
    minutes: dict[str, Any] = ballot.minutes
    counted_day = date.fromisoformat(minutes["counted_on"]) if minutes.get("counted_on") else None
    team = list(minutes.get("team") or [])
    witnesses = [*list(minutes.get("witnesses") or []), "", ""][:2]
    eligible = int(tally["eligible"])
    agree = int(tally["options"][spec.passes_with])
    threshold = (
        f"trên {spec.more_than_percent} % tổng số hộ gia đình của {village.name} ({spec.basis})"
    )
    passed = bool(ballot.passed)
    share = (
        f"{agree}/{eligible} hộ gia đình ({_percent(tally['percents'][spec.passes_with])} %) "
        f"{spec.option_label(spec.passes_with).lower()}"
    )
    result = (
        f"Kết quả: nội dung được thông qua: {share}, {threshold}."
        if passed
        else f"Kết quả: nội dung không được thông qua: {share}, chưa đạt {threshold}."
    )
    deadline = session.exec(
        select(Window)
        .where(Window.consultation_id == consultation.id, col(Window.opens_at) <= ballot.counted_at)
        .order_by(col(Window.opens_at).desc())
    ).all()
    submission = next(
        (
            w
            for w in deadline
            if (s := definition.windows.get(w.name)) is not None and s.opens_with in spec.counted_by
        ),
        None,
    )
    return {
        "national_name": layout.NATIONAL_NAME,
        "motto": layout.MOTTO,
        "issuer_superior": layout.vn_upper(organization.short_name),
        "village": village.name,
        "village_upper": layout.vn_upper(village.name),
        "org_name": organization.name,
        "org_short": organization.short_name,
        "date_line": layout.date_line(organization.place_name, counted_day),
        "subject": f"{spec.title}: {consultation.title}",
        "title": consultation.title,
        "content": consultation.summary or consultation.title,
        "round": ballot.round,
        "counted_words": layout.vn_date_words(counted_day) if counted_day else "",
        "counted_day": dmy(counted_day),
        "opens_at": format_moment(ballot.opens_at),
        "counted_at": format_moment(ballot.counted_at),
        "place": minutes.get("place") or "",
        "form": minutes.get("form") or "",
        "team_lines": [
            f"- {name} (tổ trưởng, đại diện Ban công tác Mặt trận)" if i == 0 else f"- {name}"
            for i, name in enumerate(team)
        ],
        "eligible": eligible,
        "answered": tally["answered"],
        "answered_percent": _percent(tally["answered"] * 100 / eligible if eligible else 0),
        "absent": tally["absent"],
        "received": tally["received"],
        "repeated": tally["repeated"],
        "precedence_rule": _precedence_rule(spec),
        "channel_lines": [
            f"- {CHANNEL.vi(code)}: {n} hộ;" for code, n in tally["by_channel"].items()
        ],
        "option_lines": [
            f"- {label}: {tally['options'].get(code, 0)} hộ "
            f"({_percent(tally['percents'].get(code, 0.0))} % tổng số hộ gia đình);"
            for code, label in spec.options
        ],
        "other_opinions": list(tally.get("other_opinions") or []),
        "result_sentence": result,
        "passed": passed,
        "agree": agree,
        "agree_percent": _percent(tally["percents"][spec.passes_with]),
        "decision_heading": "VĂN BẢN QUYẾT ĐỊNH CỦA CỘNG ĐỒNG DÂN CƯ"
        if passed
        else "BIÊN BẢN KẾT QUẢ BIỂU QUYẾT",
        "decision_sentence": (
            f"Cộng đồng dân cư {village.name} quyết định: {consultation.title}. {result}"
            if passed
            else f"Nội dung «{consultation.title}» không được quyết định. {result}"
        ),
        "submission_deadline": format_deadline(submission.closes_at) if submission else "",
        "left_signer": minutes.get("village_head") or "",
        "right_signer": team[0] if team else "",
        "witness_1": witnesses[0],
        "witness_2": witnesses[1],
        "team_leader": team[0] if team else "",
    }


def _render(template: str, values: dict[str, Any]) -> bytes:
    document = DocxTemplate(str(TEMPLATES_DIR / template))
    document.render(values, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return pages.numbered(buffer.getvalue())  # page numbers from page 2 (Decree 30/2020)


def ballot_document(
    session: Session,
    definition: Definition,
    consultation: Consultation,
    ballot: Ballot,
    which: str,
) -> Rendered:
    """``count_minutes`` or ``community_decision`` of a counted ballot."""
    if ballot.counted_at is None:
        raise NotFound(_("This vote has not been counted yet."))
    values = _ballot_facts(session, definition, consultation, ballot)
    if which == "count_minutes":
        values["left_signer"], values["right_signer"] = (
            values["team_leader"],
            ", ".join(str(name) for name in list(ballot.minutes.get("team") or [])[1:]),  # type: ignore[call-overload]
        )
    name = f"{which.replace('_', '-')}-{consultation.id}-{ballot.name}-{ballot.round}.docx"
    return Rendered(name, _render(TEMPLATES[which], values))


def recognition_decision(
    session: Session,
    definition: Definition,
    consultation: Consultation,
    ballot: Ballot,
    document: Document,
    received_on: date | None,
    now: datetime,
) -> Rendered:
    """The Chairman's decision recognising what the households adopted (a registered QĐ)."""
    organization = session.get(Organization, consultation.organization_id)
    assert organization is not None
    values = _ballot_facts(session, definition, consultation, ballot)
    issuer = layout.issuer(organization.name, organization.superior_name, organization.short_name)
    signing = layout.signing_block(
        document.signer_title or "Chủ tịch",
        document.signer_name,
        on_behalf_of=organization_body(organization),
    )
    values.update(
        issuer_superior=issuer.superior,
        issuer_name=issuer.name,
        issuer_line_1=issuer.name_lines[0],
        issuer_line_2=issuer.name_lines[1],
        number_line=layout.number_line(document.number, document.type, organization.code),
        date_line=layout.date_line(organization.place_name, document.issued_on),
        heading=layout.vn_upper("Quyết định"),
        subject=document.subject,
        committee_upper=layout.vn_upper(f"Chủ tịch {organization.name}"),
        grounds=list(GROUNDS),
        received_on=dmy(received_on),
        signing_mark=signing.mark,
        signing_position=signing.position,
        signer_name=signing.name,
        recipients=layout.Recipients(
            [
                f"{values['village']} (để thực hiện)",
                *addressees(organization, "decision", document.issued_on)[1:],
            ],
            "VHXH",
        ).lines,
    )
    return Rendered(
        f"{fold_symbol(document.symbol)}.docx", _render(TEMPLATES["recognition_decision"], values)
    )
