"""The documents and register pages as the records office and the public use them, the
periodic report on the demo commune, the disclosure list and signed copies."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from consult.cli import main
from consult.documents import docx_reader, signed
from consult.models import Document, SignedCopy
from consult.runtime import Runtime
from tests.conftest import AFTER_THE_SEED, LoadDemo
from tests.helpers import COMMAND_DEMO_DAY, SEED_PLANS_AND_DECISIONS, Clock, cli_env, csrf, login

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def demo_loaded(runtime: Runtime, load_demo: LoadDemo) -> dict[str, int]:
    """The demo commune with its 2024 history, loaded on Mon 01/04/2024 (after the seed's last
    number); the ids of the two decisions' consultations."""
    load_demo(AFTER_THE_SEED, runtime)
    with Session(runtime.db) as session:
        found = {
            d.symbol: d.consultation_id
            for d in session.exec(select(Document).where(col(Document.type) == "QĐ"))
        }
    return {"agency": found["156/QĐ-UBND"], "commune": found["268/QĐ-UBND"]}


# --- the periodic report -----------------------------------------------------------------------


def test_the_half_year_report_states_the_seed_numbers_dates_and_20_day_postings(
    database_url: str, tmp_path: Path, clock: Clock
) -> None:
    clock.set(COMMAND_DEMO_DAY)
    env = cli_env(database_url, tmp_path / "i", clock)
    runner = CliRunner()
    assert runner.invoke(main, ["demo"], env=env).exit_code == 0
    args = ["report", "--org", "UBND", "--from", "2024-01-01", "--to", "2024-06-30"]
    result = runner.invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    text = result.output
    for symbol, day in SEED_PLANS_AND_DECISIONS.items():
        assert f"số {symbol} ngày {day:%d/%m/%Y}" in text, symbol
    agency, commune = text.split("\n## 2. ")
    for section in (agency, commune):
        assert "niêm yết liên tục 20 ngày" in section
        assert "Phần mềm QCDC tỉnh" in section  # where the decision was published
    assert "Bảng tin Ủy ban nhân dân xã Đông Sơn" in agency
    assert "Nhà văn hóa các thôn" in commune
    # The commune's 20 days are short of Art. 13(2)'s 30: the report says so.
    assert "ngắn hơn 30 ngày" in commune and "ngắn hơn" not in agency
    # The consultation open today is outside the period.
    assert "sửa đổi, bổ sung" not in text

    out = tmp_path / "bao-cao.docx"
    result = runner.invoke(main, [*args, "--format", "docx", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    written = docx_reader.text(out.read_bytes())
    for symbol, day in SEED_PLANS_AND_DECISIONS.items():
        assert f"số {symbol} ngày {day:%d/%m/%Y}" in written
    assert "BÁO CÁO" in written and "TM. ỦY BAN NHÂN DÂN" in written
    assert "Số: " in written and "/BC-UBND" in written

    empty = runner.invoke(
        main, ["report", "--from", "2023-01-01", "--to", "2023-06-30"], env=env
    ).output
    assert "không tổ chức đợt lấy ý kiến nào" in empty
    bad = runner.invoke(main, ["report", "--from", "2024-06-30", "--to", "2024-01-01"], env=env)
    assert bad.exit_code != 0


def test_the_report_page_shows_the_report_and_offers_both_formats(
    client: FlaskClient, demo_loaded: dict[str, int]
) -> None:
    login(client, "chutich")
    page = client.get("/staff/documents/report?from=2024-01-01&to=2024-06-30")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "127/KH-UBND" in html and "277/KH-UBND" in html
    md = client.get("/staff/documents/report?from=2024-01-01&to=2024-06-30&format=md")
    assert "số 268/QĐ-UBND ngày 25/03/2024" in md.get_data(as_text=True)
    docx = client.get("/staff/documents/report?from=2024-01-01&to=2024-06-30&format=docx")
    assert docx.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "số 156/QĐ-UBND ngày 26/02/2024" in docx_reader.text(docx.data)


# --- a consultation's documents ----------------------------------------------------------------


def test_staff_read_and_download_each_document_of_the_demo_decision(
    client: FlaskClient, demo_loaded: dict[str, int]
) -> None:
    login(client, "tuphap")
    cid = demo_loaded["commune"]
    listing = client.get(f"/staff/documents/consultations/{cid}").get_data(as_text=True)
    assert "174/KH-UBND" in listing and "268/QĐ-UBND" in listing and "277/KH-UBND" in listing
    # The legal officer does not number documents.
    assert "Give a number" not in listing and "Cấp số" not in listing
    view = client.get(f"/staff/documents/consultations/{cid}/decision").get_data(as_text=True)
    for part in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 268/QĐ-UBND",
        "Đông Sơn, ngày 25 tháng 3 năm 2024",
        "TM. ỦY BAN NHÂN DÂN",
        "Lưu: VT, TP.",
        "(Kèm theo Quyết định số 268/QĐ-UBND ngày 25 tháng 3 năm 2024",
    ):
        assert part in view, part
    download = client.get(f"/staff/documents/consultations/{cid}/plan/docx")
    assert download.status_code == 200
    assert "174-KH-UBND.docx" in download.headers["Content-Disposition"]
    assert "Số: 174/KH-UBND" in docx_reader.lines(download.data)
    draft = client.get(f"/staff/documents/consultations/{cid}/posting_end")
    assert draft.status_code == 200 and "Đông Sơn, ngày " in draft.get_data(as_text=True)
    assert client.get(f"/staff/documents/consultations/{cid}/nonsense").status_code == 404
    # The consultation's file links here.
    assert f"/staff/documents/consultations/{cid}" in client.get(
        f"/staff/consultations/{cid}"
    ).get_data(as_text=True)


def test_the_clerk_numbers_the_posting_minutes_from_the_documents_page(
    client: FlaskClient, demo_loaded: dict[str, int], runtime: Runtime
) -> None:
    login(client, "vanthu")
    cid = demo_loaded["commune"]
    path = f"/staff/documents/consultations/{cid}"
    token = csrf(client, path)
    taken = client.post(
        f"{path}/posting_start/number",
        data={"csrf_token": token, "number": "174", "issued_on": "2024-03-01"},
        follow_redirects=True,
    )
    assert "174/KH-UBND" in taken.get_data(as_text=True)  # the warning names the holder
    done = client.post(
        f"{path}/posting_start/number",
        data={"csrf_token": token, "number": "175", "issued_on": "2024-03-01"},
        follow_redirects=True,
    )
    assert "175/BB-UBND" in done.get_data(as_text=True)
    with Session(runtime.db) as session:
        minutes = session.exec(select(Document).where(Document.symbol == "175/BB-UBND")).one()
        assert (minutes.kind, minutes.consultation_id, minutes.recorded_by_hand) == (
            "posting_start",
            cid,
            True,
        )
    lines = docx_reader.lines(client.get(f"{path}/posting_start/docx").data)
    assert "Số: 175/BB-UBND" in lines and "Đông Sơn, ngày 01 tháng 3 năm 2024" in lines


# --- signed copies -----------------------------------------------------------------------------


def test_a_signed_scan_becomes_the_published_version_with_its_sha256(
    client: FlaskClient, demo_loaded: dict[str, int], runtime: Runtime
) -> None:
    cid = demo_loaded["commune"]
    with Session(runtime.db) as session:
        decision = session.exec(select(Document).where(Document.symbol == "268/QĐ-UBND")).one()
    path = f"/staff/documents/consultations/{cid}"
    upload = f"/staff/documents/{decision.id}/signed"
    # Before any scan, the public downloads the generated document.
    before = client.get(f"/documents/{decision.id}/download")
    assert before.status_code == 200 and "Số: 268/QĐ-UBND" in docx_reader.lines(before.data)

    login(client, "tuphap")
    token = csrf(client, path)
    refused = client.post(upload, data={"csrf_token": token, "file": (io.BytesIO(PDF), "qd.pdf")})
    assert refused.status_code == 403
    client.post("/logout", data={"csrf_token": csrf(client, "/staff/")})

    login(client, "vanthu")
    token = csrf(client, path)
    not_pdf = client.post(
        upload,
        data={"csrf_token": token, "file": (io.BytesIO(b"PK\x03\x04 a docx"), "qd.pdf")},
        follow_redirects=True,
    )
    assert "Tệp không phải PDF: hãy quét văn bản đã ký thành PDF" in not_pdf.get_data(as_text=True)
    with Session(runtime.db) as session:
        assert session.exec(select(SignedCopy)).first() is None
    saved = client.post(
        upload,
        data={"csrf_token": token, "file": (io.BytesIO(PDF), "268-qd.pdf"), "publish": "y"},
        follow_redirects=True,
    )
    digest = hashlib.sha256(PDF).hexdigest()
    assert digest in saved.get_data(as_text=True)
    stored = Path(runtime.settings.instance_dir) / "uploads" / "documents" / f"{digest}.pdf"
    assert stored.read_bytes() == PDF
    with Session(runtime.db) as session:
        copy = session.exec(select(SignedCopy)).one()
        assert (copy.sha256, copy.size, copy.original_name) == (digest, len(PDF), "268-qd.pdf")
    client.post("/logout", data={"csrf_token": csrf(client, "/staff/")})

    # The public page offers the signed copy with its SHA-256; the file is the scan itself.
    page = client.get(f"/consultations/{cid}").get_data(as_text=True)
    assert digest in page and f"/documents/{decision.id}/signed.pdf" in page
    public = client.get(f"/documents/{decision.id}/signed.pdf")
    assert public.status_code == 200 and public.data == PDF
    assert public.headers["Content-Type"] == "application/pdf"
    assert public.headers["X-Content-SHA256"] == digest
    assert client.get(f"/documents/{decision.id}/download").data == PDF
    api = client.get(f"/api/v1/documents/{decision.id}").get_json()
    assert api["signed_copy"]["sha256"] == digest


def test_an_unpublished_document_has_no_public_download(
    client: FlaskClient, demo_loaded: dict[str, int], runtime: Runtime, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    login(client, "vanthu")
    cid = demo_loaded["commune"]
    path = f"/staff/documents/consultations/{cid}"
    token = csrf(client, path)
    client.post(f"{path}/notice/number", data={"csrf_token": token, "issued_on": "2024-04-01"})
    with Session(runtime.db) as session:
        notice = session.exec(select(Document).where(Document.kind == "notice")).one()
        # The next number after the demo's (its open consultation's plan took 278).
        assert notice.symbol == "279/TB-UBND" and notice.published_on is None
    monkeypatch.setattr(signed, "MAX_BYTES", 10)
    too_big = client.post(
        f"/staff/documents/{notice.id}/signed",
        data={"csrf_token": token, "file": (io.BytesIO(PDF), "tb.pdf")},
        follow_redirects=True,
    )
    assert "too large" in too_big.get_data(as_text=True) or "MB" in too_big.get_data(as_text=True)
    monkeypatch.undo()
    client.post(
        f"/staff/documents/{notice.id}/signed",
        data={"csrf_token": token, "file": (io.BytesIO(PDF), "tb.pdf")},  # publish unchecked
    )
    assert client.get(f"/staff/documents/{notice.id}/signed.pdf").data == PDF
    client.post("/logout", data={"csrf_token": csrf(client, "/staff/")})
    assert client.get(f"/documents/{notice.id}/signed.pdf").status_code == 404
    assert client.get(f"/api/v1/documents/{notice.id}").status_code == 404


# --- the register and the disclosure list ------------------------------------------------------


def test_the_register_page_lists_the_year_and_warns_on_a_duplicate(
    client: FlaskClient, demo_loaded: dict[str, int]
) -> None:
    login(client, "vanthu")
    page = client.get("/staff/register?year=2024").get_data(as_text=True)
    for symbol in SEED_PLANS_AND_DECISIONS:
        assert symbol in page
    token = csrf(client, "/staff/register?year=2024")
    form = {
        "csrf_token": token,
        "type": "QĐ",
        "number": "156",
        "issued_on": "2024-05-02",
        "subject": "Trùng số",
        "signer_name": "",
        "signer_title": "",
    }
    duplicate = client.post("/staff/register?year=2024", data=form)
    assert duplicate.status_code == 422
    assert "156/QĐ-UBND" in duplicate.get_data(as_text=True)
    check = client.get("/staff/register/check?type=KH&number=170&issued_on=2024-09-01")
    assert check.get_json()["available"] is False
    assert client.get("/staff/register/check?type=KH&number=170&issued_on=2025-01-02").get_json()[
        "available"
    ]
    entered = client.post("/staff/register?year=2024", data={**form, "number": "145", "type": "KH"})
    assert entered.status_code == 302
    assert "145/KH-UBND" in client.get("/staff/register?year=2024").get_data(as_text=True)
    # A decision's number field warns as it is typed.
    consultation_page = client.get("/staff/register?year=2024").get_data(as_text=True)
    assert "register.js" in consultation_page


def test_only_the_records_office_enters_documents_on_the_register_page(
    client: FlaskClient, demo_loaded: dict[str, int]
) -> None:
    login(client, "tuphap")
    page = client.get("/staff/register")
    assert page.status_code == 200 and ">Vào sổ</button>" not in page.get_data(as_text=True)
    token = csrf(client, "/staff/register")
    posted = client.post(
        "/staff/register",
        data={"csrf_token": token, "type": "KH", "issued_on": "2024-05-02", "subject": "x"},
    )
    assert posted.status_code == 403
    client.post("/logout", data={"csrf_token": csrf(client, "/staff/")})
    login(client, "vanthu")  # the records office is offered the button the legal officer is not
    assert ">Vào sổ</button>" in client.get("/staff/register").get_data(as_text=True)


def test_the_quarterly_disclosure_list_and_its_export(
    client: FlaskClient, demo_loaded: dict[str, int]
) -> None:
    login(client, "vanthu")
    page = client.get("/staff/register/disclosures?year=2024&quarter=1").get_data(as_text=True)
    assert "Dự thảo Quy chế thực hiện dân chủ trong hoạt động của cơ quan" in page
    assert "Kế hoạch số 127/KH-UBND" in page
    assert "Quyết định số 268/QĐ-UBND ngày 25/03/2024" in page
    assert "Đăng tải trên cổng thông tin điện tử" in page and "Niêm yết" in page
    export = client.get("/staff/register/disclosures?year=2024&quarter=1&format=csv")
    assert export.data.startswith("\ufeff".encode())
    text = export.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("STT,Nội dung công khai,Hình thức")
    assert "30/01/2024" in text and "19/02/2024" in text and "thường xuyên" in text
    second = client.get("/staff/register/disclosures?year=2024&quarter=2").get_data(as_text=True)
    assert "127/KH-UBND" not in second


def test_init_db_applies_the_configured_scheme(
    database_url: str, tmp_path: Path, monkeypatch, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    from consult.ledger import register
    from consult.models import Organization

    clock.set(COMMAND_DEMO_DAY)
    env = cli_env(database_url, tmp_path / "i", clock)
    runner = CliRunner()
    assert runner.invoke(main, ["demo"], env=env).exit_code == 0
    config = tmp_path / "register.toml"
    config.write_text('[schemes]\nUBND = "per_type"\n', encoding="utf-8")
    monkeypatch.setattr(register, "CONFIG_FILE", config)
    result = runner.invoke(main, ["init-db"], env=env)
    assert result.exit_code == 0 and "register of UBND: scheme per_type" in result.output
    from consult.db import make_engine

    engine = make_engine(database_url)
    with Session(engine) as session:
        assert session.exec(select(Organization)).one().register_scheme == "per_type"
    engine.dispose()
    assert "scheme" not in runner.invoke(main, ["init-db"], env=env).output  # nothing to change
