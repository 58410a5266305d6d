"""A community decision by household vote (Law 10/2022 Arts. 20–21, Decree 59/2023): notice
at least 2 days ahead, paper and online answers, one household answering twice counted once,
the published result, the count minutes and the decision read back from their DOCX."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session

from consult.config import ROOT
from consult.db import write_session
from consult.documents import ballots as ballot_documents
from consult.documents import docx_reader
from consult.errors import Forbidden, Invalid, NotAllowedNow
from consult.models import Consultation, Organization
from consult.runtime import Runtime
from consult.services import ballots
from tests.helpers import (
    VILLAGE,
    VOTE_COUNT,
    Clock,
    actor,
    answer,
    import_households,
    start,
    state,
    take,
    vn_utc,
    window,
)


def test_a_household_vote_counts_each_household_once_and_prints_its_records(
    core: Runtime, commune: Organization, clock: Clock
) -> None:
    import_households(core, commune, 10)
    cid = start(core, commune, "bieu-quyet-ho-gia-dinh", "Đóng góp làm đường bê tông thôn")

    # Fri 01/03/2024: the vote may start on Sun 03/03 at the earliest (2 days' notice).
    with pytest.raises(Invalid) as early:
        take(core, cid, "give_notice", "tuphap", {"village": VILLAGE, "vote_on": "2024-03-02"})
    assert "03/03/2024" in early.value.fields["vote_on"]
    take(core, cid, "give_notice", "tuphap", {"village": VILLAGE, "vote_on": "2024-03-04"})
    with pytest.raises(NotAllowedNow):
        answer(core, cid, "DB001", "agree", "paper")

    clock.set(vn_utc(2024, 3, 4, 8))
    for n in (1, 2, 3, 4):
        answer(core, cid, f"DB{n:03d}", "agree", "paper")
    for n in (5, 6):
        answer(core, cid, f"DB{n:03d}", "agree", "online", voter_name=f"Người dân {n}")
    answer(core, cid, "DB007", "other", "online", voter_name="Người 7", note="Làm vào mùa khô")
    answer(core, cid, "DB008", "disagree", "paper")
    # Household 9 answers online (agree), then on paper (disagree): the paper ballot stands.
    answer(core, cid, "DB009", "agree", "online", voter_name="Người 9")
    clock.advance(hours=1)
    answer(core, cid, "DB009", "disagree", "paper")
    # Household 5 answers online twice: counted once, the later answer standing.
    answer(core, cid, "DB005", "agree", "online", voter_name="Người dân 5")
    with pytest.raises(Invalid) as no_name:
        answer(core, cid, "DB010", "agree", "online")
    assert "voter_name" in no_name.value.fields
    with write_session(core.db) as session, pytest.raises(Forbidden):
        ballots.answer(
            session,
            core.engine,
            cid,
            ballots.Answer("DB010", "agree", "paper"),
            actor(session, "vanthu"),
            core.now(),
        )

    clock.set(vn_utc(2024, 3, 5, 17))
    take(core, cid, "record_adoption", "mttq", {**VOTE_COUNT, "counted_on": "2024-03-05"})
    assert state(core, cid) == "decided"
    with Session(core.db) as session:
        [result] = ballots.results(session, core.engine, cid)
    assert result["eligible"] == 10
    assert result["answered"] == 9 and result["absent"] == 1 and result["received"] == 11
    assert {o["code"]: o["households"] for o in result["options"]} == {
        "agree": 6,
        "disagree": 2,
        "other": 1,
    }
    assert result["by_channel"] == {"paper": 6, "meeting": 0, "online": 3}
    assert result["passed"] is True
    # Tue 05/03 + 5 working days: 06, 07, 08, 11, 12/03 → until 24:00 12/03/2024.
    assert window(core, cid, "submission_deadline").closes_at == vn_utc(2024, 3, 13, 0)

    with Session(core.db) as session:
        consultation = session.get(Consultation, cid)
        assert consultation is not None
        definition = core.engine.definition_of(session, consultation)
        ballot = ballots.counted_ballot(session, cid)
        minutes = docx_reader.text(
            ballot_documents.ballot_document(
                session, definition, consultation, ballot, "count_minutes"
            ).content
        )
        decision = docx_reader.text(
            ballot_documents.ballot_document(
                session, definition, consultation, ballot, "community_decision"
            ).content
        )
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "XÃ ĐÔNG SƠN",
        "THÔN ĐỒNG BÔNG",
        "BIÊN BẢN KIỂM PHIẾU",
        "Đông Sơn, ngày 05 tháng 3 năm 2024",
        "tại Nhà văn hóa thôn Đồng Bông",
        "Hoàng Văn Minh (tổ trưởng, đại diện Ban công tác Mặt trận)",
        "Đỗ Văn Chung",
        "Đóng góp làm đường bê tông thôn",
        "Tổng số hộ gia đình của Thôn Đồng Bông: 10 hộ",
        "tham gia biểu quyết: 9 hộ (90,00 % tổng số hộ); số hộ không tham gia: 1 hộ",
        "Bằng văn bản: 6 hộ",
        "Trực tuyến: 3 hộ",
        "Số phiếu, ý kiến nhận được: 11; trong đó 2 trả lời lặp lại",
        "Đồng ý: 6 hộ (60,00 % tổng số hộ gia đình)",
        "Không đồng ý: 2 hộ (20,00 % tổng số hộ gia đình)",
        "Ý kiến khác: 1 hộ (10,00 % tổng số hộ gia đình)",
        "Làm vào mùa khô",
        "nội dung được thông qua: 6/10 hộ gia đình (60,00 %)",
        "trên 50 % tổng số hộ gia đình",
        "TỔ TRƯỞNG TỔ KIỂM PHIẾU",
        "Trần Văn Cường",
        "Phạm Thị Dung",
    ):
        assert expected in minutes, expected
    for expected in (
        "VĂN BẢN QUYẾT ĐỊNH CỦA CỘNG ĐỒNG DÂN CƯ",
        "Thời gian: 00:00 ngày 04/03/2024 đến 17:00 ngày 05/03/2024",
        "Địa điểm: Nhà văn hóa thôn Đồng Bông",
        "Nội dung biểu quyết:",
        "Hình thức biểu quyết: Phát phiếu lấy ý kiến hộ gia đình và biểu quyết trực tuyến",
        "Tổng số hộ gia đình của Thôn Đồng Bông: 10 hộ",
        "số hộ không tham gia: 1 hộ",
        "Cộng đồng dân cư Thôn Đồng Bông quyết định: Đóng góp làm đường bê tông thôn",
        "hạn chót: 24:00 ngày 12/03/2024",
        "TRƯỞNG THÔN",
        "Ngô Văn Hải",
        "TRƯỞNG BAN CÔNG TÁC MẶT TRẬN",
        "Hoàng Văn Minh",
        "ĐẠI DIỆN CÁC HỘ GIA ĐÌNH CHỨNG KIẾN",
        "Trần Văn Cường",
        "Phạm Thị Dung",
    ):
        assert expected in decision, expected
    # Nobody's name or answer is in the published result.
    assert "Người dân" not in str(result) and "DB00" not in str(result)

    take(core, cid, "submit_to_commune", "tuphap", {"received_on": "2024-03-12"})
    take(core, cid, "recognize", "chutich", {"recognized_on": "2024-03-14"})
    assert state(core, cid) == "recognized"


def test_a_vote_without_more_than_half_of_all_households_is_not_decided(
    core: Runtime, commune: Organization, clock: Clock
) -> None:
    import_households(core, commune, 10)
    cid = start(core, commune, "bieu-quyet-ho-gia-dinh", "Đóng góp xây nhà văn hóa")
    take(core, cid, "give_notice", "tuphap", {"village": VILLAGE, "vote_on": "2024-03-03"})
    clock.set(vn_utc(2024, 3, 3, 8))
    # 5 of 10 agree and nobody disagrees: half of all households is not more than half.
    for n in range(1, 6):
        answer(core, cid, f"DB{n:03d}", "agree", "paper")
    take(core, cid, "record_rejection", "mttq", VOTE_COUNT)
    assert state(core, cid) == "not_decided"


def test_no_procedure_is_named_in_the_code() -> None:
    """The procedures are definitions: their ids appear nowhere in consult/."""
    ids = [
        re.search(r"^id: (\S+)", p.read_text(encoding="utf-8"), re.M).group(1)  # type: ignore[union-attr]
        for p in sorted((ROOT / "workflows").glob("*.yaml"))
        if "ballots:" in p.read_text(encoding="utf-8")
    ]
    assert ids == ["bieu-quyet-ho-gia-dinh", "huong-uoc-thon"]
    for path in (ROOT / "consult").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for found in ids:
            assert found not in text, f"{path.relative_to(ROOT)} names {found}"
